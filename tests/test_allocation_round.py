"""The allocation round with the engine and the rule files: participation, one request per
body, caps, keys, weights and method as of the round's date, the report, the files, the
command, and a policy officer changing the round by editing rule files only.

Small rounds use a copy of the bundled rules with small caps (``SMALL_CAPS``, adding up as
the checker requires), so that every cap binds with a handful of applications.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import RULES, dump_rule_file, make_application
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from typer.testing import CliRunner

from capcoe_rules import Engine
from capcoe_rules.allocation import (
    AllocationResult,
    RoundError,
    allocate_round,
    write_csv,
    write_json,
)
from capcoe_rules.allocation.report import csv_columns
from capcoe_rules.cli import app
from capcoe_rules.language import check_ruleset

pytestmark = pytest.mark.timeout(900)

METHODS = ("decreto_2024", "proporzionale", "priorita")
PROFILES = (
    "tecnico",
    "economico_statistico",
    "informatico_digitale",
    "giuridico_amministrativo",
    "ecologico_ambientale",
    "culturale",
)
SMALL_CAPS: dict[str, Any] = {
    "hiring_cap_total": 20,
    "hiring_cap_comuni_unioni": 10,
    "hiring_cap_regioni": 4,
    "hiring_cap_province": 3,
    "hiring_cap_citta_metropolitane": 2,
    "hiring_cap_dipartimento": 1,
    "hiring_cap_profilo_tecnico": 8,
    "hiring_cap_profilo_economico_statistico": 5,
    "hiring_cap_profilo_informatico_digitale": 3,
    "hiring_cap_profilo_giuridico_amministrativo": 1,
    "hiring_cap_profilo_ecologico_ambientale": 1,
    "hiring_cap_profilo_culturale": 1,
}


def edit(directory: Path, file: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = directory / file
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(dump_rule_file(document), "utf-8")


def dated(value: Any) -> list[dict[str, Any]]:
    return value if isinstance(value, list) else [{"from": dt.date(2021, 1, 1), "value": value}]


def rules_with(directory: Path, **values: Any) -> Path:
    """A copy of the bundled rules with some round parameters changed: a value, or a list
    of ``{from, to, value}`` for dated ones."""
    shutil.copytree(RULES, directory)
    for file in ("assunzioni/contingenti.yaml", "assunzioni/riparto.yaml"):

        def change(document: dict[str, Any]) -> None:
            for name, value in values.items():
                if name in document.get("parameters", {}):
                    document["parameters"][name]["values"] = dated(value)

        edit(directory, file, change)
    return directory


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return rules_with(tmp_path_factory.mktemp("small") / "rules", **SMALL_CAPS)


@pytest.fixture(scope="module")
def small_engine(small: Path) -> Engine:
    return Engine.from_path(small)


def hiring(
    identifier: str,
    code: str = "063049",
    body_type: str = "comune",
    need: int | None = None,
    when: str = "2023-12-04T10:15:00+01:00",
    population: int | None = None,
    spending: str | None = None,
    **hires: int,
) -> dict[str, Any]:
    """An eligible hiring application (by default of the Comune di Napoli)."""
    hires = hires or {"tecnico": 2, "economico_statistico": 1}
    role = (
        "sindaco"
        if body_type in ("comune", "unione_di_comuni", "citta_metropolitana")
        else ("legale_rappresentante")
    )
    case = make_application(
        id=identifier,
        applicant__name=f"Ente {identifier}",
        applicant__body_type=body_type,
        applicant__istat_code=code,
        submitter__role=role,
        submitted_at=when,
        hires=hires,
        needs_analysis__declared_need_posts=need if need is not None else sum(hires.values()) + 2,
    )
    if population is not None:
        case["applicant"]["resident_population"] = population
    if spending is not None:
        case["applicant"]["spending_capacity"] = spending
    return case


# Comuni of the less developed regions: Napoli, Palermo, Bari, Cagliari, Roghudi,
# Potenza, Campobasso, Caserta (ISTAT codes).
LD_COMUNI = ("063049", "082053", "072006", "092009", "080068", "076063", "070006", "061022")


# -- who takes part -------------------------------------------------------------------------


def test_only_eligible_applications_take_part_and_the_rest_say_why(small_engine: Engine) -> None:
    late = hiring("LATE", code="061022", when="2024-02-15T09:00:00+01:00")
    training = make_application(id="TRAINING", area="formazione")
    northern = hiring("MILANO", code="015146")
    broken = hiring("BROKEN")
    del broken["submitter"]
    cases = [hiring("OK-1"), hiring("OK-2", code="082053"), late, training, northern, broken]
    result = allocate_round(small_engine, cases)
    assert {share.id for share in result.shares} == {"OK-1", "OK-2"}
    excluded = {entry.id: entry for entry in result.excluded}
    assert excluded["LATE"].cause == "not_eligible" and "ASS-FINESTRA" in excluded["LATE"].reasons
    assert excluded["MILANO"].cause == "not_eligible"
    assert "ASS-REGIONI" in excluded["MILANO"].reasons
    assert excluded["TRAINING"].cause == "not_taking_part" and excluded["TRAINING"].reasons == []
    assert [entry.source for entry in result.invalid] == ["#6"]
    assert "submitter: this field is required and missing" in result.invalid[0].problems
    assert result.totals.applications == 6
    assert (result.totals.eligible, result.totals.excluded, result.totals.invalid) == (2, 3, 1)


def test_a_rounds_result_cannot_be_changed_after_the_round(small_engine: Engine) -> None:
    """A result is a record of what was decided: a later edit of it is refused."""
    result = allocate_round(small_engine, [hiring("OK-1")])
    with pytest.raises(ValidationError, match="frozen"):
        result.method = "proporzionale"
    with pytest.raises(ValidationError, match="frozen"):
        result.shares[0].id = "OTHER"


def test_an_id_used_twice_makes_every_copy_invalid(small_engine: Engine) -> None:
    result = allocate_round(
        small_engine,
        [hiring("TWICE"), hiring("OTHER", code="082053"), hiring("TWICE", code="072006")],
    )
    assert [share.id for share in result.shares] == ["OTHER"]
    assert [(entry.source, entry.problems) for entry in result.invalid] == [
        ("#1", ["id: 'TWICE' is used again in #3"]),
        ("#3", ["id: 'TWICE' is used again in #1"]),
    ]
    assert [entry.problems_it for entry in result.invalid] == [
        ["id: 'TWICE' è usato di nuovo in #3"],
        ["id: 'TWICE' è usato di nuovo in #1"],
    ]


def test_one_body_one_request_several_are_refused_and_named(small_engine: Engine) -> None:
    """The same comune asking three times under three ids would draw three shares: the
    bundled rules (one_request_per_body: refuse) leave all three out, naming the others."""
    cases = [hiring(f"NAPOLI-{n}", tecnico=5) for n in range(3)] + [
        hiring("NAPOLI-PROVINCIA", code="063", body_type="citta_metropolitana", tecnico=2),
        hiring("PALERMO", code="082053"),
    ]
    result = allocate_round(small_engine, cases)
    assert {share.id for share in result.shares} == {"NAPOLI-PROVINCIA", "PALERMO"}
    refused = {entry.id: entry for entry in result.excluded}
    assert refused["NAPOLI-0"].cause == "same_body"
    assert refused["NAPOLI-0"].reasons == ["NAPOLI-1", "NAPOLI-2"]
    assert refused["NAPOLI-2"].reasons == ["NAPOLI-0", "NAPOLI-1"]


def test_the_rule_file_can_keep_the_latest_of_one_bodys_requests(tmp_path: Path) -> None:
    rules = rules_with(tmp_path / "rules", **SMALL_CAPS)
    edit(
        rules,
        "assunzioni/riparto.yaml",
        lambda d: d["allocation"]["one_request_per_body"].update(several="keep_latest"),
    )
    cases = [
        hiring("FIRST", when="2023-12-04T10:15:00+01:00"),
        hiring("LAST", when="2023-12-20T10:15:00+01:00"),
        hiring("MIDDLE", when="2023-12-10T10:15:00+01:00"),
    ]
    result = allocate_round(Engine.from_path(rules), cases)
    assert [share.id for share in result.shares] == ["LAST"]
    assert {entry.id: entry.reasons for entry in result.excluded} == {
        "FIRST": ["LAST", "MIDDLE"],
        "MIDDLE": ["FIRST", "LAST"],
    }


# -- the round's date, method, keys and weights ---------------------------------------------


def test_the_round_reads_caps_and_method_as_of_its_date(tmp_path: Path) -> None:
    rules = rules_with(
        tmp_path / "rules",
        **{
            **SMALL_CAPS,
            "hiring_cap_total": [
                {"from": dt.date(2021, 1, 1), "to": dt.date(2024, 1, 31), "value": 20},
                {"from": dt.date(2024, 2, 1), "value": 16},
            ],
            "hiring_cap_comuni_unioni": [
                {"from": dt.date(2021, 1, 1), "to": dt.date(2024, 1, 31), "value": 10},
                {"from": dt.date(2024, 2, 1), "value": 6},
            ],
            "hiring_cap_profilo_tecnico": [
                {"from": dt.date(2021, 1, 1), "to": dt.date(2024, 1, 31), "value": 8},
                {"from": dt.date(2024, 2, 1), "value": 4},
            ],
            "hiring_allocation_method": [
                {"from": dt.date(2021, 1, 1), "to": dt.date(2024, 1, 31), "value": "proporzionale"},
                {"from": dt.date(2024, 2, 1), "value": "priorita"},
            ],
        },
    )
    assert check_ruleset(rules) == []
    engine = Engine.from_path(rules)
    cases = [
        hiring(f"C-{n}", code, tecnico=3, economico_statistico=2)
        for n, code in enumerate(LD_COMUNI[:4])
    ]
    before = allocate_round(engine, cases, as_of=dt.date(2024, 1, 15))
    after = allocate_round(engine, cases, as_of=dt.date(2024, 3, 1))
    assert (before.method, before.pools[0].cap, before.pools[0].allocated) == (
        "proporzionale",
        10,
        10,
    )
    assert (after.method, after.pools[0].cap, after.pools[0].allocated) == ("priorita", 6, 6)
    assert after.parameters["hiring_cap_comuni_unioni"] == 6
    assert allocate_round(
        engine, cases, as_of=dt.date(2024, 3, 1), method="decreto_2024"
    ).method == ("decreto_2024")
    # By default, the latest submission day.
    assert allocate_round(engine, cases).as_of == dt.date(2023, 12, 4)


def test_a_round_that_cannot_be_held_says_why(small_engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(RoundError, match="no valid application"):
        allocate_round(small_engine, [])
    with pytest.raises(RoundError, match="outside the period"):
        allocate_round(small_engine, [hiring("A")], as_of=dt.date(2031, 1, 1))
    with pytest.raises(RoundError, match="unknown allocation method 'sorteggio'"):
        allocate_round(small_engine, [hiring("A")], method="sorteggio")
    rules = tmp_path / "none"
    shutil.copytree(RULES, rules)
    (rules / "assunzioni" / "riparto.yaml").unlink()
    with pytest.raises(RoundError, match="declares no allocation round"):
        allocate_round(Engine.from_path(rules), [hiring("A")])
    # An empty round with a date is a round: nobody takes part, every post stays open.
    empty = allocate_round(small_engine, [], as_of=dt.date(2024, 1, 30))
    assert (empty.totals.allocated, empty.totals.unallocated) == (0, 19)


# -- the report -----------------------------------------------------------------------------


def test_the_report_explains_each_share_and_every_cap(small_engine: Engine) -> None:
    cases = [
        hiring("NAPOLI", tecnico=3, economico_statistico=3, population=900_000, spending="60"),
        hiring("PALERMO", code="082053", need=40, tecnico=4, economico_statistico=2),
        hiring("BARI", code="072006", tecnico=3, giuridico_amministrativo=1),
        hiring("CAMPANIA", code="15", body_type="regione", tecnico=2, economico_statistico=2),
        hiring("CASERTA", code="061", body_type="provincia", informatico_digitale=3),
    ]
    result = allocate_round(small_engine, cases)
    assert result.method == "decreto_2024" and result.excluded == []
    totals = result.totals
    assert (totals.supply, totals.reserved, totals.open_supply) == (20, 1, 19)
    assert totals.demand == sum(share.requested_total for share in result.shares) == 23
    assert totals.allocated + totals.unmet == totals.demand
    pools = {use.name: use for use in result.pools}
    assert pools["comuni_unioni"].parameter == "hiring_cap_comuni_unioni"
    assert pools["comuni_unioni"].label == "Comuni e Unioni di comuni"
    assert pools["dipartimento"].reserved == 1 and pools["dipartimento"].demand == 0
    assert [use.name for use in result.profiles] == list(PROFILES)
    assert sum(use.allocated for use in result.profiles) == totals.allocated
    assert {use.name for use in result.bodies} == {"comune", "regione", "provincia"}
    assert sum(use.allocated for use in result.bodies) == totals.allocated
    giuridico = next(use for use in result.profiles if use.name == "giuridico_amministrativo")
    assert giuridico.cap == 1 and giuridico.full
    # Groups: every region of the key, its key share and why it got what it got.
    groups = {use.group: use for use in result.groups}
    assert set(groups) == {"14", "15", "16", "17", "18", "19", "20"}
    assert groups["19"].label == "Sicilia" and groups["19"].key_weight == 5860
    assert sum(use.key_share or 0 for use in result.groups) == Decimal(19)
    assert sum(use.allocated for use in result.groups) == totals.allocated
    assert groups["14"].allocated == 0 and "capped_at_request" in groups["14"].why
    # The comuni pool's 10 posts: only Campania, Sicily and Puglia asked, so the other
    # regions' key shares go to them by the same key: 3.50, 3.71 and 2.79, rounded.
    comuni = {use.group: use for use in result.cells if use.pool == "comuni_unioni"}
    assert comuni["16"].key_share == Decimal("2.10") and comuni["16"].demand == 4
    assert [comuni[g].posts for g in ("15", "19", "16")] == [3, 4, 3]
    assert "resplit" in comuni["19"].why  # 3.71 -> 4 is beyond 3.50 rounded up...
    assert comuni["15"].why == []  # ...2.65 -> 3 is not
    for share in result.shares:
        assert share.allocated_total == sum(share.allocated.values())
        assert share.unmet == share.requested_total - share.allocated_total
        assert bool(share.bounded_by) == (share.unmet > 0)
        assert share.criteria.keys() == {"need", "population", "spending", "priority"}
    napoli = next(share for share in result.shares if share.id == "NAPOLI")
    assert napoli.criteria["population"] == 900_000 and napoli.criteria["spending"] == 60
    assert napoli.group_label == "Campania" and napoli.body == "comune"
    palermo = next(share for share in result.shares if share.id == "PALERMO")
    assert palermo.criteria["population"] is None  # not declared: counts 0
    assert [share.rank for share in result.shares] == list(range(1, len(result.shares) + 1))
    ranks = [(-(s.criteria["priority"] or 0), s.submitted_at, s.id) for s in result.shares]
    assert ranks == sorted(ranks)


def test_a_cap_is_full_exactly_when_its_posts_are_all_given(small_engine: Engine) -> None:
    """Comuni quota 10: nine posts asked, not full; ten asked, full. Profile 'culturale'
    (cap 1): asked by nobody, not full."""
    nine = [
        hiring("NAPOLI", tecnico=5),
        hiring("PALERMO", code="082053", tecnico=3, economico_statistico=1),
    ]
    ten = [*nine[:1], hiring("PALERMO", code="082053", tecnico=3, economico_statistico=2)]
    for cases, full in ((nine, False), (ten, True)):
        result = allocate_round(small_engine, cases, method="proporzionale")
        comuni = next(use for use in result.pools if use.name == "comuni_unioni")
        assert (comuni.allocated, comuni.full) == (9 + full, full)
        culturale = next(use for use in result.profiles if use.name == "culturale")
        assert (culturale.allocated, culturale.full) == (0, False)
        tecnico = next(use for use in result.profiles if use.name == "tecnico")
        assert (tecnico.allocated, tecnico.full) == (8, True)


def test_bounded_by_names_the_caps_that_stopped_a_share(small_engine: Engine) -> None:
    """The comuni quota's 10 posts go to Campania 3, Sicily 4, Puglia 3 (the key, the other
    regions capped at their request of 0); each comune short of its request names its
    region's share of the quota and the full profiles it asked for."""
    cases = [
        hiring("NAPOLI", tecnico=3, economico_statistico=3),
        hiring("PALERMO", code="082053", need=40, tecnico=4, economico_statistico=2),
        hiring("BARI", code="072006", tecnico=3, giuridico_amministrativo=1),
        hiring("CAMPANIA", code="15", body_type="regione", tecnico=2, economico_statistico=2),
    ]
    shares = {s.id: s for s in allocate_round(small_engine, cases, method="decreto_2024").shares}
    assert shares["NAPOLI"].bounded_by == [
        "hiring_cap_comuni_unioni@15",
        "hiring_cap_profilo_tecnico",
        "hiring_cap_profilo_economico_statistico",
    ]
    assert shares["BARI"].bounded_by == [
        "hiring_cap_comuni_unioni@16",
        "hiring_cap_profilo_tecnico",
    ]
    assert shares["CAMPANIA"].bounded_by == []


def test_posts_a_region_cannot_use_for_full_profiles_go_to_another(small_engine: Engine) -> None:
    """Palermo asks for one giuridico-amministrativo post and one cultural post; Cagliari
    (first in rank) takes the only giuridico post: Sicily's comuni cannot use their
    second post, which goes to Campania, by the key."""
    cases = [
        hiring("NAPOLI", tecnico=3, economico_statistico=3, need=30),
        hiring("CASERTA-COMUNE", code="061022", tecnico=3, need=3),
        hiring("PALERMO", code="082053", giuridico_amministrativo=1, culturale=1, need=9),
        hiring("CAGLIARI", code="092009", giuridico_amministrativo=1, need=9),
    ]
    result = allocate_round(small_engine, cases, method="decreto_2024")
    cells = {use.group: use for use in result.cells if use.pool == "comuni_unioni"}
    assert (cells["19"].posts, cells["19"].allocated) == (2, 1)
    assert "profiles_full" in cells["19"].why
    assert cells["15"].allocated == cells["15"].posts + 1
    assert "took_lost_posts" in cells["15"].why
    shares = {share.id: share for share in result.shares}
    assert shares["PALERMO"].bounded_by == ["hiring_cap_profilo_giuridico_amministrativo"]
    assert shares["CAGLIARI"].allocated["giuridico_amministrativo"] == 1
    assert sum(use.allocated for use in result.pools if use.name == "comuni_unioni") == 10


# -- laws through the engine ------------------------------------------------------------------

QUOTA = {
    "comune": 10,
    "unione_di_comuni": 10,
    "regione": 4,
    "provincia": 3,
    "citta_metropolitana": 2,
}
BODIES = [
    *(("comune", code) for code in LD_COMUNI),
    ("unione_di_comuni", "082053"),
    ("regione", "15"),
    ("regione", "19"),
    ("provincia", "061"),
    ("citta_metropolitana", "063"),
]


@st.composite
def round_inputs(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Eligible applications of distinct bodies, with their criteria."""
    bodies = draw(st.lists(st.sampled_from(BODIES), min_size=1, max_size=10, unique=True))
    applications = []
    for index, (body_type, code) in enumerate(bodies):
        hires = {
            profile: draw(st.integers(0, 3))
            for profile in draw(st.sets(st.sampled_from(PROFILES[:4]), min_size=1))
        }
        if not any(hires.values()):
            hires[next(iter(hires))] = 1
        while sum(hires.values()) > QUOTA[body_type]:  # within the quota: eligible
            largest = max(hires, key=lambda profile: hires[profile])
            hires[largest] -= 1
        applications.append(
            hiring(
                f"A-{index:02d}",
                code,
                body_type,
                need=sum(hires.values()) + draw(st.integers(0, 40)),
                when=f"2023-12-{draw(st.integers(1, 20)):02d}T{draw(st.integers(10, 18))}:00+01:00",
                population=draw(st.none() | st.integers(0, 10**6)),
                spending=draw(st.none() | st.sampled_from(["35", "50.5", "90"])),
                **hires,
            )
        )
    return applications


ROUNDS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@given(round_inputs(), st.randoms(use_true_random=False), st.sampled_from(METHODS))
@ROUNDS
def test_a_round_ignores_input_order_and_gives_the_same_bytes_twice(
    small_engine: Engine, cases: list[dict[str, Any]], random: Any, method: str
) -> None:
    first = allocate_round(small_engine, cases, method=method).to_json()
    shuffled = list(cases)
    random.shuffle(shuffled)
    assert allocate_round(small_engine, shuffled, method=method).to_json() == first
    assert allocate_round(small_engine, cases, method=method).to_json() == first


@given(round_inputs(), st.sampled_from(METHODS))
@ROUNDS
def test_a_round_never_exceeds_a_cap_of_the_rule_set(
    small_engine: Engine, cases: list[dict[str, Any]], method: str
) -> None:
    result = allocate_round(small_engine, cases, method=method)
    caps = small_engine.ruleset.parameters_on(result.as_of)
    for use in [*result.pools, *result.profiles]:
        assert use.cap == caps[use.parameter] if use.parameter else use.cap is None
        assert use.allocated <= use.cap and use.allocated <= use.demand
    assert result.totals.allocated <= result.totals.open_supply
    for share in result.shares:
        asked = next(case for case in cases if case["id"] == share.id)
        assert all(share.allocated[p] <= asked["hires"].get(p, 0) for p in PROFILES)


@given(round_inputs(), st.data())
@ROUNDS
def test_a_larger_request_never_lowers_ones_own_share_in_the_decrees_round(
    small_engine: Engine, cases: list[dict[str, Any]], data: st.DataObject
) -> None:
    """Through the engine, with the ERDF key and the weighted criteria: one more post
    asked for (and declared needed, as eligibility requires) never lowers one's posts,
    whenever the profile caps are met without moving posts between bodies (the report
    names any body whose total they changed, in ``moved_by_profiles``)."""
    index = data.draw(st.integers(0, len(cases) - 1))
    raised = json.loads(json.dumps(cases))
    profile = data.draw(st.sampled_from(PROFILES[:4]))
    case = raised[index]
    assume(sum(case["hires"].values()) < QUOTA[case["applicant"]["body_type"]])  # eligible
    case["hires"][profile] = case["hires"].get(profile, 0) + 1
    case["needs_analysis"]["declared_need_posts"] += 1
    before = allocate_round(small_engine, cases, method="decreto_2024")
    after = allocate_round(small_engine, raised, method="decreto_2024")
    assume(not any(s.moved_by_profiles for s in (*before.shares, *after.shares)))
    key = case["id"]
    mine = {s.id: s.allocated_total for s in before.shares}
    assert {s.id: s.allocated_total for s in after.shares}[key] >= mine[key]


@given(round_inputs(), st.data())
@ROUNDS
def test_raising_declared_need_never_lowers_ones_share_in_a_priority_round(
    small_engine: Engine, cases: list[dict[str, Any]], data: st.DataObject
) -> None:
    """A larger need raises the priority score (up to the rule set's cap on need points),
    which moves the applicant up; checked whenever the profile caps are met without
    moving posts between bodies (otherwise the law is not guaranteed: see
    test_allocation_rationing)."""
    index = data.draw(st.integers(0, len(cases) - 1))
    raised = json.loads(json.dumps(cases))
    raised[index]["needs_analysis"]["declared_need_posts"] += data.draw(st.integers(1, 30))
    before = allocate_round(small_engine, cases, method="priorita")
    after = allocate_round(small_engine, raised, method="priorita")
    assume(not any(s.moved_by_profiles for s in (*before.shares, *after.shares)))
    key = cases[index]["id"]
    mine = {s.id: s.allocated_total for s in before.shares}
    assert {s.id: s.allocated_total for s in after.shares}[key] >= mine[key]


# -- a policy officer changes the round in the rule files ----------------------------------


def national_like(engine: Engine) -> list[dict[str, Any]]:
    return [
        hiring(
            "NAPOLI", tecnico=4, economico_statistico=4, need=20, population=900_000, spending="55"
        ),
        hiring(
            "CASERTA-C",
            code="061022",
            tecnico=4,
            economico_statistico=2,
            need=8,
            population=70_000,
            spending="80",
        ),
        hiring(
            "PALERMO",
            code="082053",
            tecnico=4,
            economico_statistico=4,
            need=30,
            population=600_000,
            spending="40",
        ),
        hiring(
            "CATANIA",
            code="087015",
            tecnico=4,
            economico_statistico=2,
            need=9,
            population=300_000,
            spending="70",
        ),
        hiring(
            "BARI",
            code="072006",
            tecnico=3,
            economico_statistico=3,
            need=9,
            population=320_000,
            spending="65",
        ),
    ]


def test_a_policy_officer_switches_the_method_in_the_rule_files(
    small: Path, tmp_path: Path
) -> None:
    results = {}
    for method in METHODS:
        rules = tmp_path / method
        shutil.copytree(small, rules)
        edit(
            rules,
            "assunzioni/riparto.yaml",
            lambda d, m=method: d["parameters"]["hiring_allocation_method"].update(values=dated(m)),
        )
        engine = Engine.from_path(rules)
        results[method] = allocate_round(engine, national_like(engine))
        assert results[method].method == method
    allocations = {m: {s.id: s.allocated_total for s in r.shares} for m, r in results.items()}
    assert len({json.dumps(a, sort_keys=True) for a in allocations.values()}) == 3


def test_a_policy_officer_changes_a_weight_and_a_key_from_a_date(
    small: Path, tmp_path: Path
) -> None:
    """From 2024-01-01 population weighs everything and Sicily's key doubles: a round dated
    before is as the bundled one, a round dated after follows the new values."""
    rules = tmp_path / "rules"
    shutil.copytree(small, rules)
    change = dt.date(2024, 1, 1)

    def new_values(document: dict[str, Any]) -> None:
        parameters = document["parameters"]
        for name, value in (
            ("hiring_weight_need", 0),
            ("hiring_weight_population", 1),
            ("hiring_weight_spending", 0),
        ):
            old = parameters[name]["values"][0]["value"]
            parameters[name]["values"] = [
                {"from": dt.date(2021, 1, 1), "to": change - dt.timedelta(days=1), "value": old},
                {"from": change, "value": value},
            ]
        rows = document["tables"]["erdf_regional_key"]["rows"]
        sicily = next(row for row in rows if row["region_code"] == "19")
        rows.append({**sicily, "erdf_eur_million": sicily["erdf_eur_million"] * 2, "from": change})
        sicily["to"] = change - dt.timedelta(days=1)

    edit(rules, "assunzioni/riparto.yaml", new_values)
    assert check_ruleset(rules) == []
    engine, bundled = Engine.from_path(rules), Engine.from_path(small)
    cases = national_like(engine)
    before_day, after_day = dt.date(2023, 12, 20), dt.date(2024, 1, 20)
    before = allocate_round(engine, cases, as_of=before_day)
    assert before.model_dump(exclude={"ruleset"}) == allocate_round(
        bundled, cases, as_of=before_day
    ).model_dump(exclude={"ruleset"})
    after = allocate_round(engine, cases, as_of=after_day)
    assert after.parameters["hiring_weight_population"] == 1
    sicily_before = next(use for use in before.groups if use.group == "19")
    sicily_after = next(use for use in after.groups if use.group == "19")
    assert sicily_after.key_weight == 2 * sicily_before.key_weight
    assert sicily_after.key_share > sicily_before.key_share
    # Population alone: in Sicily, Palermo (600,000) scores twice Catania (300,000).
    scores = {s.id: s.score for s in after.shares if s.group == "19"}
    assert scores["PALERMO"] == pytest.approx(2 * scores["CATANIA"], abs=Decimal("0.00001"))


# -- writing the result ------------------------------------------------------------------------


def test_json_and_csv_outputs_hold_the_whole_round(small_engine: Engine, tmp_path: Path) -> None:
    cases = [
        hiring("NAPOLI", tecnico=6, economico_statistico=4),
        hiring("PALERMO", code="082053", tecnico=4),
        make_application(id="T", area="formazione"),
    ]
    result = allocate_round(small_engine, cases, method="proporzionale")
    write_json(result, tmp_path / "out" / "round.json")
    write_csv(result, tmp_path / "round.csv")
    assert (
        AllocationResult.model_validate_json((tmp_path / "out" / "round.json").read_text())
        == result
    )
    rows = list(csv.DictReader(io.StringIO((tmp_path / "round.csv").read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == csv_columns(result)
    assert "requested_culturale" in rows[0] and "criterion_population" in rows[0]
    assert [(row["id"], row["status"]) for row in rows] == [
        ("NAPOLI", "allocated"),
        ("PALERMO", "allocated"),
        ("T", "not_taking_part"),
    ]
    # Needs 12 and 6 share the Comuni quota of 10: quotas 6.67 and 3.33.
    assert [row["allocated_total"] for row in rows] == ["7", "3", ""]
    assert rows[1]["bounded_by"].startswith("hiring_cap_comuni_unioni")
    assert rows[1]["requested_tecnico"] == "4" and rows[2]["reasons"] == ""
    assert sorted(os.listdir(tmp_path)) == ["out", "round.csv"]  # no temporary file left


def test_a_failed_write_leaves_the_previous_file_whole(
    small_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "round.json"
    target.write_text("previous", encoding="utf-8")

    def refuse(source: Any, destination: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        write_json(allocate_round(small_engine, [hiring("A")]), target)
    assert target.read_text(encoding="utf-8") == "previous"
    assert os.listdir(tmp_path) == ["round.json"]


# -- the command --------------------------------------------------------------------------------

runner = CliRunner()


def test_allocate_writes_the_result_and_prints_a_summary(small: Path, tmp_path: Path) -> None:
    source = tmp_path / "round.jsonl"
    cases = [hiring("NAPOLI", tecnico=6, economico_statistico=4), hiring("PALERMO", code="082053")]
    source.write_text("".join(json.dumps(case) + "\n" for case in cases), encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "allocate",
            str(source),
            "--out",
            str(tmp_path / "r.json"),
            "--csv",
            str(tmp_path / "r.csv"),
            "--rules",
            str(small),
            "--method",
            "priorita",
            "--as-of",
            "2024-01-30",
        ],
    )
    assert result.exit_code == 0, result.output
    written = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert written["method"] == "priorita" and written["as_of"] == "2024-01-30"
    assert "Comuni e Unioni di comuni" in result.output
    assert "\nRegioni " in result.output and " posti assegnati a " in result.output
    assert "Regions" not in result.output and "Riparto: metodo priorita" in result.output
    assert (tmp_path / "r.csv").exists()


def test_allocate_shows_the_key_shares_of_the_decrees_round(small: Path, tmp_path: Path) -> None:
    source = tmp_path / "round.jsonl"
    source.write_text(json.dumps(hiring("NAPOLI")) + "\n", encoding="utf-8")
    arguments = ["allocate", str(source), "--out", str(tmp_path / "r.json"), "--rules", str(small)]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0, result.output
    assert "quota chiave" in result.output and "Sicilia (19)" in result.output
    assert "chiesti meno posti della quota" in result.output
    assert "capped_at_request" not in result.output and "key share" not in result.output
    english = runner.invoke(app, ["--lang", "en", *arguments])
    assert "Allocation round: method decreto_2024" in english.output
    assert "key share" in english.output and "asked for fewer posts than its share" in english.output
    assert "quota chiave" not in english.output


def test_allocate_refuses_an_unknown_method_naming_the_declared_ones(
    small: Path, tmp_path: Path
) -> None:
    source = tmp_path / "round.jsonl"
    source.write_text(json.dumps(hiring("NAPOLI")) + "\n", encoding="utf-8")
    arguments = ["allocate", str(source), "--out", str(tmp_path / "r.json")]
    arguments += ["--rules", str(small), "--method", "sorteggio"]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2
    assert result.output == (
        "capcoe-rules: impossibile fare il riparto: metodo di riparto 'sorteggio' sconosciuto "
        "(dichiarati: decreto_2024, proporzionale o priorita); come correggere: usa uno dei "
        "metodi che il set di regole dichiara: decreto_2024, proporzionale o priorita\n"
    )
    english = runner.invoke(app, ["--lang", "en", *arguments])
    assert english.exit_code == 2
    assert english.output == (
        "capcoe-rules: cannot hold the round: unknown allocation method 'sorteggio' "
        "(declared: decreto_2024, proporzionale or priorita); fix: use one of the methods "
        "the rule set declares: decreto_2024, proporzionale or priorita\n"
    )


def test_allocate_reports_bad_lines_with_their_number_and_goes_on(
    small: Path, tmp_path: Path
) -> None:
    source = tmp_path / "round.jsonl"
    broken = hiring("BROKEN", code="082053")
    broken["hires"] = {"tecnico": -1}
    lines = [json.dumps(hiring("GOOD")), "{not json", "", "[1, 2]", json.dumps(broken)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["--lang", "en", "allocate", str(source), "--out", str(tmp_path / "r.json")]
        + ["--rules", str(small)],
    )
    assert result.exit_code == 1
    written = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [share["id"] for share in written["shares"]] == ["GOOD"]
    assert [entry["source"] for entry in written["invalid"]] == [
        f"{source}:2",
        f"{source}:4",
        f"{source}:5",
    ]
    assert f"{source}:2: not valid JSON" in result.output
    assert f"{source}:5: hires.tecnico" in result.output


def test_allocate_unreadable_input_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["allocate", str(tmp_path / "nowhere.jsonl"), "--out", str(tmp_path / "r.json")]
    )
    assert result.exit_code == 2
    assert not (tmp_path / "r.json").exists()
    (tmp_path / "latin1.jsonl").write_bytes('{"id": "caf\xe9"}\n'.encode("latin-1"))
    result = runner.invoke(
        app, ["allocate", str(tmp_path / "latin1.jsonl"), "--out", str(tmp_path / "r.json")]
    )
    assert result.exit_code == 2 and "not UTF-8" in result.output

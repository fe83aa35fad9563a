"""What the compiler promises about the size of what it hands durable_rules.

A condition compiles to at most MAX_BRANCHES conjunctions of at most MAX_TESTS tests; only
beyond those limits are sub-conditions computed whole in Python (atoms), the largest
first. Decisions cannot show where the limits sit (an atom decides as its tests would), so
these tests state the shapes themselves, exactly at and one past each limit, and check
that the engine still decides such rules as their text says.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, make_application, write_ruleset
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from capcoe_rules import CaseError, Engine, ReferenceEvaluator
from capcoe_rules.engine.case_data import model_encoder
from capcoe_rules.engine.conditions import (
    MAX_BRANCHES,
    MAX_LIST_TESTS,
    MAX_TESTS,
    Normal,
    Slot,
    normal_form,
)
from capcoe_rules.engine.conditions import (
    Test as ConditionTest,
)
from capcoe_rules.engine.fact_values import (
    FALSE,
    LIST_END,
    NULL,
    TRUE,
    coder,
    constant_code,
    number_code,
    scalar_coder,
)
from capcoe_rules.engine.partition import (
    MAX_CHILDREN,
    MAX_ENDING,
    MAX_KEYS,
    MAX_PENDING,
    canonical_order,
    partition,
)
from capcoe_rules.language.expressions import Logic, Node, Ref, Scope, parse
from capcoe_rules.language.types import TEXT, Type, schema_of
from capcoe_rules.models.application import Application
from capcoe_rules.models.decision import RuleSetRef
from capcoe_rules.models.money import Money

SCOPE = Scope({"application": schema_of(Application)}, {}, {})
CASE = make_application()  # 6 technical posts, 3 economic ones


def condition(text: str) -> Node:
    return parse(text, SCOPE, "condition")


def distinct(count: int, op: str = "!=", start: int = 100) -> list[str]:
    return [f"application.hires.tecnico {op} {start + index}" for index in range(count)]


def atoms(form: Normal) -> list[Node]:
    return [test.slot.node for branch in form for test in branch if test.slot.kind == "atom"]


def test_the_limits_are_what_durable_rules_was_measured_to_hold() -> None:
    assert (MAX_BRANCHES, MAX_TESTS, MAX_LIST_TESTS) == (32, 16, 16)


def test_a_conjunction_of_sixteen_tests_stays_sixteen_tests() -> None:
    form = normal_form(condition(" and ".join(distinct(MAX_TESTS))))
    assert len(form) == 1 and len(form[0]) == MAX_TESTS and not atoms(form)


def test_a_seventeenth_test_joins_the_last_in_one_atom_of_both() -> None:
    parts = distinct(MAX_TESTS + 1)
    form = normal_form(condition(" and ".join(parts)))
    assert len(form) == 1 and len(form[0]) == MAX_TESTS
    (grouped,) = atoms(form)
    assert isinstance(grouped, Logic) and grouped.op == "and" and len(grouped.operands) == 2
    assert form[0][-1].operand == TRUE
    # Negated (a requirement's not_met), the written `or` becomes that conjunction.
    negated = normal_form(condition(" or ".join(parts)), negate=True)
    assert len(negated) == 1 and len(negated[0]) == MAX_TESTS
    (written,) = atoms(negated)
    assert isinstance(written, Logic) and written.op == "or"
    assert negated[0][-1].operand == FALSE


def test_a_disjunction_of_thirty_two_tests_stays_thirty_two_branches() -> None:
    form = normal_form(condition(" or ".join(distinct(MAX_BRANCHES, "=="))))
    assert len(form) == MAX_BRANCHES and not atoms(form)


def test_a_thirty_third_branch_joins_the_last_in_one_atom() -> None:
    form = normal_form(condition(" or ".join(distinct(MAX_BRANCHES + 1, "=="))))
    assert len(form) == MAX_BRANCHES
    (grouped,) = atoms(form)
    assert isinstance(grouped, Logic) and grouped.op == "or" and len(grouped.operands) == 2


def pairs(count: int) -> str:
    """``(a1 or b1) and (a2 or b2) ...``: 2**count conjunctions once expanded."""
    return " and ".join(
        f"(application.hires.tecnico == {index} or application.hires.culturale == {index})"
        for index in range(count)
    )


def test_an_expansion_of_exactly_thirty_two_branches_is_kept_whole() -> None:
    form = normal_form(condition(pairs(5)))
    assert len(form) == 32 and all(len(branch) == 5 for branch in form) and not atoms(form)


def test_an_expansion_beyond_thirty_two_branches_computes_one_part_as_an_atom() -> None:
    form = normal_form(condition(pairs(6)))
    assert len(form) == 32
    assert all(len(branch) == 6 for branch in form)
    found = atoms(form)
    assert len(found) == 32 and len({id(node) for node in found}) == 1  # one part, everywhere
    (part,) = set(found)
    assert isinstance(part, Logic) and part.op == "or"


def test_too_many_tests_in_a_branch_compute_the_longest_part_as_an_atom() -> None:
    long_part = "(" + " and ".join(distinct(9)) + " or application.hires.culturale == 1)"
    other = "(" + " and ".join(distinct(8, start=300)) + " or application.hires.culturale == 2)"
    form = normal_form(condition(f"{long_part} and {other}"))
    # 9 + 8 tests in the longest branches exceed 16: the part with the longer branch goes.
    assert all(len(branch) <= MAX_TESTS for branch in form)
    (part,) = set(atoms(form))
    assert isinstance(part, Logic) and len(part.operands) == 2
    assert len(form) == 2  # the other part's two branches, each with the atom


def test_single_tests_are_never_made_atoms_one_by_one() -> None:
    """Beyond the limit, a part that is one test cannot be made smaller: the part with
    several branches is computed as an atom first, then the single tests past the limit
    are grouped in one atom at the end."""
    big = "(" + " or ".join(distinct(3)) + ")"
    singles = distinct(MAX_TESTS, start=400)
    form = normal_form(condition(" and ".join([big, *singles])))
    assert len(form) == 1 and len(form[0]) == MAX_TESTS
    first, last = atoms(form)
    assert isinstance(first, Logic) and first.op == "or" and len(first.operands) == 3
    assert isinstance(last, Logic) and last.op == "and" and len(last.operands) == 2
    assert form[0][0].slot.node is first and form[0][-1].slot.node is last


@pytest.mark.parametrize(
    ("count", "joiner", "met"),
    [
        (MAX_TESTS + 1, " and ", True),  # 6 differs from every constant
        (MAX_BRANCHES + 1, " or ", False),  # 6 equals none
    ],
)
def test_conditions_past_the_limits_decide_as_written(
    tmp_path: Path, count: int, joiner: str, met: bool
) -> None:
    op = "!=" if joiner == " and " else "=="
    text = joiner.join(distinct(count, op))
    rules = write_ruleset(
        tmp_path / "rules",
        {
            "r.yaml": f"""\
                case: application
                rules:
                  - id: R-BIG
                    title: {{it: Grande}}
                    basis: prova
                    provenance: assumption
                    require: "{text}"
                  - id: R-BIG-LAST
                    title: {{it: Grande e ultimo}}
                    basis: prova
                    provenance: assumption
                    require: "{text.replace(str(100 + count - 1), "6")}"
                """
        },
    )
    engine = Engine.from_path(rules)
    decision = engine.evaluate(CASE)
    statuses = {finding.rule_id: finding.status for finding in decision.findings}
    assert statuses["R-BIG"] == ("met" if met else "not_met")
    assert statuses["R-BIG-LAST"] == ("not_met" if met else "met")  # the atom decides
    assert decision.to_json() == ReferenceEvaluator(engine.ruleset).evaluate(CASE).to_json()


def test_a_disjunction_too_wide_computes_its_widest_parts_first() -> None:
    """``or`` of parts that expand into several branches each: past 32 branches in all,
    the widest part is computed whole first, and no more parts than needed."""
    widest = "(application.hires.tecnico == 0 and (" + " or ".join(distinct(3, "==")) + "))"
    others = [
        f"(application.hires.culturale == {i} and (application.hires.tecnico == {200 + i}"
        f" or application.hires.tecnico == {300 + i}))"
        for i in range(15)
    ]
    single = "application.hires.giuridico_amministrativo == 7"
    form = normal_form(condition(" or ".join([single, *others, widest])))
    # 1 + 15 * 2 + 3 = 34 > 32: the widest part (3 branches) becomes one atom: 1 + 30 + 1.
    assert len(form) == 32
    (part,) = atoms(form)
    assert isinstance(part, Logic) and part.op == "and"
    inner = part.operands[1]
    assert isinstance(inner, Logic) and len(inner.operands) == 3  # the widest one
    assert len([b for b in form if len(b) == 1]) == 2  # the single test and the atom


# -- partition: each ruleset stays inside durable_rules' fixed arrays --------------------

NUMBER_REF = parse("application.hires.tecnico", SCOPE, "condition")


def slot(name: str) -> Slot:
    assert isinstance(NUMBER_REF, Ref)
    return Slot("field", Ref(NUMBER_REF.type, (1, 0), ("application", "hires", name)))


def a_test(name: str, op: str = "!=", operand: str = "B") -> ConditionTest:
    return ConditionTest(slot(name), op, operand)  # type: ignore[arg-type]


def branch(prefix: str, length: int) -> tuple[ConditionTest, ...]:
    return tuple(a_test(f"{prefix}{index}") for index in range(length))


def groups_of(branches: list[tuple[ConditionTest, ...]]) -> list[int]:
    """How many branches each ruleset holds."""
    return [len(group.branches) for group in partition([(i, b) for i, b in enumerate(branches)])]


def test_the_matching_stack_holds_fifty_six_nodes_and_no_more() -> None:
    # durable's root and the t == "case" node, then one node per test of unshared branches.
    full = [branch("a", 16), branch("b", 16), branch("c", 16)]  # 2 + 48 = 50 pending
    assert (MAX_PENDING, MAX_CHILDREN, MAX_ENDING, MAX_KEYS) == (56, 200, 200, 200)
    assert groups_of([*full, branch("d", 6)]) == [4]  # exactly 56
    assert groups_of([*full, branch("d", 7)]) == [3, 1]  # 57: a second ruleset


def test_a_shared_prefix_costs_nothing_more() -> None:
    shared = branch("a", 15)
    branches = [(*shared, a_test("x", "==", f"'{i}")) for i in range(40)]
    # The 15 shared nodes, then 40 equality tests of one key against distinct constants,
    # of which at most one can match: they count once.
    assert groups_of(branches) == [40]


def test_equality_tests_of_one_key_count_once_on_the_stack() -> None:
    branches = [(a_test("x", "==", f"'{i}"),) for i in range(MAX_CHILDREN)]
    assert groups_of(branches) == [MAX_CHILDREN]
    # The same tests with != all match together: each is pending.
    assert groups_of([(a_test("x", "!=", f"'{i}"),) for i in range(60)]) == [54, 6]


def test_a_node_holds_two_hundred_children_and_no_more() -> None:
    branches = [(a_test("x", "==", f"'{i}"),) for i in range(MAX_CHILDREN + 1)]
    assert groups_of(branches) == [MAX_CHILDREN, 1]


def test_a_node_ends_two_hundred_productions_and_no_more() -> None:
    same = (a_test("x", "==", "'a"),)
    assert groups_of([same] * MAX_ENDING) == [MAX_ENDING]
    assert groups_of([same] * (MAX_ENDING + 1)) == [MAX_ENDING, 1]


def test_every_branch_is_kept_in_order_and_the_tests_most_shared_come_first() -> None:
    common, rare = a_test("common"), a_test("rare")
    order = canonical_order([(rare, common), (common,), (common, a_test("other"))])
    assert sorted(order, key=order.__getitem__)[:2] == [common, rare]
    groups = partition([("first", (common,)), ("second", (common, rare))])
    assert [label for group in groups for label, _ in group.branches] == ["first", "second"]
    assert list(groups[0].slots) == [common.slot, rare.slot]


# -- fact values: the byte order of codes is the order of values -------------------------

NUMBERS = st.one_of(
    st.integers(-(10**40), 10**40),
    st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
        lambda d: d.is_finite() and abs(d.adjusted()) < 200
    ),
    st.sampled_from(
        [
            0,
            1,
            -1,
            9,
            10,
            11,
            99,
            100,
            Decimal("0.1"),
            Decimal("-0.1"),
            Decimal("1.5"),
            Decimal("-1.5"),
            Decimal("10.0"),
            Decimal("0.00"),
        ]
    ),
)


@settings(max_examples=400, deadline=None)
@given(NUMBERS, NUMBERS)
def test_number_codes_order_as_the_numbers_do(left: int | Decimal, right: int | Decimal) -> None:
    a, b = number_code(left), number_code(right)
    assert (a < b) == (left < right) and (a == b) == (left == right)
    assert set(a) <= set("ABC0123456789~")  # plain ASCII, compared byte for byte


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (0, "B"),
        (Decimal("0.000"), "B"),
        (2, "C50000002"),
        (Decimal("2.00"), "C50000002"),
        (25, "C500000125"),
        (Decimal("0.25"), "C499999925"),
        (-2, "A49999997~"),
        (Decimal("-0.25"), "A50000007 4~".replace(" ", "")),
    ],
)
def test_number_codes_are_written_as_documented(value: int | Decimal, code: str) -> None:
    assert number_code(value) == code


def test_a_number_beyond_the_code_s_width_is_refused() -> None:
    with pytest.raises(ValueError, match="too large or too small"):
        number_code(Decimal("1e5000000"))
    with pytest.raises(ValueError, match="too large or too small"):
        number_code(Decimal("1e-5000001"))
    assert number_code(Decimal("1e4999999")).startswith("C9999999")


def test_list_and_null_codes() -> None:
    listed = coder(Type("list", item=TEXT))(("a", "b"))
    assert listed == ["'a", "'b", LIST_END]
    assert coder(Type("number", nullable=True))(None) == NULL == ""
    assert coder(Type("bool"))(True) == TRUE and coder(Type("bool"))(False) == FALSE
    assert constant_code(None, TEXT) == NULL and constant_code("x", TEXT) == "'x"
    assert coder(Type("date"))("2024-01-31") == "2024-01-31"
    with pytest.raises(TypeError):
        scalar_coder(Type("list", item=TEXT))


# -- what a decision shows: derived values by closures, values read, messages ------------

DECISION_RULES = """\
    case: application
    parameters:
      codes:
        title: {it: Codici}
        basis: prova
        provenance: assumption
        type: list[text]
        values:
          - {from: 2021-01-01, to: 2023-06-30, value: ['15', '19']}
          - {from: 2023-07-01, value: []}
    rules:
      - id: R-NOT
        title: {it: Non}
        basis: prova
        provenance: assumption
        derive: not_present
        value: 1 if not application.needs_analysis.present else 2
      - id: R-NOT-IN
        title: {it: Non in}
        basis: prova
        provenance: assumption
        derive: outside
        value: 1 if application.area not in ['formazione'] else 2
      - id: R-IN
        title: {it: In}
        basis: prova
        provenance: assumption
        derive: inside
        value: 1 if application.area in ['formazione'] else 2
      - id: R-SHOWN
        title: {it: Mostrato}
        basis: prova
        provenance: assumption
        require: application.submitted_at < datetime("2023-01-01T00:00:00+00:00")
        message:
          it: "Presentata il {application.submitted_at}; codici {params.codes}"
          en: "Submitted on {application.submitted_at}; codes {params.codes}"
    """


@pytest.mark.parametrize("evaluator", ["engine", "reference"])
def test_a_decision_shows_what_the_rules_computed_read_and_say(
    tmp_path: Path, evaluator: str
) -> None:
    rules = write_ruleset(tmp_path / "rules", {"r.yaml": DECISION_RULES})
    engine = Engine.from_path(rules)
    decider = engine if evaluator == "engine" else ReferenceEvaluator(engine.ruleset)
    # Submitted at 09:15 UTC: shown in Rome's time, 10:15+01:00.
    case = make_application(submitted_at="2023-12-04T09:15:00Z")
    decision = decider.evaluate(case)
    assert decision.derived == {"not_present": 2, "outside": 1, "inside": 2}
    shown = decision.finding("R-SHOWN")
    assert shown.status == "not_met"
    read = shown.values["application.submitted_at"]
    assert read.isoformat() == "2023-12-04T10:15:00+01:00"
    assert shown.message is not None
    assert shown.message.it == "Presentata il 2023-12-04T10:15:00+01:00; codici -"
    assert shown.message.en == "Submitted on 2023-12-04T10:15:00+01:00; codes -"
    earlier = decider.evaluate(make_application(submitted_at="2023-06-01T09:15:00Z"), as_of=None)
    assert earlier.finding("R-SHOWN").message is not None
    assert earlier.finding("R-SHOWN").message.it.endswith("codici 15, 19")
    absent = decider.evaluate(make_application(needs_analysis__present=False))
    assert absent.derived["not_present"] == 1


def test_what_is_not_a_case_is_refused_by_name(engine: Engine) -> None:
    refusals = [
        (RuleSetRef.of(engine.ruleset), "case_type", "RuleSetRef is not a case"),
        ({"case_type": "grant"}, "case_type", "unknown case type 'grant'"),
        ("[1, 2]", "", "a case is a mapping of fields to values"),
        (b'{"case_type": "grant"}', "case_type", "unknown case type 'grant'"),
        ("{", "", "not valid JSON"),
    ]
    for case, path, message in refusals:
        with pytest.raises(CaseError) as refused:
            engine.evaluate(case)
        (problem,) = refused.value.problems
        assert problem.path == path and problem.message.startswith(message), problem
    decided = engine.evaluate(json.dumps(make_application()).encode())
    assert decided.case_type == "application"


# -- payments: what the claim rules read is added up from the milestones -----------------

CATANIA = FIXTURES / "payments" / "comune-catania-finale-respinto-recupero-meta-intermedi.yaml"


def test_the_claim_reads_what_was_paid_on_intermediate_milestones_only(engine: Engine) -> None:
    claim = yaml.safe_load(CATANIA.read_text("utf-8"))["case"]
    decision = engine.evaluate(claim)
    finding = next(f for f in decision.findings if f.rule_id == "PAG-TARGET-FINALE")
    assert finding.status == "not_met" and finding.message is not None
    # 80,000.01 + 59,499.99 paid on the two intermediate milestones; the final one counts not.
    assert finding.message.it.endswith("(139500.00)")
    # Paying the final milestone something does not change what the intermediate ones had.
    claim["payments_made"].append(
        {"milestone_id": "TF-PROC-2026", "amount": "1000.00", "date": "2026-06-01"}
    )
    again = next(f for f in engine.evaluate(claim).findings if f.rule_id == "PAG-TARGET-FINALE")
    assert again.message is not None and again.message.it.endswith("(139500.00)")


def test_parts_of_two_branches_become_atoms_until_thirty_two_remain() -> None:
    parts = [
        f"(application.hires.culturale == {i} and (application.hires.tecnico == {200 + i}"
        f" or application.hires.tecnico == {300 + i}))"
        for i in range(17)
    ]
    form = normal_form(condition(" or ".join(parts)))
    assert len(form) == MAX_BRANCHES  # 34 -> 33 -> 32: two parts computed whole
    assert len(atoms(form)) == 2


def test_grouped_equality_tests_never_free_room_on_the_stack() -> None:
    full = [branch("a", 16), branch("b", 16), branch("c", 16)]  # 50 pending
    grouped = [(a_test("x", "==", f"'{i}"),) for i in range(10)]  # 51: one pending for all
    assert groups_of([*full, *grouped, branch("d", 5)]) == [3 + 10 + 1]  # 56
    assert groups_of([*full, *grouped, branch("d", 5), branch("e", 1)]) == [14, 1]  # 57


def test_every_field_of_a_case_model_is_encoded_for_the_engine() -> None:
    class Listed(BaseModel):
        tags: list[str]
        amounts: list[Money]
        count: int | None = None
        share: Decimal = Decimal("0.50")

    encode_model = model_encoder(schema_of(Listed))
    encoded = encode_model(Listed(tags=["a", "b"], amounts=[Decimal("1.50")]))
    assert encoded == {
        "tags": ("a", "b"),
        "amounts": (150,),
        "count": None,
        "share": Decimal("0.5"),
    }
    assert encode_model(Listed(tags=[], amounts=[], count=3, share=Decimal("2.0")))["share"] == 2


def test_constant_parts_disappear_from_the_normal_form() -> None:
    assert normal_form(condition("application.hires.tecnico == 1 or 1 < 2")) == [()]
    assert normal_form(condition("application.hires.tecnico == 1 and 2 < 1")) == []
    kept = normal_form(condition("application.hires.tecnico == 1 and 1 < 2"))
    assert len(kept) == 1 and len(kept[0]) == 1


def test_a_comparison_with_a_division_is_computed_whole() -> None:
    form = normal_form(
        condition(
            "application.hires.culturale != 0 and application.hires.tecnico / "
            "application.hires.culturale > 1"
        )
    )
    assert [test.slot.kind for test in form[0]] == ["field", "atom"]
    listed = normal_form(
        condition(
            "application.hires.culturale != 0 and application.hires.tecnico / "
            "application.hires.culturale in [1, 2]"
        )
    )
    assert [test.slot.kind for test in listed[0]] == ["field", "atom"]


@pytest.mark.parametrize(("items", "atom"), [(MAX_LIST_TESTS, False), (MAX_LIST_TESTS + 1, True)])
def test_a_list_of_sixteen_constants_is_tested_item_by_item(items: int, atom: bool) -> None:
    listed = ", ".join(str(100 + index) for index in range(items))
    found = normal_form(condition(f"application.hires.tecnico in [{listed}]"))
    if atom:
        assert len(found) == 1 and found[0][0].slot.kind == "atom"
    else:
        assert len(found) == items and not atoms(found)
    excluded = normal_form(condition(f"application.hires.tecnico not in [{listed}]"))
    assert len(excluded) == 1 and len(excluded[0]) == (1 if atom else items)

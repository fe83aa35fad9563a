"""Hostile cases: valid cases broken every way a portal bug or an attacker could break them.

Each case is a valid application (from the national population) or payment claim (from
the fixtures) with one to three mutations: a value replaced by something hostile (deep
nesting, lone surrogates, numbers of thousands of digits, NaN, impossible or far dates,
huge texts, wrong types), a key removed or added; or its JSON text broken (a byte order
mark, UTF-16, bytes that are not UTF-8, a number of 5,000 digits, 100,000 ``[``, a cut).
A part of them come from hypothesis: arbitrary values from ``st.recursive`` and the
project's own invalid-case strategies.

Run as a script, it decides every case through ``Engine.evaluate`` (as a mapping and as
JSON text) in this process, so that the test that starts it counts a crash, and prints
the counts as JSON:

    python tests/hostile_cases.py COUNT SEED LINES.jsonl

``LINES.jsonl`` receives each case as one JSON line, for ``capcoe-rules batch``; the
report's ``verdicts`` says, line by line, whether ``evaluate`` decided it (``D``) or
refused it with a ``CaseError`` (``E``), so that the batch can be held to the same.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from capcoe_rules import CaseError, Engine
from capcoe_rules.population import national_population
from capcoe_rules.testing.strategies import invalid_applications

ROOT = Path(__file__).resolve().parent.parent
Case = Any

_DEEP = 100_000
HOSTILE_TEXTS: tuple[str, ...] = (
    "",
    " ",
    "\ud800",
    "a\udfffb",
    "\udbff\udc00\ud800",
    "x" * 2001,
    "x" * 100_000,
    "\u2028",
    "a\u2029b\x85c",
    "\x00",
    "\ufeff",
    '=HYPERLINK("http://x","y")',
    "2023-02-30T10:00:00+01:00",
    "2023-02-29",
    "2024-02-30",
    "0000-01-01T00:00:00+00:00",
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:59:59-05:00",
    "10000-01-01T00:00:00+00:00",
    "2024-13-01T00:00:00Z",
    "2023-12-04T24:00:00+01:00",
    "2023-12-04T10:15:00+25:00",
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "9" * 5000,
    "-" + "9" * 30,
    "0.0000001",
    "1_000",
    " 1000 ",
    "0x10",
    "063049",
    "999999",
    "comune",
    "assunzioni",
    "payment_claim",
    "application",
)
HOSTILE_NUMBERS: tuple[Any, ...] = (
    0,
    -1,
    1,
    2**31,
    2**63,
    -(2**63) - 1,
    2**64,
    10**18,
    10**308,
    10**309,
    10**400,
    10**4000,
    float("nan"),
    float("inf"),
    float("-inf"),
    1e308,
    -1e308,
    5e-324,
    -0.0,
    0.1,
    Decimal("NaN"),
    Decimal("sNaN"),
    Decimal("Infinity"),
    Decimal("1E+999999"),
    Decimal("1E-999999"),
    Decimal("-0"),
    Decimal("0.0000001"),
    Decimal("9999999999999.999999"),
    Decimal("10000000000000"),
    True,
    False,
)
HOSTILE_OBJECTS: tuple[Any, ...] = (
    None,
    [],
    {},
    [None],
    {"": None},
    [[[[[[[[]]]]]]]],
    dt.date.min,
    dt.date.max,
    dt.date(2024, 2, 29),
    dt.datetime.max,
    dt.datetime.min.replace(tzinfo=dt.timezone(dt.timedelta(hours=5))),
    dt.datetime.max.replace(tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    dt.datetime(2023, 12, 4, 10, 15),
)
HOSTILE_KEYS: tuple[str, ...] = (
    "",
    "\ud800",
    "x" * 100_000,
    "__class__",
    "case_type",
    "id",
    "\x00",
)


def nested(depth: int, kind: str = "list") -> Any:
    """``depth`` levels of lists (or mappings), built without recursion."""
    value: Any = [] if kind == "list" else {}
    for _ in range(depth - 1):
        value = [value] if kind == "list" else {"a": value}
    return value


def cyclic() -> Any:
    loop: list[Any] = []
    loop.append(loop)
    return loop


def hostile_value(draw: random.Random) -> Any:
    kind = draw.randrange(10)
    if kind < 3:
        return draw.choice(HOSTILE_TEXTS)
    if kind < 6:
        return draw.choice(HOSTILE_NUMBERS)
    if kind < 8:
        return draw.choice(HOSTILE_OBJECTS)
    if kind == 8:
        return nested(draw.choice([2, 10, 100, 1000, 5000]), draw.choice(["list", "dict"]))
    if draw.random() < 0.1:
        return cyclic()
    return [draw.choice(HOSTILE_TEXTS[:12])[:50]] * draw.choice([2, 1001])


# -- bases ----------------------------------------------------------------------------------------


def bases() -> list[Case]:
    """Valid cases to break: applications of the national population, payment claims."""
    cases: list[Case] = list(national_population())[::40]
    for path in sorted((ROOT / "fixtures" / "payments").glob("*.yaml")):
        example = yaml.safe_load(path.read_text("utf-8"))
        if "err-" not in path.name:
            cases.append(json.loads(json.dumps(example["case"], default=str)))
    return cases


def places(case: Case) -> list[tuple[Any, ...]]:
    """Every path inside a valid case (mapping keys and list indices), the case itself first."""
    found: list[tuple[Any, ...]] = []
    stack: list[tuple[tuple[Any, ...], Any]] = [((), case)]
    while stack:
        path, value = stack.pop()
        found.append(path)
        if isinstance(value, dict):
            stack.extend(((*path, key), item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, index), item) for index, item in enumerate(value))
    return sorted(found, key=len)


def copied(case: Case) -> Case:
    return json.loads(json.dumps(case))


def replaced(case: Case, path: tuple[Any, ...], value: Any) -> Case:
    """``case`` with the value at ``path`` replaced (the case itself when it is gone)."""
    if not path:
        return value
    try:
        parent = _at(case, path[:-1])
        parent[path[-1]] = value
    except (KeyError, IndexError, TypeError):
        pass
    return case


def _at(case: Case, path: tuple[Any, ...]) -> Any:
    for part in path:
        case = case[part]
    return case


def mutated(draw: random.Random, base: Case, paths: list[tuple[Any, ...]]) -> Case:
    """``base`` with one to three mutations: values replaced, keys removed or added."""
    case = copied(base)
    for _ in range(draw.choice([1, 1, 1, 2, 3])):
        path = draw.choice(paths)
        action = draw.randrange(10)
        try:
            if action < 7 or not path:
                case = replaced(case, path, hostile_value(draw))
            elif action < 9:
                del _at(case, path[:-1])[path[-1]]
            elif isinstance(target := _at(case, path), dict):
                target[draw.choice(HOSTILE_KEYS)] = hostile_value(draw)
        except (KeyError, IndexError, TypeError):
            continue  # the path went with an earlier mutation
    return case


# -- JSON text ------------------------------------------------------------------------------------


def json_text(case: Case) -> bytes | None:
    """The case as one JSON line's bytes, or None when JSON cannot hold it."""
    try:
        text = json.dumps(case, default=str, ensure_ascii=True)
    except (ValueError, RecursionError, TypeError):  # cycles, ints of 4,300+ digits
        return None
    return text.encode("ascii")


BROKEN_TEXTS: tuple[Callable[[bytes], bytes], ...] = (
    lambda text: b"\xef\xbb\xbf" + text,  # a byte order mark
    lambda text: text.decode().encode("utf-16"),
    lambda text: text[:-1],
    lambda text: text[: len(text) // 2],
    lambda text: text.replace(b'"', b"\xff", 1),
    lambda text: text.replace(b"{", b"{\xed\xa0\x80", 1),  # a surrogate encoded as UTF-8
    lambda text: text.replace(
        b'"amount_requested": "', b'"amount_requested": 9' + b"9" * 5000 + b', "x": "', 1
    ),
    lambda text: text.replace(b'"id": "', b'"id": 1' + b"0" * 5000 + b', "y": "', 1),
    lambda text: text.replace(b'"900000.00"', b"NaN").replace(
        b'"id": "', b'"id": Infinity, "z": "', 1
    ),
    lambda text: text.replace(b'"name": "', '"name": "\u2028=cmd|\u2029'.encode(), 1),
    lambda text: text.replace(b'"name": "', b'"name": "\\u0000\\ud800', 1),
    lambda text: b'"just a string"',
    lambda text: b"null",
    lambda text: b"12345678901234567890",
)
LARGE_BROKEN_TEXTS: tuple[Callable[[bytes], bytes], ...] = (
    lambda text: b"[" * _DEEP + b"]" * _DEEP,
    lambda text: b'{"id": ' + b"[" * _DEEP + b"]" * _DEEP + b"}",
    lambda text: b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    lambda text: b"x" * (1 << 20) + text,  # longer than any case may be
)
"""Breakers of hundreds of kilobytes: drawn rarely, so that a run's file stays small."""


def broken_text(draw: random.Random, text: bytes) -> bytes:
    breakers = LARGE_BROKEN_TEXTS if draw.random() < 0.02 else BROKEN_TEXTS
    line = draw.choice(breakers)(text)
    return line if line.strip() else b"null"


# -- the run --------------------------------------------------------------------------------------


def hypothesis_cases(count: int, seed: int, base_cases: list[Case]) -> list[Case]:
    """``count`` cases drawn by hypothesis: arbitrary values at arbitrary places of valid
    cases, and the project's own invalid cases."""
    texts = st.one_of(
        st.text(),
        st.text(st.characters(categories=["Cs", "Cc", "Zl", "Zp", "Cf"]), max_size=5),
    )
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.decimals(),
        texts,
        st.dates().map(dt.date.isoformat),
        st.datetimes(
            timezones=st.builds(
                dt.timezone, st.timedeltas(-dt.timedelta(hours=23), dt.timedelta(hours=23))
            )
        ).map(dt.datetime.isoformat),
    )
    values = st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4)
        ),
        max_leaves=8,
    )

    @st.composite
    def broken(draw: st.DrawFn) -> Case:
        base = draw(st.sampled_from(base_cases))
        path = draw(st.sampled_from(list(places(base))))
        return replaced(copied(base), path, draw(values))

    found: list[Case] = []

    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.one_of(broken(), invalid_applications().map(lambda invalid: invalid.case)))
    def collect(case: Case) -> None:
        found.append(case)

    collect()
    draw = random.Random(seed)
    while len(found) < count:  # hypothesis may stop early once it has seen enough
        found.append(draw.choice(found))
    return found[:count]


def line_for(case: Case, draw: random.Random, base: Case) -> bytes:
    """The JSON line a portal would send for ``case``: its JSON text, sometimes broken
    (and always so when JSON cannot hold the case); never a blank line or two lines."""
    if isinstance(case, str):
        text: bytes | None = case.encode("utf-8", "surrogatepass")
    else:
        text = json_text(case)
    if text is None or draw.random() < 0.2:
        text = broken_text(draw, json_text(base) or b"{}")
    text = text.replace(b"\n", b" ")
    return text if text.strip() else b"null"


def run(count: int, seed: int, lines_path: Path) -> dict[str, Any]:
    engine = Engine.from_path(ROOT / "rules")
    draw = random.Random(seed)
    base_cases = bases()
    base_places = [places(case) for case in base_cases]
    from_hypothesis = hypothesis_cases(max(count // 10, 1), seed, base_cases)
    counts: Counter[str] = Counter()
    others: list[str] = []
    verdicts: list[str] = []

    def judge(case: Case, form: str) -> str:
        """D: decided (and the decision serialises); E: CaseError naming each problem's
        place; X: anything else, which must never happen."""
        try:
            engine.evaluate(case).to_json()
        except CaseError as error:
            named = bool(error.problems) and all(
                isinstance(problem.path, str) and problem.message.strip()
                for problem in error.problems
            )
            str(error).encode("utf-8")  # writable anywhere
            counts[f"{form}: case error" + ("" if named else " without a path")] += 1
            return "E" if named else "X"
        except Exception as error:
            counts[f"{form}: {type(error).__name__}"] += 1
            if len(others) < 20:
                others.append(f"{form}: {type(error).__name__}: {str(error)[:200]}")
            return "X"
        counts[f"{form}: decided"] += 1
        return "D"

    with lines_path.open("wb") as lines:
        for number in range(count):
            index = draw.randrange(len(base_cases))
            base = base_cases[index]
            if number % 10 == 0:
                case = from_hypothesis[number // 10 % len(from_hypothesis)]
            else:
                case = mutated(draw, base, base_places[index])
            line = line_for(case, draw, base)
            judge(case, "mapping")
            verdicts.append(judge(line, "json text"))
            lines.write(line + b"\n")
    return {
        "cases": count,
        "counts": dict(sorted(counts.items())),
        "others": others,
        "verdicts": "".join(verdicts),
    }


if __name__ == "__main__":
    report = run(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))
    print(json.dumps(report))

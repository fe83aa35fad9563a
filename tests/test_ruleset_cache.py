"""The cache of checked rule sets: a hit is the rule set a cold load gives, a change misses.

Each test has a cache directory of its own (``CAPCOE_CACHE_DIR``) and a copy of the
bundled rule set; a spy on the checker tells a hit (the checker never runs) from a miss.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import pickle
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FIXTURES, RULES

from capcoe_rules import CapcoeError, Engine, RuleSetError
from capcoe_rules.casefiles import read_case_file
from capcoe_rules.language import checker
from capcoe_rules.language.cache import MAX_ENTRIES
from capcoe_rules.language.loading import check_ruleset, load_ruleset
from capcoe_rules.language.ruleset import CheckedRuleSet
from capcoe_rules.language.sources import content_hash, read_sources

CASE_FILES = sorted((FIXTURES / "applications").glob("*.yaml")) + sorted(
    (FIXTURES / "payments").glob("*.yaml")
)


class CheckerSpy:
    """Counts the checker's runs (each miss runs it once)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.runs = 0
        real = checker.check_texts

        def counted(*args: object, **kwargs: object) -> CheckedRuleSet:
            self.runs += 1
            return real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(checker, "check_texts", counted)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("CAPCOE_CACHE_DIR", str(directory))
    monkeypatch.delenv("CAPCOE_NO_CACHE", raising=False)
    return directory


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    return Path(shutil.copytree(RULES, tmp_path / "rules"))


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> CheckerSpy:
    return CheckerSpy(monkeypatch)


def entries(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob("*.ruleset"))


def cold_load(rules: Path, monkeypatch: pytest.MonkeyPatch) -> CheckedRuleSet:
    with monkeypatch.context() as patch:
        patch.setenv("CAPCOE_NO_CACHE", "1")
        return load_ruleset(rules)


def decisions(engine: Engine) -> list[str]:
    """Every fixture's full and compact decision and its decision object's JSON (or why
    the case is refused)."""
    found = []
    for path in CASE_FILES:
        case_file = read_case_file(path)
        case, day = case_file.case, case_file.as_of
        found.append(_text(lambda: engine.evaluate_json(case, day).json))  # noqa: B023
        found.append(_text(lambda: engine.evaluate(case, day).to_json()))  # noqa: B023
        if case.get("case_type", "application") == "application":  # claims: no compact shape
            found.append(_text(lambda: engine.evaluate_json(case, day, compact=True).json))  # noqa: B023
    return found


def _text(decide: Callable[[], str]) -> str:
    try:
        return decide()
    except CapcoeError as error:  # a fixture of a refused case
        return f"{type(error).__name__}: {error}"


def test_a_hit_gives_the_rule_set_and_the_decisions_of_a_cold_load(
    cache_dir: Path, rules: Path, spy: CheckerSpy, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_ruleset(rules)
    assert spy.runs == 1 and len(entries(cache_dir)) == 1
    cached = load_ruleset(rules)
    assert spy.runs == 1, "the second load came from the cache"
    cold = cold_load(rules, monkeypatch)
    assert spy.runs == 2, "CAPCOE_NO_CACHE=1 checks afresh"
    assert cached == cold == first
    assert cached.content_hash == content_hash(read_sources(rules).texts)
    assert decisions(Engine(cached)) == decisions(Engine(cold))


def test_a_cached_rule_set_reads_its_allocation_round_when_first_asked(
    cache_dir: Path, rules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = cold_load(rules, monkeypatch)
    assert cold.allocation is not None  # the bundled rules declare a round
    load_ruleset(rules)  # fills the cache
    cached = load_ruleset(rules)
    assert "allocation" not in vars(cached)
    again = pickle.loads(pickle.dumps(cached))  # e.g. to a worker: still not read
    assert "allocation" not in vars(again)
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        read = list(pool.map(lambda _: cached.allocation, range(8)))
    assert all(allocation is read[0] for allocation in read)  # read once, the same object
    assert read[0] == cold.allocation
    assert again == cached == cold
    assert pickle.loads(pickle.dumps(again)).allocation == cold.allocation
    with pytest.raises(AttributeError, match="allocations"):
        cached.allocations  # type: ignore[attr-defined]  # noqa: B018


def test_engines_load_through_the_cache(cache_dir: Path, rules: Path, spy: CheckerSpy) -> None:
    case = read_case_file(FIXTURES / "applications" / "napoli-assunzioni.yaml").case
    first = Engine.from_path(rules).evaluate_json(case).json
    assert Engine.from_path(rules).evaluate_json(case).json == first
    assert spy.runs == 1 and len(entries(cache_dir)) == 1
    assert check_ruleset(rules) == [] and spy.runs == 1


def test_a_changed_added_or_removed_rule_file_misses(
    cache_dir: Path, rules: Path, spy: CheckerSpy, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = load_ruleset(rules)
    rule_file = next(path for path in sorted(rules.rglob("*.yaml")) if path.name != "ruleset.yaml")
    text = rule_file.read_text(encoding="utf-8")

    rule_file.write_text(text + "# una nota in fondo\n", encoding="utf-8")
    edited = load_ruleset(rules)
    assert spy.runs == 2
    assert edited.content_hash != original.content_hash
    assert edited == cold_load(rules, monkeypatch)

    extra = rules / "programma" / "nota.yaml"
    extra.write_text("description: un file in più, senza regole\n", encoding="utf-8")
    assert load_ruleset(rules).sources.keys() == {*edited.sources, "programma/nota.yaml"}
    assert spy.runs == 4  # a miss, and the cold load's check

    extra.unlink()
    rule_file.write_text(text, encoding="utf-8")
    assert load_ruleset(rules) == original
    assert spy.runs == 4, "back as it was: the first entry again"


def test_a_rule_file_broken_after_caching_is_reported_not_served(
    cache_dir: Path, rules: Path, spy: CheckerSpy
) -> None:
    load_ruleset(rules)
    manifest = rules / "ruleset.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text + "unknown_key: 1\n", encoding="utf-8")
    with pytest.raises(RuleSetError) as raised:
        load_ruleset(rules)
    (problem,) = raised.value.problems
    assert problem.file == f"{rules.as_posix()}/ruleset.yaml"
    assert problem.position.line == text.count("\n") + 1
    assert check_ruleset(rules) == raised.value.problems
    assert len(entries(cache_dir)) == 1, "a rule set with problems is never stored"


def test_the_same_files_read_from_another_place_have_their_own_entry(
    cache_dir: Path, rules: Path, tmp_path: Path
) -> None:
    elsewhere = Path(shutil.copytree(rules, tmp_path / "elsewhere"))
    here, there = load_ruleset(rules), load_ruleset(elsewhere)
    assert here.content_hash == there.content_hash
    assert len(entries(cache_dir)) == 2, "positions name the directory they were read from"
    assert {rule.file for case in there.cases.values() for rule in case.rules} <= {
        f"{elsewhere.as_posix()}/{name}" for name in there.sources
    }


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: data[: len(data) // 2], id="torn"),
        pytest.param(lambda data: data[:-1] + bytes([data[-1] ^ 1]), id="one-bit"),
        pytest.param(lambda data: b"not a cache entry at all", id="garbage"),
    ],
)
def test_a_damaged_entry_is_ignored_and_replaced(
    cache_dir: Path, rules: Path, spy: CheckerSpy, damage: object
) -> None:
    expected = load_ruleset(rules)
    (entry,) = entries(cache_dir)
    entry.write_bytes(damage(entry.read_bytes()))  # type: ignore[operator]
    assert load_ruleset(rules) == expected
    assert spy.runs == 2
    assert load_ruleset(rules) == expected
    assert spy.runs == 2, "the damaged entry was written anew"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_an_entry_others_may_write_is_not_trusted(
    cache_dir: Path, rules: Path, spy: CheckerSpy
) -> None:
    load_ruleset(rules)
    (entry,) = entries(cache_dir)
    entry.chmod(0o666)
    load_ruleset(rules)
    assert spy.runs == 2


def test_an_unwritable_cache_costs_only_time(
    tmp_path: Path, rules: Path, spy: CheckerSpy, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file-not-a-directory"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("CAPCOE_CACHE_DIR", str(blocked / "cache"))
    assert load_ruleset(rules) == load_ruleset(rules)
    assert spy.runs == 2


def test_no_cache_writes_nothing(
    cache_dir: Path, rules: Path, spy: CheckerSpy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAPCOE_NO_CACHE", "1")
    load_ruleset(rules)
    load_ruleset(rules)
    assert spy.runs == 2 and not cache_dir.exists()


def test_old_entries_are_pruned(cache_dir: Path, rules: Path) -> None:
    notes = rules / "programma" / "nota.yaml"
    for number in range(MAX_ENTRIES + 3):
        notes.write_text(f"description: versione {number}\n", encoding="utf-8")
        load_ruleset(rules)
    assert len(entries(cache_dir)) == MAX_ENTRIES


def test_deciding_one_case_in_a_fresh_process_imports_only_what_it_needs(
    cache_dir: Path, rules: Path
) -> None:
    """What a fresh ``Engine.from_path(...).evaluate_json(case)`` imports once its rule set
    is cached: not the checker, YAML, the command line, nor any other subsystem."""
    load_ruleset(rules)  # fills the cache
    case = read_case_file(FIXTURES / "applications" / "napoli-assunzioni.yaml").case
    program = textwrap.dedent(
        """
        import json, sys
        from capcoe_rules.engine import Engine
        engine = Engine.from_path(sys.argv[1])
        decision = engine.evaluate_json(sys.stdin.read())
        print(json.dumps({"outcome": decision.outcome, "modules": sorted(sys.modules)}))
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", program, str(rules)],
        input=json.dumps(case, default=str),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "CAPCOE_CACHE_DIR": str(cache_dir)},
    )
    report = json.loads(completed.stdout)
    assert report["outcome"] == "eligible"
    loaded = set(report["modules"])
    unneeded = {
        "capcoe_rules.language.checker",
        "capcoe_rules.language.stages",
        "capcoe_rules.language.yaml_source",
        "capcoe_rules.language.document_messages",
        "capcoe_rules.language.allocation",  # the round is unpickled when first read
        "capcoe_rules.casefiles",
        "capcoe_rules.allocation",
        "capcoe_rules.analysis",
        "capcoe_rules.batch",
        "capcoe_rules.cli",
        "capcoe_rules.population",
        "capcoe_rules.service",
        "capcoe_rules.testing",
        "yaml",
        "typer",
        "rich",
        "hypothesis",
        "z3",
    }
    assert sorted(loaded & unneeded) == []
    assert "capcoe_rules.engine.engine" in loaded and "durable_rules_engine" in loaded


def test_a_load_may_ask_for_the_checker_itself(
    cache_dir: Path, rules: Path, spy: CheckerSpy
) -> None:
    cached = load_ruleset(rules)
    assert load_ruleset(rules, cached=False) == cached
    assert spy.runs == 2 and len(entries(cache_dir)) == 1

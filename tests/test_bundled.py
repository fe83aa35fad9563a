"""The rule set shipped with the package, and every command's default rule set."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, RULES, make_application

from capcoe_rules import Engine
from capcoe_rules.bundled import bundled_rules_path
from capcoe_rules.language.checker import read_sources

NAPOLI = FIXTURES / "applications" / "napoli-assunzioni.yaml"


def capcoe_rules(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "capcoe_rules", "--lang", "en", *args],  # English messages
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_bundled_rule_set_is_the_one_in_rules() -> None:
    assert read_sources(bundled_rules_path()) == read_sources(RULES)
    bundled, local = Engine.bundled(), Engine.from_path(RULES)
    assert bundled.ruleset.content_hash == local.ruleset.content_hash
    case = make_application()
    assert bundled.evaluate(case).to_json() == local.evaluate(case).to_json()


def test_without_a_local_rule_set_commands_use_the_bundled_one(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(make_application()), "utf-8")
    result = capcoe_rules("evaluate", "case.json", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    # Where it lies depends on the installation: package data of an installed wheel (as in
    # CI, whose subprocesses import the installed package), rules/ of a source checkout.
    assert "capcoe-rules: bundled rule set " in result.stderr
    assert result.stderr.rstrip().endswith(("bundled_rules", "rules"))
    decision = json.loads(result.stdout)
    assert decision["ruleset"]["content_hash"] == Engine.bundled().ruleset.content_hash
    checked = capcoe_rules("check", cwd=tmp_path)
    assert checked.returncode == 0 and "bundled rule set" in checked.stderr


def test_a_local_rules_directory_comes_first_and_is_named(tmp_path: Path) -> None:
    shutil.copytree(RULES, tmp_path / "rules")
    manifest = tmp_path / "rules" / "ruleset.yaml"
    manifest.write_text(
        manifest.read_text("utf-8").replace('version: "', 'version: "local-'), "utf-8"
    )
    shutil.copy(NAPOLI, tmp_path / "case.yaml")
    result = capcoe_rules("evaluate", "case.yaml", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "rule set ./rules" in result.stderr
    assert json.loads(result.stdout)["ruleset"]["version"].startswith("local-")


def test_a_rule_set_given_is_used_without_a_word(tmp_path: Path) -> None:
    shutil.copy(NAPOLI, tmp_path / "case.yaml")
    result = capcoe_rules("evaluate", "case.yaml", "--rules", str(RULES), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "rule set" not in result.stderr


def test_the_pytest_plugin_falls_back_to_the_bundled_rule_set(tmp_path: Path) -> None:
    examples = tmp_path / "fixtures"
    examples.mkdir()
    shutil.copy(NAPOLI, examples / "napoli.yaml")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "fixtures"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout

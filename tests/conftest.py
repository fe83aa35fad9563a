"""Shared test helpers: the bundled rule set, a valid application, small rule sets."""

from __future__ import annotations

import copy
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from capcoe_rules import Engine

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
FIXTURES = ROOT / "fixtures"

NAPOLI_HIRING: dict[str, Any] = {
    "case_type": "application",
    "id": "T-0001",
    "applicant": {"name": "Comune di Napoli", "body_type": "comune", "istat_code": "063049"},
    "submitter": {"role": "sindaco", "name": "Sindaco"},
    "submitted_at": "2023-12-04T10:15:00+01:00",
    "area": "assunzioni",
    "hires": {"tecnico": 6, "economico_statistico": 3},
    "amount_requested": "900000.00",
    "needs_analysis": {"present": True, "declared_need_posts": 20, "capacity_gap": 30},
    "hiring_conditions": {
        "permanent_contracts": True,
        "additional_posts": True,
        "cohesion_policy_only": True,
        "funding_capcoe_then_state": True,
    },
}


def make_application(**changes: Any) -> dict[str, Any]:
    """A valid, eligible hiring application, with dotted-path changes applied."""
    case = copy.deepcopy(NAPOLI_HIRING)
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        target = case
        for part in parents:
            target = target[part]
        target[last] = value
    return case


@pytest.fixture
def application() -> Callable[..., dict[str, Any]]:
    """Factory: ``application(area="formazione", applicant__body_type="regione")``."""
    return make_application


@pytest.fixture(scope="session", autouse=True)
def _private_ruleset_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The checked-rule-set cache in a directory of this test session's own (the CLI's
    subprocesses inherit it): the tests neither read nor fill the user's."""
    patch = pytest.MonkeyPatch()
    patch.setenv("CAPCOE_CACHE_DIR", str(tmp_path_factory.mktemp("ruleset-cache")))
    yield
    patch.undo()


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.from_path(RULES)


MANIFEST = """\
name: mini
version: "1"
title: {it: Regole di prova}
in_force: {from: 2021-01-01, to: 2029-12-31}
"""


def write_ruleset(directory: Path, files: dict[str, str], manifest: str = MANIFEST) -> Path:
    """Write a small rule set: ``ruleset.yaml`` plus ``files`` (texts are dedented)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "ruleset.yaml").write_text(manifest, encoding="utf-8")
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return directory


class _RuleFileDumper(yaml.SafeDumper):
    """Repeated values written out: rule files may hold no YAML aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_rule_file(document: Any) -> str:
    """A rule file's text for ``document``, as a test that edits the rules writes it."""
    return yaml.dump(document, Dumper=_RuleFileDumper, sort_keys=False, allow_unicode=True)

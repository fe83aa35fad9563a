"""Each programme fact is defined once: the Python holds none that the rule files hold.

- The allocation package is generic: no pool, profile, group (region) code, method name
  or cap of the bundled rule set appears in ``capcoe_rules/allocation/`` (the names are
  read from the bundled declaration itself, so a new pool or profile is covered).
- The hiring profiles are a type: ``HiresRequest`` in ``models/application.py`` is the
  only place in the library that spells them.
- Region codes live in the rule files and in ISTAT's list (``territory/comuni.csv``): no
  Python module spells one.
- Rome's time zone is defined once, in ``models/inputs.py``.
- ``capcoe_rules.testing`` is a leaf: nothing in the library imports it but the CLI's
  ``test`` and ``selftest`` commands (``cli/examples.py``, ``cli/selftest.py``) and the
  pytest plugin (inside the kit itself).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import ROOT, RULES

from capcoe_rules.language import load_ruleset

PACKAGE = ROOT / "capcoe_rules"
ALLOCATION = PACKAGE / "allocation"


def sources(directory: Path) -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for path in sorted(directory.rglob("*.py"))}


def words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))


def bundled_names() -> dict[str, set[str]]:
    ruleset = load_ruleset(RULES)
    allocation = ruleset.allocation
    assert allocation is not None
    return {
        "pool": {pool.name for pool in allocation.pools},
        "profile": {profile.name for profile in allocation.profiles},
        "method": set(allocation.methods),
        "parameter": {*allocation.cap_parameters, allocation.method},
    }


def test_the_allocation_package_holds_no_name_of_the_programme() -> None:
    names = bundled_names()
    for path, text in sources(ALLOCATION).items():
        found = words(text)
        for kind, spelled in names.items():
            assert not found & spelled, f"{path.name} spells the {kind}(s) {found & spelled}"


def test_the_allocation_package_holds_no_region_code_and_no_cap() -> None:
    ruleset = load_ruleset(RULES)
    allocation = ruleset.allocation
    assert allocation is not None
    caps = {
        dated.value
        for name in allocation.cap_parameters
        for dated in ruleset.parameters[name].values
    }
    codes = {row.key for table in ruleset.tables.values() for row in table.versions}
    for path, text in sources(ALLOCATION).items():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Constant) and not isinstance(node.value, bool):
                assert node.value not in caps or node.value in (0, 1, 2), (
                    f"{path.name}:{node.lineno} holds the cap {node.value}"
                )
                assert node.value not in codes, f"{path.name}:{node.lineno} holds {node.value!r}"


def test_the_profiles_are_spelled_only_by_the_application_model() -> None:
    profiles = bundled_names()["profile"]
    spelling = {
        path.relative_to(PACKAGE).as_posix()
        for path, text in sources(PACKAGE).items()
        if words(text) & profiles
    }
    assert spelling == {"models/application.py"}


def test_no_python_module_spells_a_region_code() -> None:
    quoted = re.compile(r"""["'](0[1-9]|1\d|20)["']""")
    spelling = [
        f"{path.relative_to(PACKAGE)}: {match.group(0)}"
        for path, text in sources(PACKAGE).items()
        for match in quoted.finditer(text)
    ]
    assert spelling == []


def test_rome_is_defined_once() -> None:
    defining = [
        path.relative_to(PACKAGE).as_posix()
        for path, text in sources(PACKAGE).items()
        if 'ZoneInfo("Europe/Rome")' in text
    ]
    assert defining == ["models/inputs.py"]


def test_the_testing_kit_is_a_leaf() -> None:
    importing = set()
    for path, text in sources(PACKAGE).items():
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith("testing/"):
            continue
        for node in ast.walk(ast.parse(text)):
            modules = []
            if isinstance(node, ast.ImportFrom) and node.module:
                modules.append(node.module)
            elif isinstance(node, ast.Import):
                modules.extend(alias.name for alias in node.names)
            if any(module.startswith("capcoe_rules.testing") for module in modules):
                importing.add(relative)
    # The commands of the testing kit: `test` runs examples, `selftest` the differential.
    assert importing <= {"cli/examples.py", "cli/selftest.py"}, importing

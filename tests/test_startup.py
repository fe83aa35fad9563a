"""Cold start: the command line loads only what the command it runs needs.

Checked through ``sys.modules`` in a fresh interpreter, not through timings (which depend
on the machine's load): ``import capcoe_rules`` and ``import capcoe_rules.cli`` and
``capcoe-rules --help`` must not import the engine, pydantic, durable_rules, PyYAML or rich.
``capcoe-rules bench`` reports the start-up time itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import capcoe_rules
from conftest import RULES, make_application

HEAVY = (
    "capcoe_rules.engine",
    "capcoe_rules.language",
    "capcoe_rules.models",
    "capcoe_rules.allocation",
    "capcoe_rules.batch",
    "pydantic",
    "durable",
    "yaml",
    "rich",
)
"""What the help of the command line has no use for: the engine and what it stands on."""

SEE_THE_END = """
import capcoe_rules.cli
def _end(code):  # evaluate and explain end the process at once: let the script see the end
    raise SystemExit(code)
capcoe_rules.cli._end_now = _end
"""
"""Put before a script's ``main()``: tests/test_cli.py runs the real end."""

RUN_CLI = """
import json, sys
modules_file, *sys.argv[1:] = sys.argv[1:]
sys.argv[0] = "capcoe-rules"
{see_the_end}from capcoe_rules.cli import main
try:
    main()
except SystemExit as exit:
    code = exit.code
else:
    code = 0
with open(modules_file, "w") as handle:
    json.dump({"code": code, "modules": sorted(sys.modules)}, handle)
""".replace("{see_the_end}", SEE_THE_END)


def _modules_after(code: str, *args: str, tmp_path: Path) -> tuple[int, list[str], str]:
    """Run ``code`` in a fresh interpreter; its exit code, modules loaded and stdout."""
    modules_file = tmp_path / "modules.json"
    result = subprocess.run(
        [sys.executable, "-c", code, str(modules_file), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert modules_file.is_file(), result.stderr
    found = json.loads(modules_file.read_text())
    return found["code"], found["modules"], result.stdout


def _heavy(modules: list[str]) -> list[str]:
    return [name for name in modules if name.split(".")[0] in HEAVY or name.startswith(HEAVY)]


@pytest.mark.parametrize("module", ["capcoe_rules", "capcoe_rules.cli"])
def test_importing_the_package_or_the_command_line_loads_no_engine(
    module: str, tmp_path: Path
) -> None:
    code = (
        "import json, sys\n"
        f"import {module}\n"
        "json.dump({'code': 0, 'modules': sorted(sys.modules)}, open(sys.argv[1], 'w'))\n"
    )
    _, modules, _ = _modules_after(code, tmp_path=tmp_path)
    assert module in modules
    assert _heavy(modules) == []


@pytest.mark.parametrize("args", [["--help"], ["--lang", "en", "--help"], ["--lang=en", "--help"]])
def test_help_loads_no_engine_no_pydantic_no_rich(args: list[str], tmp_path: Path) -> None:
    code, modules, stdout = _modules_after(RUN_CLI, *args, tmp_path=tmp_path)
    assert code == 0
    assert "capcoe-rules" in stdout and "check" in stdout
    assert _heavy(modules) == []


def test_a_command_still_loads_what_it_needs(tmp_path: Path) -> None:
    # The other side of laziness: the engine is imported when a command uses it.
    rules = Path(__file__).resolve().parent.parent / "rules"
    code, modules, _ = _modules_after(RUN_CLI, "check", str(rules), tmp_path=tmp_path)
    assert code == 0
    assert "capcoe_rules.language" in modules


def test_every_public_name_resolves_on_first_use() -> None:
    for name in capcoe_rules.__all__:
        assert getattr(capcoe_rules, name) is not None, name
    assert set(dir(capcoe_rules)) >= {*capcoe_rules.__all__, "__version__"}
    assert isinstance(capcoe_rules.__version__, str) and capcoe_rules.__version__
    with pytest.raises(AttributeError, match="no attribute 'Enigne'"):
        capcoe_rules.Enigne  # noqa: B018 - the attribute access is the test


def test_a_public_name_is_the_object_of_its_home_module() -> None:
    from capcoe_rules.engine import Engine  # noqa: PLC0415 - the point is where it comes from
    from capcoe_rules.errors import CaseError  # noqa: PLC0415

    assert capcoe_rules.Engine is Engine
    assert capcoe_rules.CaseError is CaseError


PLUGINS_AFTER_CLI = """
import json, os, sys
out, *sys.argv[1:] = sys.argv[1:]
sys.argv[0] = "capcoe-rules"
{see_the_end}from capcoe_rules.cli import main
try:
    main()
except SystemExit:
    pass
loader = sys.modules.get("pydantic.plugin._loader")
json.dump({"variable": os.environ.get("PYDANTIC_DISABLE_PLUGINS"),
           "looked_for_plugins": loader is not None and loader._plugins is not None},
          open(out, "w"))
""".replace("{see_the_end}", SEE_THE_END)


@pytest.mark.parametrize(
    ("given", "variable", "looked"), [(None, "__all__", False), ("", "", True)]
)
def test_the_command_line_skips_pydantic_plugins_unless_the_user_set_the_variable(
    given: str | None, variable: str, looked: bool, tmp_path: Path
) -> None:
    case = Path(__file__).resolve().parent.parent / "fixtures" / "applications"
    example = sorted(case.glob("*.yaml"))[0]
    environment = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if given is not None:
        environment["PYDANTIC_DISABLE_PLUGINS"] = given
    out = tmp_path / "plugins.json"
    subprocess.run(
        [sys.executable, "-c", PLUGINS_AFTER_CLI, str(out), "evaluate", str(example)],
        env=environment,
        capture_output=True,
        timeout=120,
        check=False,
    )
    found = json.loads(out.read_text())
    assert found == {"variable": variable, "looked_for_plugins": looked}


@pytest.mark.parametrize(("given", "variable"), [(None, "__all__"), ("", "")])
def test_the_command_line_turns_pydantic_plugins_off_before_any_command_runs(
    given: str | None, variable: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same as above within this process (where pydantic has long looked for plugins:
    only the variable the command line leaves for the commands it runs can be seen)."""
    from capcoe_rules.cli import main  # noqa: PLC0415

    monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)
    if given is not None:
        monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", given)
    monkeypatch.setattr(sys, "argv", ["capcoe-rules", "--version"])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code in (0, None)
    assert "capcoe-rules" in capsys.readouterr().out
    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == variable


def test_a_json_application_is_decided_without_a_yaml_parser_typers_adapters_or_the_payment_models(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml  # noqa: PLC0415 - the fixture is YAML; the case given to evaluate is not

    monkeypatch.setenv("CAPCOE_CACHE_DIR", str(tmp_path / "cache"))  # checked once, then read

    fixtures = Path(__file__).resolve().parent.parent / "fixtures" / "applications"
    example = sorted(fixtures.glob("*.yaml"))[0]
    case = tmp_path / "case.json"
    case.write_text(json.dumps(yaml.safe_load(example.read_text())["case"], default=str))
    for _ in range(2):  # the first run checks the rule set (with every model) and caches it
        code, modules, stdout = _modules_after(RUN_CLI, "evaluate", str(case), tmp_path=tmp_path)
        assert code == 0, stdout
    assert "yaml" not in modules
    assert "typer._adapters" not in modules  # capcoe_rules.cli.coercion: 30 ms
    assert "capcoe_rules.models.payment" not in modules
    assert "capcoe_rules.models.payment_decision" not in modules
    assert "capcoe_rules.models.compact" not in modules
    assert "capcoe_rules.engine.payments" not in modules
    code, modules, _ = _modules_after(RUN_CLI, "evaluate", str(example), tmp_path=tmp_path)
    assert code == 0
    assert "yaml" in modules


RUN_CLI_TYPED_MODELS = """
import json, sys
out_file, *sys.argv[1:] = sys.argv[1:]
sys.argv[0] = "capcoe-rules"
{see_the_end}import capcoe_rules.engine.decision_models as models
built = []
build = models.DecisionModels._build_subject
def spy(self, subject):
    built.append(subject)
    return build(self, subject)
models.DecisionModels._build_subject = spy
from capcoe_rules.cli import main
try:
    main()
except SystemExit as exit:
    code = exit.code
else:
    code = 0
with open(out_file, "w") as handle:
    json.dump({"code": code, "modules": built}, handle)
""".replace("{see_the_end}", SEE_THE_END)
"""Runs the command line; writes the subjects whose typed decision models it built."""


def test_evaluate_builds_no_typed_decision_model(tmp_path: Path) -> None:
    # A pydantic model per rule (12 ms for the bundled rules) for a decision only shown:
    # evaluate and explain decide with the generic models (same output, see
    # test_decision_models).
    case = tmp_path / "case.json"
    case.write_text(json.dumps(make_application()), encoding="utf-8")
    for command in ("evaluate", "explain"):
        code, built, stdout = _modules_after(
            RUN_CLI_TYPED_MODELS, command, str(case), "--rules", str(RULES), tmp_path=tmp_path
        )
        assert code == 0, stdout
        assert built == [], command

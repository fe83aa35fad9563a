"""``capcoe-rules schema``: JSON Schemas of the cases, the decisions and the rule files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from capcoe_rules.cli.common import RulesOption, command, err, fail, os_failure, out
from capcoe_rules.cli.localized import language, say


@command("schema")
def schema(
    names: Annotated[list[str] | None, typer.Argument(show_default=False)] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", "-o", show_default=False)] = None,
    rules: RulesOption = Path("rules"),
) -> None:
    """The JSON Schema of a case, a decision, an allocation round or a rule file.

    Its help, in Italian and English: ``catalogue.HELP["schema"]``.
    """
    from capcoe_rules.atomic import write_atomically  # start-up: see cli.common
    from capcoe_rules.engine import Engine
    from capcoe_rules.language import RuleSetError
    from capcoe_rules.schemas import SCHEMAS, file_name, schema_text

    unknown = [name for name in names or [] if name not in SCHEMAS]
    if unknown:
        fail(say("unknown_schema", names=", ".join(unknown), known=", ".join(SCHEMAS)), 2)
    if not names and out_dir is None:
        for kind in SCHEMAS.values():  # the schema's own title, in the files, is English
            title = say(f"schema_{kind.name}")
            out.print(f"{kind.name:<20} {title}", highlight=False, markup=False)
        return
    try:
        models = Engine.from_path(rules).decision_models
    except RuleSetError as error:
        for problem in error.problems:
            print(problem.text(language()), file=sys.stderr)
        fail(say("rule_set_has_problems", path=rules), 1)
    except FileNotFoundError as error:
        fail(os_failure(error), 2)
    chosen = names or list(SCHEMAS)
    if out_dir is None:
        if len(chosen) > 1:
            fail(say("one_schema_to_print"), 2)
        sys.stdout.write(schema_text(chosen[0], models))
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in chosen:
        write_atomically(out_dir / file_name(name), schema_text(name, models))
        err.print(say("wrote", what=out_dir / file_name(name)), markup=False, highlight=False)

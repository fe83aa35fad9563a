"""Stage: every rule id is used once in the whole rule set."""

from __future__ import annotations

from capcoe_rules.errors import Code, Text
from capcoe_rules.language.stages.context import CheckContext, RuleFile


def unique_rule_ids(ctx: CheckContext, files: list[RuleFile]) -> None:
    seen: dict[str, str] = {}
    for file in files:
        for index, rule in enumerate(file.doc.rules):
            if rule.id in seen:
                ctx.report(
                    file.path,
                    file.yaml.source.value(("rules", index, "id")),
                    Code.DUPLICATE_RULE_ID,
                    Text(
                        f"duplicate rule id {rule.id!r} (first in {ctx.file(seen[rule.id])})",
                        f"id di regola {rule.id!r} ripetuto (la prima volta in "
                        f"{ctx.file(seen[rule.id])})",
                    ),
                    Text("give each rule its own id", "dai a ogni regola un id diverso"),
                )
            else:
                seen[rule.id] = file.path

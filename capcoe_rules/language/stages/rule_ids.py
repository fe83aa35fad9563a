"""Stage: every rule id is used once in the whole rule set."""

from __future__ import annotations

from capcoe_rules.errors import Code
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
                    f"duplicate rule id {rule.id!r} (first in {ctx.file(seen[rule.id])})",
                )
            else:
                seen[rule.id] = file.path

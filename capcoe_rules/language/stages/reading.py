"""Stages 1 and 2: the manifest (ruleset.yaml) and the rule files, each read into its
document model.
"""

from __future__ import annotations

from capcoe_rules.errors import Code, Text
from capcoe_rules.language.documents import (
    ManifestDoc,
    RuleFileDoc,
)
from capcoe_rules.language.problems import Position, Problem
from capcoe_rules.language.stages.context import MANIFEST, CheckContext, RuleFile
from capcoe_rules.language.yaml_source import YamlDocument


def manifest(ctx: CheckContext) -> tuple[ManifestDoc, YamlDocument] | None:
    if MANIFEST in ctx.unreadable:
        return None
    if MANIFEST not in ctx.sources:
        ctx.problems.append(
            Problem.of(
                ctx.file(MANIFEST),
                Position(1, 1),
                Code.NO_MANIFEST,
                Text(
                    "no ruleset.yaml: a rule set needs its name, version and in-force period",
                    "manca ruleset.yaml: un insieme di regole ha un nome, una versione e un "
                    "periodo di vigenza",
                ),
                Text(
                    "add ruleset.yaml to the folder (see the bundled rules/ruleset.yaml)",
                    "aggiungi ruleset.yaml alla cartella (vedi rules/ruleset.yaml)",
                ),
            )
        )
        return None
    return ctx.parse(MANIFEST, ManifestDoc)


def rule_files(ctx: CheckContext) -> list[RuleFile]:
    files = []
    for path in ctx.sources:
        if path == MANIFEST:
            continue
        parsed = ctx.parse(path, RuleFileDoc)
        if parsed is not None:
            files.append(RuleFile(path, parsed[1], parsed[0]))
    return files

"""Stage 1: the manifest (ruleset.yaml) and the rule files, each read into its document model."""

from __future__ import annotations

from capcoe_rules.errors import Code
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
            Problem(
                ctx.file(MANIFEST),
                Position(1, 1),
                Code.NO_MANIFEST,
                "no ruleset.yaml: a rule set needs its name, version and in-force period",
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

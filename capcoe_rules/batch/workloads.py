"""Rule sets larger than the bundled one, for the benchmark and the limit tests.

A real rule set grows by rules like the ones it has: :func:`enlarged_sources` copies every
requirement of the bundled application rules under new ids, each copy with a test of its
own (so durable_rules gets as many distinct tests as rules), until the rule set holds the
number of rules asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

EXTRA_FILE = "zz_copie_generate.yaml"


def enlarged_sources(sources: Mapping[str, str], rules: int) -> dict[str, str]:
    """``sources`` plus copies of its application requirements: ``rules`` rules in all."""
    requirements: list[dict[str, Any]] = []
    existing = 0
    for _, text in sorted(sources.items()):
        document = yaml.safe_load(text) or {}
        found = document.get("rules", [])
        existing += len(found)
        if document.get("case") == "application":
            requirements += [rule for rule in found if "require" in rule]
    copies: list[dict[str, Any]] = []
    for index in range(max(rules - existing, 0)):
        original = requirements[index % len(requirements)]
        copy = {key: value for key, value in original.items() if key != "message"}
        copy["id"] = f"{original['id']}-COPIA{index}"
        copy["require"] = f"({original['require']}) or application.hires.total == {1000 + index}"
        copies.append(copy)
    document = {
        "description": "Copie delle regole, generate per misurare regole set grandi",
        "case": "application",
        "rules": copies,
    }
    text = yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
    return {**sources, EXTRA_FILE: text}


class _Dumper(yaml.SafeDumper):
    """Writes shared values out in full: rule files may hold no YAML aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

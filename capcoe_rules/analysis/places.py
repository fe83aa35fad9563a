"""Where in the rule files a finding points: a rule's ``when`` or ``require``, a table."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from capcoe_rules.analysis.report import Place
from capcoe_rules.language.problems import display_path
from capcoe_rules.language.ruleset import CheckedRuleSet, Rule, Table
from capcoe_rules.language.yaml_source import YamlDocument, load_yaml


@dataclass
class Places:
    ruleset: CheckedRuleSet
    origin: str
    """The rule set's directory as shown (``rules``)."""
    _documents: dict[str, YamlDocument | None] = field(default_factory=dict)

    def rule(self, rule: Rule, part: str = "require") -> Place:
        """The place of a rule's ``part`` (``when``, ``require``, ``value``), or the rule."""
        relative = self._relative(rule.file)
        document = self._document(relative)
        if document is not None:
            index = self._rule_index(document.data, rule.id)
            if index is not None:
                rules = document.data["rules"]
                at: tuple[str | int, ...] = ("rules", index)
                if part in rules[index]:
                    at = (*at, part)
                position = document.source.value(at)
                return Place(self._shown(relative), position.line, position.column)
        return Place(rule.file, rule.position.line, rule.position.column)

    def table(self, table: Table) -> Place:
        return Place(self._shown(table.file), table.position.line, table.position.column)

    def lookup(self, name: str) -> Place:
        document = self._document("ruleset.yaml")
        if document is None:
            return Place(self._shown("ruleset.yaml"), 1, 1)
        position = document.source.key(("lookups", name))
        return Place(self._shown("ruleset.yaml"), position.line, position.column)

    def derivation(self, rules: tuple[Rule, ...], name: str) -> tuple[Place, ...]:
        return tuple(self.rule(rule, "value") for rule in rules if rule.derive == name)

    @cached_property
    def _prefix(self) -> str:
        return display_path(self.origin).rstrip("/")

    def _shown(self, relative: str) -> str:
        return f"{self._prefix}/{relative}" if self._prefix else relative

    def _relative(self, shown: str) -> str:
        candidates = [path for path in self.ruleset.sources if shown.endswith(path)]
        return max(candidates, key=len) if candidates else shown

    def _document(self, relative: str) -> YamlDocument | None:
        if relative not in self._documents:
            text = self.ruleset.sources.get(relative)
            self._documents[relative] = None if text is None else load_yaml(text, relative)[0]
        return self._documents[relative]

    @staticmethod
    def _rule_index(data: Any, rule_id: str) -> int | None:
        rules = data.get("rules") if isinstance(data, dict) else None
        if not isinstance(rules, list):
            return None
        for index, item in enumerate(rules):
            if isinstance(item, dict) and item.get("id") == rule_id:
                return index
        return None

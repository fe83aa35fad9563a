"""Decision models typed by one rule set, so that a decision read back from JSON is equal.

A generic :class:`~capcoe_rules.models.decision.Decision` holds its derived values,
lookups and finding values as ``dict[str, Any]``: read back from JSON, an amount comes back
as the text ``"441000.00"`` and a date and time as text. The rule set knows the type of
each of them (``derive: eu_share`` is money, ``application.submitted_at`` a datetime), so
for every checked rule set this module builds subclasses of the decision models whose
fields say so:

- ``derived`` and each lookup row are ``TypedDict``\\ s with one key per derived value or
  column;
- each rule gets its own :class:`Finding` subclass (``rule_id`` a constant, ``values``
  a ``TypedDict`` of what the rule reads, ``value`` the derived value's type), and a
  decision's ``findings`` are a union of them told apart by ``rule_id``.

The engine builds its decisions from these classes, so ``type(d).model_validate_json(
d.to_json()) == d``, and their JSON Schema (``capcoe-rules schema``, the service's
OpenAPI) types every value. The JSON of a decision is unchanged: a typed field writes a
value exactly as the generic ``Any`` did.

Models are shared by every evaluator of the same rule set content (the engine and the
reference give equal decisions) and are built once per content hash, each kind of case's
when it is first needed.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal, NotRequired, TypeVar
from weakref import WeakValueDictionary

from pydantic import ConfigDict, Discriminator, Field, create_model
from typing_extensions import TypedDict

from capcoe_rules.engine.subjects import BuiltOnFirstUse
from capcoe_rules.language.ruleset import CaseRules, CheckedRuleSet, Rule
from capcoe_rules.language.types import Type
from capcoe_rules.models.decision import Decision, DecisionModel, Finding

if TYPE_CHECKING:  # imported where built: deciding an application needs neither
    from capcoe_rules.models.compact import CompactDecision
    from capcoe_rules.models.payment_decision import MilestoneDecision, PaymentDecision

_FORBID = ConfigDict(extra="forbid")
CLAIM_SUBJECTS = ("claim", "programme")
"""The rule subjects whose findings and derived values a payment decision holds itself
(``programme``: a programme-level claim's n+3 rules, in rule sets that have them)."""
ModelT = TypeVar("ModelT", bound=DecisionModel)


def python_type(type_: Type) -> Any:
    """The Python type of a value of ``type_`` as a decision shows it."""
    found: Any
    match type_.base:
        case "money":
            found = Annotated[Decimal, Field(description="euros, to the cent")]
        case "number":
            found = int | Decimal
        case "text":
            found = Literal[tuple(sorted(type_.values))] if type_.values else str
        case "bool":
            found = bool
        case "date":
            found = dt.date
        case "datetime":
            found = dt.datetime
        case "list":
            assert type_.item is not None
            found = list[python_type(type_.item)]  # type: ignore[misc]
        case _:
            found = None
    if type_.nullable and found is not None:
        return found | None
    return found


class DecisionModels:
    """The typed decision models of one rule set, each kind built when first asked for
    (a model per rule costs about a millisecond: ``evaluate`` of one application need not
    build the payment rules' models). Thread-safe: one class per model, whoever asks."""

    def __init__(self, ruleset: CheckedRuleSet) -> None:
        self.content_hash = ruleset.content_hash
        self._ruleset = ruleset
        self._tag = _identifier(f"{ruleset.name}_{ruleset.version}")
        self._lock = threading.RLock()
        self._built: dict[str, Any] = {}
        self.decisions: Mapping[str, type[Decision]] = BuiltOnFirstUse(
            ruleset.cases, lambda subject: self._subject(subject)[0]
        )
        """By rule subject (``application``, ``milestone``, ``claim``)."""
        self.findings: Mapping[str, type[Finding]] = _FindingModels(self)
        """By rule id."""

    @property
    def application(self) -> type[Decision]:
        return self.decisions["application"]

    @property
    def milestone(self) -> type[MilestoneDecision]:
        return self._once("milestone", self._milestone)  # type: ignore[no-any-return]

    @property
    def payment(self) -> type[PaymentDecision]:
        return self._once("payment", self._payment)  # type: ignore[no-any-return]

    @property
    def compact(self) -> type[CompactDecision]:
        """The compact decision on an application, its derived values typed."""
        return self._once("compact", self._compact)  # type: ignore[no-any-return]

    def finding(self, rule_id: str) -> type[Finding]:
        """The finding model of rule ``rule_id`` (``KeyError`` if no rule has that id)."""
        return self._subject(self._rule_subjects()[rule_id])[1][rule_id]

    def rule_ids(self) -> list[str]:
        return list(self._rule_subjects())

    def _once(self, name: str, build: Any) -> Any:
        with self._lock:
            if name not in self._built:
                self._built[name] = build()
            return self._built[name]

    def _rule_subjects(self) -> dict[str, str]:
        return self._once(  # type: ignore[no-any-return]
            "rule subjects",
            lambda: {
                rule.id: subject
                for subject, case_rules in self._ruleset.cases.items()
                for rule in case_rules.rules
            },
        )

    def _subject(self, subject: str) -> tuple[type[Decision], dict[str, type[Finding]], Any]:
        """A subject's decision model, its finding models by rule id, its derived type."""
        return self._once(f"subject {subject}", lambda: self._build_subject(subject))  # type: ignore[no-any-return]

    def _build_subject(self, subject: str) -> tuple[type[Decision], dict[str, type[Finding]], Any]:
        ruleset, tag = self._ruleset, self._tag
        case_rules = ruleset.cases[subject]
        findings = {
            rule.id: _finding_model(rule, case_rules, tag, ruleset.content_hash)
            for rule in case_rules.rules
        }
        derived = _derived_type([case_rules], f"{_camel(subject)}Derived_{tag}")
        decision = _subclass(
            Decision,
            f"{_camel(subject)}{'' if subject == 'application' else 'Rules'}Decision_{tag}",
            ruleset.content_hash,
            f"Decision on {_article(subject)} ({ruleset.name} {ruleset.version})",
            findings=(_findings_type(findings.values()), ...),
            derived=(derived, ...),
            lookups=(_lookups_type(case_rules, f"{_camel(subject)}Lookups_{tag}"), ...),
        )
        return decision, findings, derived

    def _milestone(self) -> type[MilestoneDecision]:
        from capcoe_rules.models.payment_decision import MilestoneDecision  # noqa: PLC0415

        ruleset = self._ruleset
        _, findings, derived = self._subject("milestone")
        return _subclass(
            MilestoneDecision,
            f"MilestoneDecision_{self._tag}",
            ruleset.content_hash,
            f"Decision on one milestone of a payment claim ({ruleset.name} {ruleset.version})",
            findings=(_findings_type(findings.values()), ...),
            derived=(derived, ...),
        )

    def _payment(self) -> type[PaymentDecision]:
        # A claim's own findings and derived values are those of its claim rules, and, for
        # a programme-level claim, of the rule set's programme rules when it has any.
        from capcoe_rules.models.payment_decision import PaymentDecision  # noqa: PLC0415

        ruleset = self._ruleset
        whole = [subject for subject in CLAIM_SUBJECTS if subject in ruleset.cases]
        findings = [model for subject in whole for model in self._subject(subject)[1].values()]
        return _subclass(
            PaymentDecision,
            f"PaymentDecision_{self._tag}",
            ruleset.content_hash,
            f"Decision on a payment claim ({ruleset.name} {ruleset.version})",
            milestones=(list[self.milestone], ...),  # type: ignore[name-defined]
            findings=(_findings_type(findings), ...),
            derived=(
                _derived_type(
                    [ruleset.cases[subject] for subject in whole],
                    f"PaymentDerived_{self._tag}",
                    required=1,
                ),
                ...,
            ),
        )

    def _compact(self) -> type[CompactDecision]:
        from capcoe_rules.models.compact import CompactDecision  # noqa: PLC0415

        ruleset = self._ruleset
        return _subclass(
            CompactDecision,
            f"CompactDecision_{self._tag}",
            ruleset.content_hash,
            f"Compact decision on an application ({ruleset.name} {ruleset.version})",
            derived=(self._subject("application")[2], ...),
        )


class _FindingModels(Mapping[str, type[Finding]]):
    """Finding models by rule id, each subject's built when one of its rules is asked for."""

    def __init__(self, models: DecisionModels) -> None:
        self._models = models

    def __getitem__(self, rule_id: str) -> type[Finding]:
        return self._models.finding(rule_id)

    def __iter__(self) -> Iterator[str]:
        return iter(self._models.rule_ids())

    def __len__(self) -> int:
        return len(self._models.rule_ids())


class GenericModels:
    """The generic decision models in place of a rule set's typed ones, for a process that
    decides and shows decisions without reading them back (``capcoe-rules evaluate``): the
    same decisions, the same JSON, and no model to build per rule (about 12 ms for the
    bundled application rules, a twentieth of deciding one case from the command line).
    What is lost: read back from JSON, such a decision's values are texts, not typed."""

    def __init__(self, ruleset: CheckedRuleSet) -> None:
        cases = ruleset.cases
        self.decisions: Mapping[str, type[Decision]] = dict.fromkeys(cases, Decision)
        self.findings: Mapping[str, type[Finding]] = {
            rule.id: Finding for case_rules in cases.values() for rule in case_rules.rules
        }

    @property
    def milestone(self) -> type[MilestoneDecision]:
        from capcoe_rules.models.payment_decision import MilestoneDecision  # noqa: PLC0415

        return MilestoneDecision

    @property
    def payment(self) -> type[PaymentDecision]:
        from capcoe_rules.models.payment_decision import PaymentDecision  # noqa: PLC0415

        return PaymentDecision


_BUILT: WeakValueDictionary[str, DecisionModels] = WeakValueDictionary()
_LOCK = threading.Lock()


def decision_models(ruleset: CheckedRuleSet) -> DecisionModels:
    """The typed models of ``ruleset``: the same classes for the same rule-set content."""
    with _LOCK:
        found = _BUILT.get(ruleset.content_hash)
        if found is None:
            found = _BUILT[ruleset.content_hash] = DecisionModels(ruleset)
        return found


def models_for(content_hash: str) -> DecisionModels | None:
    """The typed models of a rule set this process has loaded, by its content hash."""
    return _BUILT.get(content_hash)


def _finding_model(rule: Rule, case_rules: CaseRules, tag: str, content_hash: str) -> type[Finding]:
    reads = {ref.dotted: python_type(ref.type) for ref in rule.reads}
    values = _typed_dict(f"Values_{_identifier(rule.id)}_{tag}", reads)
    value_type: Any = None
    if rule.derive is not None:
        value_type = python_type(case_rules.derived_types[rule.derive])
    return _subclass(
        Finding,
        f"Finding_{_identifier(rule.id)}_{tag}",
        content_hash,
        f"{rule.id}: {rule.doc.title.en or rule.doc.title.it}",
        rule_id=(Literal[rule.id], ...),
        values=(values, ...),
        value=(value_type, None),
    )


def _findings_type(models: Iterable[type[Finding]]) -> Any:
    choices = tuple(models)
    if not choices:
        return list[Finding]
    if len(choices) == 1:
        return list[choices[0]]  # type: ignore[valid-type]
    union: Any = choices[0]
    for choice in choices[1:]:
        union = union | choice
    return list[Annotated[union, Discriminator("rule_id")]]


def _derived_type(parts: Sequence[CaseRules], name: str, required: int | None = None) -> Any:
    """The derived values of ``parts``, those of the first ``required`` always present
    (all by default), the others only when their rules judged the case."""
    fields: dict[str, Any] = {}
    for index, case_rules in enumerate(parts):
        titles = {r.derive: r.doc.title for r in case_rules.rules if r.derive is not None}
        for derived, type_ in case_rules.derived_types.items():
            if derived not in titles:
                continue
            described: Any = Annotated[
                python_type(type_), Field(description=_label(titles[derived]))
            ]
            always = required is None or index < required
            fields[derived] = described if always else NotRequired[described]
    return _typed_dict(name, fields)


def _lookups_type(case_rules: CaseRules, name: str) -> Any:
    rows = {
        lookup.name: _typed_dict(
            f"{name}_{_camel(lookup.name)}",
            {column: python_type(type_) for column, type_ in lookup.table.columns.items()},
        )
        for lookup in case_rules.lookups
    }
    return _typed_dict(name, rows)


def _typed_dict(name: str, fields: Mapping[str, Any]) -> Any:
    typed = TypedDict(name, dict(fields))  # type: ignore[misc]  # noqa: UP013 (names built at run time)
    typed.__pydantic_config__ = _FORBID  # type: ignore[attr-defined]
    return typed


def _subclass(
    base: type[ModelT], name: str, content_hash: str, title: str, **fields: Any
) -> type[ModelT]:
    # defer_build: the validator and the JSON Schema are built on first use (reading a
    # decision back, the schema command); deciding needs neither, and building them for
    # every rule's finding model took two thirds of a one-case process's deciding time.
    model = create_model(
        name,
        __base__=base,
        __module__=__name__,
        __doc__=title,
        __cls_kwargs__={"defer_build": True},
        **fields,
    )
    # Write as the generic model does: the same bytes (the tests compare both on every
    # fixture), at half the cost of a union of 30 finding models told apart by rule id.
    model.__pydantic_serializer__ = base.__pydantic_serializer__
    # Building the model later sets its own serializer: the generic one again, once built.
    model.__pydantic_on_complete__ = classmethod(_writes_as(base))  # type: ignore[method-assign,assignment]
    model.__reduce__ = _reducer(content_hash, name, base)  # type: ignore[method-assign]
    return model


def _writes_as(base: type[DecisionModel]) -> Any:
    def on_complete(cls: type[DecisionModel]) -> None:
        cls.__pydantic_serializer__ = base.__pydantic_serializer__

    return on_complete


def _reducer(content_hash: str, name: str, base: type[DecisionModel]) -> Any:
    def reduce(self: DecisionModel) -> tuple[Any, ...]:
        return (_unpickle, (content_hash, name, base, self.model_dump_json()))

    return reduce


def _unpickle(content_hash: str, name: str, base: type[DecisionModel], text: str) -> DecisionModel:
    """A pickled typed decision, back with its own class when this process has the rule
    set loaded; otherwise as the generic model it extends (values untyped)."""
    models = models_for(content_hash)
    if models is not None:
        for model in _all_models(models):
            if model.__name__ == name:
                return model.model_validate_json(text)
    return base.model_validate_json(text)


def _all_models(models: DecisionModels) -> Iterable[type[DecisionModel]]:
    yield from models.decisions.values()
    yield from models.findings.values()
    yield models.milestone
    yield models.payment
    yield models.compact


def _identifier(text: str) -> str:
    return re.sub(r"\W+", "_", text).strip("_")


def _camel(text: str) -> str:
    return "".join(part.capitalize() for part in text.split("_"))


def _article(subject: str) -> str:
    return {"application": "an application", "milestone": "a milestone", "claim": "a claim"}.get(
        subject, subject
    )


def _label(title: Any) -> str | None:
    if title is None:
        return None
    return f"{title.it}" + (f" / {title.en}" if title.en else "")

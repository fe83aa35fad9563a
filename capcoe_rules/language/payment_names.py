"""The ``payment:`` declaration: the derived values a payment decision reads, by name.

A payment claim is decided by rules: what each milestone pays now, whether a final target
was missed, what share of intermediate payments to recover. The engine only adds up, in
exact cents; it finds those three values under the names one rule file declares:

.. code-block:: yaml

    payment:
      payable: payable                # case: milestone, money
      final_missed: final_missed      # case: milestone, true/false
      recovery_share: recovery_share  # case: claim, number

The checker refuses, with positions, a declaration made twice, a name no rule of the
right case derives, a value of the wrong type, and payment rules with no declaration.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from capcoe_rules.errors import Code, Text
from capcoe_rules.language.documents import RuleFileDoc
from capcoe_rules.language.problems import Report
from capcoe_rules.language.ruleset import CaseRules, PaymentNames
from capcoe_rules.language.yaml_source import YamlDocument

PAYMENT_CASES = ("milestone", "claim", "programme")
"""The kinds of case whose rules only a payment decision runs."""
WANTED: dict[str, tuple[str, str, Text]] = {
    "payable": (
        "milestone",
        "money",
        Text("what the milestone pays with this claim", "quanto paga il traguardo con la domanda"),
    ),
    "final_missed": (
        "milestone",
        "bool",
        Text("whether a final target is missed", "se un target finale è mancato"),
    ),
    "recovery_share": (
        "claim",
        "number",
        Text(
            "the share of intermediate payments to recover",
            "la quota dei pagamenti intermedi da recuperare",
        ),
    ),
}
"""For each declared name: the case whose rules derive it, its type, what it means."""


class RuleFile(Protocol):
    path: str
    yaml: YamlDocument
    doc: RuleFileDoc


def check_payment_declaration(
    files: Sequence[RuleFile], cases: Mapping[str, CaseRules], report: Report
) -> PaymentNames | None:
    """The rule set's payment names, checked; None (and problems reported) when unusable.

    A rule set with no rules for payment claims needs no declaration.
    """
    _derived_once(files, cases, report)
    declaring = [file for file in files if file.doc.payment is not None]
    for file in declaring[1:]:
        report(
            file.path,
            file.yaml.source.key(("payment",)),
            Code.PAYMENT_DECLARED_TWICE,
            Text(
                f"'payment:' is declared twice (first in {declaring[0].path})",
                f"'payment:' è dichiarato due volte (la prima in {declaring[0].path})",
            ),
            Text("declare it once", "dichiaralo una volta sola"),
        )
    if not declaring:
        _require_declaration(files, report)
        return None
    file = declaring[0]
    doc = file.doc.payment
    assert doc is not None
    names = PaymentNames(doc.payable, doc.final_missed, doc.recovery_share)
    ok = True
    for key, (case_type, type_name, meaning) in WANTED.items():
        name = getattr(names, key)
        where = file.yaml.source.value(("payment", key))
        derived = cases[case_type].derived_types
        if name not in derived:
            report(
                file.path,
                where,
                Code.UNKNOWN_NAME,
                Text(
                    f"payment {key}: no rule with 'case: {case_type}' derives {name!r} "
                    f"({meaning.en})",
                    f"payment {key}: nessuna regola con 'case: {case_type}' calcola {name!r} "
                    f"({meaning.it})",
                )
                + Text(
                    f"; derived there: {', '.join(sorted(derived)) or 'none'}",
                    f"; calcolati lì: {', '.join(sorted(derived)) or 'nessuno'}",
                ),
            )
            ok = False
        elif derived[name].base != type_name:
            report(
                file.path,
                where,
                Code.TYPE_MISMATCH,
                Text(
                    f"payment {key}: {name!r} must be {type_name} ({meaning.en}), "
                    f"but its rule derives {derived[name]}",
                    f"payment {key}: {name!r} deve essere di tipo {type_name} ({meaning.it}), "
                    f"ma la sua regola calcola un valore {derived[name]}",
                ),
            )
            ok = False
    return names if ok else None


def _require_declaration(files: Sequence[RuleFile], report: Report) -> None:
    for file in files:
        if file.doc.case in PAYMENT_CASES and file.doc.rules:
            report(
                file.path,
                file.yaml.source.value(("case",)),
                Code.PAYMENT_UNDECLARED,
                Text(
                    f"rules for 'case: {file.doc.case}' decide payment claims, but no rule "
                    "file declares 'payment:'",
                    f"le regole con 'case: {file.doc.case}' decidono domande di pagamento, ma "
                    "nessun file di regole dichiara 'payment:'",
                ),
                Text(
                    "declare 'payment:' in one rule file, with the derived values payable, "
                    "final_missed and recovery_share",
                    "dichiara 'payment:' in un file di regole, con i valori calcolati payable, "
                    "final_missed e recovery_share",
                ),
            )
            return


def _derived_once(
    files: Sequence[RuleFile], cases: Mapping[str, CaseRules], report: Report
) -> None:
    """A payment decision shows the claim's and the programme's derived values together:
    one name cannot mean two values."""
    claim = cases["claim"].derived_types
    for file in files:
        if file.doc.case != "programme":
            continue
        for index, rule in enumerate(file.doc.rules):
            if rule.derive is not None and rule.derive in claim:
                report(
                    file.path,
                    file.yaml.source.value(("rules", index, "derive")),
                    Code.DUPLICATE_NAME,
                    Text(
                        f"derived value {rule.derive!r} is also derived by 'case: claim': a "
                        "payment decision shows both",
                        f"il valore calcolato {rule.derive!r} è calcolato anche da 'case: "
                        "claim': una decisione di pagamento li mostra entrambi",
                    ),
                    Text("give it another name", "dagli un altro nome"),
                )

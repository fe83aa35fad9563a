"""Full decisions regenerated from compact ones and their cases (``capcoe-rules expand``).

A batch writes one compact decision per case it could decide, in input order, and none
for a bad record. So the cases file is read again in order: a record that cannot be read
or decided had no decision and is passed over, every other one is paired with the next
compact decision, which must be the one its case gives
(:meth:`~capcoe_rules.engine.Engine.expand`). Nothing is written unless every decision is
regenerated.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ValidationError

from capcoe_rules.atomic import atomic_writer
from capcoe_rules.batch.reading import Record, bounded_lines, parse_record, read_records
from capcoe_rules.engine import Engine
from capcoe_rules.errors import (
    CaseError,
    DecisionMismatchError,
    EvaluationError,
    RecordError,
    Text,
)
from capcoe_rules.models.payment import PaymentClaim


def expand_decisions(engine: Engine, decisions: Path, cases: Path, out: Path) -> int:
    """Write to ``out`` the full decision of every compact one in ``decisions``; return how
    many. Raises :class:`DecisionMismatchError` naming the decision's line when one is not
    what its case gives, or when the two files do not hold the same cases."""
    written = 0
    with cases.open("rb") as case_file, decisions.open("rb") as decision_file:
        compact = read_records(bounded_lines(decision_file))
        with atomic_writer(out) as handle:
            for full in _expanded(engine, read_records(bounded_lines(case_file)), compact):
                handle.write(full)
                handle.write("\n")
                written += 1
    return written


def _expanded(engine: Engine, cases: Iterator[Record], compact: Iterator[Record]) -> Iterator[str]:
    pending = next(compact, None)
    for case_record in cases:
        case = parse_record(case_record)
        if isinstance(case, RecordError):
            continue
        if pending is None:
            raise DecisionMismatchError(
                Text(
                    f"no decision for the case on line {case_record.line}",
                    f"nessuna decisione per il caso alla riga {case_record.line}",
                )
            )
        try:
            full = _full(engine, pending.text.rstrip(b"\n"), case)
        except (CaseError, EvaluationError):
            continue  # not decidable as of the batch's date: no decision was written for it
        except DecisionMismatchError as error:
            at = Text(f"line {pending.line}: ", f"riga {pending.line}: ")
            raise DecisionMismatchError(at + error.text) from None
        except ValidationError:  # pydantic's words name its models: say it plainly
            raise DecisionMismatchError(
                Text(
                    f"line {pending.line}: not a compact decision",
                    f"riga {pending.line}: non è una decisione compatta",
                )
            ) from None
        yield full
        pending = next(compact, None)
    if pending is not None:
        raise DecisionMismatchError(
            Text(
                f"line {pending.line}: a decision after the last case",
                f"riga {pending.line}: una decisione dopo l'ultimo caso",
            )
        )


def _full(engine: Engine, text: bytes, case: BaseModel) -> str:
    """The full decision of one line: a compact one expanded; one already full (a payment
    claim's: they have no compact shape) checked against what its case gives."""
    if not isinstance(case, PaymentClaim):
        return engine.expand(text, case).to_json()
    try:
        as_of = dt.date.fromisoformat(json.loads(text)["as_of"])
    except (ValueError, TypeError, KeyError):
        raise DecisionMismatchError(
            Text("not a payment decision", "non è una decisione su una domanda di pagamento")
        ) from None
    full = engine.evaluate(case, as_of=as_of).to_json()
    if full.encode() != text:
        raise DecisionMismatchError(
            Text(
                f"case {case.id!r} does not give this payment decision",
                f"il caso {case.id!r} non dà questa decisione di pagamento",
            )
        )
    return full

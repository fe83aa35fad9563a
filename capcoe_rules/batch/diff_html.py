"""A diff as one self-contained HTML page: summary, transitions, rules, money and charts.

The page carries its own style and its charts as inline SVG (horizontal bars drawn here,
no script, no network), so that it can be mailed or attached to a decision file and read
in any browser years later.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from html import escape
from pathlib import Path

from capcoe_rules.atomic import atomic_writer
from capcoe_rules.batch.diffing import NOT_YET_SHOWN, CaseChange, DiffReport
from capcoe_rules.language.ruleset import CheckedRuleSet

BAR_AREA = 420
"""Width in pixels of the longest bar."""
LABEL_AREA = 260
ROW_HEIGHT = 24
BAR_COLOUR = "#2b6cb0"
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 68em; color: #1a202c; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #cbd5e0; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.note { color: #9c4221; }
.chart text { font-size: 13px; fill: #1a202c; }
"""


def write_html(report: DiffReport, path: Path, *, limit: int = 100) -> None:
    """Write :func:`render_html` to ``path`` atomically (complete, or not at all)."""
    with atomic_writer(path) as handle:
        handle.write(render_html(report, limit=limit))


def render_html(report: DiffReport, *, limit: int = 100) -> str:
    """The report as an HTML page; ``limit`` changed cases listed (0: all)."""
    selected = report.selected()
    shown = selected if limit == 0 else selected[:limit]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="it"><head><meta charset="utf-8">',
        "<title>Decisioni che cambiano / Decisions that change</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>Decisioni che cambiano / Decisions that change</h1>",
        _summary(report, len(selected)),
        _ruleset_changes(report),
        "<h2>Per tipo di cambiamento / By kind of change</h2>",
        _table(("change", "cases"), ((kind, count) for kind, count in report.by_kind())),
        "<h2>Transizioni / Transitions</h2>",
        _table(
            ("from", "to", "cases"),
            ((old, new, count) for (old, new), count in report.transitions()),
        ),
        "<h2>Per regola / By rule</h2>",
        "<p>Cases where the rule's status or computed value changed.</p>",
        _table(("rule", "cases"), report.by_rule()),
        "<h2>Denaro che si sposta / Money that moves</h2>",
        "<p>Summed over the changed cases shown; a refused application finances nothing.</p>",
        _table(
            ("amount", "base", "rules", "difference"),
            ((total.name, total.old, total.new, total.difference) for total in report.money()),
        ),
        "<h2>Grafici / Charts</h2>",
        "<h3>Cambiamenti per regione / Changes by region</h3>",
        bar_chart("by-region", report.by_region()),
        "<h3>Cambiamenti per regola / Changes by rule</h3>",
        bar_chart("by-rule", report.by_rule()),
        "<h2>Casi / Cases</h2>",
        _cases(shown, len(selected)),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def bar_chart(name: str, counts: Sequence[tuple[str, int]]) -> str:
    """Horizontal bars, one per (label, count), the longest ``BAR_AREA`` pixels wide."""
    if not counts:
        return "<p>Nessun cambiamento / No changes.</p>"
    top = max(count for _, count in counts)
    height = ROW_HEIGHT * len(counts)
    width = LABEL_AREA + BAR_AREA + 60
    rows = []
    for index, (label, count) in enumerate(counts):
        y = index * ROW_HEIGHT
        bar = max(1.0, BAR_AREA * count / top)
        rows.append(
            f'<text x="{LABEL_AREA - 8}" y="{y + 16}" text-anchor="end">{escape(label)}</text>'
            f'<rect class="bar" data-label="{escape(label)}" data-count="{count}" '
            f'x="{LABEL_AREA}" y="{y + 4}" width="{bar:.1f}" height="{ROW_HEIGHT - 8}" '
            f'fill="{BAR_COLOUR}"><title>{escape(label)}: {count}</title></rect>'
            f'<text x="{LABEL_AREA + bar + 6:.1f}" y="{y + 16}">{count}</text>'
        )
    return (
        f'<svg class="chart" id="{escape(name)}" xmlns="http://www.w3.org/2000/svg" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(name)}">' + "".join(rows) + "</svg>"
    )


def _summary(report: DiffReport, selected: int) -> str:
    rows = [
        ("base", _identity(report.base)),
        ("rules", _identity(report.rules)),
        ("cases", report.cases),
        ("changed", len(report.changes)),
        ("unchanged", report.unchanged),
        ("invalid in both rule sets", len(report.invalid)),
        ("latest as-of day", report.latest_as_of or "-"),
    ]
    if not report.selection.empty:
        filters = report.selection.to_dict()
        shown = "; ".join(f"{key}: {', '.join(v)}" for key, v in filters.items() if v)
        rows += [("filters", shown), ("selected", selected)]
    return "<h2>Riepilogo / Summary</h2>" + _table(("", ""), rows, header=False)


def _ruleset_changes(report: DiffReport) -> str:
    changes = report.changes_in_rules
    if changes.empty:
        return "<p>The two rule sets define the same rules, parameters and tables.</p>"
    items = [
        f"<li>{escape(label)}: {escape(', '.join(names))}</li>" for label, names in changes.listed()
    ]
    if changes.period_changed:
        items.append("<li>the period in force changed</li>")
    later = set(report.not_yet_shown())
    items += [
        f"<li>{escape(change.kind)} {escape(change.name)} changes from "
        f"{change.first_day.isoformat()}"
        + (f' <span class="note">{NOT_YET_SHOWN}</span>' if change in later else "")
        + "</li>"
        for change in changes.dated
    ]
    return "<h2>Modifiche alle regole / Rule-set changes</h2><ul>" + "".join(items) + "</ul>"


def _cases(shown: Sequence[CaseChange], selected: int) -> str:
    table = _table(
        ("line", "case", "region", "change", "outcome", "rules responsible", "fields changed"),
        (
            (
                str(change.line),
                change.case_id or "-",
                "-" if change.region is None else change.region.name,
                change.kind,
                f"{change.old_outcome} → {change.new_outcome}",
                "; ".join(rule.describe() for rule in change.rules)
                or change.new_error
                or change.old_error
                or "-",
                ", ".join(change.fields) or "-",
            )
            for change in shown
        ),
    )
    more = selected - len(shown)
    return table + (f"<p>... and {more} more (--limit 0 for all).</p>" if more else "")


def _table(columns: Sequence[str], rows: Iterable[Sequence[object]], *, header: bool = True) -> str:
    body = "".join("<tr>" + "".join(_cell(value) for value in row) + "</tr>" for row in rows)
    if not body:
        return "<p>-</p>"
    head = "<tr>" + "".join(f"<th>{escape(c)}</th>" for c in columns) + "</tr>" if header else ""
    return f"<table>{head}{body}</table>"


def _cell(value: object) -> str:
    if isinstance(value, Decimal):
        return f'<td class="n">{value:,.2f}</td>'
    if isinstance(value, int):
        return f'<td class="n">{value:,}</td>'
    return f"<td>{escape(str(value))}</td>"


def _identity(ruleset: CheckedRuleSet) -> str:
    return f"{ruleset.name} {ruleset.version} ({ruleset.content_hash[:19]})"

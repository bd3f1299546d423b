"""Rendering a comparison: terminal table, Markdown, JSON, and an HTML table for notebooks."""

from __future__ import annotations

import html
import io
import json
import math
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from evalkit.comparison._compare import Comparison

_COLUMNS = [
    "task",
    "lang",
    "metric",
    "n",
    "baseline",
    "candidate",
    "delta",
    "ci",
    "p_adj",
    "mde",
    "verdict",
]


def _columns(cmp: Comparison) -> list[str]:
    """The table's columns; ``route`` after ``metric`` when slices are split by route."""
    if "route" in cmp.slices.columns:
        return [*_COLUMNS[:3], "route", *_COLUMNS[3:]]
    return _COLUMNS


def _fmt(value: Any, digits: int = 3) -> str:
    if isinstance(value, float):
        return "-" if math.isnan(value) else f"{value:.{digits}f}"
    return str(value)


def _cells(row: Any) -> list[str]:
    route = [str(row.route)] if hasattr(row, "route") else []
    return [
        row.task,
        row.lang,
        row.metric,
        *route,
        str(row.n),
        _fmt(row.baseline),
        _fmt(row.candidate),
        f"{row.delta:+.3f}",
        f"[{row.ci_low:+.3f}, {row.ci_high:+.3f}]",
        _fmt(row.p_adj, 4),
        _fmt(getattr(row, "mde", float("nan"))),
        row.verdict,
    ]


def verdict_text(cmp: Comparison) -> str:
    """``PASS``, or ``FAIL (why)``."""
    if cmp.passed:
        return "PASS"
    if cmp.gated == 0 and not cmp.missing_slices:
        return "FAIL (no gate slice could be tested)"
    bad = len(cmp.failing) + len(cmp.missing_slices)
    return f"FAIL ({bad} gate slice(s) regressed or missing)"


def _headline(cmp: Comparison) -> str:
    verdict = verdict_text(cmp)
    g = cmp.gate
    return (
        f"baseline {cmp.baseline} vs candidate {cmp.candidate}: {verdict} "
        f"[mode={g.mode}, alpha={g.alpha}, margin={g.margin}]"
    )


def render(cmp: Comparison, fmt: str) -> str:
    """Render in ``table``, ``md`` or ``json``."""
    if fmt == "json":
        return to_json(cmp)
    if fmt == "md":
        return to_markdown(cmp)
    return to_table(cmp)


def to_table(cmp: Comparison) -> str:
    """A rich table as plain text (colour codes only on a terminal)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=_headline(cmp), title_justify="left")
    for col in _columns(cmp):
        table.add_column(col, justify="right" if col in ("n", "baseline", "candidate") else "left")
    for row in cmp.slices.itertuples():
        style = (
            "bold red" if row.verdict == "FAIL" else ("yellow" if row.verdict == "worse" else None)
        )
        table.add_row(*[html.unescape(c) for c in _cells(row)], style=style)
    buf = io.StringIO()
    for warning in cmp.warnings:
        buf.write(f"WARNING: {warning}\n")
    Console(file=buf, width=160, force_terminal=False).print(table)
    for note in cmp.notes:
        buf.write(f"note: {note}\n")
    return buf.getvalue()


def to_markdown(cmp: Comparison) -> str:
    """GitHub-flavoured Markdown for a CI step summary or PR comment."""
    lines = [f"### evalkit compare: {_headline(cmp)}", ""]
    lines.extend(f"> **Warning:** {w}\n" for w in cmp.warnings)
    columns = _columns(cmp)
    lines.append("| " + " | ".join(columns) + " |")
    lines.append("|" + "---|" * len(columns))
    for row in cmp.slices.itertuples():
        cells = [c.replace("|", "\\|") for c in _cells(row)]
        if row.verdict == "FAIL":
            cells[-1] = "**FAIL**"
        lines.append("| " + " | ".join(cells) + " |")
    lines.extend(f"\n> {note}" for note in cmp.notes)
    return "\n".join(lines) + "\n"


def to_json(cmp: Comparison) -> str:
    """Every slice with all its numbers."""
    slices = json.loads(cmp.slices.to_json(orient="records"))
    payload = {
        "baseline": cmp.baseline,
        "candidate": cmp.candidate,
        "passed": cmp.passed,
        "warnings": cmp.warnings,
        "coverage": {role: asdict(c) for role, c in cmp.coverage.items()},
        "gate": {"alpha": cmp.gate.alpha, "margin": cmp.gate.margin, "mode": cmp.gate.mode},
        "slices": slices,
        "excluded_items": cmp.excluded_items,
        "notes": cmp.notes,
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


def to_html_table(cmp: Comparison) -> str:
    """An escaped HTML table for Jupyter."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in _columns(cmp))
    body = []
    for row in cmp.slices.itertuples():
        colour = ' style="background:#fdd"' if row.verdict == "FAIL" else ""
        cells = "".join(f"<td>{html.escape(c)}</td>" for c in _cells(row))
        body.append(f"<tr{colour}>{cells}</tr>")
    caption = html.escape(_headline(cmp))
    warn = "".join(f"<p><b>Warning:</b> {html.escape(w)}</p>" for w in cmp.warnings)
    return (
        f"{warn}<table><caption>{caption}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )

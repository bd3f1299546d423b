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
    """``PASS``, ``FAIL (why)`` or ``INCONCLUSIVE (why)``."""
    from evalkit.comparison._graph import Verdict

    if cmp.verdict is Verdict.PASS:
        return "PASS"
    if cmp.verdict is Verdict.FAIL:
        if cmp.gated == 0 and not cmp.missing_slices:
            return "FAIL (no gate hypothesis could be tested)"
        parts = []
        if len(cmp.failing):
            parts.append("regressed: " + ", ".join(cmp.failing["hypothesis"].astype(str)))
        if cmp.missing_slices:
            parts.append(f"{len(cmp.missing_slices)} gate slice(s) missing")
        return f"FAIL ({'; '.join(parts)})"
    weak = cmp.underpowered
    if cmp.gate.mode == "non_inferiority":
        unproven = cmp.hypotheses[cmp.hypotheses["verdict"] == "unproven"]
        names = ", ".join(unproven["hypothesis"].astype(str)) or "-"
        return f"INCONCLUSIVE (not shown within the margin: {names})"
    names = ", ".join(weak["hypothesis"].astype(str)) if len(weak) else "no hypothesis tested"
    return f"INCONCLUSIVE (no regression shown, but underpowered: {names})"


def detection_summary(cmp: Comparison) -> str:
    """What this comparison could detect (80% power) and rule out (1 - alpha), in points."""
    h = cmp.hypotheses
    if h.empty:
        return "Nothing could be tested."
    overall = h[h["hypothesis"] == "overall"]
    tasks = h[h["hypothesis"] != "overall"]
    parts = []
    if len(overall):
        o = overall.iloc[0]
        parts.append(
            f"overall quality drop >= {100 * o['mde']:.1f} pts (margin {100 * o['margin']:g})"
        )
    if len(tasks):
        lo, hi = 100 * tasks["mde"].min(), 100 * tasks["mde"].max()
        span = f"{lo:.1f}" if abs(hi - lo) < 0.05 else f"{lo:.1f}-{hi:.1f}"
        parts.append(f"task drops >= {span} pts (margin {100 * cmp.gate.task_margin:g})")
    text = "Detectable with 80% power: " + ", ".join(parts) + "."
    bounds = h[h["bound"].notna()]
    if len(bounds):
        conf = round(100 * (1 - cmp.gate.alpha))
        ruled = ", ".join(
            f"{r.hypothesis} > {100 * max(r.bound, 0.0):.1f}" for r in bounds.itertuples()
        )
        text += f" Ruled out ({conf}%): drops {ruled} pts."
    return text + " Task x language slices are diagnostics, not gated."


def _headline(cmp: Comparison) -> str:
    verdict = verdict_text(cmp)
    g = cmp.gate
    return (
        f"baseline {cmp.baseline} vs candidate {cmp.candidate}: {verdict} "
        f"[mode={g.mode}, alpha={g.alpha}, margin={g.margin}, index_margin={g.index_margin}, "
        f"task_margin={g.task_margin}]"
    )


_HYP_COLUMNS = ["hypothesis", "n", "baseline", "candidate", "delta", "p", "alpha", "mde",
                "margin", "bound", "verdict"]  # fmt: skip


def _hyp_cells(r: Any) -> list[str]:
    return [
        str(r.hypothesis), str(r.n), _fmt(r.baseline), _fmt(r.candidate), f"{r.delta:+.3f}",
        _fmt(r.p, 4), _fmt(r.alpha_final, 4), _fmt(r.mde), _fmt(r.margin), _fmt(r.bound),
        str(r.verdict),
    ]  # fmt: skip


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

    gate_table = Table(title=_headline(cmp), title_justify="left")
    for col in _HYP_COLUMNS:
        gate_table.add_column(col)
    for r in cmp.hypotheses.itertuples():
        style = "bold red" if r.verdict == "FAIL" else (None if r.verdict == "pass" else "yellow")
        gate_table.add_row(*_hyp_cells(r), style=style)
    table = Table(title="diagnostics: task x language x metric (BH-adjusted)", title_justify="left")
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
    buf.write(f"{verdict_text(cmp)}\n{detection_summary(cmp)}\n")
    console = Console(file=buf, width=160, force_terminal=False)
    console.print(gate_table)
    console.print(table)
    for note in cmp.notes:
        buf.write(f"note: {note}\n")
    return buf.getvalue()


def to_markdown(cmp: Comparison) -> str:
    """GitHub-flavoured Markdown for a CI step summary or PR comment."""
    lines = [f"> **Warning:** {w}\n" for w in cmp.warnings]  # before anything else
    lines.extend([f"### evalkit compare: {_headline(cmp)}", ""])
    lines.extend([f"**{verdict_text(cmp)}**", "", detection_summary(cmp), ""])
    lines.append("| " + " | ".join(_HYP_COLUMNS) + " |")
    lines.append("|" + "---|" * len(_HYP_COLUMNS))
    for r in cmp.hypotheses.itertuples():
        cells = _hyp_cells(r)
        if r.verdict == "FAIL":
            cells[-1] = "**FAIL**"
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    lines.extend(f"\n> {note}" for note in cmp.notes)
    # the slice diagnostics, worst first, collapsed: a PR comment shows the decision, not 80 rows
    shown = cmp.slices
    if len(shown):
        order = shown["verdict"].map({"worse": 0, "better": 2}).fillna(1)
        shown = shown.assign(_order=order).sort_values(["_order", "delta", "task", "lang"])
    worse = int((cmp.slices["verdict"] == "worse").sum()) if len(cmp.slices) else 0
    summary = (
        f"<summary>Diagnostics: {len(shown)} task x language x metric slices "
        f"({worse} significantly worse; BH-adjusted, not gated)</summary>"
    )
    lines.extend(["", "<details>", summary, ""])
    columns = _columns(cmp)
    lines.append("| " + " | ".join(columns) + " |")
    lines.append("|" + "---|" * len(columns))
    for row in shown.itertuples():
        cells = [c.replace("|", "\\|") for c in _cells(row)]
        if row.verdict == "worse":
            cells[-1] = "**worse**"
        lines.append("| " + " | ".join(cells) + " |")
    lines.extend(["", "</details>"])
    return "\n".join(lines) + "\n"


def to_json(cmp: Comparison) -> str:
    """Every slice with all its numbers."""
    slices = json.loads(cmp.slices.to_json(orient="records"))
    payload = {
        "baseline": cmp.baseline,
        "candidate": cmp.candidate,
        "warnings": cmp.warnings,
        "passed": cmp.passed,
        "verdict": str(cmp.verdict),
        "exit_code": cmp.exit_code,
        "detectable": detection_summary(cmp),
        "coverage": {role: asdict(c) for role, c in cmp.coverage.items()},
        "gate": {
            "alpha": cmp.gate.alpha,
            "margin": cmp.gate.margin,
            "mode": cmp.gate.mode,
            "index_margin": cmp.gate.index_margin,
            "task_margin": cmp.gate.task_margin,
            "index_share": cmp.gate.index_share,
            "weights": cmp.gate.weights,
            "inconclusive": cmp.gate.inconclusive,
        },
        "hypotheses": json.loads(cmp.hypotheses.to_json(orient="records")),
        "missing_slices": cmp.missing_slices,
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
        colour = ' style="background:#fdd"' if row.verdict == "worse" else ""
        cells = "".join(f"<td>{html.escape(c)}</td>" for c in _cells(row))
        body.append(f"<tr{colour}>{cells}</tr>")
    caption = html.escape(_headline(cmp))
    warn = "".join(f"<p><b>Warning:</b> {html.escape(w)}</p>" for w in cmp.warnings)
    hyp_head = "".join(f"<th>{html.escape(c)}</th>" for c in _HYP_COLUMNS)
    hyp_rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in _hyp_cells(r)) + "</tr>"
        for r in cmp.hypotheses.itertuples()
    )
    summary = f"<p>{html.escape(detection_summary(cmp))}</p>"
    return (
        f"{warn}<table><caption>{caption}</caption><thead><tr>{hyp_head}</tr></thead>"
        f"<tbody>{hyp_rows}</tbody></table>{summary}"
        f"<table><caption>diagnostics (not gated)</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )

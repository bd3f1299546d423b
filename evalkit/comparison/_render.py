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
    from evalkit.comparison._routes import RouteReport

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


def run_title(cmp: Comparison) -> str:
    """``candidate NAME vs baseline NAME``, each run's id where it has no name."""
    names = cmp.names or {}
    cand = names.get("candidate") or cmp.candidate
    base = names.get("baseline") or cmp.baseline
    return f"candidate {cand} vs baseline {base}"


def _headline(cmp: Comparison) -> str:
    verdict = verdict_text(cmp)
    g = cmp.gate
    return (
        f"{run_title(cmp)}: {verdict} "
        f"[mode={g.mode}, alpha={g.alpha}, margin={g.margin}, index_margin={g.index_margin}, "
        f"task_margin={g.task_margin}]"
    )


_HYP_COLUMNS = ["hypothesis", "n", "baseline", "candidate", "delta", "p", "alpha", "mde",
                "margin", "bound", "verdict"]  # fmt: skip


def _hyp_cells(r: Any) -> list[str]:
    return [
        str(r.hypothesis), str(r.n), _fmt(r.baseline), _fmt(r.candidate), _signed(r.delta, 3),
        _fmt(r.p, 4), _fmt(r.alpha_final, 4), _fmt(r.mde), _fmt(r.margin), _fmt(r.bound),
        str(r.verdict),
    ]  # fmt: skip


ROUTE_HEAD = [
    "route", "items", "models (baseline -> candidate)", "cost / item (baseline -> candidate)",
    "total cost delta", "p50 delta ms", "p95 delta ms", "p99 delta ms",
    "quality (baseline -> candidate)", "quality delta [interval]", "test", "p_adj", "verdict",
]  # fmt: skip
TTFT_HEAD = ["TTFT p50 delta ms", "TTFT p95 delta ms"]
"""After ``p99 delta ms`` when the deltas have time-to-first-token columns (both runs streamed)."""
ROUTE_CAPTION = (
    "Per route of the candidate, both runs on the same items: cost, latency and quality. "
    "Quality tests are paired (exact McNemar, or the clustered z), BH-adjusted over the routes: "
    "diagnostics, not gated."
)


def _cost_cells(r: Any) -> list[str]:
    """Cost per item and total delta; ``no price`` without one, never across currencies."""
    if not isinstance(r.currency, str):  # None, or NaN once pandas has held it
        return ["no price", "no price"]
    if "/" in str(r.currency):
        return [f"currencies differ ({r.currency})", "-"]
    per_item = (
        f"{_fmt(r.cost_per_item_baseline, 6)} -> {_fmt(r.cost_per_item_candidate, 6)} {r.currency}"
    )
    pct = "" if math.isnan(r.cost_delta_pct) else f" ({r.cost_delta_pct:+.1f}%)"
    delta = "-" if math.isnan(r.cost_delta) else f"{r.cost_delta:+.4f} {r.currency}{pct}"
    return [per_item, delta]


def _signed(value: float, digits: int = 0) -> str:
    return "-" if math.isnan(value) else f"{value:+.{digits}f}"


def route_head(routes: RouteReport) -> list[str]:
    """The per-route table's header: `ROUTE_HEAD`, with `TTFT_HEAD` where the deltas have it."""
    if "ttft_p50_delta_ms" not in routes.deltas.columns:
        return ROUTE_HEAD
    at = ROUTE_HEAD.index("p99 delta ms") + 1
    return [*ROUTE_HEAD[:at], *TTFT_HEAD, *ROUTE_HEAD[at:]]


def route_cells(r: Any) -> list[str]:
    """One row of the per-route table (`route_head`) as plain text."""
    interval = "" if math.isnan(r.ci_low) else f" [{r.ci_low:+.3f}, {r.ci_high:+.3f}]"
    ttft = getattr(r, "ttft_p50_delta_ms", None)
    ttft_cells = [] if ttft is None else [_signed(ttft), _signed(r.ttft_p95_delta_ms)]
    return [
        str(r.route), str(r.items), f"{r.models_baseline or '-'} -> {r.models_candidate or '-'}",
        *_cost_cells(r), _signed(r.p50_delta_ms), _signed(r.p95_delta_ms),
        _signed(r.p99_delta_ms), *ttft_cells,
        f"{_fmt(r.quality_baseline)} -> {_fmt(r.quality_candidate)}",
        _signed(r.quality_delta, 3) + interval, str(r.test or "-"), _fmt(r.p_adj, 4),
        str(r.verdict),
    ]  # fmt: skip


def routes_worst_first(routes: RouteReport) -> Any:
    """The per-route rows, significantly worse routes first, then by quality delta."""
    d = routes.deltas
    if d.empty:
        return d
    order = d["verdict"].map({"worse": 0, "better": 2}).fillna(1)
    return d.assign(_o=order).sort_values(["_o", "quality_delta", "route"]).drop(columns="_o")


def hypotheses_failing_first(cmp: Comparison) -> Any:
    """The gate's hypotheses: failing first, then unproven or underpowered, then passing."""
    h = cmp.hypotheses
    if h.empty:
        return h
    rank = h["verdict"].map({"FAIL": 0, "pass": 2}).fillna(1)
    return h.assign(_r=rank).sort_values("_r", kind="stable").drop(columns="_r")


def render(cmp: Comparison, fmt: str, routes: RouteReport | None = None) -> str:
    """Render in ``table``, ``md`` or ``json``; ``routes`` adds the route diff and per-route
    deltas of a router comparison."""
    if fmt == "json":
        return to_json(cmp, routes)
    if fmt == "md":
        return to_markdown(cmp, routes)
    return to_table(cmp, routes)


def to_table(cmp: Comparison, routes: RouteReport | None = None) -> str:
    """A rich table as plain text (colour codes only on a terminal)."""
    from rich.console import Console
    from rich.table import Table

    gate_table = Table(title=_headline(cmp), title_justify="left")
    for col in _HYP_COLUMNS:
        gate_table.add_column(col)
    for r in hypotheses_failing_first(cmp).itertuples():
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
    if routes is not None:
        for line in routes.diff_lines():
            buf.write(line + "\n")
        # one line per route: wide rather than wrapped, so each row reads across
        Console(file=buf, width=260, force_terminal=False).print(_route_rich_table(routes))
    console.print(table)
    for note in cmp.notes:
        buf.write(f"note: {note}\n")
    return buf.getvalue()


def _route_rich_table(routes: RouteReport) -> Any:
    from rich.table import Table

    table = Table(title=ROUTE_CAPTION, title_justify="left")
    for col in route_head(routes):
        table.add_column(col)
    for r in routes_worst_first(routes).itertuples():
        table.add_row(*route_cells(r), style="yellow" if r.verdict == "worse" else None)
    return table


def _md_text(text: str) -> str:
    """Run names, notes and warnings in Markdown: no tag in them opens."""
    return text.replace("<", "&lt;")


def _md_cells(cells: list[str]) -> str:
    """A Markdown table row: no tag in a cell opens (GitHub renders inline HTML), and a pipe
    cannot end the cell."""
    return "| " + " | ".join(c.replace("<", "&lt;").replace("|", "\\|") for c in cells) + " |"


def _route_markdown(routes: RouteReport) -> list[str]:
    lines = ["", "#### Routes", ""]
    lines.extend(f"- {_md_text(line)}" for line in routes.diff_lines())
    head = route_head(routes)
    lines.extend(["", ROUTE_CAPTION, "", _md_cells(head), "|" + "---|" * len(head)])
    for r in routes_worst_first(routes).itertuples():
        cells = route_cells(r)
        if r.verdict == "worse":
            cells[-1] = "**worse**"
        lines.append(_md_cells(cells))
    return lines


def to_markdown(cmp: Comparison, routes: RouteReport | None = None) -> str:
    """GitHub-flavoured Markdown for a CI step summary or PR comment: the decision and the
    failing hypotheses first, then the route diff and per-route table of a router comparison,
    then every slice, worst first, collapsed."""
    t = _md_text
    lines = [f"> **Warning:** {t(w)}\n" for w in cmp.warnings]  # before anything else
    lines.extend([f"### evalkit compare: {t(_headline(cmp))}", ""])
    lines.extend([f"**{t(verdict_text(cmp))}**", "", t(detection_summary(cmp)), ""])
    lines.append("| " + " | ".join(_HYP_COLUMNS) + " |")
    lines.append("|" + "---|" * len(_HYP_COLUMNS))
    for r in hypotheses_failing_first(cmp).itertuples():
        cells = _hyp_cells(r)
        if r.verdict == "FAIL":
            cells[-1] = "**FAIL**"
        lines.append(_md_cells(cells))
    if routes is not None:
        lines.extend(_route_markdown(routes))
    lines.extend(f"\n> {_md_text(note)}" for note in cmp.notes)
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
        cells = _cells(row)
        if row.verdict == "worse":
            cells[-1] = "**worse**"
        lines.append(_md_cells(cells))
    lines.extend(["", "</details>"])
    return "\n".join(lines) + "\n"


def to_json(cmp: Comparison, routes: RouteReport | None = None) -> str:
    """Every slice with all its numbers; ``routes`` under ``routes`` when given."""
    slices = json.loads(cmp.slices.to_json(orient="records"))
    payload = {
        "baseline": cmp.baseline,
        "candidate": cmp.candidate,
        "warnings": cmp.warnings,
        "passed": cmp.passed,
        "verdict": str(cmp.verdict),
        "exit_code": cmp.exit_code,
        "snapshot": cmp.snapshot,
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
        "unseen_items": cmp.unseen_items,
        "notes": cmp.notes,
    }
    if routes is not None:
        payload["routes"] = routes.payload()
    return json.dumps(payload, ensure_ascii=False, indent=2)


def to_html_table(cmp: Comparison, routes: RouteReport | None = None) -> str:
    """An escaped HTML table for Jupyter; ``routes`` adds the per-route table."""
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
        for r in hypotheses_failing_first(cmp).itertuples()
    )
    summary = f"<p>{html.escape(detection_summary(cmp))}</p>"
    if routes is not None:
        summary += _route_html(routes)
    return (
        f"{warn}<table><caption>{caption}</caption><thead><tr>{hyp_head}</tr></thead>"
        f"<tbody>{hyp_rows}</tbody></table>{summary}"
        f"<table><caption>diagnostics (not gated)</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _route_html(routes: RouteReport) -> str:
    lines = "".join(f"<p>{html.escape(line)}</p>" for line in routes.diff_lines())
    head = "".join(f"<th>{html.escape(c)}</th>" for c in route_head(routes))
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in route_cells(r)) + "</tr>"
        for r in routes_worst_first(routes).itertuples()
    )
    return (
        f"{lines}<table><caption>{html.escape(ROUTE_CAPTION)}</caption><thead><tr>{head}</tr>"
        f"</thead><tbody>{body}</tbody></table>"
    )

"""The self-contained HTML report: verdict header, slices, cost and latency, regressions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from evalkit.report._format import esc, num, row, table
from evalkit.report._regressed import regressed_section
from evalkit.report._routes import route_section
from evalkit.report._slices import slice_section
from evalkit.report._strip import summary_strip
from evalkit.report._style import CSP, CSS
from evalkit.report._usage import usage_section

if TYPE_CHECKING:
    from evalkit.comparison import Comparison, RouteReport
    from evalkit.store import Store


_HYP_HEAD = ["hypothesis", "n", "clusters", "baseline", "candidate", "delta", "p", "alpha",
             "mde", "margin", "power", "bound", "verdict"]  # fmt: skip


def _hyp_cells(r: Any) -> list[str]:
    return [
        esc(r.hypothesis), esc(r.n), esc(r.clusters), num(r.baseline), num(r.candidate),
        num(r.delta, signed=True), num(r.p, 4), num(r.alpha_final, 4), num(r.mde),
        num(r.margin), num(r.power), num(r.bound), esc(r.verdict),
    ]  # fmt: skip


def _hypotheses(cmp: Comparison) -> str:
    """The gate's own table: the overall index and every task, failing first."""
    from evalkit.comparison._render import hypotheses_failing_first

    rows = [
        row(_hyp_cells(r), cls="fail" if r.verdict == "FAIL" else "")
        for r in hypotheses_failing_first(cmp).itertuples()
    ]
    return '<section id="gate"><h2>Gate</h2>' + table(_HYP_HEAD, rows, cls="gate") + "</section>"


def _warnings(cmp: Comparison) -> str:
    return "".join(f'<p class="warning"><b>Warning:</b> {esc(w)}</p>' for w in cmp.warnings)


def _gate(cmp: Comparison) -> str:
    g = cmp.gate
    scope = ", ".join([*g.tasks, *g.langs]) or "all tasks and languages"
    return (
        f"<p>gate: mode <b>{esc(g.mode)}</b>, alpha <b>{esc(g.alpha)}</b>, "
        f"margin <b>{esc(g.margin)}</b>, index margin <b>{esc(g.index_margin)}</b>, task "
        f"margin <b>{esc(g.task_margin)}</b>, scope {esc(scope)}</p>"
    )


def _run_cells(role: str, run_id: str, store: Store | None) -> list[str]:
    info = store.run(run_id) if store is not None else None
    created = info.created_at if info else None
    return [
        esc(role),
        f"<code>{esc(run_id)}</code>",
        esc(info.name or "" if info else ""),
        esc(info.target_name if info else ""),
        esc(created.isoformat(sep=" ", timespec="seconds") if created else ""),
    ]


def _header(cmp: Comparison, title: str, store: Store | None) -> str:
    runs = [
        row(_run_cells("baseline", cmp.baseline, store)),
        row(_run_cells("candidate", cmp.candidate, store)),
    ]
    return (
        f"<header><h1>{esc(title)}</h1>"
        + summary_strip(cmp)
        + _warnings(cmp)
        + _gate(cmp)
        + table(["run", "id", "name", "target", "created (UTC)"], runs, cls="runs")
        + "</header>"
    )


def render_html(
    cmp: Comparison,
    store: Store | None = None,
    *,
    title: str | None = None,
    routes: RouteReport | None = None,
) -> str:
    """Render a comparison as one self-contained HTML page.

    The page needs no network: styles are inline and charts are inline SVG. Every string from
    the runs (model answers, item ids, target names, notes) is HTML-escaped. It opens with a
    summary strip: the verdict, what the gate could detect, and every gated hypothesis' MDE
    against its margin (underpowered ones marked).

    Args:
        cmp: The comparison to report.
        store: The store holding both runs; adds run details, cost and latency, and regressed
            items with their prompt, reference and both models' answers.
        title: Page title; default ``evalkit compare: candidate <name> vs baseline <name>``.
        routes: The route diff and per-route deltas of a router comparison (see
            `evalkit.comparison.route_report`); read from ``store`` when the runs were routed.

    Returns:
        The HTML document.
    """
    from evalkit.comparison import route_report
    from evalkit.comparison._render import run_title

    title = title or f"evalkit compare: {run_title(cmp)}"
    if routes is None and store is not None:
        routes = route_report(store, cmp)
    body = _header(cmp, title, store) + _hypotheses(cmp)
    if routes is not None:
        body += route_section(routes)
    body += slice_section(cmp)
    if store is not None:
        body += usage_section(cmp, store) + regressed_section(cmp, store)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def write_html(
    cmp: Comparison,
    path: str | Path,
    store: Store | None = None,
    *,
    title: str | None = None,
    routes: RouteReport | None = None,
) -> Path:
    """Write `render_html` to ``path`` (UTF-8), creating parent folders.

    Args:
        cmp: The comparison to report.
        path: Where to write the file.
        store: The store holding both runs (see `render_html`).
        title: Page title (see `render_html`).
        routes: The route diff and per-route deltas (see `render_html`).

    Returns:
        The path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(cmp, store, title=title, routes=routes), encoding="utf-8")
    return path

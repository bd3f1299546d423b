"""The route section of a router comparison: the route diff, then per-route deltas."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evalkit.report._format import esc, row, table

if TYPE_CHECKING:
    from evalkit.comparison import RouteReport


def route_section(routes: RouteReport) -> str:
    """What moved where and what the compare re-called, then one row per candidate route."""
    from evalkit.comparison._render import (
        ROUTE_CAPTION,
        route_cells,
        route_head,
        routes_worst_first,
    )

    diff = "".join(f"<li>{esc(line)}</li>" for line in routes.diff_lines())
    rows = [
        row([esc(c) for c in route_cells(r)], cls="worse" if r.verdict == "worse" else "")
        for r in routes_worst_first(routes).itertuples()
    ]
    return (
        '<section id="routes"><h2>Routes</h2>'
        + (f'<ul class="route-diff">{diff}</ul>' if diff else "")
        + f'<p class="hint">{esc(ROUTE_CAPTION)}</p>'
        + table(route_head(routes), rows, cls="routes")
        + "</section>"
    )

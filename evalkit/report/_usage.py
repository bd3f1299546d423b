"""Cost and latency per run and per route, with a latency bar chart baseline vs candidate."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from evalkit.report._format import esc, row, table
from evalkit.report._svg import bar_chart

if TYPE_CHECKING:
    import pandas as pd

    from evalkit.comparison import Comparison
    from evalkit.store import Store

PERCENTILES = (50, 95, 99)
DIRECT = "(direct)"
ALL_ROUTES = "(all routes)"
HEAD = [
    "run", "route", "responses", "failed", "error rate", "total cost", "cost / item",
    "latency p50 ms", "p95 ms", "p99 ms",
]  # fmt: skip


@dataclass(frozen=True)
class Usage:
    """Responses, failures, cost and latency of one run, overall or on one route.

    Attributes:
        route: Route name, ``(direct)`` for calls without one, ``(all routes)`` for the run.
        responses: Stored responses.
        failed: (item, repeat) units that ended in an error with no response.
        items: Distinct items answered.
        cost: Total cost per currency.
        latency: Latency percentiles in ms (NaN when no latency was recorded).
    """

    route: str
    responses: int
    failed: int
    items: int
    cost: dict[str, float] = field(default_factory=dict)
    latency: tuple[float, ...] = ()

    @property
    def error_rate(self) -> float:
        """Failed units over attempted units."""
        attempted = self.responses + self.failed
        return self.failed / attempted if attempted else float("nan")


def _usage(route: str, resp: pd.DataFrame, failed: pd.DataFrame) -> Usage:
    priced = resp[resp["cost"].notna()]
    cost = {
        str(cur): float(total)
        for cur, total in priced.groupby(priced["currency"].fillna("?"))["cost"].sum().items()
    }
    latency = resp["latency_ms"].dropna().to_numpy(float)
    pcts = np.percentile(latency, PERCENTILES) if latency.size else [float("nan")] * 3
    return Usage(
        route, len(resp), len(failed), int(resp["item_id"].nunique()), cost, tuple(map(float, pcts))
    )


def run_usage(store: Store, run_id: str) -> list[Usage]:
    """The run overall, then each route in name order."""
    resp = store.responses_frame(run_id)
    resp = resp.assign(route=resp["route"].fillna(DIRECT))
    outcomes = store.outcomes_frame(run_id)
    failed = outcomes[outcomes["outcome"] == "failed"].assign(
        route=lambda f: f["route"].fillna(DIRECT)
    )
    routes = sorted(set(resp["route"]) | set(failed["route"]))
    out = [_usage(ALL_ROUTES, resp, failed)]
    if routes != [DIRECT]:
        out += [_usage(r, resp[resp["route"] == r], failed[failed["route"] == r]) for r in routes]
    return out


def _money(cost: dict[str, float], per: int = 1, digits: int = 4) -> str:
    if not cost:
        return "no price"
    return " + ".join(f"{total / max(per, 1):.{digits}f} {cur}" for cur, total in cost.items())


def _cells(run: str, u: Usage) -> list[str]:
    rate = "-" if u.error_rate != u.error_rate else f"{u.error_rate:.1%}"
    lat = ["-" if v != v else f"{v:,.0f}" for v in u.latency]
    return [
        esc(run), esc(u.route), str(u.responses), str(u.failed), rate,
        esc(_money(u.cost)), esc(_money(u.cost, u.items, 6)), *lat,
    ]  # fmt: skip


def usage_section(cmp: Comparison, store: Store) -> str:
    """A table per run and route, and the latency percentiles of both runs as bars."""
    usage = {
        "baseline": run_usage(store, cmp.baseline),
        "candidate": run_usage(store, cmp.candidate),
    }
    rows = [row(_cells(run, u)) for run, us in usage.items() for u in us]
    chart = bar_chart(
        [f"p{p}" for p in PERCENTILES],
        {run: list(us[0].latency) for run, us in usage.items()},
        "latency ms",
    )
    return (
        '<section id="usage"><h2>Cost and latency</h2>'
        '<p class="hint">cost / item: total cost over distinct items answered; error rate: '
        "(item, repeat) units that ended without a response.</p>"
        + table(HEAD, rows, cls="usage")
        + f'<div class="chart">{chart}</div></section>'
    )

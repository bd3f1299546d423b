"""Cost and latency per run and per route, with a latency bar chart baseline vs candidate.

Time to first token (TTFT) shows beside latency only where a run has streamed replies: a report
of unstreamed runs has no TTFT columns at all, and a run without any shows ``-``, never 0.
"""

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
TTFT_PERCENTILES = (50, 95)
DIRECT = "(direct)"
ALL_ROUTES = "(all routes)"
HEAD = [
    "run", "route", "responses", "failed", "error rate", "total cost", "cost / item",
    "latency p50 ms", "p95 ms", "p99 ms",
]  # fmt: skip
TTFT_HEAD = ["TTFT p50 ms", "TTFT p95 ms"]


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
        ttft: Time-to-first-token percentiles (p50, p95) in ms; empty when no reply has one
            (none was streamed).
    """

    route: str
    responses: int
    failed: int
    items: int
    cost: dict[str, float] = field(default_factory=dict)
    latency: tuple[float, ...] = ()
    ttft: tuple[float, ...] = ()

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
    ttft = resp["ttft_ms"].dropna().to_numpy(float)
    ttft_pcts = np.percentile(ttft, TTFT_PERCENTILES) if ttft.size else []
    return Usage(
        route, len(resp), len(failed), int(resp["item_id"].nunique()), cost,
        tuple(map(float, pcts)), tuple(map(float, ttft_pcts)),
    )  # fmt: skip


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


def _ms(values: tuple[float, ...], n: int) -> list[str]:
    """``n`` cells of milliseconds, ``-`` for each unknown one."""
    return ["-" if v != v else f"{v:,.0f}" for v in values] if values else ["-"] * n


def _cells(run: str, u: Usage, ttft: bool) -> list[str]:
    rate = "-" if u.error_rate != u.error_rate else f"{u.error_rate:.1%}"
    first = _ms(u.ttft, len(TTFT_PERCENTILES)) if ttft else []
    return [
        esc(run), esc(u.route), str(u.responses), str(u.failed), rate,
        esc(_money(u.cost)), esc(_money(u.cost, u.items, 6)),
        *_ms(u.latency, len(PERCENTILES)), *first,
    ]  # fmt: skip


def usage_section(cmp: Comparison, store: Store) -> str:
    """A table per run and route (time to first token beside latency where either run streamed),
    and the latency percentiles of both runs as bars."""
    usage = {
        "baseline": run_usage(store, cmp.baseline),
        "candidate": run_usage(store, cmp.candidate),
    }
    ttft = any(us[0].ttft for us in usage.values())
    rows = [row(_cells(run, u, ttft)) for run, us in usage.items() for u in us]
    chart = bar_chart(
        [f"p{p}" for p in PERCENTILES],
        {run: list(us[0].latency) for run, us in usage.items()},
        "latency ms",
    )
    hint = " TTFT: time to first token of streamed replies (- for a run with none)."
    return (
        '<section id="usage"><h2>Cost and latency</h2>'
        '<p class="hint">cost / item: total cost over distinct items answered; error rate: '
        "(item, repeat) units that ended without a response."
        + (hint if ttft else "")
        + "</p>"
        + table(HEAD + TTFT_HEAD if ttft else HEAD, rows, cls="usage")
        + f'<div class="chart">{chart}</div></section>'
    )

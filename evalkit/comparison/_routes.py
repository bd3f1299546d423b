"""Per-route economics and quality of a run, and per route what a router cutover changed."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from evalkit.comparison._stats import benjamini_hochberg, wilson
from evalkit.tasks import HEADLINE_METRICS

if TYPE_CHECKING:
    from evalkit.comparison._compare import Comparison
    from evalkit.comparison._gate import GateConfig
    from evalkit.store import Store

ROUTE_COLUMNS = [
    "route", "models", "split", "n", "error_rate", "fallback_rate", "cost", "currency",
    "cost_per_item",
    "cost_per_mtok", "p50_ms", "p95_ms", "p99_ms", "quality", "quality_low", "quality_high",
]  # fmt: skip
"""Columns of `route_table`, plus `TTFT_COLUMNS` after ``p99_ms`` when a reply of the run has a
time to first token."""

TTFT_COLUMNS = ["ttft_p50_ms", "ttft_p95_ms"]
"""Time-to-first-token percentiles of a route's streamed replies."""


def route_table(store: Store, run_id: str) -> pd.DataFrame:
    """One row per route (``(direct)`` for model targets) of a run.

    ``cost_per_mtok`` is the blended price actually paid: total cost / total tokens x 1e6.
    ``quality`` is the pass rate of the pass/fail headline metrics of the route's items, with a
    Wilson 95% interval; errors count against ``error_rate``, not against quality. ``split``
    is the share of the route's answered requests each model served (a weighted split, or
    fallbacks). ``ttft_p50_ms`` and ``ttft_p95_ms`` follow ``p99_ms`` only when some reply of
    the run was streamed (a route without one has NaN there); otherwise they are left out.
    """
    run_id = store.resolve_run_id(run_id)
    econ = store.route_economics(run_id)
    quality = _quality(store, run_id)
    table = econ.merge(quality, on="route", how="left").merge(
        _split(store, run_id), on="route", how="left"
    )
    known = bool(table["ttft_p50_ms"].notna().any())
    return table[_with_ttft(ROUTE_COLUMNS, "p99_ms", TTFT_COLUMNS, known)]


def _with_ttft(columns: list[str], after: str, ttft: list[str], known: bool) -> list[str]:
    """``columns`` with the ``ttft`` ones after ``after`` when a time to first token is known."""
    if not known:
        return columns
    at = columns.index(after) + 1
    return [*columns[:at], *ttft, *columns[at:]]


def _split(store: Store, run_id: str) -> pd.DataFrame:
    """Per route, the share of its answered requests each model served (``a 70% / b 30%``)."""
    rows = store.route_model_counts(run_id)
    totals: dict[str, int] = {}
    for route, _, n in rows:
        totals[route] = totals.get(route, 0) + n
    parts: dict[str, list[str]] = {}
    for route, model, n in rows:
        parts.setdefault(route, []).append(f"{model} {n / totals[route]:.0%}")
    return pd.DataFrame(
        {"route": list(parts), "split": [" / ".join(v) for v in parts.values()]},
        columns=["route", "split"],
    )


def _quality(store: Store, run_id: str) -> pd.DataFrame:
    scores = store.scores_frame(run_id)
    heads = {(t, m) for t, ms in HEADLINE_METRICS.items() for m in ms}
    is_head = pd.Series(
        [(t, m) in heads for t, m in zip(scores["task"], scores["metric"], strict=True)],
        index=scores.index,
        dtype=bool,
    )
    keep = scores[is_head & (scores["kind"] == "bool")].copy()
    keep["route"] = keep["route"].fillna("(direct)")
    rows = []
    for route, grp in keep.groupby("route"):
        low, high = wilson(float(grp["value"].sum()), len(grp))
        rows.append({"route": route, "quality": grp["value"].mean(), "quality_low": low,
                     "quality_high": high})  # fmt: skip
    return pd.DataFrame(rows, columns=["route", "quality", "quality_low", "quality_high"])


ROUTE_DELTA_COLUMNS = [
    "route", "items", "models_baseline", "models_candidate", "currency", "cost_baseline",
    "cost_candidate", "cost_per_item_baseline", "cost_per_item_candidate", "cost_delta",
    "cost_delta_pct", "p50_delta_ms", "p95_delta_ms", "p99_delta_ms", "quality_baseline",
    "quality_candidate", "quality_delta", "ci_low", "ci_high", "test", "p", "p_adj", "verdict",
]  # fmt: skip
"""Columns of `route_deltas`: one row per candidate route (plus `TTFT_DELTA_COLUMNS` after
``p99_delta_ms`` when both runs have a time to first token)."""

TTFT_DELTA_COLUMNS = ["ttft_p50_delta_ms", "ttft_p95_delta_ms"]
"""Candidate minus baseline time-to-first-token percentiles of a route's items."""

_PCTS = (("p50_delta_ms", 0.50), ("p95_delta_ms", 0.95), ("p99_delta_ms", 0.99))
_TTFT_PCTS = (("ttft_p50_delta_ms", 0.50), ("ttft_p95_delta_ms", 0.95))


@dataclass(frozen=True)
class RouteMove:
    """Items that moved from one model to another between the router configs."""

    source: str
    target: str
    items: int


@dataclass(frozen=True)
class RouteReport:
    """What a router cutover changed, shown by every report format.

    Attributes:
        deltas: `route_deltas`: per candidate route, cost, latency and quality, baseline vs
            candidate on the same items (quality tests are diagnostics, never gated).
        items: Items routed under both configs (None when the runs came from the store
            without their router configs).
        changed: Items whose request changed between the configs.
        moves: What moved where, largest move first.
        recalled: Calls made per role (``baseline``, ``candidate``).
        planned: Requests planned per role.
        reused: Stored or cached responses reused per role.
        compare_cost: What the calls of this compare cost (``no price`` where unpriced).
        per_route: `route_table` of each run by role.
    """

    deltas: pd.DataFrame
    items: int | None = None
    changed: int | None = None
    moves: tuple[RouteMove, ...] = ()
    recalled: dict[str, int] = field(default_factory=dict)
    planned: dict[str, int] = field(default_factory=dict)
    reused: dict[str, int] = field(default_factory=dict)
    compare_cost: str | None = None
    per_route: dict[str, pd.DataFrame] = field(default_factory=dict)

    def diff_lines(self) -> list[str]:
        """The route diff and what the compare re-called, as sentences."""
        lines = []
        if self.items is not None:
            moved = "; ".join(f"{m.items} {m.source} -> {m.target}" for m in self.moves)
            lines.append(
                f"route diff: {self.changed} of {self.items} items change route"
                + (f" ({moved})" if moved else "")
            )
        if self.recalled:
            calls = ", ".join(
                f"{role} {n}" + (f" of {self.planned[role]}" if role in self.planned else "")
                for role, n in self.recalled.items()
            )
            reused = ", ".join(f"{role} {n}" for role, n in self.reused.items())
            lines.append(f"re-called: {calls}; reused: {reused}; compare cost {self.compare_cost}")
        return lines

    def payload(self) -> dict[str, Any]:
        """JSON-ready: the route diff, calls, per-route tables and per-route deltas."""
        out: dict[str, Any] = {}
        if self.items is not None:
            out.update(items=self.items, changed=self.changed,
                       moves=[{"from": m.source, "to": m.target, "items": m.items}
                              for m in self.moves])  # fmt: skip
        if self.recalled:
            out.update(recalled=self.recalled, planned=self.planned, reused=self.reused,
                       compare_cost=self.compare_cost)  # fmt: skip
        if self.per_route:
            out["per_route"] = {
                role: json.loads(t.to_json(orient="records")) for role, t in self.per_route.items()
            }
        out["deltas"] = json.loads(self.deltas.to_json(orient="records"))
        return out


def is_routed(store: Store, run_id: str) -> bool:
    """True when any response or error of the run went through a named route (one query; the
    runs' rows stay in the store)."""
    from evalkit.store._paired import is_routed as routed

    return routed(store, store.resolve_run_id(run_id))


def route_report(store: Store, cmp: Comparison) -> RouteReport | None:
    """The per-route deltas and tables of a comparison, or None when neither run was routed.

    Without the router configs there is no route diff; `evalkit compare --baseline-router`
    adds it, with what the compare re-called and cost.
    """
    if not (is_routed(store, cmp.baseline) or is_routed(store, cmp.candidate)):
        return None
    deltas = route_deltas(store, cmp.baseline, cmp.candidate, cmp.gate, excluded=cmp.excluded_items)
    per_route = {
        "baseline": route_table(store, cmp.baseline),
        "candidate": route_table(store, cmp.candidate),
    }
    return RouteReport(deltas, per_route=per_route)


def route_deltas(
    store: Store,
    baseline: str,
    candidate: str,
    gate: GateConfig | None = None,
    *,
    excluded: Sequence[str] = (),
) -> pd.DataFrame:
    """Per route the candidate sent items to: baseline vs candidate on those same items.

    Cost per item is each run's total cost of those items over their number, in one currency
    (NaN with ``currency`` naming both when the runs bill in different currencies, NaN with
    ``currency`` None when neither has a price). Latency deltas are candidate minus baseline
    percentiles of the items' responses; so are time-to-first-token deltas, present only when
    both runs streamed some reply (NaN on a route where either has none). Quality is the gate's
    item quality (answered x every gate metric passing); the paired test per route is the exact
    McNemar test for pass/fail quality and the clustered z (by ``pair_id``) otherwise, with the
    clustered interval, and the p-values are Benjamini-Hochberg adjusted over the routes. These
    are diagnostics: the gate never tests routes.
    """
    from evalkit.comparison._compare import paired_quality
    from evalkit.comparison._gate import GateConfig

    gate = gate or GateConfig()
    alpha = gate.alpha
    base_id, cand_id = store.resolve_run_id(baseline), store.resolve_run_id(candidate)
    routes = _item_routes(store, cand_id)
    routes = routes[~routes["item_id"].isin(list(excluded))]
    resp_a, resp_b = _responses(store, base_id), _responses(store, cand_id)
    # both runs read alike, as the gate reads them (one run's judging never sets its standard)
    quality = paired_quality(store, base_id, cand_id, gate)
    rows = []
    for route, grp in routes.groupby("route", sort=True):
        ids = set(grp["item_id"])
        a, b = resp_a[resp_a["item_id"].isin(ids)], resp_b[resp_b["item_id"].isin(ids)]
        q = quality[quality["item_id"].isin(ids)].dropna(subset=["q_a", "q_b"])
        row = {"route": route, "items": len(ids), **_models(a, b), **_costs(a, b, len(ids))}
        latency = {**_deltas(a, b, "latency_ms", _PCTS), **_deltas(a, b, "ttft_ms", _TTFT_PCTS)}
        rows.append({**row, **latency, **_quality_test(q, alpha)})
    both = bool(resp_a["ttft_ms"].notna().any() and resp_b["ttft_ms"].notna().any())
    columns = _with_ttft(ROUTE_DELTA_COLUMNS, "p99_delta_ms", TTFT_DELTA_COLUMNS, both)
    frame = pd.DataFrame(rows, columns=[c for c in columns if c not in ("p_adj", "verdict")])
    return _route_verdicts(frame, alpha)[columns]


def _item_routes(store: Store, run_id: str) -> pd.DataFrame:
    """item_id -> the route the run sent it to (its first repeat), ``(direct)`` without one."""
    frame = store.outcomes_frame(run_id).sort_values(["item_id", "repeat"])
    frame = frame.drop_duplicates("item_id")[["item_id", "route"]]
    return frame.assign(route=frame["route"].fillna("(direct)"))


def _responses(store: Store, run_id: str) -> pd.DataFrame:
    cols = ["item_id", "target_name", "cost", "currency", "latency_ms", "ttft_ms"]
    return store.responses_frame(run_id)[cols]


def _models(a: pd.DataFrame, b: pd.DataFrame) -> dict[str, str]:
    return {
        "models_baseline": ",".join(sorted(set(a["target_name"].dropna().astype(str)))),
        "models_candidate": ",".join(sorted(set(b["target_name"].dropna().astype(str)))),
    }


def _costs(a: pd.DataFrame, b: pd.DataFrame, n: int) -> dict[str, Any]:
    """Totals and per-item costs in the one currency both runs bill in; never summed across."""
    currencies = set(a["currency"].dropna()) | set(b["currency"].dropna())
    nan = math.nan
    out: dict[str, Any] = dict.fromkeys(
        ("cost_baseline", "cost_candidate", "cost_per_item_baseline", "cost_per_item_candidate",
         "cost_delta", "cost_delta_pct"), nan,
    )  # fmt: skip
    out["currency"] = "/".join(sorted(map(str, currencies))) if currencies else None
    if len(currencies) != 1:
        return out
    ca, cb = a["cost"].dropna(), b["cost"].dropna()
    total_a = float(ca.sum()) if len(ca) else nan
    total_b = float(cb.sum()) if len(cb) else nan
    out.update(cost_baseline=total_a, cost_candidate=total_b, cost_per_item_baseline=total_a / n,
               cost_per_item_candidate=total_b / n, cost_delta=total_b - total_a)  # fmt: skip
    if total_a > 0:
        out["cost_delta_pct"] = 100 * (total_b - total_a) / total_a
    return out


def _deltas(
    a: pd.DataFrame, b: pd.DataFrame, column: str, pcts: tuple[tuple[str, float], ...]
) -> dict[str, float]:
    """Candidate minus baseline percentiles of ``column`` (NaN where either run has none)."""
    la, lb = a[column].dropna(), b[column].dropna()
    return {
        name: float(lb.quantile(q) - la.quantile(q)) if len(la) and len(lb) else math.nan
        for name, q in pcts
    }


def _quality_test(q: pd.DataFrame, alpha: float) -> dict[str, Any]:
    """Paired quality on the route's items: exact McNemar (pass/fail) or the clustered z."""
    from evalkit.comparison._cluster import paired_clustered_delta
    from evalkit.comparison._stats import mcnemar_exact

    nan = math.nan
    if len(q) == 0:
        return {"quality_baseline": nan, "quality_candidate": nan, "quality_delta": nan,
                "ci_low": nan, "ci_high": nan, "test": "", "p": nan}  # fmt: skip
    a, b = q["q_a"].to_numpy(float), q["q_b"].to_numpy(float)
    clustered = paired_clustered_delta(a, b, q["pair_id"].to_numpy(), alpha)
    binary = bool(np.isin(a, (0.0, 1.0)).all() and np.isin(b, (0.0, 1.0)).all())
    if binary:
        test, p = "mcnemar_exact", mcnemar_exact(a, b).p_two_sided
    else:
        pw = clustered.p_worse
        test, p = "clustered_z", min(1.0, 2 * min(pw, 1 - pw))
    return {"quality_baseline": float(a.mean()), "quality_candidate": float(b.mean()),
            "quality_delta": clustered.delta, "ci_low": clustered.ci_low,
            "ci_high": clustered.ci_high, "test": test, "p": float(p)}  # fmt: skip


def _route_verdicts(frame: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """BH over the routes tested; ``worse`` / ``better`` where the adjusted p is below alpha."""
    frame = frame.copy()
    tested = frame["p"].notna()
    frame["p_adj"] = math.nan
    if tested.any():
        frame.loc[tested, "p_adj"] = benjamini_hochberg(frame.loc[tested, "p"].tolist())
    frame["verdict"] = [
        ("worse" if d < 0 else "better") if p_adj == p_adj and p_adj < alpha else ""
        for d, p_adj in zip(frame["quality_delta"], frame["p_adj"], strict=True)
    ]
    return frame

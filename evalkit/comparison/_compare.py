"""Comparing two runs on the same items: per-slice deltas, paired tests and the gate verdict."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from evalkit.comparison._cluster import paired_clustered_delta
from evalkit.comparison._coverage import Coverage, check_coverage
from evalkit.comparison._gate import GateConfig, check_gate_names, wanted_slices
from evalkit.comparison._power import mde_paired_binary, observed_rho
from evalkit.comparison._stats import (
    benjamini_hochberg,
    holm,
    mcnemar_exact,
    paired_ci,
    sign_flip,
)
from evalkit.errors import ConfigError
from evalkit.tasks import metric_scale

if TYPE_CHECKING:
    from evalkit.store import RunCounts, Store

SLICE_KEYS = ["task", "lang", "metric"]


@dataclass
class Comparison:
    """Baseline vs candidate, slice by slice, with the gate's verdict.

    Attributes:
        baseline: Baseline run id.
        candidate: Candidate run id.
        slices: One row per (task, lang, metric): n, means, delta, interval, p-values, verdict.
        gate: The gate configuration used.
        excluded_items: Items left out because their content hash differs between the runs.
        notes: Warnings (signature mismatches, missing items).
        missing_slices: Gate slices the runs' items call for that could not be compared (no
            scores on one or both sides, or the metric's definition changed); they fail the gate.
        coverage: Per role (``baseline``, ``candidate``), what happened to every planned request.
        warnings: What the reader must know before the verdict (incomplete runs compared with
            ``allow_incomplete``, golden-set versions that differ); every format shows them first.
        names: Run names by role (``baseline``, ``candidate``).
    """

    baseline: str
    candidate: str
    slices: pd.DataFrame
    gate: GateConfig
    excluded_items: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing_slices: list[str] = field(default_factory=list)
    coverage: dict[str, RunCounts] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    names: dict[str, str | None] = field(default_factory=dict)

    @property
    def failing(self) -> pd.DataFrame:
        """Gate slices that failed."""
        return self.slices[self.slices["verdict"] == "FAIL"]

    @property
    def gated(self) -> int:
        """Number of gate slices actually tested."""
        return int(self.slices["gate"].astype(bool).sum()) if "gate" in self.slices else 0

    @property
    def passed(self) -> bool:
        """True when at least one gate slice was tested, none failed, and none is missing."""
        return self.gated > 0 and self.failing.empty and not self.missing_slices

    def to_pandas(self) -> pd.DataFrame:
        """The slice table."""
        return self.slices.copy()

    def render(self, fmt: str = "table") -> str:
        """The comparison as ``table`` (terminal), ``md`` or ``json``."""
        from evalkit.comparison._render import render

        return render(self, fmt)

    def plot(self, ax: Any = None, *, gate_only: bool = False) -> Any:
        """A forest plot of per-slice deltas with their intervals (matplotlib).

        Args:
            ax: An existing matplotlib Axes; a new figure when None.
            gate_only: Plot only the gate slices.

        Returns:
            The Axes.
        """
        from evalkit.comparison._plot import forest

        return forest(self, ax, gate_only=gate_only)

    def _repr_html_(self) -> str:
        from evalkit.comparison._render import to_html_table

        return to_html_table(self)


def compare_runs(
    store: Store,
    baseline: str,
    candidate: str,
    gate: GateConfig | None = None,
    *,
    by_route: bool = False,
    allow_incomplete: bool = False,
) -> Comparison:
    """Compare two stored runs on the items they share.

    Args:
        store: The store holding both runs.
        baseline: Run id, prefix, name, ``latest``, ``target:NAME`` or ``branch:NAME``.
        candidate: Same forms as ``baseline``.
        gate: Gate configuration (defaults: alpha 0.05, margin 0.02, regression mode).
        by_route: Also split every slice by the candidate's route (router targets).
        allow_incomplete: Compare even when a run is unfinished or the runs' items differ;
            requests the candidate never attempted then count as its failures, and the report
            says so first.

    Returns:
        The comparison; ``.passed`` is the gate verdict.

    Raises:
        ConfigError: The runs are the same run, a run is incomplete or their items differ
            (without ``allow_incomplete``), a gate filter names an unknown task, language or
            metric, or the gate selects no slice of these runs.
    """
    gate = gate or GateConfig()
    base_id, cand_id = store.resolve_run_id(baseline), store.resolve_run_id(candidate)
    if base_id == cand_id:
        raise ConfigError(
            f"baseline {baseline!r} and candidate {candidate!r} are the same run ({base_id}); "
            "a run compared with itself always passes: give two different runs"
        )
    cov = check_coverage(store, base_id, cand_id, allow_incomplete)
    a = _item_means(_frames(store, base_id, cov, "baseline"), cov.changed)
    b = _item_means(_frames(store, cand_id, cov, "candidate"), cov.changed)
    check_gate_names(gate, set(a["metric"]) | set(b["metric"]))
    notes = _signature_notes(a, b)
    joined = a.merge(b, on=[*SLICE_KEYS, "item_id", "pair_id"], suffixes=("_a", "_b"))
    keys = SLICE_KEYS
    if by_route:
        joined = joined.merge(_routes(store, cand_id), on="item_id", how="left")
        joined["route"] = joined["route"].fillna("(direct)")
        keys = [*SLICE_KEYS, "route"]
    rows = [
        _slice_row(key, grp, gate)
        for key, grp in joined.groupby(keys, sort=True)
        if (grp["signature_a"] == grp["signature_b"]).all()
    ]
    slices = _verdicts(pd.DataFrame(rows), gate)
    _add_mde(slices, gate)
    want = wanted_slices(gate, cov.items, set(a["metric"]) | set(b["metric"]))
    if not want:
        raise ConfigError(
            "the gate selects no slice of these runs (tasks in them: "
            f"{', '.join(sorted(cov.items['task'].unique()))}); check --tasks, --langs and "
            "[tool.evalkit.gate] metrics"
        )
    missing = _missing_gate_slices(want, slices)
    _note_power(slices, gate, notes)
    if missing:
        notes.append(
            "gate slice(s) the items call for but with no paired scores on both sides: "
            + ", ".join(missing)
        )
    if cov.changed:
        notes.append(f"{len(cov.changed)} item(s) changed between the runs and were left out")
    names = {"baseline": store.run(base_id).name, "candidate": store.run(cand_id).name}
    return Comparison(
        base_id, cand_id, slices, gate, cov.changed, notes, missing, cov.counts, cov.warnings,
        names,
    )  # fmt: skip


def _note_power(slices: pd.DataFrame, gate: GateConfig, notes: list[str]) -> None:
    underpowered = _underpowered(slices, gate)
    if underpowered:
        notes.append(
            f"underpowered: {len(underpowered)} gate slice(s) cannot detect a drop of the "
            f"margin ({gate.margin:g}) with 80% power at the Holm-adjusted alpha, or their "
            "power is unknown (mde -): "
            + ", ".join(underpowered[:8])
            + (" ..." if len(underpowered) > 8 else "")
            + "; see the mde column for the drop each slice can detect"
        )


def _frames(store: Store, run_id: str, cov: Coverage, role: str) -> pd.DataFrame:
    cols = [*SLICE_KEYS, "item_id", "pair_id", "repeat", "value", "signature"]
    # never-attempted requests count against the candidate (allowed only with allow_incomplete);
    # for the baseline they are left out, so they can never make the candidate look better
    answered = store.answered_frame(run_id, include_missing=role == "candidate")
    frames = [store.scores_frame(run_id)[cols], answered[cols]]
    if role == "candidate" and len(cov.only_baseline):
        frames.append(cov.only_baseline.assign(value=0.0)[cols])
    frame = pd.concat(frames)
    return frame[frame["item_id"].isin(cov.shared) | frame["item_id"].isin(cov.only_baseline_ids)]


def _missing_gate_slices(want: set[tuple[str, str, str]], slices: pd.DataFrame) -> list[str]:
    have = {tuple(r) for r in slices[SLICE_KEYS].itertuples(index=False)} if len(slices) else set()
    return sorted("/".join(k) for k in want - have)


def _item_means(frame: pd.DataFrame, excluded: list[str]) -> pd.DataFrame:
    """Average each item's repeats first, so an item counts once whatever K is."""
    frame = frame[frame["value"].notna() & ~frame["item_id"].isin(excluded)]
    return frame.groupby([*SLICE_KEYS, "item_id", "pair_id"], as_index=False).agg(
        value=("value", "mean"), signature=("signature", "first")
    )


def _signature_notes(a: pd.DataFrame, b: pd.DataFrame) -> list[str]:
    sig_a = a.groupby("metric")["signature"].first()
    sig_b = b.groupby("metric")["signature"].first()
    return [
        f"metric {m!r} changed definition ({sig_a[m]} vs {sig_b[m]}); not compared"
        for m in sig_a.index.intersection(sig_b.index)
        if sig_a[m] != sig_b[m]
    ]


def _slice_row(key: Any, grp: pd.DataFrame, gate: GateConfig) -> dict[str, Any]:
    task, lang, metric = key[:3]
    base = grp["value_a"].to_numpy(float)
    cand = grp["value_b"].to_numpy(float)
    binary = bool(np.isin(base, (0.0, 1.0)).all() and np.isin(cand, (0.0, 1.0)).all())
    test = mcnemar_exact(base, cand) if binary else sign_flip(base, cand, gate.n_resamples)
    low, high = paired_ci(base, cand, 2 * gate.alpha, gate.n_resamples)
    clustered = paired_clustered_delta(base, cand, grp["pair_id"].to_numpy(), 2 * gate.alpha)
    rho = observed_rho(base, cand)
    row = {
        "task": task,
        "lang": lang,
        "metric": metric,
        "n": len(grp),
        "clusters": grp["pair_id"].nunique(),
        "baseline": float(base.mean()),
        "candidate": float(cand.mean()),
        "delta": float((cand - base).mean()),
        "ci_low": low,
        "ci_high": high,
        "se_clustered": clustered.se,
        "test": test.method,
        "p": test.p_two_sided,
        "p_worse": test.p_worse,
        "rho": rho,
        "binary": binary,
        "gate": gate.gates(task, lang, metric),
    }
    if gate.max_drop is not None:
        # the hard threshold tests a confidence bound, not the noisy point estimate: a slice
        # fails only when the one-sided 95% upper bound of the change is below -max_drop
        row["drop_bound"] = paired_ci(base, cand, 0.10, gate.n_resamples)[1]
    if len(key) > 3:
        row["route"] = key[3]
    return row


def _add_mde(slices: pd.DataFrame, gate: GateConfig) -> None:
    """The drop each slice detects with 80% power at the alpha its test really uses.

    Gate slices are Holm-adjusted, and Holm's first step tests at alpha / m (m gate slices), so
    a gate slice's MDE is computed there; other slices at alpha.
    """
    if slices.empty:
        slices["mde"] = []
        return
    m = max(int(slices["gate"].astype(bool).sum()), 1)
    slices["mde"] = [
        _mde(bool(r.binary), int(r.n), float(r.baseline), float(r.rho),
             gate.alpha / m if r.gate else gate.alpha)
        for r in slices.itertuples()
    ]  # fmt: skip


def _mde(binary: bool, n: int, p_base: float, rho: float, alpha: float) -> float:
    """The drop this slice detects with 80% power (one-sided, as the gate tests); NaN if n/a."""
    if not binary or not 0 < p_base < 1 or n < 2:
        return math.nan
    try:
        return mde_paired_binary(n, p_base, 0.0 if math.isnan(rho) else rho, alpha, 0.8, False)
    except ValueError:
        return math.nan


def _underpowered(slices: pd.DataFrame, gate: GateConfig) -> list[str]:
    """Gate slices that cannot detect a drop of the margin, or whose power is unknown (NaN
    MDE: a baseline at 0% or 100%, or a score metric), which is no evidence of power either."""
    if slices.empty or "mde" not in slices:
        return []
    margin = slices["metric"].map(gate.margin_for)
    mask = (
        slices["gate"].astype(bool)
        & ((slices["mde"] > margin) | slices["mde"].isna())
        & (slices["metric"] != "answered")
    )
    return [
        "/".join(str(v) for v in r) for r in slices.loc[mask, SLICE_KEYS].itertuples(index=False)
    ]


def _routes(store: Store, run_id: str) -> pd.DataFrame:
    frame = store.responses_frame(run_id)[["item_id", "route"]]
    return frame.drop_duplicates("item_id")


def _verdicts(slices: pd.DataFrame, gate: GateConfig) -> pd.DataFrame:
    if slices.empty:
        return pd.DataFrame(columns=[*SLICE_KEYS, "n", "baseline", "candidate", "delta", "verdict"])
    slices["p_adj"] = np.nan
    is_gate = slices["gate"].to_numpy(bool)
    if is_gate.any():
        slices.loc[is_gate, "p_adj"] = holm(slices.loc[is_gate, "p_worse"].tolist())
    if (~is_gate).any():
        slices.loc[~is_gate, "p_adj"] = benjamini_hochberg(slices.loc[~is_gate, "p"].tolist())
    slices["verdict"] = [_verdict(row, gate) for row in slices.itertuples()]
    return slices.reset_index(drop=True)


def _verdict(row: Any, gate: GateConfig) -> str:
    margin = gate.margin_for(row.metric)
    hard = gate.max_drop is not None and row.drop_bound < -gate.max_drop * metric_scale(row.metric)
    if gate.mode == "non_inferiority":
        # ci_low is the two-sided (1 - 2 alpha) bound, i.e. the one-sided (1 - alpha) lower bound.
        bad = row.ci_low <= -margin
    else:
        bad = row.p_adj < gate.alpha and row.delta < -margin
    bad = bad or hard
    if row.gate:
        return "FAIL" if bad else "pass"
    if row.p_adj < gate.alpha:
        return "worse" if row.delta < 0 else "better"
    return ""

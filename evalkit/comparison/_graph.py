"""The gate: an overall quality index and one pooled test per task, under a graphical procedure.

The design, its simulation and every formula are in docs/gate-design.md (§4); in short:

* **Item quality** folds ``answered`` in: 0 for an unanswered request, else 1 when every gate
  metric of the item's task passes (score metrics enter divided by their scale). Repeats are
  averaged first.
* **Hypotheses**: ``overall`` (the weighted mean of the task means) and one per task, each
  one-sided (candidate worse), tested with the clustered McNemar z of Durkalski et al. (2003)
  over ``pair_id`` clusters.
* **Multiplicity**: the sequentially rejective graphical procedure of Bretz et al. (2009):
  the index starts at ``index_share`` x alpha, the tasks share the rest by weight; a rejected
  hypothesis passes its alpha on. A hypothesis is rejected only if its observed drop also
  exceeds ``margin`` (the practical threshold).
* **Power**: every hypothesis reports the drop it detects with 80% power at the alpha it starts
  with (``mde``); one whose MDE exceeds its margin (``index_margin``, ``task_margin``) makes the
  verdict INCONCLUSIVE unless something failed.
* **Non-inferiority**: the one-sided upper bound of each drop (Tango's score bound with the
  Rao-Scott design effect for pass/fail quality; a t bound otherwise) must be below its margin.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from evalkit.comparison._cluster import clustered_mean_se
from evalkit.comparison._dist import norm_cdf, norm_ppf, t_ppf
from evalkit.tasks import DECIDED_ON_EVERY_ITEM, JUDGE_TWINS, metric_floor, metric_scale

if TYPE_CHECKING:
    from evalkit.comparison._gate import GateConfig

OVERALL = "overall"
"""The name of the index hypothesis."""

POWER = 0.80

HYPOTHESIS_COLUMNS = [
    "hypothesis", "weight", "n", "clusters", "baseline", "candidate", "delta", "se", "z", "p",
    "alpha", "alpha_final", "mde", "margin", "power", "bound", "rejected", "verdict", "unseen",
    "unseen_share",
]  # fmt: skip


class Verdict(str, Enum):
    """The gate's verdict."""

    PASS = "PASS"
    """Every gated hypothesis was powered to see its margin, and none regressed."""
    FAIL = "FAIL"
    """A regression was shown (or, in non-inferiority mode, shown worse), or a gate slice the
    items call for is missing."""
    INCONCLUSIVE = "INCONCLUSIVE"
    """Nothing regressed, but the comparison could not have seen a drop of the margin."""

    def __str__(self) -> str:
        return self.value

    @property
    def exit_code(self) -> int:
        """0 PASS, 1 FAIL, 3 INCONCLUSIVE."""
        return {Verdict.PASS: 0, Verdict.FAIL: 1, Verdict.INCONCLUSIVE: 3}[self]


def _no_ids() -> np.ndarray:
    return np.array([], dtype=object)


@dataclass(frozen=True)
class TaskQuality:
    """Paired item quality of one task: baseline ``a``, candidate ``b``, clusters.

    ``unseen_ids``: the task's items that both runs hold but the gate cannot score, because no
    gate metric has a value in either run (no rule decided either reply and no judge scored
    it). Either reply could be a failure, so the gate counts them as lost (§4.1).
    """

    task: str
    a: np.ndarray
    b: np.ndarray
    clusters: np.ndarray
    binary: bool
    item_ids: np.ndarray = field(default_factory=_no_ids)
    unseen_ids: np.ndarray = field(default_factory=_no_ids)

    @property
    def unseen_share(self) -> float:
        """The share of the task's items the gate cannot see (0 when it sees them all)."""
        total = len(self.a) + len(self.unseen_ids)
        return len(self.unseen_ids) / total if total else 0.0


def item_quality(
    a: pd.DataFrame, b: pd.DataFrame, gate: GateConfig
) -> tuple[list[TaskQuality], int]:
    """Per gated task, the paired quality of every item both runs hold (§4.1).

    ``a`` and ``b`` hold one row per reply and metric (task, lang, metric, item_id, pair_id,
    repeat, value, signature), ``answered`` included; with one repeat, the item means. Each
    reply is read on its own (`_read_replies`): a gate metric it has no value for (its grader
    was unsure) is unknown. Each run's item quality is bounded: the mean over its replies with
    unknown readings at 0 (``lo``) and at 1 (``hi``). An item both runs know is scored; so is one
    that cannot have regressed whatever the unknown readings are (the candidate's ``lo`` at least
    the baseline's ``hi``), at those two values. Any other item is unseen: the gate cannot tell
    whether it regressed, and counts it as lost (`run_gate`). A task the gate's ``metrics`` give
    no metric (or only ``answered``) is gated on ``answered``.

    Returns the tasks and the number of unseen items.
    """
    out: list[TaskQuality] = []
    lost = 0
    needed = {"answered", *(m for ms in gate.metrics.values() for m in twins_read(ms))}
    a, b = _in_scope(a, gate), _in_scope(b, gate)
    rows = pd.concat([
        a[a["metric"].isin(needed)].assign(side=0), b[b["metric"].isin(needed)].assign(side=1)
    ])  # fmt: skip
    if rows.empty:
        return out, 0
    for task, grp in rows.groupby("task", sort=True, observed=True):
        gated = [m for m in gate.metrics.get(str(task), ()) if m != "answered"]
        item = _item_bounds(_read_replies(grp, gated))
        if item.empty:
            continue
        base, cand = item[item["side"] == 0], item[item["side"] == 1]
        both = base.merge(cand, on=["item_id", "pair_id"], suffixes=("_a", "_b"))
        known_a = (both["hi_a"] - both["lo_a"]).to_numpy(float) < 1e-12
        known_b = (both["hi_b"] - both["lo_b"]).to_numpy(float) < 1e-12
        q_a = np.where(known_a, both["lo_a"], both["hi_a"])
        q_b = both["lo_b"].to_numpy(float)
        seen = (known_a & known_b) | (q_b >= q_a - 1e-12)
        lost += int((~seen).sum())
        kept = both[seen]
        qa_t, qb_t = q_a[seen], q_b[seen]
        binary = bool(np.isin(qa_t, (0.0, 1.0)).all() and np.isin(qb_t, (0.0, 1.0)).all())
        out.append(
            TaskQuality(
                str(task), qa_t, qb_t, kept["pair_id"].to_numpy(), binary,
                kept["item_id"].to_numpy(), both.loc[~seen, "item_id"].to_numpy(),
            )
        )  # fmt: skip
    return out, lost


_REPLY = ["side", "item_id", "pair_id", "repeat"]


def _in_scope(frame: pd.DataFrame, gate: GateConfig) -> pd.DataFrame:
    """The rows of the gate's tasks and languages."""
    if gate.tasks:
        frame = frame[frame["task"].isin(gate.tasks)]
    if gate.langs:
        frame = frame[frame["lang"].isin(gate.langs)]
    return frame


def twins_read(gated: Sequence[str]) -> list[str]:
    """The metrics a reading of ``gated`` needs: ``gated`` and each gated judge metric's rule
    twin (`JUDGE_TWINS`)."""
    twins = [JUDGE_TWINS[m] for m in gated if m in JUDGE_TWINS]
    return list(dict.fromkeys([*gated, *twins]))


def _read_replies(grp: pd.DataFrame, gated: list[str]) -> pd.DataFrame:
    """One task's replies, one row each (side, item_id, pair_id, repeat, answered), with each
    gated metric's reading on 0-1 (NaN: unknown, the grader was unsure of that reply).

    A gated judge metric and its rule twin (`JUDGE_TWINS`) read a reply alike: where it has one
    of the two, that one (the rules' decision where the reply was not sent to judges, the
    panel's where the rules were unsure); where it has both, each its own, so with both gated
    both must pass. A rule metric gated alone never takes a judge's value (judge scores are
    advisory until gated), and a twin whose definition differs between the runs (its
    signature) is never used. Where one run was judged on replies the rules decided and the
    other was not (``--replies all`` against ``--replies unsure``), the baseline reads such a
    reply by the better of the two values and the candidate by the worse: the judging, not the
    replies, differs, and the gate resolves that against the candidate.
    """
    wanted = twins_read(gated)
    replies = grp[grp["metric"] == "answered"].drop_duplicates(_REPLY)
    replies = replies.set_index(_REPLY)[["value"]].rename(columns={"value": "answered"})
    for m in wanted:
        rows = grp[grp["metric"] == m]
        sig_a = {str(x) for x in rows.loc[rows["side"] == 0, "signature"].unique()}
        sig_b = {str(x) for x in rows.loc[rows["side"] == 1, "signature"].unique()}
        if m not in gated and (not sig_a or not sig_b or sig_a != sig_b):
            continue  # a twin both runs do not have alike stands in for nothing
        values = rows.drop_duplicates(_REPLY).set_index(_REPLY)["value"].astype(float)
        replies[m] = ((values - metric_floor(m)) / metric_scale(m)).clip(0.0, 1.0)
    replies = replies.reset_index()
    for judge in [m for m in gated if m in JUDGE_TWINS]:
        rule = JUDGE_TWINS[judge]
        if rule not in replies or judge not in replies:
            if rule in replies and judge in gated:
                replies[judge] = replies[rule]  # nobody judged: the rules decide
            continue
        r, j = replies[rule].to_numpy(float), replies[judge].to_numpy(float)
        both = ~np.isnan(r) & ~np.isnan(j)
        side = replies["side"].to_numpy()
        judged = _judged_decided(both, ~np.isnan(r), side)
        lenient = both & (side == 0) & judged[0] & ~judged[1]
        strict = both & (side == 1) & judged[1] & ~judged[0]
        read_j = np.where(np.isnan(j), r, j)
        read_r = np.where(np.isnan(r), j, r)
        best, worst = np.fmax(r, j), np.fmin(r, j)
        read_j = np.where(lenient, best, np.where(strict, worst, read_j))
        read_r = np.where(lenient, best, np.where(strict, worst, read_r))
        replies[judge] = read_j
        if rule in gated:
            replies[rule] = read_r
    keep = [m for m in gated if m in replies]
    return replies[[*_REPLY, "answered", *keep]]


def _always(metric: str) -> bool:
    """Whether ``metric`` applies to every item of its task (`DECIDED_ON_EVERY_ITEM`)."""
    return metric in DECIDED_ON_EVERY_ITEM or JUDGE_TWINS.get(metric) in DECIDED_ON_EVERY_ITEM


def _judged_decided(both: np.ndarray, ruled: np.ndarray, side: np.ndarray) -> tuple[bool, bool]:
    """Per run (baseline, candidate): was it judged on any reply its rules decided, over the
    whole task (``--replies all``, finished or not)? Read per item, an item whose only reply the
    rules left unsure, or one reply without a verdict, counted as not judged, and two runs
    judged alike were read against the candidate (an A/A comparison FAILed); asking for most of
    the replies let a candidate judged on a third of them (an interrupted judging) be read by a
    lenient panel where the baseline was read by its rules."""
    return bool(both[ruled & (side == 0)].any()), bool(both[ruled & (side == 1)].any())


def _item_bounds(replies: pd.DataFrame) -> pd.DataFrame:
    """Each run's item quality as bounds (side, item_id, pair_id, lo, hi): the mean over its
    replies of answered x the product of the gate metrics that apply to the item, an unknown
    reading counting 0 (lo) or 1 (hi). A metric applies where some reply of either run has a
    value, and always where it is decided on every item (`DECIDED_ON_EVERY_ITEM`, or a judge
    metric whose rule twin is): a second gate metric must not turn replies unsure in both runs
    into replies the first does not apply to. An item no gate metric applies to is unknown; a
    task with no gate metric is read by ``answered`` alone."""
    metrics = [c for c in replies.columns if c not in (*_REPLY, "answered")]
    lo = replies["answered"].to_numpy(float).copy()
    hi = lo.copy()
    for m in metrics:
        v = replies[m].to_numpy(float)
        applies = replies.assign(_v=~np.isnan(v)).groupby("item_id")["_v"].transform("any")
        applies = applies.to_numpy(bool) | _always(m)
        lo *= np.where(applies, np.nan_to_num(v, nan=0.0), 1.0)
        hi *= np.where(applies, np.nan_to_num(v, nan=1.0), 1.0)
    if metrics:
        some = replies[metrics].notna().any(axis=1) | any(_always(m) for m in metrics)
        none = ~some.groupby(replies["item_id"]).transform("any").to_numpy(bool)
        lo = np.where(none, 0.0, lo)  # no metric applies: unknown
    frame = replies[["side", "item_id", "pair_id"]].assign(lo=lo, hi=hi)
    return frame.groupby(["side", "item_id", "pair_id"], as_index=False)[["lo", "hi"]].mean()


@dataclass(frozen=True)
class _Stats:
    n: int
    clusters: int
    base: float
    cand: float
    delta: float
    score_var: float  # sum_c D_c^2 / n^2: the clustered McNemar variance of delta
    se: float  # Miller clustered SE of delta
    var_iid: float
    rho: float
    b: float
    c: float
    binary: bool


def _task_stats(t: TaskQuality) -> _Stats:
    d = t.b - t.a
    n = len(d)
    codes, _ = pd.factorize(t.clusters)
    sums = np.bincount(codes, weights=d)
    _, se, _, n_clusters = clustered_mean_se(d, t.clusters)
    var_iid = float(((d - d.mean()) ** 2).sum() / (n * (n - 1))) if n > 1 else math.nan
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = float(np.corrcoef(t.a, t.b)[0, 1]) if n > 1 else math.nan
    return _Stats(
        n=n, clusters=n_clusters, base=float(t.a.mean()), cand=float(t.b.mean()),
        delta=float(d.mean()), score_var=float(sums @ sums) / n**2, se=se, var_iid=var_iid,
        rho=rho, b=float(((t.a > 0.5) & (t.b < 0.5)).sum()),
        c=float(((t.a < 0.5) & (t.b > 0.5)).sum()), binary=t.binary,
    )  # fmt: skip


def _p_worse(delta: float, var: float) -> tuple[float, float]:
    """(z, one-sided p) of "candidate worse"; no difference at all gives p = 1."""
    if var <= 0:
        return (0.0, 1.0)
    z = delta / math.sqrt(var)
    return (z, norm_cdf(z))


def _graph(weights: list[float], share: float) -> tuple[np.ndarray, np.ndarray]:
    """Initial alpha shares and transitions over [overall, task...] (docs/gate-design.md §4.4)."""
    k = len(weights)
    w_t = np.asarray(weights, float)
    w = np.concatenate([[share], (1 - share) * w_t])
    g = np.zeros((k + 1, k + 1))
    g[0, 1:] = w_t
    for t in range(k):
        if k == 1:
            g[1, 0] = 1.0
            continue
        g[t + 1, 0] = 0.5
        others = [u for u in range(k) if u != t]
        total = w_t[others].sum()
        for u in others:
            g[t + 1, u + 1] = 0.5 * w_t[u] / total if total > 0 else 0.0
    return w, g


def graph_test(
    p: list[float], eligible: list[bool], w0: np.ndarray, g0: np.ndarray, alpha: float
) -> tuple[list[bool], list[float]]:
    """Bretz et al. (2009), Algorithm 1: which hypotheses are rejected, and the alpha each was
    finally tested at (its local weight x alpha when it was rejected or when the procedure
    stopped). ``eligible`` marks hypotheses whose observed drop exceeds the practical margin."""
    h = len(p)
    w, g = w0.astype(float).copy(), g0.astype(float).copy()
    active = [True] * h
    rejected = [False] * h
    while True:
        pick = [
            j for j in range(h) if active[j] and eligible[j] and w[j] > 0 and p[j] <= w[j] * alpha
        ]
        if not pick:
            break
        j = min(pick, key=lambda k: p[k] / w[k])
        rejected[j], active[j] = True, False
        final_j = w[j]
        new_w = w.copy()
        new_g = np.zeros_like(g)
        for l_ in range(h):
            if not active[l_]:
                continue
            new_w[l_] = w[l_] + w[j] * g[j, l_]
            for k in range(h):
                if k == l_ or not active[k]:
                    continue
                den = 1.0 - g[l_, j] * g[j, l_]
                new_g[l_, k] = (g[l_, k] + g[l_, j] * g[j, k]) / den if den > 1e-12 else 0.0
        new_w[j] = final_j
        w, g = new_w, new_g
    return rejected, [float(x) * alpha for x in w]


_FLAT = 1e-4
"""Below this null variance (a baseline at or near 0% or 100%) the observed variance is used as
it is instead of being carried to the drop: the ratio would explode."""


def _sd2(pa: float, pb: float, rho: float) -> float:
    va, vb = pa * (1 - pa), pb * (1 - pb)
    return max(va + vb - 2 * rho * math.sqrt(va * vb), 0.0)


def _se_at(parts: list[tuple[float, _Stats]], d: float) -> float:
    """SE of the hypothesis' drop if the true drop were ``d`` (docs/gate-design.md §4.6):
    sqrt(sum c^2 V_t(d)), V_t the observed clustered variance carried to the drop (Connor 1987)
    and floored at d (1 - d) / n_t, so no data never claims power."""
    total = 0.0
    for c, s in parts:
        p = min(max(s.base, 1e-6), 1 - 1e-6)
        rho = 0.0 if math.isnan(s.rho) else min(max(s.rho, 0.0), 0.999)
        base = _sd2(p, p, rho)
        ratio = _sd2(p, min(max(p - d, 0.0), 1.0), rho) / base if base > _FLAT else 1.0
        v0 = s.se**2 if not math.isnan(s.se) else 0.0
        total += c * c * max(v0 * ratio, d * (1 - d) / max(s.n, 1))
    return math.sqrt(total)


def mde(parts: list[tuple[float, _Stats]], alpha: float) -> float:
    """The drop detected with 80% power at one-sided ``alpha``: solves
    delta = (z_{1-alpha} + z_0.8) SE(delta) by bisection; 1.0 when no drop <= 1 is detectable.

    ``parts``: (coefficient, stats) of each task in the hypothesis (the task itself with 1, or
    every task with its index weight).
    """
    z = norm_ppf(1 - alpha) + norm_ppf(POWER)
    if not parts or z * _se_at(parts, 1.0) > 1.0:
        return 1.0
    lo, hi = 0.0, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if mid >= z * _se_at(parts, mid):
            hi = mid
        else:
            lo = mid
    return hi


def power_at(parts: list[tuple[float, _Stats]], alpha: float, margin: float) -> float:
    """Power of the one-sided test at ``alpha`` against a drop of ``margin``."""
    se = _se_at(parts, margin)
    if se <= 0:
        return 1.0
    return norm_cdf(margin / se - norm_ppf(1 - alpha))


def _power_unseen(
    parts: list[tuple[float, _Stats]], alpha: float, margin: float, unseen: float
) -> float:
    """Power against a drop of ``margin`` over all items when a share ``unseen`` of them cannot
    be scored: the worst case puts that share of the drop out of sight, so the scored items must
    show (margin - u) / (1 - u) of it; none at all once u reaches the margin."""
    if unseen >= margin:
        return 0.0
    return power_at(parts, alpha, (margin - unseen) / (1 - unseen))


def _tango_var(b: float, c: float, n: float, d0: float) -> float:
    w = -b - c + (2 * n - b + c) * d0
    q = (math.sqrt(max(w * w + 8 * n * c * d0 * (1 - d0), 0.0)) - w) / (4 * n)
    return 2 * q + d0 * (1 - d0)


def _deff(s: _Stats) -> float:
    if math.isnan(s.se) or math.isnan(s.var_iid) or s.var_iid <= 0:
        return 1.0
    return max(1.0, s.se**2 / s.var_iid)


def _bisect(est: float, excluded: Any) -> float:
    lo, hi = min(est, 1.0), 1.0
    if excluded(lo):
        return lo
    for _ in range(60):
        mid = (lo + hi) / 2
        if excluded(mid):
            hi = mid
        else:
            lo = mid
    return hi


def upper_bound(parts: list[tuple[float, _Stats]], alpha: float) -> float:
    """One-sided (1 - alpha) upper confidence bound of the drop (docs/gate-design.md §4.8):
    Tango's score bound with Rao-Scott scaling for pass/fail tasks (stratified over the index's
    tasks); a t bound with the clustered SE for a score task. NaN when it cannot be bounded."""
    z = norm_ppf(1 - alpha)
    est = -sum(c * s.delta for c, s in parts)
    if len(parts) == 1 and not parts[0][1].binary:
        s = parts[0][1]
        if math.isnan(s.se) or s.se <= 0 or s.clusters < 2:
            return math.nan  # a zero-width interval never establishes anything
        return -s.delta + t_ppf(1 - alpha, s.clusters - 1) * s.se
    scaled = []
    for c, s in parts:
        if s.n == 0:
            continue
        deff = _deff(s)
        scaled.append((c, s, s.b / deff, s.c / deff, s.n / deff))

    def excluded(d0: float) -> bool:
        var = 0.0
        for c, s, b, cc, n in scaled:
            if s.binary:
                var += c * c * _tango_var(b, cc, n, d0) / n
            else:
                var += c * c * (s.se**2 if not math.isnan(s.se) else 0.0)
        if var <= 0:
            return est - d0 < 0
        return (est - d0) / math.sqrt(var) < -z

    return _bisect(est, excluded)


@dataclass(frozen=True)
class GateResult:
    """The hypotheses table and the verdict it gives."""

    hypotheses: pd.DataFrame
    verdict: Verdict
    left_out: int


def run_gate(
    tasks: list[TaskQuality], left_out: int, gate: GateConfig, integrity_failed: bool
) -> GateResult:
    """Test the index and every task; the verdict (docs/gate-design.md §4.7, §4.8).

    Items a task cannot score (``unseen_ids``) count as lost: with a share u_t of task t
    unseen, a drop over all its items may put u_t of it where the gate cannot look, so the drop
    the gate detects is ``u_t + (1 - u_t) mde_seen`` and the drop it has bounded is
    ``u_t + (1 - u_t) bound_seen``. The index does the same with ``U = sum w_t u_t`` and the
    scored items weighted ``w_t (1 - u_t) / (1 - U)`` (§4.1). A task with no item scored is a
    row of its own that cannot pass (u = 1), and keeps its weight in the index.
    """
    raw = {t.task: gate.weights.get(t.task, 1.0) for t in tasks}
    omega = {k: w / sum(raw.values()) for k, w in raw.items()} if raw else {}
    blind = [_blind_row(t, omega[t.task], gate) for t in tasks if not len(t.a)]
    tasks = [t for t in tasks if len(t.a)]
    if not tasks:
        frame = pd.DataFrame(blind, columns=[*HYPOTHESIS_COLUMNS, "underpowered"])
        verdict = Verdict.FAIL if integrity_failed else Verdict.INCONCLUSIVE
        return GateResult(frame, verdict, left_out)
    weights = [omega[t.task] for t in tasks]
    ts = [_task_stats(t) for t in tasks]
    big_u = sum(omega[t.task] * t.unseen_share for t in tasks) + sum(r["weight"] for r in blind)
    seen = [omega[t.task] * (1 - t.unseen_share) for t in tasks]
    coef = [c / sum(seen) for c in seen]
    hyps: list[tuple[str, float, list[tuple[float, _Stats]], float, float, int]] = [
        (OVERALL, 1.0, list(zip(coef, ts, strict=True)), gate.index_margin, min(big_u, 1.0),
         sum(len(t.unseen_ids) for t in tasks) + sum(r["unseen"] for r in blind)),
        *[(t.task, w, [(1.0, s)], gate.task_margin, t.unseen_share, len(t.unseen_ids))
          for t, w, s in zip(tasks, weights, ts, strict=True)],
    ]  # fmt: skip
    w0, g0 = _graph([w / sum(weights) for w in weights], gate.index_share)
    rows: list[dict[str, Any]] = []
    for (name, weight, parts, margin, u, unseen), alpha0 in zip(hyps, w0 * gate.alpha, strict=True):
        delta = sum(c * s.delta for c, s in parts)
        var = sum(c * c * s.score_var for c, s in parts)
        z, p = _p_worse(delta, var)
        se = math.sqrt(sum(c * c * (s.se**2 if not math.isnan(s.se) else 0.0) for c, s in parts))
        rows.append({
            "hypothesis": name, "weight": weight, "n": sum(s.n for _, s in parts),
            "clusters": sum(s.clusters for _, s in parts),
            "baseline": sum(c * s.base for c, s in parts),
            "candidate": sum(c * s.cand for c, s in parts), "delta": delta, "se": se,
            "z": z, "p": p, "alpha": float(alpha0),
            "mde": u + (1 - u) * mde(parts, float(alpha0)),
            "margin": margin, "power": _power_unseen(parts, float(alpha0), margin, u),
            "bound": u + (1 - u) * upper_bound(parts, gate.alpha),
            "underpowered": sum(s.clusters for _, s in parts) < 2,
            "unseen": unseen, "unseen_share": u,
        })  # fmt: skip
    eligible = [-r["delta"] > gate.margin for r in rows]
    rejected, final = graph_test([r["p"] for r in rows], eligible, w0, g0, gate.alpha)
    for r, rej, a_final in zip(rows, rejected, final, strict=True):
        r["rejected"], r["alpha_final"] = rej, a_final
        r["underpowered"] = r["underpowered"] or r["mde"] > r["margin"]
    rows += blind
    verdict = _verdict(rows, gate, integrity_failed)
    for r in rows:
        r["verdict"] = _row_verdict(r, gate)
    frame = pd.DataFrame(rows)
    frame = frame[[*HYPOTHESIS_COLUMNS, "underpowered"]]
    return GateResult(frame, verdict, left_out)


def _blind_row(t: TaskQuality, weight: float, gate: GateConfig) -> dict[str, Any]:
    """The row of a task with no item scored: nothing tested, nothing it could detect."""
    nan = math.nan
    row = {
        "hypothesis": t.task, "weight": weight, "n": 0, "clusters": 0, "baseline": nan,
        "candidate": nan, "delta": nan, "se": nan, "z": nan, "p": nan, "alpha": 0.0,
        "alpha_final": 0.0, "mde": 1.0, "margin": gate.task_margin, "power": 0.0, "bound": 1.0,
        "rejected": False, "underpowered": True, "unseen": len(t.unseen_ids), "unseen_share": 1.0,
    }  # fmt: skip
    row["verdict"] = _row_verdict(row, gate)
    return row


def _verdict(rows: list[dict[str, Any]], gate: GateConfig, integrity_failed: bool) -> Verdict:
    if integrity_failed or any(r["rejected"] for r in rows):
        return Verdict.FAIL
    if gate.mode == "non_inferiority":
        shown = all(r["bound"] == r["bound"] and r["bound"] < r["margin"] for r in rows)
        return Verdict.PASS if shown else Verdict.INCONCLUSIVE
    return Verdict.INCONCLUSIVE if any(r["underpowered"] for r in rows) else Verdict.PASS


def _row_verdict(r: dict[str, Any], gate: GateConfig) -> str:
    if r["rejected"]:
        return "FAIL"
    if gate.mode == "non_inferiority":
        ok = r["bound"] == r["bound"] and r["bound"] < r["margin"]
        return "pass" if ok else "unproven"
    return "underpowered" if r["underpowered"] else "pass"


PLAN_COLUMNS = [
    "hypothesis", "n", "baseline", "alpha", "mde", "margin", "powered", "items_needed",
    "repeats", "within_share", "mde_2x_items", "mde_2x_repeats", "repeats_needed", "unseen_share",
    "advice",
]  # fmt: skip

MAX_REPEATS = 64
"""The most repeats the plan considers before it says only more items can help."""


@dataclass(frozen=True)
class _Noise:
    """One task's quality variance split into between-item and within-item (repeat) parts."""

    n: int
    clusters: int
    p: float
    repeats: int
    between: float  # variance of the items' true quality
    within: float  # mean variance of one item's repeats; NaN with one repeat

    def stats(self, rho: float, deff: float, n: int | None = None, k: int | None = None) -> _Stats:
        """The task's planning stats at ``n`` items and ``k`` repeats (default: as measured).

        ``rho`` is the correlation of one baseline reply's quality with one candidate reply's
        on the same item. Repeat noise is independent across runs, so on the items' true
        quality the runs correlate rho_b = rho (between + within) / between, and
        Var(d_i) = 2 (1 - rho_b) between + 2 within / k (at k = 1: 2 (1 - rho) x total).
        """
        n = self.n if n is None else n
        k = self.repeats if k is None else k
        within = 0.0 if math.isnan(self.within) else self.within
        total = self.between + within
        rho_b = min(rho * total / self.between, 1.0) if self.between > 0 else 0.0
        var = 2 * (1 - rho_b) * self.between + 2 * within / k
        se = math.sqrt(var * deff / n) if n else math.nan
        return _Stats(
            n=n, clusters=self.clusters, base=self.p, cand=self.p, delta=0.0, score_var=0.0,
            se=se, var_iid=math.nan, rho=rho, b=0.0, c=0.0, binary=True,
        )  # fmt: skip


def _noise(grp: pd.DataFrame) -> _Noise:
    """Split one task's per-repeat quality into between- and within-item variance."""
    per_item = grp.groupby("item_id")["q"]
    means = per_item.mean()
    # the run's repeats: an item whose reply was unknown in some repeat has fewer values here
    k = int(per_item.size().max()) if len(means) else 1
    p = float(means.mean()) if len(means) else 0.0
    if k >= 2:
        within = float(per_item.var(ddof=1).mean())
        between = max(float(means.var(ddof=1)) - within / k, 0.0) if len(means) > 1 else 0.0
    else:  # one repeat: within-item noise cannot be told apart; all of it counts as between
        within = math.nan
        between = float(grp["q"].var(ddof=0)) if len(grp) else 0.0
        between = between if between > 0 else p * (1 - p)
    return _Noise(len(means), int(grp["pair_id"].nunique()), p, k, between, within)


def plan_power(
    quality: pd.DataFrame, gate: GateConfig, rho: float = 0.45, deff: float = 1.05
) -> pd.DataFrame:
    """Before any call: what a comparison against this baseline could detect (§4.6), and
    whether more items or more repeats would help.

    ``quality`` is the baseline's item quality (task, item_id, pair_id, q), optionally one row
    per repeat (a ``repeat`` column, from ``baseline_quality(..., by_repeat=True)``). A future
    candidate is assumed to correlate ``rho`` with it on each item's true quality (0.45 in the
    simulation; take it from a past comparison) and the pairs to inflate the variance by
    ``deff``. ``items_needed`` is n (mde / margin)^2, the items a hypothesis needs for 80% power
    at its margin. Repeats only shrink within-item noise: ``within_share`` is its share of one
    reply's variance (NaN when the baseline has a single repeat, so it cannot be measured);
    ``repeats_needed`` is the fewest repeats that reach the margin with today's items (None
    when none up to 64 would: only more items help); ``advice`` says which lever to pull.

    Items with a baseline reply no rule decided and no judge scored (``q`` NaN) would be unseen
    in a comparison (§4.1): with a share u of them, every MDE is ``u + (1 - u) x`` that of the
    scored items, and ``unseen_share`` says u (the index: the weighted mean of the tasks').
    """
    unseen = {
        str(task): float(grp.groupby("item_id")["q"].apply(lambda q: q.isna().any()).mean())
        for task, grp in quality.groupby("task", sort=True)
    }
    noises = [
        (str(task), _noise(grp))
        for task, grp in quality.dropna(subset=["q"]).groupby("task", sort=True)
    ]
    omega = {t: gate.weights.get(t, 1.0) for t in unseen}
    omega = {t: w / sum(omega.values()) for t, w in omega.items()}
    blind = [_blind_plan_row(t, gate) for t in unseen if t not in dict(noises)]
    if not noises:
        return pd.DataFrame(blind, columns=PLAN_COLUMNS)
    raw = [gate.weights.get(t, 1.0) for t, _ in noises]
    weights = [w / sum(raw) for w in raw]
    w0, _ = _graph(weights, gate.index_share)
    # the index as the gate reads it: U = sum w_t u_t over every task, blind ones at u = 1
    index_u = min(sum(omega[t] * u for t, u in unseen.items()), 1.0)
    seen_w = [omega[t] * (1 - unseen[t]) for t, _ in noises]
    coef = [c / sum(seen_w) for c in seen_w] if sum(seen_w) > 0 else weights
    hyps = [
        (OVERALL, list(zip(coef, [nz for _, nz in noises], strict=True)), gate.index_margin,
         index_u),
        *[(t, [(1.0, nz)], gate.task_margin, unseen.get(t, 0.0)) for t, nz in noises],
    ]  # fmt: skip
    rows = []
    for (name, parts, margin, u), share in zip(hyps, w0, strict=True):
        alpha = float(share * gate.alpha)

        def at(
            n_scale: float = 1.0, k_scale: float = 1.0, alpha: float = alpha, parts=parts, u=u
        ) -> float:
            seen = mde(
                [(c, nz.stats(rho, deff, round(nz.n * n_scale), round(nz.repeats * k_scale)))
                 for c, nz in parts],
                alpha,
            )  # fmt: skip
            return u + (1 - u) * seen

        found = at()
        n = sum(nz.n for _, nz in parts)
        k = min(nz.repeats for _, nz in parts)
        within = [nz.within for _, nz in parts]
        measured = not any(math.isnan(w) for w in within)
        share_w = (
            sum(c * nz.within for c, nz in parts)
            / max(sum(c * (nz.within + nz.between) for c, nz in parts), 1e-12)
            if measured else math.nan
        )  # fmt: skip
        lost = u >= margin
        needed_k = (
            _repeats_needed(at, k, margin) if measured and found > margin and not lost else None
        )
        rows.append({
            "hypothesis": name, "n": n, "baseline": sum(c * nz.p for c, nz in parts),
            "alpha": alpha, "mde": found, "margin": margin, "powered": found <= margin,
            "items_needed": None if lost else items_for_margin(n, found, margin, u),
            "repeats": k,
            "within_share": share_w, "mde_2x_items": at(n_scale=2.0),
            "mde_2x_repeats": at(k_scale=2.0) if measured else math.nan,
            "repeats_needed": needed_k, "unseen_share": u,
            "advice": _advice(found, margin, measured, needed_k, u),
        })  # fmt: skip
    return pd.DataFrame(rows + blind, columns=PLAN_COLUMNS)


def _blind_plan_row(task: str, gate: GateConfig) -> dict[str, Any]:
    """The plan's row of a task with no item the baseline's graders decided."""
    return {
        "hypothesis": task, "n": 0, "baseline": math.nan, "alpha": 0.0, "mde": 1.0,
        "margin": gate.task_margin, "powered": False, "items_needed": None, "repeats": 0,
        "within_share": math.nan, "mde_2x_items": 1.0, "mde_2x_repeats": math.nan,
        "repeats_needed": None, "unseen_share": 1.0,
        "advice": _advice(1.0, gate.task_margin, False, None, 1.0),
    }  # fmt: skip


def items_for_margin(n: int, found: float, margin: float, unseen: float = 0.0) -> int:
    """Items that would bring an MDE of ``found`` at ``n`` items down to ``margin``:
    n (mde / margin)^2, on the scored items' own MDE and margin when a share ``unseen`` < margin
    is unseen (§4.1), as many more again at that share."""
    u = unseen
    return math.ceil(n * ((found - u) / (margin - u)) ** 2 / (1 - u))


def _repeats_needed(at: Any, k: int, margin: float) -> int | None:
    """The fewest repeats (a multiple of today's share) whose MDE reaches ``margin``."""
    for k_new in range(k + 1, MAX_REPEATS + 1):
        if at(k_scale=k_new / k) <= margin:
            return k_new
    return None


def _advice(
    found: float, margin: float, measured: bool, needed_k: int | None, unseen: float = 0.0
) -> str:
    if found <= margin:
        return "powered"
    if unseen >= margin:
        return (
            f"judge the baseline's unsure replies ({unseen:.0%} of the items have one no rule "
            "decided; more items or repeats cannot reach the margin)"
        )
    if not measured:
        return "more items (repeat noise unmeasured: run the baseline with --repeats 2+)"
    if needed_k is None:
        return "more items (repeats cannot reach the margin)"
    return f"more items, or --repeats {needed_k}"

"""Gate design by simulation (issue 15, item 1): which gate has the power to matter.

Simulates baseline-vs-candidate comparisons with the structure of the built-in golden sets and
runs several gate designs on the same simulated data:

    A  current   per task x language slice: exact McNemar one-sided, Holm over all 27 gate
                 slices (14 headline + 13 `answered`); FAIL when p_adj < alpha and delta < -0.02
    B  serial    hierarchical gatekeeping: overall quality index at alpha; only when it is
                 rejected, per-task tests (pooled over languages) with Holm over 7 at alpha
    C1 holm7     per-task tests only, Holm over 7
    C2 graph     graphical weighted-Bonferroni procedure (Bretz et al. 2009): index at alpha/2,
                 each task at alpha/14, alpha passed on along a graph when a hypothesis falls
    C3 holm8     Holm over index + 7 tasks

In B/C, task x language slices are BH diagnostics (never gated) and `answered` is folded into the
per-item quality (an unanswered item scores 0) instead of doubling the family. Index and task
tests are one-sided z tests with a pair-clustered variance (McNemar's z when pairs are
singletons).

    .venv/bin/python benchmarks/gate_design.py            # full run, ~75 s on 2 cores
    .venv/bin/python benchmarks/gate_design.py --quick    # ~20 s smoke run
    .venv/bin/python benchmarks/gate_design.py --md       # Markdown tables (docs/gate-design.md)

Everything is seeded (``--seed``); the same numpy/scipy versions give the same tables. Only
evalkit's pure statistics helpers are imported (read-only); the vectorised versions used here are
checked against them at start-up.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import math
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import scipy
from scipy import optimize, special, stats

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evalkit.comparison import (  # noqa: E402
    clustered_mean_se,
    holm,
    mcnemar_exact,
    mde_paired_binary,
    wilson,
)
from evalkit.tasks import HEADLINE_METRICS  # noqa: E402

ALPHA = 0.05
POWER = 0.80
MIN_DROP = 0.02  # the current default `margin`: an observed drop smaller than this never fails
P_ANSWERED = 0.99  # both runs answer 99% of calls (errors independent of quality)


@dataclass(frozen=True)
class Model:
    """Latent model on the logit scale.

    Item difficulty a_i is shared by both runs; each run also has its own item effect g_ir (two
    systems of equal average quality still differ item by item). The en/zh items of a pair (or the
    two code_mixed metrics of one item) share part of both.
    """

    sigma_a: float = 2.8  # sd of shared difficulty (between-run phi about 0.45)
    tau: float = 0.7  # sd of the run-specific item effect
    kappa: float = 0.6  # en/zh correlation of difficulty within a pair
    kappa_g: float = 0.5  # en/zh correlation of the run-specific effect within a pair

    @property
    def s(self) -> float:
        """sd of a + g."""
        return math.hypot(self.sigma_a, self.tau)

    @property
    def r_keys(self) -> float:
        """Correlation of the two keys' latents within one run."""
        return (self.sigma_a**2 * self.kappa + self.tau**2 * self.kappa_g) / self.s**2


BASE = Model()


@dataclass(frozen=True)
class Task:
    name: str
    n: int  # pairs (paired tasks) or items (code_mixed)
    paired: bool
    keys: tuple[str, str]  # slice keys on axis 1: (en, zh) or the two code_mixed metrics
    p: tuple[float, float]  # baseline pass rate of each slice key


# Built-in sets (evalkit.goldensets): 112 en/zh pairs per task (classification 114), code_mixed
# 238 `mixed` items gated on reply_lang and key_terms (every item has both).
TASKS = (
    Task("factual_qa", 112, True, ("en", "zh"), (0.78, 0.72)),
    Task("grounded_qa", 112, True, ("en", "zh"), (0.86, 0.82)),
    Task("refusal", 112, True, ("en", "zh"), (0.90, 0.86)),
    Task("classification", 114, True, ("en", "zh"), (0.82, 0.78)),
    Task("translation", 112, True, ("en", "zh"), (0.74, 0.70)),
    Task("instruction_following", 112, True, ("en", "zh"), (0.72, 0.66)),
    Task("code_mixed", 238, False, ("reply_lang", "key_terms"), (0.88, 0.76)),
)
N_TASKS = len(TASKS)
WEIGHTS = np.full(N_TASKS, 1.0 / N_TASKS)  # index weights (config may override; equal here)
PAIRED = [t for t, task in enumerate(TASKS) if task.paired]

# ---------------------------------------------------------------- calibration (quadrature)

_GH_X, _GH_W = np.polynomial.hermite_e.hermegauss(80)
_GH_W = _GH_W / _GH_W.sum()


def _mean_pass(mu: float, model: Model) -> float:
    return float((_GH_W * special.expit(mu + model.s * _GH_X)).sum())


@functools.cache
def calib_mu(p: float, model: Model = BASE) -> float:
    """Intercept giving a population pass rate of ``p``."""
    return float(optimize.brentq(lambda m: _mean_pass(m, model) - p, -30, 30, xtol=1e-12))


@functools.cache
def calib_shift(p: float, drop: float, model: Model = BASE) -> float:
    """Candidate logit shift giving a population drop of exactly ``drop`` from ``p``."""
    if drop == 0:
        return 0.0
    mu = calib_mu(p, model)
    target = p - drop
    return float(optimize.brentq(lambda c: _mean_pass(mu + c, model) - target, -40, 0, xtol=1e-12))


def _and_pass(mu: tuple[float, float], c: float, model: Model) -> float:
    """P(both code_mixed metrics pass), both logits shifted by c (2-D quadrature)."""
    x1, x2 = _GH_X[:, None], _GH_X[None, :]
    r = model.r_keys
    z2 = r * x1 + math.sqrt(1 - r**2) * x2
    w = _GH_W[:, None] * _GH_W[None, :]
    p1 = special.expit(mu[0] + c + model.s * x1)
    return float((w * p1 * special.expit(mu[1] + c + model.s * z2)).sum())


def task_quality(t: int, model: Model = BASE) -> float:
    """Population pass rate of the task's item quality (code_mixed: both metrics pass)."""
    task = TASKS[t]
    if task.paired:
        return float(np.mean(task.p))
    return _and_pass((calib_mu(task.p[0], model), calib_mu(task.p[1], model)), 0.0, model)


@functools.cache
def quality_shifts(t: int, drop: float, model: Model = BASE) -> tuple[float, float]:
    """Per-key shifts so that the task's mean item *quality* (answered x pass) drops by ``drop``."""
    task = TASKS[t]
    pass_drop = drop / P_ANSWERED
    if drop == 0:
        return (0.0, 0.0)
    if task.paired:
        return (calib_shift(task.p[0], pass_drop, model), calib_shift(task.p[1], pass_drop, model))
    mu = (calib_mu(task.p[0], model), calib_mu(task.p[1], model))
    target = _and_pass(mu, 0.0, model) - pass_drop
    c = optimize.brentq(lambda c: _and_pass(mu, c, model) - target, -40, 0, xtol=1e-12)
    return (float(c), float(c))


def metric_shifts(t: int, drop: float, model: Model = BASE) -> tuple[float, float]:
    """Shifts so that every headline metric of the task drops by ``drop`` (pass rate)."""
    return (calib_shift(TASKS[t].p[0], drop, model), calib_shift(TASKS[t].p[1], drop, model))


# ---------------------------------------------------------------- data generation


@dataclass
class Block:
    """One task's simulated comparison: S sims x 2 keys x n pairs/items."""

    t: int
    ya: np.ndarray  # bool (S, 2, n): baseline passes
    yb: np.ndarray  # candidate passes
    ansa: np.ndarray  # bool (S, 2, n) paired, (S, 1, n) code_mixed: answered
    ansb: np.ndarray


def gen_block(
    t: int,
    sims: int,
    seed: Sequence[int],
    shift: tuple[float, float] = (0.0, 0.0),
    ans_b: float = P_ANSWERED,
    n: int | None = None,
    model: Model = BASE,
) -> Block:
    """Draws in a fixed order, so the same seed with another shift is the same comparison with a
    different candidate (common random numbers: power is monotone in the planted drop)."""
    task = TASKS[t]
    n = n or task.n
    rng = np.random.default_rng(list(seed))
    mu = np.array([calib_mu(p, model) for p in task.p])[None, :, None]
    sh = np.asarray(shift, dtype=float)[None, :, None]
    ka, kg = math.sqrt(model.kappa), math.sqrt(model.kappa_g)
    a = model.sigma_a * (
        ka * rng.standard_normal((sims, 1, n))
        + math.sqrt(1 - model.kappa) * rng.standard_normal((sims, 2, n))
    )
    g = [
        model.tau
        * (
            kg * rng.standard_normal((sims, 1, n))
            + math.sqrt(1 - model.kappa_g) * rng.standard_normal((sims, 2, n))
        )
        for _ in range(2)
    ]
    ya = rng.random((sims, 2, n)) < special.expit(mu + a + g[0])
    yb = rng.random((sims, 2, n)) < special.expit(mu + a + g[1] + sh)
    k = 2 if task.paired else 1
    ansa = rng.random((sims, k, n)) < P_ANSWERED
    ansb = rng.random((sims, k, n)) < ans_b
    return Block(t, ya, yb, ansa, ansb)


def gen_all(
    sims: int,
    seed: Sequence[int],
    shifts: dict[int, tuple[float, float]] | None = None,
    ans_b: dict[int, float] | None = None,
    scale: float = 1.0,
    model: Model = BASE,
) -> list[Block]:
    """All 7 tasks; ``shifts``/``ans_b`` per task index; ``scale`` shrinks every set."""
    shifts, ans_b = shifts or {}, ans_b or {}
    return [
        gen_block(
            t,
            sims,
            [*seed, t],
            shifts.get(t, (0.0, 0.0)),
            ans_b.get(t, P_ANSWERED),
            max(4, round(TASKS[t].n * scale)),
            model,
        )
        for t in range(N_TASKS)
    ]


# ---------------------------------------------------------------- design A: current slices


@dataclass
class SliceStats:
    names: list[str]
    b: np.ndarray  # (S, m) baseline-only passes
    c: np.ndarray  # candidate-only passes
    n: np.ndarray  # paired items
    n11: np.ndarray  # both pass
    headline: np.ndarray  # (m,) bool: headline (True) or `answered` (False)


def _pair_counts(x: np.ndarray, y: np.ndarray, keep: np.ndarray | None = None) -> tuple:
    if keep is None:
        keep = np.ones_like(x)
    b = (keep & x & ~y).sum(-1)
    c = (keep & ~x & y).sum(-1)
    n11 = (keep & x & y).sum(-1)
    return b, c, keep.sum(-1), n11


def slice_stats(blocks: list[Block]) -> SliceStats:
    """The current gate's 27 slices: each task x lang headline (scored where both runs answered)
    plus each task x lang `answered`."""
    names, cols, head = [], [], []
    for blk in blocks:
        task = TASKS[blk.t]
        for k, key in enumerate(task.keys):
            j = k if task.paired else 0
            both = blk.ansa[:, j] & blk.ansb[:, j]
            cols.append(_pair_counts(blk.ya[:, k], blk.yb[:, k], both))
            lang, metric = (key, "headline") if task.paired else ("mixed", key)
            names.append(f"{task.name}/{lang}/{metric}")
            head.append(True)
        for k in range(blk.ansa.shape[1]):
            cols.append(_pair_counts(blk.ansa[:, k], blk.ansb[:, k]))
            lang = task.keys[k] if task.paired else "mixed"
            names.append(f"{task.name}/{lang}/answered")
            head.append(False)
    b, c, n, n11 = (np.stack([col[i] for col in cols], axis=1) for i in range(4))
    return SliceStats(names, b, c, n, n11, np.array(head))


def mcnemar_worse(b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Exact one-sided McNemar p (H1: candidate worse) = P(Bin(b + c, 1/2) >= b)."""
    return stats.binom.sf(b - 1, b + c, 0.5)


def mcnemar_two(b: np.ndarray, c: np.ndarray) -> np.ndarray:
    d = b + c
    p = 2 * np.minimum(stats.binom.sf(b - 1, d, 0.5), stats.binom.cdf(b, d, 0.5))
    return np.where(2 * b == d, 1.0, np.minimum(1.0, p))


def holm_adjust(p: np.ndarray) -> np.ndarray:
    """Row-wise Holm adjusted p-values (the same as evalkit's `holm`)."""
    m = p.shape[1]
    order = np.argsort(p, axis=1, kind="stable")
    ps = np.take_along_axis(p, order, 1)
    adj = np.maximum.accumulate(np.minimum(1.0, ps * (m - np.arange(m))), axis=1)
    out = np.empty_like(adj)
    np.put_along_axis(out, order, adj, 1)
    return out


def bh_adjust(p: np.ndarray) -> np.ndarray:
    """Row-wise Benjamini-Hochberg adjusted p-values."""
    m = p.shape[1]
    order = np.argsort(p, axis=1, kind="stable")
    ps = np.take_along_axis(p, order, 1) * m / np.arange(1, m + 1)
    adj = np.minimum(1.0, np.minimum.accumulate(ps[:, ::-1], axis=1)[:, ::-1])
    out = np.empty_like(adj)
    np.put_along_axis(out, order, adj, 1)
    return out


def current_design(ss: SliceStats) -> tuple[np.ndarray, np.ndarray]:
    """(fail (S,), rejected (S, 27)): Holm over all gate slices, then delta < -margin."""
    delta = (ss.c - ss.b) / np.maximum(ss.n, 1)
    rej = (holm_adjust(mcnemar_worse(ss.b, ss.c)) < ALPHA) & (delta < -MIN_DROP)
    return rej.any(1), rej


def diagnostics(ss: SliceStats) -> np.ndarray:
    """BH (q = alpha) over the 14 headline task x lang slices, two-sided exact McNemar; a slice is
    flagged 'worse' when p_bh < alpha and delta < 0 (evalkit's non-gate rule)."""
    h = ss.headline
    b, c, n = ss.b[:, h], ss.c[:, h], ss.n[:, h]
    return (bh_adjust(mcnemar_two(b, c)) < ALPHA) & (c < b) & (n > 0)


# ---------------------------------------------------------------- designs B/C: quality index


@dataclass
class TaskStats:
    delta: np.ndarray  # (S, 7) mean item-quality change cand - base
    v_score: np.ndarray  # clustered, uncentred: sum_c D_c^2 / n^2 (McNemar's for singletons)
    v_score_iid: np.ndarray  # the same with every item its own cluster
    v_miller: np.ndarray  # Miller 2024 clustered variance (evalkit clustered_mean_se ^ 2)
    v_iid: np.ndarray  # Miller 2024 CLT variance (no clusters)
    p_base: np.ndarray  # baseline mean quality
    rho: np.ndarray  # Pearson r of base/cand item quality
    b: np.ndarray  # items whose quality is 1 in the baseline only
    c: np.ndarray  # items whose quality is 1 in the candidate only
    n: np.ndarray  # items per task


def quality(blk: Block, run: str) -> np.ndarray:
    """Per-item quality: 0 if unanswered, else 1 iff every headline metric passes."""
    y, ans = (blk.ya, blk.ansa) if run == "a" else (blk.yb, blk.ansb)
    if TASKS[blk.t].paired:
        return ans & y
    return ans[:, 0:1] & y[:, 0:1] & y[:, 1:2]


def _pearson(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    cx, cy = x - x.mean(1, keepdims=True), y - y.mean(1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (cx * cy).sum(1) / np.sqrt((cx**2).sum(1) * (cy**2).sum(1))


def task_stats(blocks: list[Block]) -> TaskStats:
    out: dict[str, list[np.ndarray]] = {f.name: [] for f in fields(TaskStats)}
    for blk in blocks:
        qa, qb = quality(blk, "a"), quality(blk, "b")
        d = qb.astype(np.float64) - qa
        sims, n = len(d), d.shape[1] * d.shape[2]
        clus = d.sum(1)  # (S, clusters): pair sums (paired) or the item itself (code_mixed)
        mean = clus.sum(1) / n
        resid = d - mean[:, None, None]
        sum_sq = (resid**2).sum((1, 2))
        cross = (resid.sum(1) ** 2).sum(1) - sum_sq
        fa = qa.reshape(sims, -1).astype(float)
        fb = qb.reshape(sims, -1).astype(float)
        out["delta"].append(mean)
        out["v_score"].append((clus**2).sum(1) / n**2)
        out["v_score_iid"].append((d**2).sum((1, 2)) / n**2)
        out["v_miller"].append(np.maximum(sum_sq / (n * (n - 1)) + cross / n**2, 0.0))
        out["v_iid"].append(sum_sq / (n * (n - 1)))
        out["p_base"].append(fa.mean(1))
        out["rho"].append(_pearson(fa, fb))
        out["b"].append((qa & ~qb).sum((1, 2)).astype(float))
        out["c"].append((~qa & qb).sum((1, 2)).astype(float))
        out["n"].append(np.full(sims, float(n)))
    return TaskStats(**{k: np.stack(v, axis=1) for k, v in out.items()})


def hyp_pvalues(ts: TaskStats, var: str = "v_score") -> tuple[np.ndarray, np.ndarray]:
    """One-sided p (H1: candidate worse) and delta for [index, task_1..task_7]."""
    v = getattr(ts, var)
    delta = np.column_stack([ts.delta @ WEIGHTS, ts.delta])
    vv = np.column_stack([v @ WEIGHTS**2, v])
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(vv > 0, stats.norm.cdf(delta / np.sqrt(vv)), 1.0)
    return p, delta


def graph(w0: float) -> tuple[np.ndarray, np.ndarray]:
    """Initial weights and transition matrix over [index, tasks] (Bretz et al. 2009).

    index -> tasks in proportion to the task weights; task -> index 1/2, and the other 1/2 to the
    other tasks in proportion to their weights."""
    h = N_TASKS + 1
    w = np.concatenate([[w0], (1 - w0) * WEIGHTS])
    g = np.zeros((h, h))
    g[0, 1:] = WEIGHTS
    for t in range(N_TASKS):
        g[t + 1, 0] = 0.5
        others = np.delete(np.arange(N_TASKS), t)
        g[t + 1, others + 1] = 0.5 * WEIGHTS[others] / WEIGHTS[others].sum()
    return w, g


def graph_test(p: np.ndarray, ok: np.ndarray, w0: np.ndarray, g0: np.ndarray) -> np.ndarray:
    """Sequentially rejective graphical procedure (Bretz et al. 2009, Algorithm 1), vectorised
    over sims. ``ok`` marks hypotheses allowed to be rejected (observed drop > MIN_DROP)."""
    sims, h = p.shape
    w = np.broadcast_to(w0, (sims, h)).copy()
    g = np.broadcast_to(g0, (sims, h, h)).copy()
    active = np.ones((sims, h), bool)
    rej = np.zeros((sims, h), bool)
    eye = np.arange(h)
    for _ in range(h):
        cand = active & ok & (p <= w * ALPHA)
        has = np.flatnonzero(cand.any(1))
        if not len(has):
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(cand[has], p[has] / w[has], np.inf)
        j = ratio.argmin(1)
        rej[has, j] = True
        active[has, j] = False
        wj = w[has, j]
        gj = g[has, j, :]  # row j
        gcol = g[has, :, j]  # column j
        act = active[has]
        w[has] = np.where(act, w[has] + wj[:, None] * gj, 0.0)
        num = g[has] + gcol[:, :, None] * gj[:, None, :]
        den = (1.0 - gcol * gj)[:, :, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            new = np.where(den > 1e-12, num / den, 0.0)
        new = np.where(act[:, :, None] & act[:, None, :], new, 0.0)
        new[:, eye, eye] = 0.0
        g[has] = new
    return rej


def holm_rej(p: np.ndarray, ok: np.ndarray) -> np.ndarray:
    return (holm_adjust(p) < ALPHA) & ok


def hier_designs(ts: TaskStats, var: str = "v_score") -> dict[str, np.ndarray]:
    """Rejections (S, 8) over [index, tasks] for each hierarchical design."""
    p, delta = hyp_pvalues(ts, var)
    ok = delta < -MIN_DROP
    idx = (p[:, 0] < ALPHA) & ok[:, 0]
    serial = np.zeros_like(ok)
    serial[:, 0] = idx
    serial[:, 1:] = holm_rej(p[:, 1:], ok[:, 1:]) & idx[:, None]
    none = np.zeros((len(p), 1), bool)
    return {
        "B serial": serial,
        "C1 holm7": np.column_stack([none, holm_rej(p[:, 1:], ok[:, 1:])]),
        "C2 graph": graph_test(p, ok, *graph(0.5)),
        "C3 holm8": holm_rej(p, ok),
    }


DESIGNS = ["A current", "B serial", "C1 holm7", "C2 graph", "C3 holm8"]
HIER = DESIGNS[1:]
W0_SWEEP = (0.125, 0.25, 0.5, 0.75)


def run_designs(blocks: list[Block]) -> dict[str, np.ndarray]:
    """Gate FAIL (S,) per design, the graph's w0 sweep, and the BH diagnostics (S, 14)."""
    ss, ts = slice_stats(blocks), task_stats(blocks)
    fail = {"A current": current_design(ss)[0]}
    fail.update({k: v.any(1) for k, v in hier_designs(ts).items()})
    p, delta = hyp_pvalues(ts)
    for w0 in W0_SWEEP:
        fail[f"w0={w0:g}"] = graph_test(p, delta < -MIN_DROP, *graph(w0)).any(1)
    fail["diag"] = diagnostics(ss)
    return fail


# ---------------------------------------------------------------- MDE at the adjusted alpha


def zmult(alpha: float) -> float:
    return float(stats.norm.ppf(1 - alpha) + stats.norm.ppf(POWER))


def sd2(pa: np.ndarray, pb: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """sigma_d^2 of a paired binary difference (Connor 1987; docs/metrics.md 4.4)."""
    va, vb = pa * (1 - pa), pb * (1 - pb)
    return np.maximum(va + vb - 2 * rho * np.sqrt(va * vb), 0.0)


def mde_clustered(
    ts: TaskStats, cols: Sequence[int], w: np.ndarray, alpha: float, adjusted: bool = True
) -> np.ndarray:
    """The drop detected with 80% power by a one-sided clustered test at ``alpha`` (per sim).

    Solves delta = (z_{1-alpha} + z_0.8) * SE(delta), with SE^2 = sum_t w_t^2 V_t(delta) over the
    hypothesis' tasks (a uniform drop delta in each) and
        V_t(delta) = max(V_t * sigma_d^2(p, p - delta, rho) / sigma_d^2(p, p, rho),
                         delta (1 - delta) / n_t)
    V_t: the observed clustered variance of the task's mean difference (Miller 2024); the
    ratio carries it to the alternative (Connor 1987's sigma_d at p - delta, as
    `mde_paired_binary` does); the floor is the variance when the regressions are the only
    discordant items, so no data and no discordance never claim more power than that.
    ``adjusted=False``: plainly z * sqrt(sum w^2 V_t).
    """
    cols = list(cols)
    v0, n = ts.v_miller[:, cols], ts.n[:, cols]
    z = zmult(alpha)
    if not adjusted:
        return z * np.sqrt(v0 @ w**2)
    rho = np.clip(np.nan_to_num(ts.rho[:, cols], nan=0.0), 0.0, 0.999)
    p = np.clip(ts.p_base[:, cols], 1e-6, 1 - 1e-6)
    base = sd2(p, p, rho)

    def se(d: np.ndarray) -> np.ndarray:
        dd = d[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(base > 0, sd2(p, np.clip(p - dd, 0, 1), rho) / base, 1.0)
        return np.sqrt(np.maximum(v0 * ratio, dd * (1 - dd) / n) @ w**2)

    lo, hi = np.zeros(len(v0)), np.ones(len(v0))
    for _ in range(50):
        mid = (lo + hi) / 2
        big = mid >= z * se(mid)
        hi, lo = np.where(big, mid, hi), np.where(big, lo, mid)
    return hi


def mde_hyp(ts: TaskStats, h: int, alpha: float, adjusted: bool = True) -> np.ndarray:
    """MDE of hypothesis h (0 = index, t + 1 = task t)."""
    if h == 0:
        return mde_clustered(ts, range(N_TASKS), WEIGHTS, alpha, adjusted)
    return mde_clustered(ts, [h - 1], np.ones(1), alpha, adjusted)


# ---------------------------------------------------------------- non-inferiority bounds
# All return the one-sided (1 - alpha) upper confidence bound of the drop (base - cand); a
# hypothesis is shown non-inferior when the bound is below the margin.


def wilson_v(x: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    p = x / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return np.maximum(0, centre - half), np.minimum(1, centre + half)


def ucb_wald(b: np.ndarray, c: np.ndarray, n: np.ndarray, alpha: float) -> np.ndarray:
    """Wald for paired proportions: (b - c)/n + z sqrt(b + c - (b - c)^2 / n) / n."""
    z = stats.norm.ppf(1 - alpha)
    return (b - c) / n + z * np.sqrt(np.maximum(b + c - (b - c) ** 2 / n, 0)) / n


def ucb_newcombe(
    n11: np.ndarray, b: np.ndarray, c: np.ndarray, n: np.ndarray, alpha: float
) -> np.ndarray:
    """Newcombe (1998) method 10: square-and-add of the two Wilson intervals with the corrected
    phi (as in Fagerland, Lydersen & Laake's contingencytables); one-sided 1 - alpha is the upper
    end of the two-sided 1 - 2 alpha interval."""
    z = stats.norm.ppf(1 - alpha)
    n22 = n - n11 - b - c
    xb, xc = n11 + b, n11 + c  # baseline passes, candidate passes
    _, ub = wilson_v(xb, n, z)
    lc, _ = wilson_v(xc, n, z)
    pb, pc = xb / n, xc / n
    a = n11 * n22 - b * c
    prod = (n11 + b) * (c + n22) * (n11 + c) * (b + n22)
    with np.errstate(invalid="ignore", divide="ignore"):
        root = np.sqrt(prod)
        psi = np.where(a > n / 2, (a - n / 2) / root, np.where(a >= 0, 0.0, a / root))
    psi = np.where(prod > 0, psi, 0.0)
    s = (pc - lc) ** 2 + (ub - pb) ** 2 - 2 * psi * (pc - lc) * (ub - pb)
    return pb - pc + np.sqrt(np.maximum(s, 0))


def tango_var(b: np.ndarray, c: np.ndarray, n: np.ndarray, d0: np.ndarray) -> np.ndarray:
    """Tango (1998): n x the variance of the mean drop under the constraint drop = d0, i.e.
    2 q + d0 (1 - d0), q the constrained MLE of the candidate-only cell."""
    w = -b - c + (2 * n - b + c) * d0
    q = (np.sqrt(w * w + 8 * n * c * d0 * (1 - d0)) - w) / (4 * n)
    return 2 * q + d0 * (1 - d0)


def _bisect_ucb(est: np.ndarray, excluded: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Smallest d0 in (est, 1] that the score test excludes (the statistic is monotone)."""
    lo, hi = np.minimum(est, 1.0), np.ones_like(est)
    for _ in range(60):
        mid = (lo + hi) / 2
        out = excluded(mid)
        hi, lo = np.where(out, mid, hi), np.where(out, lo, mid)
    return hi


def ucb_tango(
    b: np.ndarray, c: np.ndarray, n: np.ndarray, alpha: float, deff: np.ndarray | None = None
) -> np.ndarray:
    """Tango score bound; with ``deff``, Rao & Scott (1992): every count divided by the design
    effect (clustered items)."""
    if deff is not None:
        b, c, n = b / deff, c / deff, n / deff
    z = stats.norm.ppf(1 - alpha)
    return _bisect_ucb(
        (b - c) / n, lambda d0: (b - c - n * d0) / np.sqrt(n * tango_var(b, c, n, d0)) < -z
    )


def design_effect(ts: TaskStats) -> np.ndarray:
    """Miller clustered / CLT variance of each task's mean difference, floored at 1."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.maximum(np.where(ts.v_iid > 0, ts.v_miller / ts.v_iid, 1.0), 1.0)


def ucb_index(ts: TaskStats, alpha: float) -> np.ndarray:
    """Stratified Rao-Scott Tango score bound of the index drop: each task's variance under the
    null drop d0 (Tango, design-effect inflated), weighted like the index."""
    z = stats.norm.ppf(1 - alpha)
    deff = design_effect(ts)
    b, c, n = ts.b / deff, ts.c / deff, ts.n / deff
    est = -(ts.delta @ WEIGHTS)

    def excluded(d0: np.ndarray) -> np.ndarray:
        var = (tango_var(b, c, n, d0[:, None]) / n) @ WEIGHTS**2
        return (est - d0) / np.sqrt(var) < -z

    return _bisect_ucb(est, excluded)


def ucb_tasks(ts: TaskStats, alpha: float) -> np.ndarray:
    """Rao-Scott Tango bound of every task's drop, (S, 7)."""
    deff = design_effect(ts)
    return np.column_stack(
        [ucb_tango(ts.b[:, t], ts.c[:, t], ts.n[:, t], alpha, deff[:, t]) for t in range(N_TASKS)]
    )


# ---------------------------------------------------------------- output helpers


def fmt_rate(x: np.ndarray, ci: bool = True) -> str:
    k, n = int(np.sum(x)), int(np.size(x))
    lo, hi = wilson(k, n, 0.05)
    return f"{100 * k / n:.1f}% [{100 * lo:.1f}, {100 * hi:.1f}]" if ci else f"{100 * k / n:.1f}%"


def pts(x: float) -> str:
    return "-" if not np.isfinite(x) else f"{100 * x:.1f}"


class Out:
    def __init__(self, md: bool) -> None:
        self.md = md

    def h(self, text: str) -> None:
        print(f"\n### {text}\n" if self.md else f"\n== {text}\n")

    def p(self, text: str) -> None:
        print(text)

    def table(self, head: list[str], rows: list[list[str]]) -> None:
        if self.md:
            print("| " + " | ".join(head) + " |")
            print("|" + "|".join("---" for _ in head) + "|")
            for r in rows:
                print("| " + " | ".join(r) + " |")
            return
        width = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=True)]
        for r in [head, ["-" * w for w in width], *rows]:
            print("  ".join(str(x).ljust(w) for x, w in zip(r, width, strict=True)).rstrip())


def crossing(deltas: list[float], power: list[float], target: float = POWER) -> float:
    """Linear interpolation of the drop where the (monotone, CRN) power curve crosses target."""
    for i in range(1, len(deltas)):
        if power[i - 1] < target <= power[i]:
            f = (target - power[i - 1]) / (power[i] - power[i - 1])
            return deltas[i - 1] + f * (deltas[i] - deltas[i - 1])
    return math.nan if not power or power[-1] < target else deltas[0]


GRID = [0.004 * 1.1**k for k in range(60)]  # geometric drop grid, 10% steps


def power_curve(
    simulate: Callable[[float], dict[str, np.ndarray]], keys: list[str], cap: float
) -> dict[str, float]:
    """Walk the drop grid until every key's rate is >= 0.9; each key's 80% crossing."""
    ds: list[float] = []
    curves: dict[str, list[float]] = {k: [] for k in keys}
    for d in GRID:
        if d > cap:
            break
        res = simulate(d)
        ds.append(d)
        for k in keys:
            curves[k].append(float(np.mean(res[k])))
        if all(curves[k][-1] >= 0.9 for k in keys):
            break
    return {k: crossing(ds, curves[k]) for k in keys}


def merge(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


# ---------------------------------------------------------------- self-checks against evalkit


def self_check() -> None:
    # the simulated structure is the registry's: same tasks, same headline metrics
    assert {t.name for t in TASKS} == set(HEADLINE_METRICS)
    for task in TASKS:
        n_head = len(HEADLINE_METRICS[task.name])
        assert n_head == (1 if task.paired else 2), task.name
    langs = {t.name: 2 if t.paired else 1 for t in TASKS}
    n_gate = sum(langs[k] * (len(v) + 1) for k, v in HEADLINE_METRICS.items())
    assert n_gate == len(slice_stats(gen_all(1, [0])).names) == 27
    rng = np.random.default_rng(1)
    p = rng.random((5, 9)) ** 3
    for row, adj in zip(p, holm_adjust(p), strict=True):
        assert np.allclose(holm(row.tolist()), adj)
    for row, adj in zip(p, bh_adjust(p), strict=True):
        assert np.allclose(stats.false_discovery_control(row, method="bh"), adj)
    # the graph with equal weights and uniform transitions is Holm
    h = 6
    w, g = np.full(h, 1 / h), (np.ones((h, h)) - np.eye(h)) / (h - 1)
    pp = rng.random((2000, h)) ** 4
    ok = np.ones_like(pp, bool)
    assert (graph_test(pp, ok, w, g) == holm_rej(pp, ok)).all()
    blk = gen_block(0, 4, [7], (0.0, -1.0))
    ss = slice_stats([blk])
    for s in range(4):
        x, y = blk.ya[s, 0], blk.yb[s, 0]
        keep = blk.ansa[s, 0] & blk.ansb[s, 0]
        ref = mcnemar_exact(x[keep].astype(float), y[keep].astype(float))
        assert np.isclose(ref.p_worse, mcnemar_worse(ss.b[s, 0], ss.c[s, 0]))
    ts = task_stats([blk])
    qa, qb = quality(blk, "a"), quality(blk, "b")
    for s in range(4):
        d = (qb[s].astype(float) - qa[s]).T.ravel()  # pair-major: en, zh of pair 0, ...
        _, se, _, _ = clustered_mean_se(d, np.repeat(np.arange(blk.ya.shape[2]), 2))
        assert np.isclose(se**2, ts.v_miller[s, 0])
    # Tango with no discordant item: the bound solves n d0 / (1 - d0) = z^2
    z = stats.norm.ppf(0.95)
    one = np.ones(1)
    assert np.isclose(ucb_tango(0 * one, 0 * one, 50 * one, 0.05)[0], z * z / (50 + z * z))
    # at d0 = estimate the Tango statistic is 0
    b, c, n = np.array([9.0]), np.array([3.0]), np.array([60.0])
    assert np.isclose(tango_var(b, c, n, (b - c) / n)[0], (b + c)[0] / n[0] - ((b - c) / n)[0] ** 2)


# ---------------------------------------------------------------- the study


@dataclass
class Ctx:
    seed: int
    quick: bool
    out: Out
    m_task: float
    m_index: float
    n_aa: int
    n_pow: int
    n_mde: int
    n_size: int
    n_ni: int
    n_rob: int


def study_structure(ctx: Ctx, aa: list[Block]) -> None:
    ts = task_stats(aa)
    deff = design_effect(ts).mean(0)
    rows = []
    for t, task in enumerate(TASKS):
        blk = aa[t]
        phi = [np.nanmean(_pearson(blk.ya[:, k] * 1.0, blk.yb[:, k] * 1.0)) for k in range(2)]
        enzh = np.nanmean(_pearson(blk.ya[:, 0] * 1.0, blk.ya[:, 1] * 1.0))
        rows.append(
            [
                task.name,
                f"{task.n} pairs" if task.paired else f"{task.n} items",
                ", ".join(f"{k} {p:.2f}" for k, p in zip(task.keys, task.p, strict=True)),
                f"{task_quality(t) * P_ANSWERED:.3f}",
                f"{phi[0]:.2f} / {phi[1]:.2f}",
                f"{enzh:.2f}" if task.paired else f"({enzh:.2f})",
                f"{deff[t]:.2f}",
            ]
        )
    ctx.out.h("Simulated structure (means over the A/A comparisons)")
    ctx.out.table(
        [
            "task",
            "size",
            "baseline pass rate",
            "item quality",
            "between-run phi",
            "en/zh r (within run)",
            "deff",
        ],
        rows,
    )
    n_gated = len(slice_stats(aa).names)
    n_head = int(slice_stats(aa).headline.sum())
    ctx.out.p(
        f"\nCurrent design: {n_gated} gated slices ({n_head} headline + {n_gated - n_head} "
        f"`answered`), Holm over {n_gated}: first step alpha/{n_gated} = {ALPHA / n_gated:.5f}. "
        f"Designs B/C: {N_TASKS + 1} hypotheses (index + {N_TASKS} tasks). Item quality = "
        "answered x (every headline metric passes). deff = clustered (Miller) / CLT variance of "
        "a task's mean difference, en/zh pairs as clusters. code_mixed's r is between its two "
        "metrics."
    )


def study_aa(ctx: Ctx, fail: dict[str, np.ndarray]) -> None:
    ctx.out.h(f"A/A false alarm ({ctx.n_aa} simulated comparisons of two equal-quality runs)")
    rows = [[d, fmt_rate(fail[d])] for d in DESIGNS]
    rows.append(["(BH diagnostics: any task x lang slice flagged)", fmt_rate(fail["diag"].any(1))])
    ctx.out.table(["design", "gate FAIL rate [Wilson 95%]"], rows)


def study_power(ctx: Ctx, fail_aa: dict[str, np.ndarray]) -> dict[str, dict[str, np.ndarray]]:
    seed, n = ctx.seed, ctx.n_pow

    def single(drop: float, sid: int) -> dict[str, np.ndarray]:
        parts = []
        for j, (t, k) in enumerate((t, k) for t in PAIRED for k in range(2)):
            sh = [0.0, 0.0]
            sh[k] = calib_shift(TASKS[t].p[k], drop)
            r = run_designs(gen_all(n // 12, [seed, 2, sid, j], {t: (sh[0], sh[1])}))
            r["diag"] = r["diag"][:, 2 * t + k]
            parts.append(r)
        return merge(parts)

    def whole_task(drop: float, sid: int) -> dict[str, np.ndarray]:
        parts = []
        for j, t in enumerate(PAIRED):
            r = run_designs(
                gen_all(n // len(PAIRED), [seed, 2, sid, j], {t: metric_shifts(t, drop)})
            )
            r["diag"] = r["diag"][:, 2 * t : 2 * t + 2].any(1)
            parts.append(r)
        return merge(parts)

    def every_task(drop: float, sid: int) -> dict[str, np.ndarray]:
        shifts = {t: metric_shifts(t, drop) for t in range(N_TASKS)}
        r = run_designs(gen_all(n, [seed, 2, sid], shifts))
        r["diag"] = r["diag"].any(1)
        return r

    def unanswered(drop: float, sid: int) -> dict[str, np.ndarray]:
        parts = []
        for t in range(N_TASKS):
            r = run_designs(gen_all(n // N_TASKS, [seed, 2, sid, t], ans_b={t: P_ANSWERED - drop}))
            r["diag"] = r["diag"].any(1)
            parts.append(r)
        return merge(parts)

    def every_unanswered(drop: float, sid: int) -> dict[str, np.ndarray]:
        r = run_designs(
            gen_all(n, [seed, 2, sid], ans_b=dict.fromkeys(range(N_TASKS), P_ANSWERED - drop))
        )
        r["diag"] = r["diag"].any(1)
        return r

    scen = {
        "5 pts, one task x lang slice": single(0.05, 1),
        "10 pts, one task x lang slice": single(0.10, 2),
        "10 pts, one whole task (en+zh)": whole_task(0.10, 3),
        "5 pts, every task": every_task(0.05, 4),
        "3 pts, every task": every_task(0.03, 5),
        "+5 pts unanswered calls, one task": unanswered(0.05, 6),
        "+5 pts unanswered calls, every task": every_unanswered(0.05, 7),
    }
    ctx.out.h(f"Power: gate FAIL rate [Wilson 95%] ({n} simulated comparisons per scenario)")
    rows = [[d, *[fmt_rate(r[d]) for r in scen.values()]] for d in DESIGNS]
    rows.append(
        [
            "(BH diagnostic flags the dropped slice/task)",
            *[fmt_rate(r["diag"]) for r in scen.values()],
        ]
    )
    ctx.out.table(["design", *scen], rows)
    ctx.out.p(
        "\nDrops are population drops of every headline metric's pass rate in the named scope "
        "(code_mixed: both metrics). Single-slice scenarios share their sims equally over the 12 "
        "en/zh slices; the whole-task scenario over the 6 paired tasks; the one-task unanswered "
        "scenario (the candidate answers 94% instead of 99% of that task's calls) over all 7 "
        "tasks. Diagnostics row: the BH-adjusted task x lang slice table marks the dropped slice "
        "(any slice, in the spread and unanswered scenarios) 'worse'."
    )
    ctx.out.h("C2 graph: the index's share w0 of alpha (the tasks share 1 - w0)")
    keys = list(scen)[1:5]
    rows = [
        [
            f"w0 = {w0:g}",
            fmt_rate(fail_aa[f"w0={w0:g}"]),
            *[fmt_rate(scen[k][f"w0={w0:g}"]) for k in keys],
        ]
        for w0 in W0_SWEEP
    ]
    ctx.out.table(["graph", "A/A", *keys], rows)
    return scen


def study_mde_current(ctx: Ctx, aa: list[Block]) -> None:
    """Current design: evalkit's reported MDE at alpha/27 vs the simulated 80%-power drop."""
    ss_aa = slice_stats(aa)
    n_gated = len(ss_aa.names)
    seed = [ctx.seed, 3]
    base = gen_all(ctx.n_mde, seed)
    n_rep = min(200, ctx.n_aa)
    rows, col = [], 0
    for t, _task in enumerate(TASKS):
        for key in [0, 1] + [f"ans{k}" for k in range(aa[t].ansa.shape[1])]:
            b, c, n, n11 = (x[:n_rep, col] for x in (ss_aa.b, ss_aa.c, ss_aa.n, ss_aa.n11))
            pb, pc, n00 = (n11 + b) / n, (n11 + c) / n, n - n11 - b - c
            with np.errstate(invalid="ignore", divide="ignore"):
                phi = (n11 * n00 - b * c) / (np.sqrt(pb * (1 - pb) * pc * (1 - pc)) * n * n)
            rep = np.full(n_rep, math.nan)
            for i in np.flatnonzero((pb > 0) & (pb < 1)):
                r_ = float(np.clip(phi[i], -1, 1)) if np.isfinite(phi[i]) else 0.0
                with contextlib.suppress(ValueError):
                    rep[i] = mde_paired_binary(
                        int(n[i]), float(pb[i]), r_, ALPHA / n_gated, POWER, False
                    )
            nan_share = float(np.mean(~np.isfinite(rep)))

            def sim(
                d: float, t: int = t, key: int | str = key, col: int = col
            ) -> dict[str, np.ndarray]:
                if isinstance(key, int):
                    sh = [0.0, 0.0]
                    sh[key] = calib_shift(TASKS[t].p[key], d)
                    blk = gen_block(t, ctx.n_mde, [*seed, t], (sh[0], sh[1]))
                else:  # an `answered` drop in one slice
                    k = int(key[3:])
                    blk = gen_block(t, ctx.n_mde, [*seed, t])
                    u = np.random.default_rng([*seed, t, 99]).random(blk.ansb[:, k].shape)
                    blk.ansb[:, k] = u < P_ANSWERED - d
                blocks = list(base)
                blocks[t] = blk
                rej = current_design(slice_stats(blocks))[1]
                return {"slice": rej[:, col], "gate": rej.any(1)}

            cap = (TASKS[t].p[key] if isinstance(key, int) else P_ANSWERED) - 0.01
            simd = power_curve(sim, ["slice"], cap)["slice"]
            rep_mean = float(np.nanmean(rep)) if nan_share < 1 else math.nan
            ratio = rep_mean / simd
            rows.append(
                [
                    ss_aa.names[col],
                    f"{ALPHA / n_gated:.5f}",
                    pts(rep_mean) + (f" ({100 * nan_share:.0f}% '-')" if nan_share else ""),
                    pts(simd),
                    f"{ratio:.2f}",
                    "yes" if abs(ratio - 1) <= 0.15 else "no",
                ]
            )
            col += 1
    ctx.out.h("Current design (A): reported MDE vs simulated 80%-power drop, every gated slice")
    ctx.out.table(
        [
            "gated slice",
            "alpha used",
            "reported MDE (pts)",
            "simulated 80% drop (pts)",
            "ratio",
            "within 15%",
        ],
        rows,
    )
    ctx.out.p(
        "\nReported MDE: evalkit's `mde_paired_binary(n, p_base, rho, alpha/27, 0.8, one-sided)` "
        f"with each A/A comparison's observed p_base and phi (mean over {n_rep}; '-' where "
        "p_base is 0% or 100%). Simulated: the drop planted in that slice alone at which the "
        f"slice FAILs in 80% of {ctx.n_mde} comparisons (common random numbers, 10% geometric "
        "grid, linear interpolation)."
    )


def study_mde_hier(ctx: Ctx, aa: list[Block]) -> None:
    ts_aa = task_stats(aa)
    seed = [ctx.seed, 3]
    base = gen_all(ctx.n_mde, seed)
    local = {  # (index, task) level each hypothesis is first tested at
        "B serial": (ALPHA, ALPHA / N_TASKS),
        "C1 holm7": (math.nan, ALPHA / N_TASKS),
        "C2 graph": (ALPHA / 2, ALPHA / (2 * N_TASKS)),
        "C3 holm8": (ALPHA / (N_TASKS + 1), ALPHA / (N_TASKS + 1)),
    }

    def sim_for(h: int) -> Callable[[float], dict[str, np.ndarray]]:
        def f(d: float) -> dict[str, np.ndarray]:
            blocks = list(base)
            for t in range(N_TASKS) if h == 0 else [h - 1]:
                blocks[t] = gen_block(t, ctx.n_mde, [*seed, t], quality_shifts(t, d))
            rej = hier_designs(task_stats(blocks))
            res = {f"{k}|hyp": v[:, h] for k, v in rej.items()}
            res.update({f"{k}|gate": v.any(1) for k, v in rej.items()})
            return res

        return f

    keys = [f"{d}|{k}" for d in HIER for k in ("hyp", "gate")]
    sims = {
        h: power_curve(sim_for(h), keys, 0.5 if h == 0 else task_quality(h - 1) * P_ANSWERED - 0.01)
        for h in range(N_TASKS + 1)
    }
    rows = []
    for des in HIER:
        for h in range(N_TASKS + 1):
            alpha_h = local[des][0 if h == 0 else 1]
            if math.isnan(alpha_h):
                continue
            plain = float(np.mean(mde_hyp(ts_aa, h, alpha_h, adjusted=False)))
            adj = float(np.mean(mde_hyp(ts_aa, h, alpha_h)))
            hyp, gate = sims[h][f"{des}|hyp"], sims[h][f"{des}|gate"]
            ratio = adj / hyp
            rows.append(
                [
                    des,
                    "index (every task drops)" if h == 0 else TASKS[h - 1].name,
                    f"{alpha_h:.5f}",
                    pts(plain),
                    pts(adj),
                    pts(hyp),
                    pts(gate),
                    f"{ratio:.2f}",
                    "yes" if abs(ratio - 1) <= 0.15 else "no",
                ]
            )
    ctx.out.h(
        "Designs B/C: MDE at the adjusted alpha vs simulated 80%-power drop, every hypothesis"
    )
    ctx.out.table(
        [
            "design",
            "hypothesis",
            "alpha used",
            "MDE plain (pts)",
            "MDE (pts)",
            "sim 80%: hypothesis rejected (pts)",
            "sim 80%: gate FAILs (pts)",
            "MDE / sim",
            "within 15%",
        ],
        rows,
    )
    ctx.out.p(
        "\nDrops are in mean item quality (answered x pass), planted in the hypothesis' scope "
        "only (the index row: the same drop in every task). 'alpha used': the level the "
        "hypothesis is first tested at (Holm's first step; the graph's initial weight x alpha). "
        f"MDE: mean over the {ctx.n_aa} A/A comparisons of `mde_clustered` (observed clustered "
        "variance carried to the alternative by the sigma_d ratio of Connor 1987, floored at "
        "delta (1 - delta) / n); 'plain' = z x the observed SE, no carry-over. B serial's task "
        "hypotheses are reached only through the index, so no alpha makes their MDE honest."
    )


def study_size(ctx: Ctx) -> None:
    levels = (("alpha/14", ALPHA / 14), ("alpha/7", ALPHA / 7), ("alpha", ALPHA))
    tests = ("v_score", "v_miller", "v_score_iid", "mcnemar")
    rows = []
    for t, pairs in ((0, None), (2, None), (N_TASKS - 1, None), (0, 20)):
        hits = {(v, lv): 0 for v in tests for lv, _ in levels}
        total = 0
        chunk = 10_000
        for ch in range(max(1, ctx.n_size // chunk)):
            blk = gen_block(t, min(chunk, ctx.n_size), [ctx.seed, 4, t, pairs or 0, ch], n=pairs)
            ts, ss = task_stats([blk]), slice_stats([blk])
            total += len(ts.delta)
            pm = mcnemar_worse(ss.b[:, 0], ss.c[:, 0])
            for var in tests[:3]:
                v = getattr(ts, var)[:, 0]
                with np.errstate(invalid="ignore", divide="ignore"):
                    pz = np.where(v > 0, stats.norm.cdf(ts.delta[:, 0] / np.sqrt(v)), 1.0)
                for lv, a in levels:
                    hits[(var, lv)] += int(np.sum(pz < a))
            for lv, a in levels:
                hits[("mcnemar", lv)] += int(np.sum(pm < a))
        size = f"{pairs or TASKS[t].n} {'pairs' if TASKS[t].paired else 'items'}"
        for lv, a in levels:
            row = [f"{TASKS[t].name} ({size})", f"{lv} = {a:.4f}"]
            for var in tests:
                k = hits[(var, lv)]
                lo, hi = wilson(k, total, 0.05)
                row.append(f"{k / total / a:.2f} [{lo / a:.2f}, {hi / a:.2f}]")
            rows.append(row)
    ctx.out.h(f"Size of each test at its nominal level (A/A, {ctx.n_size} comparisons per task)")
    ctx.out.table(
        [
            "task",
            "nominal level",
            "clustered score z (task)",
            "clustered Wald z, Miller SE (task)",
            "score z ignoring pairs (task)",
            "exact McNemar (en slice)",
        ],
        rows,
    )
    ctx.out.p(
        "\nEntries: actual rejection rate / nominal level [Wilson 95%]; 1.00 is exact, above 1 "
        "anti-conservative. Clustered score z = sum_i d_i / sqrt(sum_pairs (d_en + d_zh)^2), the "
        "clustered McNemar statistic (Durkalski et al. 2003; = McNemar's z when pairs are "
        "singletons); Wald z = mean(d) / Miller clustered SE (evalkit `paired_clustered_delta`)."
    )


def verdicts(ctx: Ctx, blocks: list[Block]) -> dict[str, np.ndarray]:
    """Recommended design, regression mode: FAIL / INCONCLUSIVE / PASS and the MDEs."""
    ts = task_stats(blocks)
    fail = hier_designs(ts)["C2 graph"].any(1)
    mde_i = mde_hyp(ts, 0, ALPHA / 2)
    mde_t = np.column_stack([mde_hyp(ts, h, ALPHA / (2 * N_TASKS)) for h in range(1, N_TASKS + 1)])
    under = (mde_i > ctx.m_index) | (mde_t > ctx.m_task).any(1)
    return {
        "FAIL": fail,
        "INCONCLUSIVE": ~fail & under,
        "PASS": ~fail & ~under,
        "mde_i": mde_i,
        "mde_t": mde_t,
    }


def study_verdicts(ctx: Ctx, aa: list[Block]) -> None:
    seed, n = ctx.seed, ctx.n_pow
    every5 = {t: metric_shifts(t, 0.05) for t in range(N_TASKS)}
    cases = [
        ("A/A, built-in sizes (112 pairs/task)", aa),
        ("A/A, half size (56 pairs/task)", gen_all(n, [seed, 6, 1], scale=0.5)),
        ("A/A, quarter size (28 pairs/task)", gen_all(n, [seed, 6, 2], scale=0.25)),
        ("5 pts every task, built-in sizes", gen_all(n, [seed, 6, 4], every5)),
        ("5 pts every task, quarter size", gen_all(n, [seed, 6, 5], every5, scale=0.25)),
    ]
    rows = []
    for name, blocks in cases:
        v = verdicts(ctx, blocks)
        rows.append(
            [
                name,
                fmt_rate(v["FAIL"]),
                fmt_rate(v["INCONCLUSIVE"]),
                fmt_rate(v["PASS"]),
                pts(float(np.mean(v["mde_i"]))),
                f"{pts(float(v['mde_t'].mean(0).min()))}-{pts(float(v['mde_t'].mean(0).max()))}",
            ]
        )
    ctx.out.h(
        f"C2 graph, three verdicts in regression mode (task margin {ctx.m_task:g}, index margin "
        f"{ctx.m_index:g})"
    )
    ctx.out.table(
        ["comparison", "FAIL", "INCONCLUSIVE", "PASS", "index MDE (pts)", "task MDEs (pts)"], rows
    )
    ctx.out.p(
        "\nINCONCLUSIVE: no hypothesis rejected, and the index MDE at alpha/2 exceeds the index "
        "margin or some task's MDE at alpha/14 exceeds the task margin. MDEs: means over the "
        "comparisons (task column: the range over the 7 tasks)."
    )


def _single_slice(
    sims: int, n: int, p0: float, drop: float, seed: list[int], model: Model = BASE
) -> tuple[np.ndarray, np.ndarray]:
    """One unclustered paired binary slice of n items under the latent model."""
    rng = np.random.default_rng(seed)
    mu, c = calib_mu(p0, model), calib_shift(p0, drop, model)
    a = model.sigma_a * rng.standard_normal((sims, n))
    ga, gb = model.tau * rng.standard_normal((2, sims, n))
    ya = rng.random((sims, n)) < special.expit(mu + a + ga)
    yb = rng.random((sims, n)) < special.expit(mu + a + gb + c)
    return ya, yb


def study_ni_slice(ctx: Ctx) -> None:
    rows = []
    meths = ("Wald", "Newcombe", "Tango")
    worst = dict.fromkeys(meths, 0.0)
    for p0 in (0.70, 0.85, 0.95):
        for n in (30, 50, 112, 224):
            for m in (0.05, 0.10):
                res = {}
                for drop in (m, 0.0):
                    seed = [ctx.seed, 5, int(p0 * 100), n, int(m * 100), int(drop > 0)]
                    ya, yb = _single_slice(ctx.n_ni, n, p0, drop, seed)
                    b, c, nn, n11 = (x.astype(float) for x in _pair_counts(ya, yb))
                    res[("Wald", drop)] = ucb_wald(b, c, nn, ALPHA) < m
                    res[("Newcombe", drop)] = ucb_newcombe(n11, b, c, nn, ALPHA) < m
                    res[("Tango", drop)] = ucb_tango(b, c, nn, ALPHA) < m
                for k in meths:
                    worst[k] = max(worst[k], float(np.mean(res[(k, m)])))
                rows.append(
                    [f"{p0:.2f}", str(n), f"{m:.2f}"]
                    + [fmt_rate(res[(k, m)]) for k in meths]
                    + [fmt_rate(res[(k, 0.0)], ci=False) for k in meths]
                )
    ctx.out.h(
        "Non-inferiority, one paired binary slice: how often a true drop equal to the margin "
        f"passes ({ctx.n_ni} simulated comparisons per cell)"
    )
    ctx.out.table(
        [
            "p_base",
            "n",
            "margin",
            "Wald",
            "Newcombe 10",
            "Tango",
            "equal runs pass: Wald",
            "Newcombe 10",
            "Tango",
        ],
        rows,
    )
    ctx.out.p(
        "\nWorst cell (target <= 5%, issue limit 6%): "
        + ", ".join(f"{k} {100 * v:.1f}%" for k, v in worst.items())
        + ". A slice passes when the one-sided 95% upper bound of the drop is below the margin."
    )
    rows = []
    for n, b, c in ((10, 0, 0), (30, 0, 0), (30, 2, 0), (112, 0, 0)):
        args = (np.array([float(b)]), np.array([float(c)]), np.array([float(n)]))
        n11 = np.array([round(0.8 * (n - b - c))], dtype=float)
        rows.append(
            [
                f"n={n}, {b} baseline-only, {c} candidate-only",
                pts(ucb_wald(*args, ALPHA)[0]),
                pts(ucb_newcombe(n11, *args, ALPHA)[0]),
                pts(ucb_tango(*args, ALPHA)[0]),
            ]
        )
    ctx.out.p("")
    ctx.out.table(["degenerate table", "Wald bound (pts)", "Newcombe 10", "Tango"], rows)
    ctx.out.p(
        "\nWald's bound is 0 whenever no item is discordant, so it passes any margin (issue 15's "
        "zero-width interval). Newcombe's row takes 80% of the concordant items as both-pass."
    )


def study_ni_pooled(ctx: Ctx) -> None:
    rows = []
    n = ctx.n_ni // 2
    z = stats.norm.ppf(1 - ALPHA)
    meths = ("Wald (Miller SE)", "Tango, pairs ignored", "Rao-Scott Tango")
    for pairs, m in ((112, ctx.m_task), (112, 0.10), (30, ctx.m_task), (15, ctx.m_task)):
        res = {}
        for drop in (m, 0.0):
            blk = gen_block(
                0,
                n,
                [ctx.seed, 7, pairs, int(100 * m), int(drop > 0)],
                quality_shifts(0, drop),
                n=pairs,
            )
            ts = task_stats([blk])
            b, c, nn = ts.b[:, 0], ts.c[:, 0], ts.n[:, 0]
            res[(meths[0], drop)] = -ts.delta[:, 0] + z * np.sqrt(ts.v_miller[:, 0]) < m
            res[(meths[1], drop)] = ucb_tango(b, c, nn, ALPHA) < m
            res[(meths[2], drop)] = ucb_tango(b, c, nn, ALPHA, design_effect(ts)[:, 0]) < m
        rows.append(
            [f"task (factual_qa), {pairs} pairs", f"{m:.2f}"]
            + [fmt_rate(res[(k, m)]) for k in meths]
            + [fmt_rate(res[(k, 0.0)], ci=False) for k in meths]
        )
    for scale in (1.0, 0.25):
        res = {}
        for drop in (ctx.m_index, 0.0):
            shifts = {t: quality_shifts(t, drop) for t in range(N_TASKS)}
            ts = task_stats(
                gen_all(n // 2, [ctx.seed, 8, int(scale * 100), int(drop > 0)], shifts, scale=scale)
            )
            est = -(ts.delta @ WEIGHTS)
            res[(meths[0], drop)] = est + z * np.sqrt(ts.v_miller @ WEIGHTS**2) < ctx.m_index
            res[(meths[2], drop)] = ucb_index(ts, ALPHA) < ctx.m_index
        mi = ctx.m_index
        rows.append(
            [
                f"index, {'built-in' if scale == 1 else 'quarter'} sizes",
                f"{mi:.2f}",
                fmt_rate(res[meths[0], mi]),
                "-",
                fmt_rate(res[meths[2], mi]),
                fmt_rate(res[meths[0], 0.0], ci=False),
                "-",
                fmt_rate(res[meths[2], 0.0], ci=False),
            ]
        )
    ctx.out.h(
        "Non-inferiority, pooled task and index (pair-clustered): pass rate at a true drop equal "
        "to the margin"
    )
    ctx.out.table(
        [
            "hypothesis",
            "margin",
            meths[0],
            meths[1],
            meths[2],
            "equal runs pass: Wald",
            "Tango ign.",
            "Rao-Scott Tango",
        ],
        rows,
    )
    ctx.out.p(
        f"\n{n} comparisons per task row, {n // 2} per index row. Rao-Scott (1992): counts divided "
        "by the task's design effect (Miller / CLT variance, floored at 1) before Tango; the "
        "index bound is the stratified version (each task's Tango variance at the null drop, "
        "design-effect inflated, weighted like the index)."
    )


def study_ni_gate(ctx: Ctx) -> None:
    seed, n = ctx.seed, ctx.n_ni // 2

    def ni(blocks: list[Block]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        ts = task_stats(blocks)
        ub_i, ub_t = ucb_index(ts, ALPHA), ucb_tasks(ts, ALPHA)
        return (ub_i < ctx.m_index) & (ub_t < ctx.m_task).all(1), ub_i, ub_t

    rows = []
    passed, ub_i, ub_t = ni(gen_all(n, [seed, 9, 1]))
    rows.append(
        [
            "A/A, built-in sizes",
            fmt_rate(passed),
            pts(ub_i.mean()),
            f"{pts(ub_t.mean(0).min())}-{pts(ub_t.mean(0).max())}",
        ]
    )
    parts = [
        ni(gen_all(n // N_TASKS, [seed, 9, 2, t], {t: quality_shifts(t, ctx.m_task)}))[0]
        for t in range(N_TASKS)
    ]
    rows.append(
        [
            f"one task's quality drops exactly {ctx.m_task:g}",
            fmt_rate(np.concatenate(parts)),
            "",
            "",
        ]
    )
    every = {t: quality_shifts(t, ctx.m_index) for t in range(N_TASKS)}
    passed, ub_i, ub_t = ni(gen_all(n, [seed, 9, 3], every))
    rows.append(
        [f"every task drops exactly {ctx.m_index:g}", fmt_rate(passed), pts(ub_i.mean()), ""]
    )
    passed, ub_i, ub_t = ni(gen_all(n, [seed, 9, 4], scale=0.25))
    rows.append(
        [
            "A/A, quarter size",
            fmt_rate(passed),
            pts(ub_i.mean()),
            f"{pts(ub_t.mean(0).min())}-{pts(ub_t.mean(0).max())}",
        ]
    )
    ctx.out.h(
        f"C2 in non-inferiority mode ({n} comparisons per row): PASS = all 8 bounds below their "
        f"margins (task {ctx.m_task:g}, index {ctx.m_index:g})"
    )
    ctx.out.table(
        [
            "comparison",
            "NI PASS",
            "smallest index margin it could establish (pts)",
            "same, per task (pts)",
        ],
        rows,
    )
    ctx.out.p(
        "\n'Smallest margin it could establish': the one-sided 95% upper bound of the drop (mean "
        "over comparisons; tasks: range over the 7). Each bound is at level alpha and PASS needs "
        "every one (an intersection-union test, Berger 1982), so no multiplicity adjustment "
        "applies."
    )
    cur = slice_stats(gen_all(n, [seed, 9, 1]))
    ub = ucb_wald(cur.b * 1.0, cur.c * 1.0, np.maximum(cur.n, 1) * 1.0, ALPHA)
    ctx.out.p(
        f"\nContrast: the current non-inferiority mode (27 slices, margin {MIN_DROP:g}; a "
        "per-slice Wald bound standing in for its BCa bound) passes equal runs in "
        f"{fmt_rate((ub < MIN_DROP).all(1))} of these A/A comparisons."
    )


def study_robustness(ctx: Ctx) -> None:
    models = [
        ("base (as above)", BASE),
        ("same system twice (tau = 0)", Model(tau=0.0)),
        ("low between-run corr. (sigma_a = 1.6)", Model(sigma_a=1.6)),
        ("strong pair-level run effects (tau 1.5, kappa_g 0.95)", Model(tau=1.5, kappa_g=0.95)),
    ]
    rows = []
    n = ctx.n_rob
    for name, model in models:
        seed = [ctx.seed, 10, models.index((name, model))]
        aa = gen_all(n, [*seed, 0], model=model)
        ts = task_stats(aa)
        phi = np.nanmean([np.nanmean(_pearson(b.ya[:, 0] * 1.0, b.yb[:, 0] * 1.0)) for b in aa])
        fail_c = hier_designs(ts)["C2 graph"].any(1)
        fail_i = hier_designs(ts, "v_score_iid")["C2 graph"].any(1)
        fail_a = current_design(slice_stats(aa))[0]
        parts = []
        for j, t in enumerate(PAIRED):
            blocks = gen_all(
                n // len(PAIRED), [*seed, 1, j], {t: metric_shifts(t, 0.10, model)}, model=model
            )
            parts.append(hier_designs(task_stats(blocks))["C2 graph"].any(1))
        every = {t: metric_shifts(t, 0.05, model) for t in range(N_TASKS)}
        pow5 = hier_designs(task_stats(gen_all(n, [*seed, 2], every, model=model)))["C2 graph"].any(
            1
        )
        rows.append(
            [
                name,
                f"{phi:.2f}",
                f"{design_effect(ts)[:, PAIRED].mean():.2f}",
                fmt_rate(fail_a),
                fmt_rate(fail_c),
                fmt_rate(fail_i),
                fmt_rate(np.concatenate(parts)),
                fmt_rate(pow5),
            ]
        )
    ctx.out.h(f"Robustness of C2 to the simulation model ({n} comparisons per cell)")
    ctx.out.table(
        [
            "model",
            "between-run phi",
            "deff (paired tasks)",
            "A/A FAIL: A current",
            "A/A FAIL: C2",
            "A/A FAIL: C2 with pairs ignored",
            "C2: 10 pts one task",
            "C2: 5 pts every task",
        ],
        rows,
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer simulations (~20 s)")
    ap.add_argument("--md", action="store_true", help="print Markdown tables")
    ap.add_argument("--seed", type=int, default=20260615)
    ap.add_argument("--task-margin", type=float, default=0.15, help="per-task margin (0.15)")
    ap.add_argument("--index-margin", type=float, default=0.05, help="index margin (0.05)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    self_check()
    q = args.quick
    ctx = Ctx(
        seed=args.seed,
        quick=q,
        out=Out(args.md),
        m_task=args.task_margin,
        m_index=args.index_margin,
        n_aa=1000 if q else 4000,
        n_pow=252 if q else 1680,  # divisible by 12, 7 and 6
        n_mde=150 if q else 600,
        n_size=20_000 if q else 100_000,
        n_ni=2_000 if q else 10_000,
        n_rob=420 if q else 2100,
    )
    ctx.out.p(
        f"`benchmarks/gate_design.py{' --quick' if q else ''}{' --md' if args.md else ''} "
        f"--seed {ctx.seed}`: A/A {ctx.n_aa}, power {ctx.n_pow}/scenario, MDE search "
        f"{ctx.n_mde}/grid point, size {ctx.n_size}/task, NI {ctx.n_ni}/cell; numpy "
        f"{np.__version__}, scipy {scipy.__version__}, python {platform.python_version()}"
    )
    aa = gen_all(ctx.n_aa, [ctx.seed, 1])
    fail_aa = run_designs(aa)
    study_structure(ctx, aa)
    study_aa(ctx, fail_aa)
    study_power(ctx, fail_aa)
    study_mde_current(ctx, aa)
    study_mde_hier(ctx, aa)
    study_size(ctx)
    study_verdicts(ctx, aa)
    study_ni_slice(ctx)
    study_ni_pooled(ctx)
    study_ni_gate(ctx)
    study_robustness(ctx)
    ctx.out.p(f"\nruntime {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

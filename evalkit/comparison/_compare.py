"""Comparing two runs on the same items: per-slice deltas, paired tests and the gate verdict."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from evalkit.comparison._cluster import paired_clustered_delta
from evalkit.comparison._coverage import Coverage, check_coverage
from evalkit.comparison._dist import norm_ppf
from evalkit.comparison._gate import GateConfig, check_gate_names, wanted_slices
from evalkit.comparison._graph import (
    TaskQuality,
    Verdict,
    item_quality,
    items_for_margin,
    run_gate,
    twins_read,
)
from evalkit.comparison._power import mde_paired_binary, observed_rho
from evalkit.comparison._stats import (
    benjamini_hochberg,
    mcnemar_exact,
    paired_ci,
    sign_flip,
)
from evalkit.errors import ConfigError
from evalkit.store._paired import ItemJson, item_codes, item_means, reply_values, same_replies
from evalkit.tasks import JUDGE_TWINS

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
        hypotheses: The gate's hypotheses (``overall`` and one per task): n, means, delta, z,
            p, the alpha each started and ended at, MDE and power at its margin, the upper
            bound of the drop, and whether it was rejected.
        verdict: PASS, FAIL or INCONCLUSIVE.
        left_out: How many gated items are unseen (``len(unseen_items)``).
        snapshot: The DuckLake snapshot both runs were read at (None: a DuckDB file).
        unseen_items: The gated items counted as lost (docs/gate-design.md §4.1): the gate could
            not tell whether they regressed.
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
    hypotheses: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["verdict"]))
    verdict: Verdict = Verdict.INCONCLUSIVE
    left_out: int = 0
    snapshot: int | None = None
    unseen_items: list[str] = field(default_factory=list)

    @property
    def failing(self) -> pd.DataFrame:
        """Gate hypotheses that were rejected (regressions shown)."""
        return self.hypotheses[self.hypotheses["verdict"] == "FAIL"]

    @property
    def regressed_slices(self) -> pd.DataFrame:
        """Where to look for the regressed items: in the tasks whose hypothesis failed (every
        task when the overall index failed), the gate-metric slices significantly worse, or
        every gate-metric slice with a drop when none is."""
        from evalkit.comparison._graph import OVERALL

        failed = set(self.failing["hypothesis"].astype(str))
        if not failed or self.slices.empty or "gate" not in self.slices:
            return self.slices.iloc[0:0]
        tasks = set(self.slices["task"]) if OVERALL in failed else failed
        mask = (
            self.slices["gate"].astype(bool)
            & self.slices["task"].isin(tasks)
            & (self.slices["delta"] < 0)
        )
        worse = mask & (self.slices["verdict"] == "worse")
        return self.slices[worse if worse.any() else mask]

    @property
    def underpowered(self) -> pd.DataFrame:
        """Gate hypotheses that could not detect a drop of their margin."""
        if "underpowered" not in self.hypotheses:
            return self.hypotheses.iloc[0:0]
        return self.hypotheses[self.hypotheses["underpowered"].astype(bool)]

    @property
    def gated(self) -> int:
        """Number of gate hypotheses tested."""
        return len(self.hypotheses)

    @property
    def passed(self) -> bool:
        """True only for a PASS: every hypothesis powered, none regressed, nothing missing."""
        return self.verdict is Verdict.PASS

    @property
    def exit_code(self) -> int:
        """0 PASS, 1 FAIL, 3 INCONCLUSIVE (0 when ``inconclusive = "pass"``)."""
        if self.verdict is Verdict.INCONCLUSIVE and self.gate.inconclusive == "pass":
            return 0
        return self.verdict.exit_code

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
    items, pairs = item_codes(store, base_id, cand_id)
    a, b = _item_frames(store, base_id, cand_id, cov, items, pairs)
    check_gate_names(gate, set(a["metric"]) | set(b["metric"]))
    notes = _signature_notes(a, b)
    joined = a.merge(b, on=[*SLICE_KEYS, "item_id", "pair_id"], suffixes=("_a", "_b"))
    keys = SLICE_KEYS
    if by_route:
        joined = joined.merge(_routes(store, cand_id, items), on="item_id", how="left")
        joined["route"] = joined["route"].fillna("(direct)")
        keys = [*SLICE_KEYS, "route"]
    rows = [
        _slice_row(key, grp, gate)
        for key, grp in joined.groupby(keys, sort=True)
        if (grp["signature_a"] == grp["signature_b"]).all()
    ]
    slices = _verdicts(pd.DataFrame(rows), gate)
    _add_mde(slices, gate)
    same = (
        {items[i] for i in same_replies(store, base_id, cand_id)}
        if gate.scope == "changed"
        else set()
    )
    tasks_all, _ = item_quality(
        *_reply_frames(store, base_id, cand_id, cov, items, pairs, (a, b), gate), gate
    )
    changed = [
        c for c in (_changed_only(t, same) for t in tasks_all) if len(c.a) or len(c.unseen_ids)
    ]
    tasks = changed if same and changed else tasks_all  # nothing changed: see _note_same
    want = wanted_slices(
        gate, cov.task_langs, ItemJson(store, base_id),
        set(a["metric"]) | set(b["metric"]), _compared(slices),
    )  # fmt: skip
    if not want:
        raise ConfigError(
            "the gate selects no slice of these runs (tasks in them: "
            f"{', '.join(sorted({t for t, _ in cov.task_langs}))}); check --tasks, --langs and "
            "[tool.evalkit.gate] metrics"
        )
    missing = _missing_gate_slices(want, slices, gate)
    left_out = sum(len(t.unseen_ids) for t in tasks)
    result = run_gate(tasks, left_out, gate, integrity_failed=bool(missing))
    hypotheses = _max_drop(_with_all_items(result.hypotheses, tasks_all, gate), gate)
    verdict = Verdict.FAIL if (hypotheses["verdict"] == "FAIL").any() else result.verdict
    if same:
        verdict = _note_same(tasks_all, changed, verdict, notes)
    _note_power(hypotheses, gate, notes)
    codes = {code: item_id for item_id, code in items.items()}
    unseen = sorted(codes[int(c)] for t in tasks for c in t.unseen_ids)
    _note_unseen(tasks, gate, codes, notes)
    _note_rules_alone(want, notes)
    if missing:
        notes.append(
            "gate slice(s) the items call for but with no paired scores on both sides: "
            + ", ".join(missing)
        )
    if cov.changed:
        notes.append(f"{len(cov.changed)} item(s) changed between the runs and were left out")
    names = {"baseline": store.run(base_id).name, "candidate": store.run(cand_id).name}
    if store.snapshot is not None:
        notes.append(
            f"read DuckLake snapshot {store.snapshot}: `--snapshot {store.snapshot}` repeats "
            "this compare on the same history, whatever was written since"
        )
    return Comparison(
        base_id, cand_id, slices, gate, cov.changed, notes, missing, cov.counts, cov.warnings,
        names, hypotheses, verdict, left_out, store.snapshot, unseen,
    )  # fmt: skip


def _changed_only(t: TaskQuality, same: set[int]) -> TaskQuality:
    """The task's items whose request or reply differs between the runs."""
    keep = ~np.isin(t.item_ids, list(same))
    unseen = t.unseen_ids[~np.isin(t.unseen_ids, list(same))]
    return replace(
        t,
        a=t.a[keep],
        b=t.b[keep],
        clusters=t.clusters[keep],
        item_ids=t.item_ids[keep],
        unseen_ids=unseen,
    )


def _with_all_items(
    hypotheses: pd.DataFrame, tasks_all: list[TaskQuality], gate: GateConfig
) -> pd.DataFrame:
    """Add ``n_all`` and ``delta_all``: each hypothesis over every shared item (the drop the
    whole traffic sees), beside the gate's figures on the items that changed."""
    from evalkit.comparison._graph import OVERALL

    out = hypotheses.copy()
    per_task = {t.task: (len(t.a), float((t.b - t.a).mean())) for t in tasks_all if len(t.a)}
    raw = {t: gate.weights.get(t, 1.0) for t in per_task}
    total = sum(raw.values())
    n_all = {t: n for t, (n, _) in per_task.items()}
    n_all[OVERALL] = sum(n_all.values())
    delta_all = {
        OVERALL: sum(raw[t] / total * d for t, (_, d) in per_task.items()) if total else math.nan,
        **{t: d for t, (_, d) in per_task.items()},
    }
    out["n_all"] = [n_all.get(h, 0) for h in out["hypothesis"]]
    out["delta_all"] = [delta_all.get(h, math.nan) for h in out["hypothesis"]]
    return out


def _note_same(
    tasks_all: list[TaskQuality], changed: list[TaskQuality], verdict: Verdict, notes: list[str]
) -> Verdict:
    """Say what the changed-items scope left out. When nothing changed at all the comparison
    tested nothing (a candidate config that is the baseline's, or a change no item reaches):
    never a PASS, at best INCONCLUSIVE."""
    n_all = sum(len(t.a) + len(t.unseen_ids) for t in tasks_all)
    n_changed = sum(len(t.a) + len(t.unseen_ids) for t in changed)
    if n_changed == 0:
        notes.append(
            f"no request changed: all {n_all} gated items sent the same request and got the same "
            "reply in both runs, so this comparison tests nothing; check that the candidate is "
            "the configuration you meant to test"
        )
        return Verdict.FAIL if verdict is Verdict.FAIL else Verdict.INCONCLUSIVE
    untouched = sorted({t.task for t in tasks_all} - {t.task for t in changed})
    notes.append(
        f"changed items only: {n_changed} of {n_all} gated items sent a different request or got "
        f"a different reply; the other {n_all - n_changed} are the same reply in both runs and "
        "cannot differ, so the gate tests the changed ones (n_all, delta_all: over every item)"
        + (f"; no item of {', '.join(untouched)} changed" if untouched else "")
    )
    return verdict


def baseline_quality(
    store: Store, run: str, gate: GateConfig, *, by_repeat: bool = False
) -> pd.DataFrame:
    """A stored run's item quality (task, item_id, pair_id, q) as the gate defines it; NaN for
    an item with a reply no rule decided and no judge scored (unseen in a comparison).

    ``by_repeat``: one row per item and repeat (with a ``repeat`` column) instead of the item's
    mean over its repeats, so the power plan can tell within-item noise from between-item
    spread.
    """

    def quality(rows: pd.DataFrame) -> pd.DataFrame:
        tasks, _ = item_quality(rows, rows, gate)  # read against itself: its known items
        known = [(t.task, i, p, q) for t in tasks
                 for i, p, q in zip(t.item_ids, t.clusters, t.a, strict=True)]  # fmt: skip
        pair_of = rows.drop_duplicates("item_id").set_index("item_id")["pair_id"]
        unseen = [(t.task, i, pair_of[i], math.nan) for t in tasks for i in t.unseen_ids]
        return pd.DataFrame(known + unseen, columns=["task", "item_id", "pair_id", "q"])

    run_id = store.resolve_run_id(run)
    cols = [*SLICE_KEYS, "item_id", "pair_id", "repeat", "value", "signature"]
    frame = pd.concat([store.scores_frame(run_id)[cols], store.answered_frame(run_id)[cols]])
    if not by_repeat:
        return quality(frame)
    parts = [quality(grp).assign(repeat=int(r)) for r, grp in frame.groupby("repeat", sort=True)]
    return pd.concat(parts, ignore_index=True)


def _note_power(hypotheses: pd.DataFrame, gate: GateConfig, notes: list[str]) -> None:
    weak = hypotheses[hypotheses["underpowered"].astype(bool)] if len(hypotheses) else hypotheses
    if len(weak):
        parts = [
            f"{r.hypothesis} (mde {100 * r.mde:.1f} pts > margin {100 * r.margin:.0f}; "
            + (
                f"{100 * r.unseen_share:.0f}% of it unseen, which more items cannot fix)"
                if r.unseen_share >= r.margin
                else f"about {_items_needed(r)} items)"
            )
            for r in weak.itertuples()
        ]
        notes.append(
            f"underpowered: {len(weak)} gate hypothesis(es) cannot detect a drop of their margin "
            "with 80% power at the alpha they are tested at: " + ", ".join(parts)
        )


LEAKS_PASSED_BY_RULES = (11, 60)
"""(passed, written): leaks of tests/data/refusal_probes/redteam-heldout.jsonl (declines that go
on to hint; never tuned on) that the current refusal triage reads as full refusals.
tests/metrics/test_refusal_probes.py recounts them, so this note cannot go stale."""


def _note_rules_alone(want: set[tuple[str, str, str]], notes: list[str]) -> None:
    """A refusal gate on the deterministic ``behavior_ok`` alone says how far that goes: string
    matching reads some replies that decline and then hint as full refusals (docs/metrics.md
    §1.7), and only a judge metric in the gate has a panel read them."""
    gated = {metric for task, _, metric in want if task == "refusal"}
    if "behavior_ok" in gated and "judge_refusal_label_ok" not in gated:
        passed, written = LEAKS_PASSED_BY_RULES
        notes.append(
            "refusal is gated on string-matching rules alone (behavior_ok): the triage reads "
            f"{passed} of {written} red-team replies that decline and then hint as full refusals "
            "(docs/metrics.md §1.7); run `evalkit judge` on both runs and add "
            "judge_refusal_label_ok to [tool.evalkit.gate] metrics to have a judge panel read them"
        )


def _items_needed(r: Any) -> int:
    """Items that would bring the MDE down to the margin (`items_for_margin`)."""
    return items_for_margin(int(r.n), float(r.mde), float(r.margin), float(r.unseen_share))


def _note_unseen(
    tasks: list[TaskQuality], gate: GateConfig, codes: dict[int, str], notes: list[str]
) -> None:
    """Name the items the gate cannot score, and what would let it score them."""
    blind = [t for t in tasks if len(t.unseen_ids)]
    if not blind:
        return
    parts = []
    for t in blind:
        ids = sorted(codes[int(c)] for c in t.unseen_ids)
        shown = ", ".join(ids[:3]) + (", ..." if len(ids) > 3 else "")
        total = len(t.a) + len(t.unseen_ids)
        parts.append(f"{t.task} {len(ids)} of {total} ({100 * t.unseen_share:.0f}%: {shown})")
    twins = {*JUDGE_TWINS, *JUDGE_TWINS.values()}
    judged = {t.task for t in blind if twins & set(gate.metrics.get(t.task, ()))}
    add = sorted({
        judge for t in blind for judge, rule in JUDGE_TWINS.items()
        if rule in gate.metrics.get(t.task, ()) and judge not in gate.metrics.get(t.task, ())
    })  # fmt: skip
    fix = (
        "; judge the unsure replies of both runs (`evalkit judge RUN --replies unsure`)"
        + (f" and add {', '.join(add)} to [tool.evalkit.gate] metrics" if add else "")
        if judged
        else "; only a gate metric that can score these replies makes them count"
    )
    notes.append(
        "unseen: items the gate cannot tell regressed or not, because a reply of one run or "
        "both was undecided (no rule decided it and no judge scored it) and the rest does not "
        "settle it (`unseen_items` lists them): " + ", ".join(parts) + "; each could hide a "
        "failure, so the gate counts them as lost (its mde and bound include them, "
        "docs/gate-design.md §4.1)" + fix
    )


def _max_drop(hypotheses: pd.DataFrame, gate: GateConfig) -> pd.DataFrame:
    """A hypothesis whose drop is, with 95% confidence (one-sided), above ``max_drop`` fails
    outright, whatever the multiplicity: the hard threshold tests a confidence bound, never the
    noisy point estimate."""
    if gate.max_drop is None or hypotheses.empty:
        return hypotheses
    z = norm_ppf(0.95)
    lower = -hypotheses["delta"] - z * hypotheses["se"]
    hard = lower > gate.max_drop
    out = hypotheses.copy()
    out["drop_lower"] = lower
    out.loc[hard, "verdict"] = "FAIL"
    return out


def _item_frames(
    store: Store, base_id: str, cand_id: str, cov: Coverage, items: dict[str, int],
    pairs: dict[str, int],
) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """Both runs' item means on the compared items (`_frames`), over shared categories."""
    both = item_means(store, base_id, cand_id).to_pandas()
    return _shared_categories(
        _frames(both, cov, "baseline", items, pairs), _frames(both, cov, "candidate", items, pairs)
    )


def _reply_frames(
    store: Store, base_id: str, cand_id: str, cov: Coverage, items: dict[str, int],
    pairs: dict[str, int], means: tuple[pd.DataFrame, pd.DataFrame], gate: GateConfig,
) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """Both runs' replies, one row per reply and gate metric (with ``repeat``), as the gate
    reads them (`item_quality`): the item means themselves when neither run has repeats."""
    if max(store.run(base_id).repeats, store.run(cand_id).repeats) <= 1:
        return means[0].assign(repeat=0), means[1].assign(repeat=0)
    metrics = sorted({m for ms in gate.metrics.values() for m in twins_read(ms)})
    both = reply_values(store, base_id, cand_id, metrics).to_pandas()
    return _shared_categories(
        _frames(both, cov, "baseline", items, pairs), _frames(both, cov, "candidate", items, pairs)
    )


def paired_quality(store: Store, baseline: str, candidate: str, gate: GateConfig) -> pd.DataFrame:
    """Both runs' item quality as the gate reads it (task, item_id, pair_id, q_a, q_b), on the
    items it can score, for diagnostics that must hold both runs to the gate's standard."""
    base_id, cand_id = store.resolve_run_id(baseline), store.resolve_run_id(candidate)
    cov = check_coverage(store, base_id, cand_id, allow_incomplete=True)
    items, pairs = item_codes(store, base_id, cand_id)
    means = _item_frames(store, base_id, cand_id, cov, items, pairs)
    tasks, _ = item_quality(
        *_reply_frames(store, base_id, cand_id, cov, items, pairs, means, gate), gate
    )
    ids = {code: item_id for item_id, code in items.items()}
    pair_ids = {code: pair_id for pair_id, code in pairs.items()}
    return pd.DataFrame(
        [(t.task, ids[int(i)], pair_ids[int(p)], qa, qb)
         for t in tasks for i, p, qa, qb in zip(t.item_ids, t.clusters, t.a, t.b, strict=True)],
        columns=["task", "item_id", "pair_id", "q_a", "q_b"],
    )  # fmt: skip


def _frames(
    both: pd.DataFrame, cov: Coverage, role: str, items: dict[str, int], pairs: dict[str, int]
) -> pd.DataFrame:
    """One run's item means (repeats averaged in the store, see `item_means`) on the compared
    items.

    ``item_id`` and ``pair_id`` are integer codes (`item_codes`); task, lang, metric and
    signature are categorical. Items whose content changed and candidate-only items are left
    out.
    """
    frame = both[both["side"] == (1 if role == "candidate" else 0)].drop(columns="side")
    frame = frame.rename(columns={"item": "item_id", "pair": "pair_id"})
    # never-attempted requests count against the candidate (allowed only with allow_incomplete);
    # for the baseline they are left out, so they can never make the candidate look better
    if role == "candidate" and len(cov.only_baseline):
        extra = cov.only_baseline.assign(
            item_id=cov.only_baseline["item_id"].map(items).astype("int32"),
            pair_id=cov.only_baseline["pair_id"].map(pairs).astype("int32"),
            value=0.0,
            **({"repeat": 0} if "repeat" in frame else {}),
        )[[c for c in frame.columns if c in (*_FRAME_COLUMNS, "repeat")]]
        frame = pd.concat([frame.astype(dict.fromkeys(_CATEGORIES, str)), extra])
    drop = [items[i] for i in (*cov.changed, *cov.only_candidate) if i in items]
    if drop:
        frame = frame[~frame["item_id"].isin(drop)]
    # the store returns rows in no set order (a lake's Parquet scans vary from read to read);
    # resampling tests are seeded, so the same items must come in the same order every time
    return frame.sort_values("item_id", kind="stable").reset_index(drop=True)


_CATEGORIES = ("task", "lang", "metric", "signature")
_FRAME_COLUMNS = ("task", "lang", "metric", "item_id", "pair_id", "value", "signature")


def _shared_categories(a: pd.DataFrame, b: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both frames' text columns as categoricals over the same categories, so merges and
    group-bys work on integer codes."""
    a, b = a.copy(), b.copy()
    for col in _CATEGORIES:
        cats = sorted(set(_levels(a[col])) | set(_levels(b[col])))
        a[col], b[col] = _recode(a[col], cats), _recode(b[col], cats)
    return a, b


def _levels(col: pd.Series) -> list[str]:
    if isinstance(col.dtype, pd.CategoricalDtype):
        return [str(c) for c in col.cat.categories]
    return [str(c) for c in col.unique()]


def _recode(col: pd.Series, cats: list[str]) -> pd.Series:
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.set_categories(cats)
    return pd.Series(pd.Categorical(col, categories=cats), index=col.index)


def _compared(slices: pd.DataFrame) -> set[tuple[str, str, str]]:
    """The (task, lang, metric) slices with paired scores on both sides."""
    if not len(slices):
        return set()
    return {
        (str(t), str(lang), str(m)) for t, lang, m in slices[SLICE_KEYS].itertuples(index=False)
    }


def _missing_gate_slices(
    want: set[tuple[str, str, str]], slices: pd.DataFrame, gate: GateConfig
) -> list[str]:
    """Gate slices with no paired scores. A gated judge metric and its rule twin are read
    together, reply by reply (`item_quality`): with ``--replies unsure`` the two runs' panels
    score different replies, so their judge slices pair few items or none, yet every reply is
    read; what neither reading covers is unseen, not missing. They are never missing here (an
    A/A comparison judged so FAILed on 'missing' judge slices)."""
    twins = {
        (task, metric)
        for task, metrics in gate.metrics.items()
        for judge, rule in JUDGE_TWINS.items()
        if judge in metrics
        for metric in (judge, rule)
    }
    return sorted("/".join(k) for k in want - _compared(slices) if (k[0], k[2]) not in twins)


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
    if len(key) > 3:
        row["route"] = key[3]
    return row


def _add_mde(slices: pd.DataFrame, gate: GateConfig) -> None:
    """The drop each diagnostic slice detects with 80% power at alpha (one-sided)."""
    if slices.empty:
        slices["mde"] = []
        return
    slices["mde"] = [
        _mde(bool(r.binary), int(r.n), float(r.baseline), float(r.rho), gate.alpha)
        for r in slices.itertuples()
    ]


def _mde(binary: bool, n: int, p_base: float, rho: float, alpha: float) -> float:
    """The drop this slice detects with 80% power (one-sided, as the gate tests); NaN if n/a."""
    if not binary or not 0 < p_base < 1 or n < 2:
        return math.nan
    try:
        return mde_paired_binary(n, p_base, 0.0 if math.isnan(rho) else rho, alpha, 0.8, False)
    except ValueError:
        return math.nan


def _routes(store: Store, run_id: str, items: dict[str, int]) -> pd.DataFrame:
    frame = store.responses_frame(run_id)[["item_id", "route"]].drop_duplicates("item_id")
    return frame.assign(item_id=frame["item_id"].map(items).astype("int32"))


def _verdicts(slices: pd.DataFrame, gate: GateConfig) -> pd.DataFrame:
    """Slices are diagnostics: Benjamini-Hochberg over all of them, marked worse or better."""
    if slices.empty:
        return pd.DataFrame(columns=[*SLICE_KEYS, "n", "baseline", "candidate", "delta", "verdict"])
    slices["p_adj"] = benjamini_hochberg(slices["p"].tolist())
    slices["verdict"] = [
        ("worse" if r.delta < 0 else "better") if r.p_adj < gate.alpha else ""
        for r in slices.itertuples()
    ]
    return slices.reset_index(drop=True)

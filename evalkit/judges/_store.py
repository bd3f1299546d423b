"""Storing judge verdicts, and combining them into per-reply scores."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from evalkit._engine import BatchSink
from evalkit._secrets import redact, redact_known
from evalkit.judges._panel import Panel
from evalkit.judges._signals import combine, pass_view
from evalkit.judges._verdict import Verdict, parse_verdict
from evalkit.metrics import Score
from evalkit.scoring import to_row
from evalkit.store import ScoreRow, Store, VerdictRow, VerdictStatus, utcnow
from evalkit.targets import TargetSpec, family_of_routed_model

if TYPE_CHECKING:
    from evalkit.judges._engine import _Unit


def target_families(target_kind: str, target_name: str, target: dict[str, Any]) -> dict[str, str]:
    """Family of each model a run's target may call: the model itself, or every routed model."""
    if target_kind == "router":
        from evalkit.routers import RouterConfig, RouterSpec

        spec = RouterSpec.from_config(RouterConfig.model_validate(target["router"]))
        return {name: s.family for name, s in spec.specs.items()}
    return {target_name: str(target.get("family", "unknown"))}


def candidate_family(families: dict[str, str], target_name: str, served_model: str | None) -> str:
    """The model family that produced a reply: the routed model's, or the upstream model's when
    an opaque router reports one (``anthropic/claude-...``)."""
    routed = family_of_routed_model(served_model) if served_model else None
    return routed or families.get(target_name, "unknown")


class VerdictWriter(BatchSink):
    """Buffers verdict rows and stores them in batches."""

    def __init__(self, store: Store, run_id: str, panel: Panel) -> None:
        super().__init__(batch_size=200, flush_interval_s=1.0)
        self.store, self.run_id, self.panel = store, run_id, panel
        self.rows: list[VerdictRow] = []

    def stored_verdicts(
        self, rubric_hashes: set[str]
    ) -> dict[tuple[str, int, str, str], str | float | None]:
        """(item, repeat, measure, judge) -> verdict already stored for this run by this panel's
        judge (same name and model) under these rubrics (None: the reply could not be parsed)."""
        models = {j.name: j.model for j in self.panel.judges}
        return {
            (v.item_id, v.repeat, v.measure, v.judge_name): v.value
            for v in self.store.stored_verdicts(self.run_id)
            if models.get(v.judge_name) == v.judge_model and v.rubric_hash in rubric_hashes
        }

    def _row(
        self, unit: _Unit, judge: TargetSpec, status: VerdictStatus, **rest: Any
    ) -> VerdictRow:
        return VerdictRow(
            run_id=self.run_id,
            item_id=unit.item.id,
            repeat=unit.repeat,
            measure=unit.rubric.measure,
            judge_name=judge.name,
            judge_model=judge.model,
            judge_family=judge.family,
            rubric_hash=unit.rubric.hash,
            status=status.value,
            created_at=utcnow(),
            **rest,
        )

    def add(
        self,
        unit: _Unit,
        judge: TargetSpec,
        request_hash: str,
        raw: str,
        *,
        cached: bool = False,
        cost: float = 0.0,
        latency_ms: float | None = None,
    ) -> Verdict | None:
        """Parse and buffer one judge reply; returns the verdict, None on a parse failure."""
        verdict, error = parse_verdict(raw, unit.rubric)
        flagged = (
            f"flagged: same family as the candidate ({unit.family})"
            if judge.family == unit.family
            else None
        )
        self.rows.append(
            self._row(
                unit,
                judge,
                VerdictStatus.OK if verdict else VerdictStatus.PARSE_ERROR,
                request_hash=request_hash,
                raw_text=redact_known(raw),
                parse_error=error,
                cost=cost,
                latency_ms=latency_ms,
                cached=cached,
                excluded_reason=flagged,
                label=verdict.label if verdict else None,
                score=verdict.score if verdict else None,
                rationale=verdict.rationale if verdict else None,
                rationale_first=verdict.rationale_first if verdict else None,
            )
        )
        self.maybe_flush()
        return verdict

    def add_error(self, unit: _Unit, judge: TargetSpec, request_hash: str, message: str) -> None:
        """Buffer a judge call that failed after its retries."""
        self.rows.append(
            self._row(
                unit, judge, VerdictStatus.ERROR, request_hash=request_hash,
                parse_error=redact(message),
            )
        )  # fmt: skip
        self.maybe_flush()

    def note_exclusions(self, unit: _Unit, panel: Panel, excluding: bool) -> None:
        """Record each judge left out of this reply for sharing the candidate's family."""
        if not excluding:
            return
        for judge in panel.judges:
            if judge.family == unit.family:
                reason = f"excluded: same family as the candidate ({unit.family})"
                self.rows.append(
                    self._row(unit, judge, VerdictStatus.EXCLUDED, excluded_reason=reason)
                )

    def _pending(self) -> int:
        return len(self.rows)

    def _take(self) -> Callable[[], None]:
        store, rows = self.store, self.rows
        self.rows = []
        return lambda: store.write_verdicts(rows, [])


def aggregate_run(store: Store, run_id: str, panel: Panel, units: list[_Unit]) -> int:
    """Combine every reply's stored verdicts into scores; returns the number of label ties."""
    frame = store.verdicts_frame(run_id)
    frame = frame[frame["status"] == VerdictStatus.OK.value]
    by_key: dict[tuple[str, int, str, str], list[tuple[str, str, Any]]] = defaultdict(list)
    for row in frame.itertuples():
        value = row.label if isinstance(row.label, str) else row.score
        key = (row.item_id, int(row.repeat), row.measure, row.rubric_hash)
        by_key[key].append((row.judge_name, row.judge_model, value))
    scores: list[ScoreRow] = []
    ties = 0
    for unit in units:
        # only this panel's eligible judges count: an old panel's verdicts, or a judge now
        # excluded for sharing the candidate's family, never vote
        eligible = {(j.name, j.model) for j in unit.judges}
        stored = by_key.get((unit.item.id, unit.repeat, unit.rubric.measure, unit.rubric.hash), [])
        votes = {name: v for name, model, v in stored if (name, model) in eligible}
        if not votes:
            continue
        rows, tie = _scores_for(unit, votes, panel)
        ties += tie
        scores.extend(to_row(run_id, unit.item.id, unit.repeat, s) for s in rows)
    store.write_verdicts([], scores)
    return ties


def decided_by(panel: Panel, voters: Iterable[str]) -> str:
    """``cheap`` when the cascade's first judge voted alone, else ``panel``."""
    cascade = panel.config.cascade
    return "cheap" if cascade is not None and set(voters) == {cascade.first} else "panel"


def _scores_for(unit: _Unit, votes: dict[str, Any], panel: Panel) -> tuple[list[Score], bool]:
    measure, rubric = unit.rubric.measure, unit.rubric
    how = panel.config.score_aggregation
    combined = combine(rubric, list(votes.values()), unit.rules.lean, how)
    signature = f"judge_{measure}|v1|rubric:{rubric.hash}|panel:{panel.identity}"
    detail = {"votes": combined.votes, "tie": combined.tie, "n_judges": combined.n,
              "decided_by": decided_by(panel, votes)}  # fmt: skip
    out = [Score(f"judge_{measure}", combined.value, signature, detail)]
    if rubric.kind == "label":
        passed = pass_view(measure, unit.item, str(combined.value))
        if passed is not None:
            out.append(Score(f"judge_{measure}_ok", passed, signature, detail))
    return out, combined.tie

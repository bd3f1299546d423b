"""What two runs cover: refuse to gate on unfinished runs or on runs whose items differ."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from evalkit.errors import ConfigError

if TYPE_CHECKING:
    from evalkit.store import RunCounts, Store

_ANSWERED_COLS = ["task", "lang", "metric", "item_id", "pair_id", "repeat", "signature"]


@dataclass
class Coverage:
    """The items two runs share, and what each run did with its planned requests.

    Attributes:
        counts: ``baseline`` and ``candidate`` outcome counts.
        task_langs: The (task, lang) pairs of the compared items (shared and baseline-only).
        shared: How many items both runs hold with the same content.
        changed: Shared ids whose content hash differs (left out of every slice).
        only_baseline: Baseline-only items as ``answered`` rows (value set by the caller).
        only_candidate: Candidate-only ids (never compared).
        warnings: What the report must say before its verdict.
    """

    counts: dict[str, RunCounts]
    task_langs: list[tuple[str, str]]
    shared: int
    changed: list[str]
    only_baseline: pd.DataFrame
    only_candidate: list[str]
    warnings: list[str] = field(default_factory=list)

    @property
    def only_baseline_ids(self) -> set[str]:
        """Ids of the baseline-only items."""
        return set(self.only_baseline["item_id"])


def check_coverage(store: Store, base_id: str, cand_id: str, allow_incomplete: bool) -> Coverage:
    """Counts and item sets of both runs; refuse an unsafe comparison unless allowed.

    The item sets are compared in the store (only the differences come back), so this costs
    the same for 100 items or 100,000.

    Raises:
        ConfigError: Without ``allow_incomplete``: a run is not finished or has requests never
            attempted, or the runs' items differ.
    """
    from evalkit.store._paired import item_differences, task_langs

    counts = {"baseline": store.counts(base_id), "candidate": store.counts(cand_id)}
    shared, only_a_rows, changed, only_b = item_differences(store, base_id, cand_id)
    only_a = pd.DataFrame(only_a_rows, columns=["item_id", "task", "lang", "pair_id"])
    problems = [c.describe() for c in counts.values() if not c.complete]
    if len(only_a) or only_b:
        problems.append(
            f"the runs' items differ: {len(only_a)} only in the baseline "
            f"(e.g. {', '.join(only_a['item_id'].head(3))}), {len(only_b)} only in the candidate "
            f"(e.g. {', '.join(only_b[:3])})"
        )
    warnings = _set_notes(store, base_id, cand_id)
    if problems and not allow_incomplete:
        raise ConfigError(
            "refusing to gate on an incomplete comparison: "
            + "; ".join(problems)
            + ". Resume an unfinished run with `evalkit run ... --resume RUN` (a grouped run: "
            "rerun each unfinished shard with `evalkit run ... --group KEY --shard i/N`), or "
            "run both on the same sets; or pass --allow-incomplete to compare anyway (requests "
            "the candidate never made then count as its failures)"
        )
    warnings += _incomplete_notes(counts, len(only_a), len(only_b)) if problems else []
    baseline_only = only_a.assign(metric="answered", repeat=0, signature="answered|v1")
    return Coverage(
        counts, task_langs(store, base_id), shared, changed, baseline_only[_ANSWERED_COLS],
        only_b, warnings,
    )  # fmt: skip


def _incomplete_notes(counts: dict[str, RunCounts], only_a: int, only_b: int) -> list[str]:
    notes = ["INCOMPLETE comparison (--allow-incomplete):"]
    cand, base = counts["candidate"], counts["baseline"]
    if not cand.complete:
        notes.append(
            f"candidate {cand.describe()}; its {cand.missing} never-attempted request(s) count "
            "as failures (answered = 0)"
        )
    if not base.complete:
        notes.append(f"baseline {base.describe()}; its never-attempted requests are left out")
    if only_a:
        notes.append(f"{only_a} item(s) only in the baseline count as failures of the candidate")
    if only_b:
        notes.append(f"{only_b} item(s) only in the candidate are not compared")
    return [" ".join(notes)]


def _set_notes(store: Store, base_id: str, cand_id: str) -> list[str]:
    """One line per golden set whose content hash differs between the runs."""
    sa, sb = store.run(base_id).goldensets, store.run(cand_id).goldensets
    notes = []
    for name in sorted(sa.keys() | sb.keys()):
        x, y = sa.get(name), sb.get(name)
        if x is None or y is None:
            who = "candidate" if x is None else "baseline"
            notes.append(f"golden set {name!r} is only in the {who} run")
        elif x.get("hash") != y.get("hash"):
            notes.append(
                f"golden set {name!r} differs between the runs: baseline version "
                f"{x.get('version')} ({x.get('n')} items, {x.get('hash')}), candidate version "
                f"{y.get('version')} ({y.get('n')} items, {y.get('hash')})"
            )
    return notes

"""Pairwise judging of two runs: both orders per item; a win counts only if the orders agree."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from evalkit._engine import Engine, Limits
from evalkit.comparison import wilson
from evalkit.goldensets import GoldenItem
from evalkit.judges._engine import judge_policy, preflight
from evalkit.judges._panel import Panel
from evalkit.judges._rubric import Rubric, load_rubric
from evalkit.judges._verdict import parse_verdict
from evalkit.store import Store
from evalkit.targets import TargetSpec


@dataclass
class PairwiseResult:
    """Per-item outcomes of candidate (B) against baseline (A), and the summary.

    Attributes:
        items: One row per item x judge: the verdict in each order, the consistent winner
            (``baseline``, ``candidate`` or ``tie``) and whether the order flipped the verdict.
        flips: Share of judgments whose two orders disagreed (counted as ties).
        calls: Judge calls attempted.
        errors: Judge calls that failed after retries (their order counts as no verdict).
    """

    items: pd.DataFrame
    flips: float
    calls: int = 0
    errors: int = 0

    def summary(self) -> pd.DataFrame:
        """Per task x language: wins, ties, losses of the candidate and its win rate with CI."""
        rows = []
        for (task, lang), grp in self.items.groupby(["task", "lang"]):
            n = len(grp)
            wins = int((grp["winner"] == "candidate").sum())
            losses = int((grp["winner"] == "baseline").sum())
            low, high = wilson(wins + 0.5 * (n - wins - losses), n)
            rows.append({"task": task, "lang": lang, "n": n, "candidate_wins": wins,
                         "ties": n - wins - losses, "baseline_wins": losses,
                         "win_rate": (wins + 0.5 * (n - wins - losses)) / n,
                         "ci_low": low, "ci_high": high,
                         "flip_rate": float(grp["flipped"].mean())})  # fmt: skip
        return pd.DataFrame(rows)


async def pairwise_async(
    store: Store, baseline: str, candidate: str, panel: Panel, *, concurrency: int = 16
) -> PairwiseResult:
    """Judge every shared item (repeat 0) of two runs in both orders with every judge."""
    rubric = load_rubric("pairwise")
    a_id, b_id = store.resolve_run_id(baseline), store.resolve_run_id(candidate)
    items = {i.id: i for i in store.run_items(b_id)}
    a = _texts(store, a_id)
    b = _texts(store, b_id)
    shared = sorted(a.keys() & b.keys() & items.keys())
    if shared:
        await preflight(panel.judges)
    rows: list[dict[str, object]] = []
    limits = Limits.for_targets(concurrency, panel.judges)
    units = [(item_id, judge) for item_id in shared for judge in panel.judges]
    async with Engine(panel.judges, limits, judge_policy(), 2 * len(units)) as engine:

        async def handle(unit: tuple[str, TargetSpec]) -> None:
            item_id, judge = unit
            pair = (a[item_id], b[item_id])
            rows.append(await _both_orders(engine, judge, rubric, items[item_id], pair))

        await engine.map(units, handle, concurrency)
    frame = pd.DataFrame(rows)
    flips = float(frame["flipped"].mean()) if len(frame) else 0.0
    errors = int(frame["errors"].sum()) if len(frame) else 0
    return PairwiseResult(frame, flips, 2 * len(frame), errors)


def _texts(store: Store, run_id: str) -> dict[str, str]:
    frame = store.responses_frame(run_id)
    frame = frame[frame["repeat"] == 0]
    return dict(zip(frame["item_id"], frame["text"], strict=True))


async def _both_orders(
    engine: Engine, judge: TargetSpec, rubric: Rubric, item: GoldenItem, pair: tuple[str, str]
) -> dict[str, object]:
    a, b = pair
    first, err1 = await _ask(engine, judge, rubric.render(item, response_a=a, response_b=b), rubric)
    second, err2 = await _ask(
        engine, judge, rubric.render(item, response_a=b, response_b=a), rubric
    )
    # map both to "who won": in the second order A is the candidate
    g1 = {"A": "baseline", "B": "candidate"}.get(first or "", "tie")
    g2 = {"A": "candidate", "B": "baseline"}.get(second or "", "tie")
    winner = g1 if g1 == g2 else "tie"
    return {"item_id": item.id, "task": item.task, "lang": item.lang, "judge": judge.name,
            "order_ab": first, "order_ba": second, "winner": winner,
            "flipped": g1 != g2, "errors": err1 + err2}  # fmt: skip


async def _ask(
    engine: Engine, judge: TargetSpec, prompt: str, rubric: Rubric
) -> tuple[str | None, int]:
    """The verdict label (None when unreadable or failed) and 1 if the call failed."""
    messages = [{"role": "user", "content": prompt}]
    result = await engine.call(judge.name, messages, judge.sampling.seed)
    if result.completion is None:
        return None, 1
    verdict, _ = parse_verdict(result.completion.text, rubric)
    return (None if verdict is None else verdict.label), 0

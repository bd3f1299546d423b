"""A small stored baseline/candidate pair with a planted zh regression, routes, costs and errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from evalkit.comparison import Comparison, GateConfig, compare_runs
from evalkit.goldensets import GoldenItem
from evalkit.store import ErrorRow, ResponseRow, RunRecord, ScoreRow, Store
from tests._helpers import make_set, qa_items

N_PAIRS = 40
N_WRONG = 20
CHINESE = "北京是中国的首都。"
EVIL_ID = 'q-0000-<i>"x"</i>-zh'
EVIL_TARGET = 'cand<b>"idate"</b>&co'
EVIL_NOTE = "<b>note</b> & 'quoted'"
ALERT = "<script>alert(1)</script><img src=x onerror=alert(1)>"

Build = Callable[[str], tuple[Comparison, Store]]


def _items(planted: str = "") -> list[GoldenItem]:
    items = qa_items(N_PAIRS)

    # The store must show whatever ids it holds, so plant one that validation would reject;
    # its prompt and reference carry the planted markup too (the report shows both).
    def evil(item: GoldenItem) -> GoldenItem:
        ref = item.reference.model_copy(update={"answers": ["ans000", f"答案000{planted}"]})
        update = {"id": EVIL_ID, "prompt": f"第0号东西是什么？{planted}", "reference": ref}
        return item.model_copy(update=update)

    return [evil(i) if i.id == "q-0000-zh" else i for i in items]


def _run_record(run_id: str, target: str, created: datetime) -> RunRecord:
    return RunRecord(**{
        "run_id": run_id, "name": run_id, "target_name": target, "target_kind": "model",
        "target_json": "{}", "goldensets_json": "{}", "config_json": "{}",
        "evalkit_version": "0.1.0", "repeats": 1, "status": "finished",
        "n_items": 2 * N_PAIRS, "created_at": created,
    })  # fmt: skip


def _response(run: str, item: GoldenItem, i: int, text: str, route: str | None) -> ResponseRow:
    latency = (300.0 if route == "slow" else 100.0) + i
    return ResponseRow(**{
        "run_id": run, "item_id": item.id, "repeat": 0, "request_hash": f"h:{run}:{item.id}",
        "target_name": run, "route": route, "served_model": "m", "text": text,
        "latency_ms": latency, "cost": 0.001, "currency": "USD", "cached": False, "attempts": 1,
        "created_at": datetime(2026, 1, 1),
        # the candidate streamed (a time to first token on every reply); base and twin did not
        "ttft_ms": latency / 4 if run == "cand" else None,
    })  # fmt: skip


def _score(run: str, item: GoldenItem, ok: bool) -> ScoreRow:
    return ScoreRow(**{
        "run_id": run, "item_id": item.id, "repeat": 0, "metric": "correct", "kind": "bool",
        "value_bool": ok, "signature": "correct|v1",
    })  # fmt: skip


def _error(run: str, item: GoldenItem, route: str) -> ErrorRow:
    return ErrorRow(**{
        "run_id": run, "item_id": item.id, "repeat": 0, "request_hash": f"h:{run}:{item.id}",
        "target_name": run, "route": route, "kind": "http_500", "message": "<b>boom</b>",
        "status": 500, "attempts": 3, "created_at": datetime(2026, 1, 1),
    })  # fmt: skip


def _write_run(store: Store, run: str, items: list[GoldenItem], planted: str) -> None:
    responses: list[ResponseRow] = []
    scores: list[ScoreRow] = []
    errors: list[ErrorRow] = []
    for i, item in enumerate(items):
        n = int(item.pair_id.rsplit("-", 1)[1])
        wrong = run == "cand" and item.lang == "zh" and n < N_WRONG
        route = "fast" if item.lang == "en" else (None if run == "base" else "slow")
        if run == "cand" and item.id == "q-0039-en":
            errors.append(_error(run, item, "fast"))  # failed for good: no response
            continue
        text = (planted if n == 0 else f"错误答案{n}") if wrong else f"{CHINESE} ans{n:03d}"
        responses.append(_response(run, item, i, text, route))
        scores.append(_score(run, item, not wrong))
    store.write_batch(responses, errors, scores)


def build_pair(planted: str) -> tuple[Comparison, Store]:
    """Store both runs (candidate answer to the first zh item is ``planted``) and compare."""
    store, items = Store(":memory:"), _items(planted)
    runs = (("base", "baseline-model", 1), ("cand", EVIL_TARGET, 2), ("twin", "baseline-model", 3))
    for run, target, day in runs:  # "twin" answers exactly like "base"
        store.create_run(_run_record(run, target, datetime(2026, 1, day, 12, 0, 0)))
        store.add_items(run, [make_set(items)])
        _write_run(store, run, items, planted)
    cmp = compare_runs(store, "base", "cand", GateConfig(n_resamples=999))
    cmp.notes.append(EVIL_NOTE)
    return cmp, store

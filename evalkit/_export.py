"""Exporting a golden set or a run's replies as a ``datasets.Dataset`` and to a file."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evalkit.errors import ConfigError

if TYPE_CHECKING:
    import datasets

    from evalkit.goldensets import GoldenSet
    from evalkit.store import Store

FORMATS = (".parquet", ".jsonl", ".csv")
"""File types `export` writes, chosen by the path's suffix."""
RUN_COLUMNS = [
    "run_id", "run_name", "target_name", "item_id", "pair_id", "task", "lang", "repeat",
    "prompt", "reference.answers", "reply", "error", "route", "served_model", "finish_reason",
    "prompt_tokens", "completion_tokens", "latency_ms", "ttft_ms", "cost", "currency", "cached",
    "scores",
]  # fmt: skip
"""Columns of a run's export: one row per planned (item, repeat)."""


def export(
    run: str | None = None,
    *,
    goldenset: str | GoldenSet | None = None,
    path: str | Path | None = None,
    store: Store | str | Path | None = None,
) -> datasets.Dataset:
    """A run's replies, or a golden set, as a ``datasets.Dataset``; written to ``path`` too.

    A golden set gives one row per item with one column per item field (``reference.answers``
    and the other reference fields flattened; checks, messages and human labels as JSON text):
    the shape `evalkit.goldensets.load_goldenset` reads back from CSV or ``hf://``. A run gives
    one row per planned (item, repeat): its prompt and reference answers, the reply (or the
    error), route, served model, tokens, latency, time to first token (``ttft_ms``, null unless
    the call was streamed), cost, and ``scores`` (JSON: metric -> value).

    Args:
        run: A run id, prefix, name or ``latest``.
        goldenset: A golden set, or anything `load_goldenset` takes (name, folder, CSV file,
            ``hf://owner/name[:split]``).
        path: Write here as well: ``.parquet``, ``.jsonl`` or ``.csv`` (lists as JSON text).
        store: The store holding ``run`` (default as the CLI's).

    Returns:
        The dataset.

    Raises:
        ConfigError: Neither or both of ``run`` and ``goldenset`` were given, or ``path`` has
            another suffix.
    """
    if (run is None) == (goldenset is None):
        raise ConfigError("export takes a run or a golden set (goldenset=...), one of the two")
    target = _check_path(path)
    rows = _set_rows(goldenset) if goldenset is not None else _run_rows(str(run), store)
    import datasets

    ds = datasets.Dataset.from_list(rows)
    if target is not None:
        _write(ds, rows, target)
    return ds


def _check_path(path: str | Path | None) -> Path | None:
    if path is None:
        return None
    target = Path(path)
    if target.suffix.lower() not in FORMATS:
        raise ConfigError(
            f"cannot export to {str(path)!r}: give a file ending in {', '.join(FORMATS)}"
        )
    return target


def _set_rows(goldenset: str | GoldenSet) -> list[dict[str, Any]]:
    from evalkit.goldensets import GoldenSet, load_goldenset
    from evalkit.goldensets._export import set_rows

    loaded = goldenset if isinstance(goldenset, GoldenSet) else load_goldenset(goldenset)
    return set_rows(loaded)


def _write(ds: datasets.Dataset, rows: list[dict[str, Any]], target: Path) -> None:
    import datasets

    target.parent.mkdir(parents=True, exist_ok=True)
    suffix = target.suffix.lower()
    if suffix == ".parquet":
        ds.to_parquet(str(target))
    elif suffix == ".jsonl":
        ds.to_json(str(target), lines=True, force_ascii=False)
    else:  # CSV cells are text: lists go as JSON arrays, which the CSV loader reads back
        flat = [
            {k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
             for k, v in row.items()}
            for row in rows
        ]  # fmt: skip
        datasets.Dataset.from_list(flat).to_csv(str(target), index=False)


def _run_rows(run: str, store: Store | str | Path | None) -> list[dict[str, Any]]:
    from evalkit.store import Store

    db = store if isinstance(store, Store) else Store(store, read_only=True)
    try:
        return _rows_of(db, db.resolve_run_id(run))
    finally:
        if db is not store:
            db.close()


def _rows_of(db: Store, run_id: str) -> list[dict[str, Any]]:
    info = db.run(run_id)
    items = {r.item_id: json.loads(r.item_json) for r in db.items_frame(run_id).itertuples()}
    responses = {(r.item_id, int(r.repeat)): r for r in db.responses_frame(run_id).itertuples()}
    errors = {(r.item_id, int(r.repeat)): r for r in db.errors_frame(run_id).itertuples()}
    scores: dict[tuple[str, int], dict[str, Any]] = defaultdict(dict)
    for s in db.scores_frame(run_id).itertuples():
        value = s.value_label if s.kind == "label" else _num(s.value)
        scores[(s.item_id, int(s.repeat))][str(s.metric)] = value
    rows = []
    for o in db.outcomes_frame(run_id).itertuples():
        key = (str(o.item_id), int(o.repeat))
        item, resp, err = items.get(key[0], {}), responses.get(key), errors.get(key)
        rows.append({
            "run_id": run_id, "run_name": info.name, "target_name": info.target_name,
            "item_id": key[0], "pair_id": o.pair_id, "task": o.task, "lang": o.lang,
            "repeat": key[1], "prompt": _prompt(item),
            "reference.answers": list((item.get("reference") or {}).get("answers") or []),
            "reply": None if resp is None else str(resp.text),
            "error": None if resp is not None or err is None else f"{err.kind}: {err.message}",
            "route": _text(o.route), "served_model": _text(getattr(resp, "served_model", None)),
            "finish_reason": _text(getattr(resp, "finish_reason", None)),
            "prompt_tokens": _int(getattr(resp, "prompt_tokens", None)),
            "completion_tokens": _int(getattr(resp, "completion_tokens", None)),
            "latency_ms": _num(getattr(resp, "latency_ms", None)),
            "ttft_ms": _num(getattr(resp, "ttft_ms", None)),
            "cost": _num(getattr(resp, "cost", None)),
            "currency": _text(getattr(resp, "currency", None)),
            "cached": None if resp is None else bool(resp.cached),
            "scores": json.dumps(scores.get(key, {}), ensure_ascii=False, sort_keys=True),
        })  # fmt: skip
    return rows


def _prompt(item: dict[str, Any]) -> str:
    """The item's prompt, or its conversation as ``[role] content`` lines."""
    if item.get("prompt") is not None:
        return str(item["prompt"])
    return "\n".join(f"[{m['role']}] {m['content']}" for m in item.get("messages") or [])


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or str(value) == "<NA>"


def _text(value: Any) -> str | None:
    return None if _missing(value) else str(value)


def _num(value: Any) -> float | None:
    return None if _missing(value) else float(value)


def _int(value: Any) -> int | None:
    return None if _missing(value) else int(value)

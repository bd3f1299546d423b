"""Items of the failing slices that the baseline got right and the candidate got wrong, shown
with their prompt and reference beside both replies."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from evalkit.report._format import esc, num, row, table

if TYPE_CHECKING:
    from evalkit.comparison import Comparison
    from evalkit.store import Store

SLICE_KEYS = ["task", "lang", "metric"]
MAX_EXAMPLES = 20
MAX_ANSWER_CHARS = 2000
HEAD = [
    "item", "baseline", "candidate", "candidate route", "prompt", "reference", "baseline answer",
    "candidate answer",
]  # fmt: skip


def _item_values(store: Store, run_id: str) -> pd.DataFrame:
    """Mean over repeats per (slice, item), the answered metric included."""
    cols = [*SLICE_KEYS, "item_id", "value"]
    frame = pd.concat([store.scores_frame(run_id)[cols], store.answered_frame(run_id)[cols]])
    frame = frame[frame["value"].notna()]
    return frame.groupby([*SLICE_KEYS, "item_id"], as_index=False)["value"].mean()


def _regressed(group: pd.DataFrame) -> pd.DataFrame:
    """Binary slices: passed (mean >= 0.5) then failed; scores: any drop, largest first."""
    base, cand = group["value_a"], group["value_b"]
    binary = bool(np.isin(group[["value_a", "value_b"]].to_numpy(), (0.0, 1.0)).all())
    picked = group[(base >= 0.5) & (cand < 0.5)] if binary else group[cand < base]
    return picked.assign(drop=picked["value_a"] - picked["value_b"]).sort_values(
        ["drop", "item_id"], ascending=[False, True]
    )


def regressed_items(cmp: Comparison, store: Store, limit: int = MAX_EXAMPLES) -> pd.DataFrame:
    """Per failing slice, up to ``limit`` regressed items, worst first.

    Columns: the slice keys, ``item_id``, ``value_a`` (baseline), ``value_b`` (candidate),
    ``drop`` and ``total`` (regressed items in the slice before the limit).
    """
    failing = cmp.regressed_slices[SLICE_KEYS].drop_duplicates()
    if failing.empty:
        return pd.DataFrame(columns=[*SLICE_KEYS, "item_id", "value_a", "value_b", "drop", "total"])
    a = _item_values(store, cmp.baseline).merge(failing, on=SLICE_KEYS)
    b = _item_values(store, cmp.candidate).merge(failing, on=SLICE_KEYS)
    joined = a.merge(b, on=[*SLICE_KEYS, "item_id"], suffixes=("_a", "_b"))
    joined = joined[~joined["item_id"].isin(cmp.excluded_items)]
    parts = [_regressed(g) for _, g in joined.groupby(SLICE_KEYS, sort=True)]
    parts = [p.assign(total=len(p)).head(limit) for p in parts]
    return pd.concat(parts, ignore_index=True) if parts else joined.assign(drop=[], total=[])


def _answers(store: Store, run_id: str) -> dict[str, tuple[str, str]]:
    """item_id -> (text of its first stored response, route), or the last error when none."""
    out: dict[str, tuple[str, str]] = {}
    for e in store.errors_frame(run_id).itertuples():
        out[e.item_id] = (f"(no response: {e.kind}: {e.message})", str(e.route or ""))
    resp = store.responses_frame(run_id).sort_values(["item_id", "repeat"], ascending=[True, False])
    for r in resp.itertuples():
        out[r.item_id] = (str(r.text), "(direct)" if r.route is None else str(r.route))
    return out


def _prompt(item: dict[str, Any]) -> str:
    """What the model was asked: system prompt, context and the prompt or conversation."""
    parts = [f"[system] {item['system']}"] if item.get("system") else []
    if item.get("context"):
        parts.append(f"[context] {item['context']}")
    if item.get("prompt") is not None:
        parts.append(str(item["prompt"]))
    parts.extend(f"[{m.get('role')}] {m.get('content')}" for m in item.get("messages") or [])
    return "\n".join(parts)


def _reference(item: dict[str, Any]) -> str:
    """What a correct reply contains, as the golden item states it."""
    ref = item.get("reference") or {}
    parts = []
    if ref.get("answers"):
        parts.append("answers: " + " | ".join(map(str, ref["answers"])))
    if ref.get("label") is not None:
        parts.append(f"label: {ref['label']}")
    if ref.get("key_terms"):
        parts.append("key terms: " + ", ".join(map(str, ref["key_terms"])))
    for key, name in (("premise_note", "premise"), ("exemplar", "exemplar")):
        if ref.get(key):
            parts.append(f"{name}: {ref[key]}")
    parts.append(f"expected: {item.get('expected_behavior', 'answer')}")
    return "\n".join(parts)


def _item_texts(store: Store, run_id: str) -> dict[str, tuple[str, str]]:
    """item_id -> (prompt, reference) of the items as the run stored them (read as data: the
    report shows whatever the store holds, valid or not)."""
    out = {}
    for r in store.items_frame(run_id).itertuples():
        item = json.loads(r.item_json)
        out[str(r.item_id)] = (_prompt(item), _reference(item))
    return out


def _answer(text: str) -> str:
    if len(text) > MAX_ANSWER_CHARS:
        text = text[:MAX_ANSWER_CHARS] + f" … ({len(text) - MAX_ANSWER_CHARS} more characters)"
    return f'<pre class="answer">{esc(text)}</pre>'


def _example_row(r: pd.Series, base: dict, cand: dict, texts: dict) -> str:
    base_text, _ = base.get(r["item_id"], ("(no response)", ""))
    cand_text, route = cand.get(r["item_id"], ("(no response)", ""))
    prompt, reference = texts.get(r["item_id"], ("(item not stored)", ""))
    cells = [
        f"<code>{esc(r['item_id'])}</code>",
        num(r["value_a"]),
        num(r["value_b"]),
        esc(route),
        _answer(prompt),
        _answer(reference),
        _answer(base_text),
        _answer(cand_text),
    ]
    return row(cells)


def regressed_section(cmp: Comparison, store: Store, limit: int = MAX_EXAMPLES) -> str:
    """One table of examples per failing slice."""
    items = regressed_items(cmp, store, limit)
    parts = ['<section id="regressed"><h2>Regressed items</h2>']
    if items.empty:
        parts.append(
            "<p>No failing slice has an item the baseline passed and the candidate failed.</p>"
        )
        return "".join(parts) + "</section>"
    base, cand = _answers(store, cmp.baseline), _answers(store, cmp.candidate)
    texts = _item_texts(store, cmp.candidate)
    for key, group in items.groupby(SLICE_KEYS, sort=True):
        title = " / ".join(str(k) for k in key)
        total = int(group["total"].iloc[0])
        parts.append(f"<h3>{esc(title)}: {len(group)} of {total} regressed item(s)</h3>")
        rows = [_example_row(r, base, cand, texts) for _, r in group.iterrows()]
        parts.append(table(HEAD, rows, cls="examples"))
    return "".join(parts) + "</section>"

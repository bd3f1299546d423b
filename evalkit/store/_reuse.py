"""Reusing stored work: the scores a cached reply already has."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from evalkit.store._rows import ScoreRow

if TYPE_CHECKING:
    from evalkit.store._rows import ResponseRow
    from evalkit.store._store import Store


def stored_scores(
    store: Store, reused: Sequence[tuple[ResponseRow, str]]
) -> dict[str, dict[str, ScoreRow]]:
    """The score rows stored with each reused response, by request hash and metric.

    ``reused`` pairs a stored response (from `Store.cached`) with the content hash of the item
    it is reused for. Scores come back only where the response's own run scored the *same*
    item content: a reply to the same prompt of an item whose reference changed is scored
    again. One query for all of them; the caller still checks each score's signature against
    the metric it would run now.
    """
    if not reused:
        return {}
    import pyarrow as pa

    wanted = pa.table(  # noqa: F841 (read by DuckDB by name)
        {
            "request_hash": [r.request_hash for r, _ in reused],
            "run_id": [r.run_id for r, _ in reused],
            "item_id": [r.item_id for r, _ in reused],
            "repeat": pa.array([r.repeat for r, _ in reused], pa.int32()),
            "content_hash": [h for _, h in reused],
        }
    )
    rows = store.con.execute(
        """
        SELECT w.request_hash, s.run_id, s.item_id, s.repeat, s.metric, s.kind, s.signature,
               s.value_bool, s.value_num, s.value_label, s.detail_json
        FROM wanted w
        JOIN run_items ri
          ON ri.run_id = w.run_id AND ri.item_id = w.item_id AND ri.content_hash = w.content_hash
        JOIN scores s ON s.run_id = w.run_id AND s.item_id = w.item_id AND s.repeat = w.repeat
        """
    ).fetchall()
    out: dict[str, dict[str, ScoreRow]] = {}
    for h, run_id, item_id, repeat, metric, kind, sig, vb, vn, vl, detail in rows:
        out.setdefault(h, {})[metric] = ScoreRow(
            run_id=run_id, item_id=item_id, repeat=repeat, metric=metric, kind=kind,
            signature=sig, value_bool=vb, value_num=vn, value_label=vl, detail_json=detail,
        )  # fmt: skip
    return out

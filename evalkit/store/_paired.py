"""Reads that pair two runs of one store (the comparison's side of the store)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evalkit.store._store import Store


def same_replies(store: Store, baseline: str, candidate: str) -> set[str]:
    """Items whose every repeat sent the same request and got the same reply in both runs.

    Such an item cannot differ between the runs (in a router cutover, the items whose route did
    not change: the candidate reuses the baseline's stored reply). An item with an error or a
    missing repeat on either side is never among them.
    """
    rows = store.con.execute(
        """
        WITH a AS (SELECT item_id, repeat, request_hash, text FROM responses WHERE run_id = $a),
             b AS (SELECT item_id, repeat, request_hash, text FROM responses WHERE run_id = $b),
             planned AS (
                 SELECT ri.item_id, r.repeats FROM run_items ri JOIN runs r USING (run_id)
                 WHERE ri.run_id = $b)
        SELECT a.item_id
        FROM a JOIN b USING (item_id, repeat) JOIN planned p USING (item_id)
        GROUP BY a.item_id, p.repeats
        HAVING bool_and(a.request_hash = b.request_hash AND a.text IS NOT DISTINCT FROM b.text)
           AND count(*) = p.repeats
        """,
        {"a": baseline, "b": candidate},
    ).fetchall()
    return {r[0] for r in rows}

"""Reads that pair two runs of one store (the comparison's side of the store)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

    from evalkit.store._store import Store


def same_replies(store: Store, baseline: str, candidate: str) -> set[str]:
    """Items whose every repeat sent the same request and got the same reply in both runs.

    Such an item cannot differ between the runs (in a router cutover, the items whose route did
    not change: the candidate reuses the baseline's stored reply). An item with an error or a
    missing repeat on either side is never among them, and runs with different repeat counts
    have none (the baseline's other repeats could differ).
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
           AND p.repeats = (SELECT repeats FROM runs WHERE run_id = $a)
        """,
        {"a": baseline, "b": candidate},
    ).fetchall()
    return {r[0] for r in rows}


_ITEM_MEANS = """
WITH ids AS (
    SELECT item_id, CAST(row_number() OVER (ORDER BY item_id) AS INTEGER) AS item
    FROM (SELECT DISTINCT item_id FROM run_items WHERE run_id IN ($a, $b))
),
its AS (
    SELECT ri.run_id, ri.item_id, i.task, i.lang, i.pair_id
    FROM run_items ri JOIN items i USING (item_id, content_hash)
    WHERE ri.run_id IN ($a, $b)
),
pairs AS (
    SELECT pair_id, CAST(row_number() OVER (ORDER BY pair_id) AS INTEGER) AS pair
    FROM (SELECT DISTINCT pair_id FROM its)
),
vals AS (
    SELECT run_id, item_id, repeat, metric,
           COALESCE(CAST(value_bool AS DOUBLE), value_num) AS value, signature
    FROM scores WHERE run_id IN ($a, $b)
    UNION ALL
    SELECT run_id, item_id, repeat, 'answered',
           CASE WHEN outcome = 'answered' THEN 1.0 ELSE 0.0 END, 'answered|v1'
    FROM outcomes
    WHERE (run_id = $a AND outcome IN ('answered', 'failed'))
       OR (run_id = $b AND outcome IN ('answered', 'failed', 'missing'))
)
SELECT CAST(v.run_id = $b AS INTEGER) AS side, its.task, its.lang, v.metric, ids.item,
       pairs.pair, avg(v.value) AS value, min(v.signature) AS signature
FROM vals v
JOIN its ON its.run_id = v.run_id AND its.item_id = v.item_id
JOIN ids ON ids.item_id = v.item_id
JOIN pairs ON pairs.pair_id = its.pair_id
WHERE v.value IS NOT NULL
GROUP BY side, its.task, its.lang, v.metric, ids.item, pairs.pair
"""

_REPLY_VALUES = (
    _ITEM_MEANS.split("SELECT CAST(v.run_id")[0]
    + """SELECT CAST(v.run_id = $b AS INTEGER) AS side, its.task, its.lang, v.metric, ids.item,
       pairs.pair, CAST(v.repeat AS INTEGER) AS repeat, v.value, v.signature
FROM vals v
JOIN its ON its.run_id = v.run_id AND its.item_id = v.item_id
JOIN ids ON ids.item_id = v.item_id
JOIN pairs ON pairs.pair_id = its.pair_id
WHERE v.value IS NOT NULL AND list_contains($metrics, v.metric)
"""
)


def item_means(store: Store, baseline: str, candidate: str) -> pa.Table:
    """Both runs' per-item means (repeats averaged) of every metric and of ``answered``, in one
    query (one pass over the items, which on a lake means one scan of their Parquet).

    Columns: side (0 baseline, 1 candidate), task, lang, metric, signature (dictionary-encoded),
    item and pair (integer codes shared by both runs: the rank of the id among the two runs'
    ids, see `item_codes`), value. A candidate's never-attempted requests count as unanswered
    (0); a baseline's are left out, so they can never make the candidate look better.
    """
    return _fetch(store, _ITEM_MEANS, {"a": baseline, "b": candidate})


def reply_values(store: Store, baseline: str, candidate: str, metrics: Sequence[str]) -> pa.Table:
    """`item_means` before the repeats are averaged, for ``metrics`` (and ``answered``) only:
    one row per reply and metric, with its ``repeat``. The gate reads each reply on its own when
    a run has repeats (a reply the rules left unsure is unknown, whatever its siblings say)."""
    params = {"a": baseline, "b": candidate, "metrics": ["answered", *metrics]}
    return _fetch(store, _REPLY_VALUES, params)


def _fetch(store: Store, sql: str, params: Mapping[str, object]) -> pa.Table:
    import pyarrow.compute as pc

    # DuckDB 2 refuses a relation's fetch while an earlier execute() result is unread (a
    # fetchone() leaves one); finish it first. DuckDB 1.4 (the lake pin) has no complete()
    complete = getattr(store.con, "complete", None)
    if complete is not None:
        complete()
    relation = store.con.sql(sql, params=params)
    # DuckDB 2 renamed fetch_arrow_table (1.4, the lake extra's pin) to to_arrow_table
    fetch = getattr(relation, "to_arrow_table", None) or getattr(relation, "fetch_arrow_table")  # noqa: B009
    table = fetch()
    for name in ("task", "lang", "metric", "signature"):
        i = table.schema.get_field_index(name)
        table = table.set_column(i, name, pc.dictionary_encode(table[name]))
    return table


def item_codes(
    store: Store, baseline: str, candidate: str
) -> tuple[dict[str, int], dict[str, int]]:
    """item_id -> and pair_id -> the integer codes `item_means` gives them."""
    params = {"a": baseline, "b": candidate}
    items = store.con.execute(
        """
        SELECT item_id, CAST(row_number() OVER (ORDER BY item_id) AS INTEGER)
        FROM (SELECT DISTINCT item_id FROM run_items WHERE run_id IN ($a, $b))
        """,
        params,
    ).fetchall()
    pairs = store.con.execute(
        """
        SELECT pair_id, CAST(row_number() OVER (ORDER BY pair_id) AS INTEGER)
        FROM (
            SELECT DISTINCT i.pair_id FROM run_items ri JOIN items i USING (item_id, content_hash)
            WHERE ri.run_id IN ($a, $b)
        )
        """,
        params,
    ).fetchall()
    return dict(items), dict(pairs)


def item_differences(
    store: Store, baseline: str, candidate: str
) -> tuple[int, list[tuple[str, str, str, str]], list[str], list[str]]:
    """How two runs' items differ, without loading the items.

    Returns the number of items both runs hold with the same content, the baseline-only items
    as (item_id, task, lang, pair_id), the shared ids whose content changed, and the
    candidate-only ids (each list sorted by id).
    """
    # one query (a lake pays tens of milliseconds of catalog reads per query): baseline rows
    # missing or changed in the candidate, candidate-only ids, and the shared count
    rows = store.con.execute(
        """
        SELECT 'a' AS kind, a.item_id, i.task, i.lang, i.pair_id, b.content_hash IS NULL, NULL
        FROM run_items a
        JOIN items i USING (item_id, content_hash)
        LEFT JOIN run_items b ON b.run_id = $b AND b.item_id = a.item_id
        WHERE a.run_id = $a AND (b.item_id IS NULL OR b.content_hash <> a.content_hash)
        UNION ALL
        SELECT 'b', item_id, NULL, NULL, NULL, NULL, NULL FROM run_items WHERE run_id = $b
        AND item_id NOT IN (SELECT item_id FROM run_items WHERE run_id = $a)
        UNION ALL
        SELECT 's', NULL, NULL, NULL, NULL, NULL, count(*) FROM run_items a JOIN run_items b
        ON b.run_id = $b AND b.item_id = a.item_id AND b.content_hash = a.content_hash
        WHERE a.run_id = $a
        ORDER BY 1, 2
        """,
        {"a": baseline, "b": candidate},
    ).fetchall()
    only_a = [(r[1], r[2], r[3], r[4]) for r in rows if r[0] == "a" and r[5]]
    changed = [r[1] for r in rows if r[0] == "a" and not r[5]]
    only_b = [r[1] for r in rows if r[0] == "b"]
    shared = next((r[6] for r in rows if r[0] == "s"), 0)
    return int(shared or 0), only_a, changed, only_b


def task_langs(store: Store, run_id: str) -> list[tuple[str, str]]:
    """The (task, lang) pairs a run's items cover, sorted."""
    rows = store.con.execute(
        """
        SELECT DISTINCT i.task, i.lang FROM run_items ri JOIN items i USING (item_id, content_hash)
        WHERE ri.run_id = ? ORDER BY 1, 2
        """,
        [run_id],
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


class ItemJson:
    """The stored JSON of a run's items by (task, lang), for a caller that usually needs only
    the first few of each: one query brings the first `FIRST` of every (task, lang) (on a lake
    each query scans the items' Parquet, so one query, not one per pair); the rest of a pair is
    read only if the caller goes on."""

    FIRST = 16

    def __init__(self, store: Store, run_id: str) -> None:
        self.store, self.run_id = store, run_id
        self._first: dict[tuple[str, str], list[str]] | None = None

    def __call__(self, task: str, lang: str) -> Iterator[str]:
        """Every item JSON of (task, lang), ordered by item id."""
        if self._first is None:
            self._first = self._load_first()
        first = self._first.get((task, lang), [])
        yield from first
        if len(first) == self.FIRST:
            yield from self._rest(task, lang)

    def _load_first(self) -> dict[tuple[str, str], list[str]]:
        rows = self.store.con.execute(
            """
            SELECT i.task, i.lang, i.item_json
            FROM run_items ri JOIN items i USING (item_id, content_hash)
            WHERE ri.run_id = ?
            QUALIFY row_number() OVER (PARTITION BY i.task, i.lang ORDER BY ri.item_id) <= ?
            ORDER BY i.task, i.lang, ri.item_id
            """,
            [self.run_id, self.FIRST],
        ).fetchall()
        out: dict[tuple[str, str], list[str]] = {}
        for task, lang, text in rows:
            out.setdefault((task, lang), []).append(text)
        return out

    def _rest(self, task: str, lang: str) -> Iterator[str]:
        cursor = self.store.cursor()
        try:
            cursor.execute(
                """
                SELECT item_json FROM (
                    SELECT i.item_json, row_number() OVER (ORDER BY ri.item_id) AS k
                    FROM run_items ri JOIN items i USING (item_id, content_hash)
                    WHERE ri.run_id = ? AND i.task = ? AND i.lang = ?
                ) WHERE k > ? ORDER BY k
                """,
                [self.run_id, task, lang, self.FIRST],
            )
            while rows := cursor.fetchmany(64):
                yield from (r[0] for r in rows)
        finally:
            cursor.close()


def is_routed(store: Store, run_id: str) -> bool:
    """True when any response or error of the run went through a named route."""
    row = store.con.execute(
        """
        SELECT EXISTS (SELECT 1 FROM responses WHERE run_id = $r AND route IS NOT NULL)
            OR EXISTS (SELECT 1 FROM errors WHERE run_id = $r AND route IS NOT NULL)
        """,
        {"r": run_id},
    ).fetchone()
    return bool(row and row[0])

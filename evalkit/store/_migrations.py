"""Numbered schema migrations, each a small named function, recorded in `schema_migrations`."""

from __future__ import annotations

from collections.abc import Callable

import duckdb

Migration = Callable[[duckdb.DuckDBPyConnection], None]


def m001_core(con: duckdb.DuckDBPyConnection) -> None:
    """Runs, items, responses, errors and scores."""
    con.execute(
        """
        CREATE TABLE runs (
            run_id VARCHAR PRIMARY KEY,
            name VARCHAR,
            target_name VARCHAR NOT NULL,
            target_kind VARCHAR NOT NULL,
            target_json VARCHAR NOT NULL,
            goldensets_json VARCHAR NOT NULL,
            config_json VARCHAR NOT NULL,
            evalkit_version VARCHAR NOT NULL,
            git_sha VARCHAR,
            repeats INTEGER NOT NULL,
            seed INTEGER,
            status VARCHAR NOT NULL,
            n_items INTEGER NOT NULL,
            created_at TIMESTAMP NOT NULL,
            finished_at TIMESTAMP
        );
        CREATE TABLE items (
            item_id VARCHAR NOT NULL,
            content_hash VARCHAR NOT NULL,
            set_name VARCHAR NOT NULL,
            set_version VARCHAR NOT NULL,
            pair_id VARCHAR NOT NULL,
            task VARCHAR NOT NULL,
            lang VARCHAR NOT NULL,
            reply_lang VARCHAR NOT NULL,
            expected_behavior VARCHAR NOT NULL,
            category VARCHAR,
            tags VARCHAR[],
            item_json VARCHAR NOT NULL,
            PRIMARY KEY (item_id, content_hash)
        );
        CREATE TABLE run_items (
            run_id VARCHAR NOT NULL,
            item_id VARCHAR NOT NULL,
            content_hash VARCHAR NOT NULL,
            PRIMARY KEY (run_id, item_id)
        );
        CREATE TABLE responses (
            run_id VARCHAR NOT NULL,
            item_id VARCHAR NOT NULL,
            repeat INTEGER NOT NULL,
            request_hash VARCHAR NOT NULL,
            target_name VARCHAR NOT NULL,
            route VARCHAR,
            route_reason VARCHAR,
            served_model VARCHAR,
            text VARCHAR NOT NULL,
            reasoning VARCHAR,
            finish_reason VARCHAR,
            prompt_tokens INTEGER,
            completion_tokens INTEGER,
            latency_ms DOUBLE,
            cost DOUBLE,
            currency VARCHAR,
            cached BOOLEAN NOT NULL,
            attempts INTEGER NOT NULL,
            created_at TIMESTAMP NOT NULL,
            PRIMARY KEY (run_id, item_id, repeat)
        );
        CREATE INDEX responses_request_hash ON responses (request_hash);
        CREATE TABLE errors (
            run_id VARCHAR NOT NULL,
            item_id VARCHAR NOT NULL,
            repeat INTEGER NOT NULL,
            request_hash VARCHAR NOT NULL,
            target_name VARCHAR NOT NULL,
            route VARCHAR,
            kind VARCHAR NOT NULL,
            message VARCHAR,
            status INTEGER,
            attempts INTEGER NOT NULL,
            created_at TIMESTAMP NOT NULL
        );
        CREATE TABLE scores (
            run_id VARCHAR NOT NULL,
            item_id VARCHAR NOT NULL,
            repeat INTEGER NOT NULL,
            metric VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            value_bool BOOLEAN,
            value_num DOUBLE,
            value_label VARCHAR,
            signature VARCHAR NOT NULL,
            detail_json VARCHAR,
            PRIMARY KEY (run_id, item_id, repeat, metric)
        );
        """
    )


def m002_views(con: duckdb.DuckDBPyConnection) -> None:
    """Views for analysis: one row per scored reply, and per-run metric means."""
    con.execute(
        """
        CREATE VIEW scored AS
        SELECT s.run_id, r.name AS run_name, r.target_name, r.created_at AS run_created_at,
               s.item_id, s.repeat, i.pair_id, i.task, i.lang, i.category, i.expected_behavior,
               resp.route, resp.served_model, s.metric, s.kind,
               COALESCE(CAST(s.value_bool AS DOUBLE), s.value_num) AS value,
               s.value_label, s.signature
        FROM scores s
        JOIN runs r USING (run_id)
        JOIN run_items ri ON ri.run_id = s.run_id AND ri.item_id = s.item_id
        JOIN items i ON i.item_id = ri.item_id AND i.content_hash = ri.content_hash
        LEFT JOIN responses resp
          ON resp.run_id = s.run_id AND resp.item_id = s.item_id AND resp.repeat = s.repeat;

        CREATE VIEW run_metrics AS
        SELECT run_id, run_name, target_name, run_created_at, task, lang, metric, signature,
               COUNT(*) AS n, AVG(value) AS mean
        FROM scored WHERE value IS NOT NULL
        GROUP BY ALL;
        """
    )


def m003_fallbacks(con: duckdb.DuckDBPyConnection) -> None:
    """Router runs: whether a fallback model served the response."""
    con.execute("ALTER TABLE responses ADD COLUMN fallback_used BOOLEAN DEFAULT FALSE")


def m004_drift(con: duckdb.DuckDBPyConnection) -> None:
    """The git branch a run was made on, and the drift view over each target's runs."""
    con.execute(
        """
        ALTER TABLE runs ADD COLUMN git_branch VARCHAR;

        CREATE VIEW drift AS
        SELECT m.target_name, m.run_id, m.run_name, m.run_created_at, m.task, m.lang, m.metric,
               m.signature, m.n, m.mean,
               m.mean - lag(m.mean) OVER w AS delta_prev,
               lag(m.run_id) OVER w AS prev_run_id
        FROM run_metrics m
        WINDOW w AS (PARTITION BY m.target_name, m.task, m.lang, m.metric, m.signature
                     ORDER BY m.run_created_at);
        """
    )


def m005_judge_verdicts(con: duckdb.DuckDBPyConnection) -> None:
    """One row per judge per scored reply: the raw text, the parsed verdict or why it failed."""
    con.execute(
        """
        CREATE TABLE judge_verdicts (
            run_id VARCHAR NOT NULL,
            item_id VARCHAR NOT NULL,
            repeat INTEGER NOT NULL,
            measure VARCHAR NOT NULL,
            judge_name VARCHAR NOT NULL,
            judge_model VARCHAR NOT NULL,
            judge_family VARCHAR NOT NULL,
            rubric_hash VARCHAR NOT NULL,
            request_hash VARCHAR,
            status VARCHAR NOT NULL,
            raw_text VARCHAR,
            label VARCHAR,
            score DOUBLE,
            rationale VARCHAR,
            rationale_first BOOLEAN,
            parse_error VARCHAR,
            excluded_reason VARCHAR,
            cost DOUBLE,
            latency_ms DOUBLE,
            cached BOOLEAN,
            created_at TIMESTAMP NOT NULL,
            PRIMARY KEY (run_id, item_id, repeat, measure, judge_name, rubric_hash)
        );
        CREATE INDEX judge_verdicts_request_hash ON judge_verdicts (request_hash);
        """
    )


def m006_outcomes(con: duckdb.DuckDBPyConnection) -> None:
    """One error row per (run, item, repeat), and one view of every planned request's outcome.

    Before this, a failed request was inserted again on every resume, so counts of failures grew
    with each resume. The newest error of each request is kept.
    """
    con.execute(
        """
        CREATE TABLE errors_keyed (
            run_id VARCHAR NOT NULL,
            item_id VARCHAR NOT NULL,
            repeat INTEGER NOT NULL,
            request_hash VARCHAR NOT NULL,
            target_name VARCHAR NOT NULL,
            route VARCHAR,
            kind VARCHAR NOT NULL,
            message VARCHAR,
            status INTEGER,
            attempts INTEGER NOT NULL,
            created_at TIMESTAMP NOT NULL,
            PRIMARY KEY (run_id, item_id, repeat)
        );
        INSERT INTO errors_keyed BY NAME
        SELECT * FROM errors
        QUALIFY row_number() OVER (
            PARTITION BY run_id, item_id, repeat ORDER BY created_at DESC) = 1;
        DROP TABLE errors;
        ALTER TABLE errors_keyed RENAME TO errors;

        CREATE VIEW outcomes AS
        WITH planned AS (
            SELECT ri.run_id, ri.item_id, ri.content_hash,
                   CAST(unnest(range(r.repeats)) AS INTEGER) AS repeat
            FROM run_items ri JOIN runs r USING (run_id)
        )
        SELECT p.run_id, p.item_id, p.content_hash, p.repeat,
               CASE WHEN resp.item_id IS NOT NULL THEN 'answered'
                    WHEN e.item_id IS NOT NULL THEN 'failed'
                    ELSE 'missing' END AS outcome,
               COALESCE(resp.route, e.route) AS route,
               COALESCE(resp.target_name, e.target_name) AS target_name,
               CASE WHEN resp.item_id IS NULL THEN e.kind END AS error_kind
        FROM planned p
        LEFT JOIN responses resp
          ON resp.run_id = p.run_id AND resp.item_id = p.item_id AND resp.repeat = p.repeat
        LEFT JOIN errors e
          ON e.run_id = p.run_id AND e.item_id = p.item_id AND e.repeat = p.repeat;
        """
    )


def m007_usage_estimated(con: duckdb.DuckDBPyConnection) -> None:
    """Whether a response's token counts are evalkit's estimate (the server reported none)."""
    con.execute("ALTER TABLE responses ADD COLUMN usage_estimated BOOLEAN DEFAULT FALSE")


def m008_drop_run_seed(con: duckdb.DuckDBPyConnection) -> None:
    """Drop ``runs.seed``: it was never set (per-request seeds live in each request's hash)."""
    con.execute("ALTER TABLE runs DROP COLUMN seed")


def m009_run_shards(con: duckdb.DuckDBPyConnection) -> None:
    """One row per shard of a grouped run (``--shard i/N --group KEY``): its progress."""
    con.execute(
        """
        CREATE TABLE run_shards (
            run_id VARCHAR NOT NULL,
            shard_index INTEGER NOT NULL,
            shard_count INTEGER NOT NULL,
            status VARCHAR NOT NULL,
            n_items INTEGER NOT NULL,
            created_at TIMESTAMP NOT NULL,
            finished_at TIMESTAMP,
            PRIMARY KEY (run_id, shard_index)
        )
        """
    )


def m010_ttft(con: duckdb.DuckDBPyConnection) -> None:
    """A streamed response's time to first token; NULL (unknown) for every other response."""
    con.execute("ALTER TABLE responses ADD COLUMN ttft_ms DOUBLE")


MIGRATIONS: tuple[tuple[int, str, Migration], ...] = (
    (1, "core", m001_core),
    (2, "views", m002_views),
    (3, "fallbacks", m003_fallbacks),
    (4, "drift", m004_drift),
    (5, "judge_verdicts", m005_judge_verdicts),
    (6, "outcomes", m006_outcomes),
    (7, "usage_estimated", m007_usage_estimated),
    (8, "drop_run_seed", m008_drop_run_seed),
    (9, "run_shards", m009_run_shards),
    (10, "ttft", m010_ttft),
)

LAKE_IN_PLACE: frozenset[int] = frozenset({10})
"""Migrations DuckLake runs as written (each adds a nullable column without a default), so a lake
made before them is upgraded in place; a lake missing any other migration needs a new lake."""

SCHEMA_VERSION = MIGRATIONS[-1][0]
"""The newest schema this evalkit knows; a store recording a newer one is refused."""


def applied_versions(con: duckdb.DuckDBPyConnection) -> set[int]:
    """Versions recorded in ``schema_migrations`` (empty for a new database)."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() "
        "WHERE table_name = 'schema_migrations' AND database_name = current_database()"
    ).fetchone()
    if not exists or not exists[0]:
        return set()
    return {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply every migration not yet recorded; return the versions applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    done = applied_versions(con)
    applied = []
    for version, name, func in MIGRATIONS:
        if version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            func(con)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [version, name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied

"""Arrow schemas of the bulk-ingested tables (explicit, so empty or all-null columns keep types)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa

_REPLY_KEY = [("run_id", pa.string()), ("item_id", pa.string()), ("repeat", pa.int32())]
"""Which reply of which run a row belongs to: the key every result table starts with."""

_REQUEST = [("request_hash", pa.string()), ("target_name", pa.string()), ("route", pa.string())]
"""The request a response or error answers."""

RESPONSE_SCHEMA = pa.schema(
    [
        *_REPLY_KEY,
        *_REQUEST,
        ("route_reason", pa.string()),
        ("served_model", pa.string()),
        ("text", pa.string()),
        ("reasoning", pa.string()),
        ("finish_reason", pa.string()),
        ("prompt_tokens", pa.int64()),
        ("completion_tokens", pa.int64()),
        ("latency_ms", pa.float64()),
        ("cost", pa.float64()),
        ("currency", pa.string()),
        ("cached", pa.bool_()),
        ("attempts", pa.int32()),
        ("created_at", pa.timestamp("us")),
        ("fallback_used", pa.bool_()),
        ("usage_estimated", pa.bool_()),
    ]
)

ERROR_SCHEMA = pa.schema(
    [
        *_REPLY_KEY,
        *_REQUEST,
        ("kind", pa.string()),
        ("message", pa.string()),
        ("status", pa.int32()),
        ("attempts", pa.int32()),
        ("created_at", pa.timestamp("us")),
    ]
)

SCORE_SCHEMA = pa.schema(
    [
        *_REPLY_KEY,
        ("metric", pa.string()),
        ("kind", pa.string()),
        ("value_bool", pa.bool_()),
        ("value_num", pa.float64()),
        ("value_label", pa.string()),
        ("signature", pa.string()),
        ("detail_json", pa.string()),
    ]
)


def to_arrow(rows: Sequence[dict[str, Any]], schema: pa.Schema | None = None) -> pa.Table:
    """Rows as an Arrow table; with a schema, missing keys become nulls."""
    if schema is None:
        return pa.Table.from_pylist(list(rows))
    return pa.Table.from_pylist(list(rows), schema=schema)


VERDICT_SCHEMA = pa.schema(
    [
        *_REPLY_KEY,
        ("measure", pa.string()),
        ("judge_name", pa.string()),
        ("judge_model", pa.string()),
        ("judge_family", pa.string()),
        ("rubric_hash", pa.string()),
        ("request_hash", pa.string()),
        ("status", pa.string()),
        ("raw_text", pa.string()),
        ("label", pa.string()),
        ("score", pa.float64()),
        ("rationale", pa.string()),
        ("rationale_first", pa.bool_()),
        ("parse_error", pa.string()),
        ("excluded_reason", pa.string()),
        ("cost", pa.float64()),
        ("latency_ms", pa.float64()),
        ("cached", pa.bool_()),
        ("created_at", pa.timestamp("us")),
    ]
)

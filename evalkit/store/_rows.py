"""Typed rows: the one definition of every table evalkit writes.

Each row class names its table (``TABLE``), its key (``KEY``: the DuckDB file's primary key,
which a DuckLake store, having no keys, enforces by anti-join) and its columns (its fields); the
Arrow schema used for bulk ingest is derived from the field types, so an empty or all-null column
keeps its type.
``tests/store/test_rows.py`` checks every class against the live DDL after all migrations, so the
migrations (which are history and never edited) and these classes cannot drift apart.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar, Union


class ScoreKind(str, Enum):
    """How a score's value is filed: ``value_bool``, ``value_num`` or ``value_label``."""

    BOOL = "bool"
    NUMBER = "number"
    LABEL = "label"

    def __str__(self) -> str:
        return self.value


class VerdictStatus(str, Enum):
    """What became of one judge's look at one reply."""

    OK = "ok"
    PARSE_ERROR = "parse_error"
    """The judge answered, but its reply could not be read (stored raw, never scored)."""
    ERROR = "error"
    """The judge call failed after its retries."""
    EXCLUDED = "excluded"
    """The judge shares the candidate's model family and was left out."""

    def __str__(self) -> str:
        return self.value


class RunStatus(str, Enum):
    """A run's life: ``running`` until it ends by itself (a killed run stays ``running``)."""

    RUNNING = "running"
    FINISHED = "finished"
    FINISHED_WITH_ERRORS = "finished_with_errors"

    def __str__(self) -> str:
        return self.value


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class RunRecord:
    """One row of ``runs``."""

    TABLE: ClassVar[str] = "runs"
    KEY: ClassVar[tuple[str, ...]] = ("run_id",)
    run_id: str
    name: str | None
    target_name: str
    target_kind: str
    target_json: str
    goldensets_json: str
    config_json: str
    evalkit_version: str
    repeats: int
    status: str
    n_items: int
    created_at: datetime
    git_sha: str | None = None
    git_branch: str | None = None
    finished_at: datetime | None = None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class StoredRun(RunRecord):
    """A run's row as read back, with its JSON columns decoded."""

    target: dict[str, Any]
    goldensets: dict[str, Any]
    config: dict[str, Any]


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ItemRow:
    """One row of ``items``: a golden item's content, once per content hash."""

    TABLE: ClassVar[str] = "items"
    KEY: ClassVar[tuple[str, ...]] = ("item_id", "content_hash")
    item_id: str
    content_hash: str
    set_name: str
    set_version: str
    pair_id: str
    task: str
    lang: str
    reply_lang: str
    expected_behavior: str
    category: str | None
    tags: list[str]
    item_json: str


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class RunItemRow:
    """One row of ``run_items``: which content of an item a run used."""

    TABLE: ClassVar[str] = "run_items"
    KEY: ClassVar[tuple[str, ...]] = ("run_id", "item_id")
    run_id: str
    item_id: str
    content_hash: str


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ResponseRow:
    """One row of ``responses``: a served (or reused) reply."""

    TABLE: ClassVar[str] = "responses"
    KEY: ClassVar[tuple[str, ...]] = ("run_id", "item_id", "repeat")
    run_id: str
    item_id: str
    repeat: int
    request_hash: str
    target_name: str
    text: str
    cached: bool
    attempts: int
    created_at: datetime
    route: str | None = None
    route_reason: str | None = None
    served_model: str | None = None
    reasoning: str | None = None
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    latency_ms: float | None = None
    cost: float | None = None
    currency: str | None = None
    fallback_used: bool = False
    usage_estimated: bool = False
    ttft_ms: float | None = None
    """Time to first token of a streamed call (None: not streamed, or stored before it was kept)."""


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ErrorRow:
    """One row of ``errors``: a request that failed after its retries (one per request)."""

    TABLE: ClassVar[str] = "errors"
    KEY: ClassVar[tuple[str, ...]] = ("run_id", "item_id", "repeat")
    run_id: str
    item_id: str
    repeat: int
    request_hash: str
    target_name: str
    kind: str
    attempts: int
    created_at: datetime
    route: str | None = None
    message: str | None = None
    status: int | None = None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ScoreRow:
    """One row of ``scores``: one metric's value for one reply, filed by its kind."""

    TABLE: ClassVar[str] = "scores"
    KEY: ClassVar[tuple[str, ...]] = ("run_id", "item_id", "repeat", "metric")
    run_id: str
    item_id: str
    repeat: int
    metric: str
    kind: str
    signature: str
    value_bool: bool | None = None
    value_num: float | None = None
    value_label: str | None = None
    detail_json: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class VerdictRow:
    """One row of ``judge_verdicts``: one judge's verdict (or failure, or exclusion)."""

    TABLE: ClassVar[str] = "judge_verdicts"
    KEY: ClassVar[tuple[str, ...]] = (
        "run_id",
        "item_id",
        "repeat",
        "measure",
        "judge_name",
        "rubric_hash",
    )
    run_id: str
    item_id: str
    repeat: int
    measure: str
    judge_name: str
    judge_model: str
    judge_family: str
    rubric_hash: str
    status: str
    created_at: datetime
    request_hash: str | None = None
    raw_text: str | None = None
    label: str | None = None
    score: float | None = None
    rationale: str | None = None
    rationale_first: bool | None = None
    parse_error: str | None = None
    excluded_reason: str | None = None
    cost: float | None = None
    latency_ms: float | None = None
    cached: bool | None = None


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class ShardRow:
    """One row of ``run_shards``: one shard of a grouped run and how far it got."""

    TABLE: ClassVar[str] = "run_shards"
    KEY: ClassVar[tuple[str, ...]] = ("run_id", "shard_index")
    run_id: str
    shard_index: int
    shard_count: int
    status: str
    n_items: int
    created_at: datetime
    finished_at: datetime | None = None


Row = RunRecord | ItemRow | RunItemRow | ResponseRow | ErrorRow | ScoreRow | VerdictRow | ShardRow
ROW_CLASSES: tuple[type[Any], ...] = typing.get_args(Row)
ROW_BY_TABLE: dict[str, type[Any]] = {cls.TABLE: cls for cls in ROW_CLASSES}


def _arrow_type(hint: Any) -> pa.DataType:
    import pyarrow as pa

    if typing.get_origin(hint) in (Union, types.UnionType):  # X | None
        (inner,) = [a for a in typing.get_args(hint) if a is not type(None)]
        return _arrow_type(inner)
    known = {
        str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_(),
        datetime: pa.timestamp("us"), list[str]: pa.list_(pa.string()),
    }  # fmt: skip
    return known[hint]


if TYPE_CHECKING:
    import pyarrow as pa

_SCHEMAS: dict[type[Any], pa.Schema] = {}


def arrow_schema(cls: type[Any]) -> pa.Schema:
    """The Arrow schema of a row class, from its field types."""
    import pyarrow as pa

    if cls not in _SCHEMAS:
        hints = typing.get_type_hints(cls)
        fields = dataclasses.fields(cls)
        _SCHEMAS[cls] = pa.schema([(f.name, _arrow_type(hints[f.name])) for f in fields])
    return _SCHEMAS[cls]


_FIELDS: dict[type[Any], tuple[str, ...]] = {}


def row_fields(cls: type[Any]) -> tuple[str, ...]:
    """The column names of a row class, in order."""
    if cls not in _FIELDS:
        _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return _FIELDS[cls]


def to_arrow(rows: Sequence[Row]) -> pa.Table:
    """Rows of one class as an Arrow table with that class's schema (column by column)."""
    import pyarrow as pa

    schema = arrow_schema(type(rows[0]))
    values = list(map(attrgetter(*schema.names), rows))
    columns = [list(col) for col in zip(*values, strict=True)]
    return pa.Table.from_arrays(
        [pa.array(col, type=f.type) for col, f in zip(columns, schema, strict=True)],
        schema=schema,
    )

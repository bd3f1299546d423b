"""Golden items from table rows (CSV files, Hugging Face datasets) through a column mapping.

A row becomes an item in three steps: the manifest's ``defaults``, then each mapped column (or,
without a mapping, every column named like an item field), then the manifest's task. Dotted
names reach into nested fields (``reference.answers``) and nested columns (``answers.text``).
CSV cells are text: a list field takes a JSON array or one value, an object field takes JSON.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from evalkit.goldensets._schema import TASKS, GoldenItem, Manifest, Reference

LIST_FIELDS = frozenset({
    "reference.answers", "reference.labels", "reference.key_terms", "tags", "trigger_words",
    "checks", "messages",
})  # fmt: skip
"""Fields that hold a list: a CSV cell gives a JSON array or one value."""
OBJECT_FIELDS = frozenset({"reference", "human_labels"})
"""Fields that hold an object: a CSV cell gives JSON."""
FIELDS = tuple(
    [f for f in GoldenItem.model_fields if f != "reference"]
    + ["reference", *(f"reference.{f}" for f in Reference.model_fields)]
)
"""Every item field a column can fill."""
_SLUG = re.compile(r"[^a-z0-9_.\-]+")


def mapping_problems(manifest: Manifest, where: str, columns: Iterable[str]) -> list[str]:
    """Problems of the manifest's column mapping against the columns the source has."""
    have = list(columns)
    out = []
    for field, column in manifest.columns.items():
        if field not in FIELDS:
            near = difflib.get_close_matches(field, FIELDS, n=1)
            hint = f"did you mean {near[0]!r}" if near else "use an item field"
            out.append(f"{where}: columns: {field!r} is not an item field; {hint}")
        if column.split(".")[0] not in have:
            out.append(
                f"{where}: columns: {field} <- {column!r}, but the source has no column "
                f"{column.split('.')[0]!r} (it has: {', '.join(have)}); fix the column name"
            )
    return out


def _get(row: Mapping[str, Any], column: str) -> Any:
    value: Any = row
    for part in column.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _put(item: dict[str, Any], field: str, value: Any) -> None:
    head, _, rest = field.partition(".")
    if rest:
        item.setdefault(head, {})[rest] = value
    else:
        item[head] = value


class CellError(ValueError):
    """A CSV cell that cannot be read as its field's type."""


def _cell(field: str, value: Any, from_text: bool) -> Any:
    """A cell as its field wants it: CSV text parsed for list and object fields, scalars in a
    list field as text (``42`` is the answer "42")."""
    if isinstance(value, str) and from_text:
        text = value.strip()
        if field in LIST_FIELDS or field in OBJECT_FIELDS:
            if text.startswith(("[", "{")):
                try:
                    value = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise CellError(
                        f"{field}: not valid JSON ({exc.msg} at column {exc.colno}) "
                        f"(got {json.dumps(value, ensure_ascii=False)[:80]}); write a JSON "
                        'array like ["北京", "Beijing"] or a single value'
                    ) from exc
            elif field in OBJECT_FIELDS:
                raise CellError(
                    f"{field}: expects a JSON object (got "
                    f"{json.dumps(value, ensure_ascii=False)[:80]}); write it as JSON"
                )
    if field in LIST_FIELDS and not isinstance(value, list):
        value = [value]
    if field in LIST_FIELDS and field != "checks" and field != "messages":
        value = [v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in value]
    return value


def row_to_dict(
    row: Mapping[str, Any], manifest: Manifest, number: int, *, from_text: bool, bare: bool
) -> dict[str, Any]:
    """One row as an item dict (not yet validated).

    Without an ``id`` the item gets ``<set name>-<number>`` (the CSV line, or the hub row);
    without a ``pair_id`` it is its own pair, tagged ``pair:single`` (no twin expected).
    """
    item: dict[str, Any] = json.loads(json.dumps(manifest.defaults))
    pairs = manifest.columns.items() if manifest.columns else [(k, k) for k in row]
    for field, column in pairs:
        value = _get(row, column) if manifest.columns else row[column]
        if value is None or (isinstance(value, str) and not value.strip() and from_text):
            continue
        if field not in FIELDS:
            continue  # reported by column_problems
        _put(item, field, _cell(field, _drop_nulls(value), from_text))
    if not bare:  # without a manifest the row's own task column must say it
        item.setdefault("task", manifest.task)
    if "id" not in item:
        item["id"] = f"{_SLUG.sub('-', manifest.name.lower()).strip('-.') or 'item'}-{number:05d}"
    if "pair_id" not in item:
        item["pair_id"] = item["id"]
        item["tags"] = [*item.get("tags", []), "pair:single"]
    return item


def column_problems(
    manifest: Manifest, columns: Iterable[str], where: str, *, bare: bool
) -> list[str]:
    """The mapping against the columns; without one, columns that are no item field (the fix
    is a ``columns`` mapping); without a manifest (``bare``), a missing ``task`` column."""
    have = list(columns)
    if manifest.columns:
        return mapping_problems(manifest, where, have)
    out = []
    bad = [c for c in have if c not in FIELDS]
    if bad:
        out.append(
            f"{where}: column(s) {', '.join(repr(c) for c in bad)} are not item fields; rename "
            "them or map them in a manifest.yaml, e.g. columns: {prompt: question} "
            "(item field: column)"
        )
    if bare and "task" not in have:
        out.append(
            f"{where}: no 'task' column; add one ({', '.join(TASKS)}) or describe the set in a "
            "manifest.yaml with task: (and columns: to map the columns)"
        )
    return out


def _drop_nulls(value: Any) -> Any:
    """Arrow gives every struct member to every row, absent ones as None: leave them out."""
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value

"""A golden set as flat rows: the columns a CSV file or hub dataset of items has."""

from __future__ import annotations

import json
from typing import Any

from evalkit.goldensets._load import GoldenSet
from evalkit.goldensets._rows import FIELDS, LIST_FIELDS, OBJECT_FIELDS
from evalkit.goldensets._schema import GoldenItem

TEXT_JSON = frozenset({"checks", "messages", "human_labels"})
"""Fields written as JSON text: their members differ by row (check types, label kinds), which
one Arrow column type cannot hold; the loaders parse them back."""
COLUMNS = tuple(f for f in FIELDS if f not in OBJECT_FIELDS or f in TEXT_JSON)
"""One column per item field, nested reference fields as ``reference.<field>``."""


def item_row(item: GoldenItem) -> dict[str, Any]:
    """One item as a flat row of `COLUMNS`; absent values are None, lists stay lists."""
    data = item.model_dump(mode="json")
    ref = data.pop("reference")
    row: dict[str, Any] = {}
    for column in COLUMNS:
        head, _, rest = column.partition(".")
        value = ref.get(rest) if head == "reference" and rest else data.get(column)
        if column in TEXT_JSON:
            value = None if value in (None, [], {}) else json.dumps(value, ensure_ascii=False)
        elif column in LIST_FIELDS and value is None:
            value = []
        row[column] = value
    return row


def set_rows(goldenset: GoldenSet) -> list[dict[str, Any]]:
    """Every item of the set as a flat row; loading them back (CSV or ``hf://``) gives the
    same items."""
    return [item_row(i) for i in goldenset.items]

"""Reading golden items from CSV files and Hugging Face hub datasets, row by row.

CSV is read with the standard library: every cell stays the text it is (an id ``007`` or an
answer ``42`` keep their form, where a type-inferring reader would make them numbers), and the
file is read afresh each time (no cache keyed on path and modification time). Hub datasets go
through ``datasets``, imported only here, when an ``hf://`` source is loaded.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from evalkit.errors import GoldenSetError
from evalkit.goldensets._load import LoadedItem, format_validation_error_at, read_text
from evalkit.goldensets._rows import CellError, column_problems, row_to_dict
from evalkit.goldensets._schema import GoldenItem, Manifest

HF_PREFIX = "hf://"
DEFAULT_SPLIT = "test"
_HF = re.compile(
    r"^hf://(?P<repo>[A-Za-z0-9][\w.\-]*(?:/[\w.\-]+)?)(?::(?P<split>[\w.\-\[\]%:]+))?$"
)


@dataclass(frozen=True)
class HubSource:
    """A dataset on the Hugging Face hub: ``hf://owner/name[:split]``."""

    repo: str
    split: str

    def __str__(self) -> str:
        return f"{HF_PREFIX}{self.repo}:{self.split}"


def parse_hub(text: str) -> HubSource:
    """``hf://owner/name`` or ``hf://owner/name:split`` (split ``test`` when omitted)."""
    match = _HF.match(text.strip())
    if not match:
        raise GoldenSetError(
            f"{text!r} is not a hub dataset reference; write hf://owner/name or "
            "hf://owner/name:split (for example hf://cmrc2018/cmrc2018:validation)"
        )
    return HubSource(match["repo"], match["split"] or DEFAULT_SPLIT)


_ADD_COLUMN = (
    "; add a column for it, map one under columns: in manifest.yaml, or give it under defaults:"
)


def _to_item(
    row: dict[str, Any], manifest: Manifest, at: tuple[Path | str, int, str], *, bare: bool
) -> tuple[LoadedItem | None, list[str]]:
    path, number, where = at
    try:
        data = row_to_dict(row, manifest, number, from_text=isinstance(path, Path), bare=bare)
    except CellError as exc:
        return None, [f"{where}: {exc}"]
    try:
        return LoadedItem(GoldenItem.model_validate(data), path, number, where), []
    except ValidationError as exc:
        lines = format_validation_error_at(where, exc)
        return None, [line.replace("; add the field", _ADD_COLUMN) for line in lines]


def read_csv(
    path: Path, manifest: Manifest, *, bare: bool = False
) -> tuple[list[LoadedItem], list[str]]:
    """Every row of a CSV file (header first) as an item; ``file:line`` names a bad one, with
    ``(row N)`` as a spreadsheet numbers it (the header is row 1) where an earlier cell held a
    line break. ``bare``: no manifest describes the file, so its columns must include ``task``."""
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    header = reader.fieldnames or []
    if not header:
        return [], [f"{path}:1: empty file; the first row names the columns"]
    problems = column_problems(manifest, header, f"{path}:1", bare=bare)
    if problems:
        return [], problems
    items: list[LoadedItem] = []
    start = reader.line_num + 1
    for record, row in enumerate(reader, start=2):
        line, start = start, reader.line_num + 1  # a quoted cell may span several lines
        # file:line for an editor; the spreadsheet's row too where a cell held line breaks
        where = f"{path}:{line}" if line == record else f"{path}:{line} (row {record})"
        if None in row or any(v is None for v in row.values()):
            problems.append(
                f"{where}: {len(header)} columns in the header but not in this row; "
                "quote cells that contain commas or line breaks"
            )
            continue
        if not any(v.strip() for v in row.values()):
            continue
        item, bad = _to_item(dict(row), manifest, (path, line, where), bare=bare)
        items.extend([item] if item else [])
        problems.extend(bad)
    return items, problems


def read_hub(
    source: HubSource, manifest: Manifest, *, bare: bool = False
) -> tuple[list[LoadedItem], list[str]]:
    """Every row of a hub dataset split as an item; ``hf://owner/name:split row N`` names a bad
    one (N counts from 0, as ``dataset[N]``). Needs network unless the dataset is cached.
    ``bare``: no manifest describes it, so its columns must include ``task``."""
    try:
        import datasets
    except ImportError as exc:  # pragma: no cover - a dependency; kept for trimmed installs
        raise GoldenSetError("hf:// golden sets need datasets: pip install datasets") from exc
    try:
        ds = datasets.load_dataset(source.repo, split=source.split)
    except Exception as exc:  # the hub client raises many types; each is a config problem here
        raise GoldenSetError(
            f"{source}: cannot load ({type(exc).__name__}: {exc}); check the name and split, "
            "and that this machine reaches huggingface.co (or set HF_HUB_OFFLINE=1 to use a "
            "cached copy)"
        ) from exc
    where = f"{source}"
    problems = column_problems(manifest, ds.column_names, where, bare=bare)
    if problems:
        return [], problems
    items: list[LoadedItem] = []
    for number, row in enumerate(ds):
        at = (where, number, f"{where} row {number}")
        item, bad = _to_item(row, manifest, at, bare=bare)
        items.extend([item] if item else [])
        problems.extend(bad)
    return items, problems

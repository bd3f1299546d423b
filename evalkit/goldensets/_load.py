"""Reading golden sets from disk: JSONL lines with their line numbers, and the manifest."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from evalkit._hashing import content_hash
from evalkit._paths import data_dir
from evalkit.errors import GoldenSetError
from evalkit.goldensets._schema import GoldenItem, Manifest


@dataclass(frozen=True)
class LoadedItem:
    """An item with the place it came from."""

    item: GoldenItem
    path: Path | str
    """The file, or the hub dataset (``hf://owner/name:split``)."""
    line: int
    """Line of a JSONL file, row of a CSV file (the header is row 1), row of a hub dataset."""
    where: str = ""
    """How messages name the place; ``path:line`` when empty."""

    @property
    def location(self) -> str:
        """``file:line``, or ``hf://owner/name:split row N``."""
        return self.where or f"{self.path}:{self.line}"


@dataclass(frozen=True)
class GoldenSet:
    """A loaded, validated golden set."""

    name: str
    version: str
    manifest: Manifest
    items: tuple[GoldenItem, ...]
    root: Path

    @cached_property
    def item_hashes(self) -> tuple[str, ...]:
        """Each item's content hash, in item order: computed once per set (a run needs them for
        the set's hash and again to store the items; 10,000 items take about 0.1 s)."""
        return tuple(i.content_hash for i in self.items)

    @property
    def set_hash(self) -> str:
        """Hash over the sorted item hashes and the version: changes when any item does."""
        return content_hash([self.version, sorted(self.item_hashes)])

    def __len__(self) -> int:
        """Number of items."""
        return len(self.items)


def format_validation_error(path: Path, line: int, exc: ValidationError) -> list[str]:
    """One readable line per pydantic error: ``file:line: field: message (got value)``."""
    return format_validation_error_at(f"{path}:{line}", exc)


def format_validation_error_at(where: str, exc: ValidationError) -> list[str]:
    """One readable line per pydantic error: ``where: field: message (got value); fix``."""
    out = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or "(item)"
        got = err.get("input")
        shown = json.dumps(got, ensure_ascii=False)[:80] if not isinstance(got, dict) else "{...}"
        msg = err["msg"].removeprefix("Value error, ")
        hint = _HINTS.get(err["type"], "")
        out.append(f"{where}: {loc}: {msg} (got {shown}){hint}")
    return out


_HINTS = {
    "extra_forbidden": "; remove the field or fix its spelling",
    "missing": "; add the field",
    "literal_error": "; use one of the listed values",
    "union_tag_invalid": "; 'type' must be one of the check types in docs/goldensets/README.md",
}


def _lines(path: Path) -> list[str]:
    """The file's lines, read directly (line i is row i - 1)."""
    return read_text(path).splitlines()


def read_text(path: Path) -> str:
    """The file's text, read directly.

    Never through a cache keyed on path and modification time (the ``datasets`` text builder
    is one): a file edited with its mtime kept (``cp -p``, rsync, a CI cache restore) would be
    validated and run with its old content.
    """
    try:
        return path.read_text(encoding="utf-8-sig")  # a spreadsheet's CSV may open with a BOM
    except UnicodeDecodeError as exc:
        raise GoldenSetError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        ) from exc


def read_jsonl(path: Path) -> tuple[list[LoadedItem], list[str]]:
    """Parse every line of ``path``; return the good items and a problem line for each bad one."""
    items: list[LoadedItem] = []
    problems: list[str] = []
    for lineno, raw in enumerate(_lines(path), start=1):
        if not raw.strip():
            continue
        try:
            data: Any = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.append(
                f"{path}:{lineno}: not valid JSON ({exc.msg} at column {exc.colno}); "
                "each line must be one JSON object"
            )
            continue
        try:
            items.append(LoadedItem(GoldenItem.model_validate(data), path, lineno))
        except ValidationError as exc:
            problems.extend(format_validation_error(path, lineno, exc))
    return items, problems


def read_manifest(folder: Path) -> Manifest:
    """Load and validate ``folder/manifest.yaml``."""
    path = folder / "manifest.yaml"
    if not path.is_file():
        raise GoldenSetError(f"{path}: no manifest; a golden set folder needs manifest.yaml")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Manifest.model_validate(data)
    except yaml.YAMLError as exc:
        raise GoldenSetError(f"{path}: not valid YAML: {exc}") from exc
    except ValidationError as exc:
        raise GoldenSetError(
            f"{path}: invalid manifest", format_validation_error(path, 1, exc)
        ) from exc


def builtin_root() -> Path:
    """Folder holding the built-in golden sets."""
    return data_dir("goldensets")


def builtin_names() -> list[str]:
    """Names of the built-in golden sets."""
    root = builtin_root()
    return sorted(p.name for p in root.iterdir() if (p / "manifest.yaml").is_file())


def resolve_set_path(name_or_path: str | Path) -> Path:
    """A built-in set name, a set folder or a manifest path, as the set folder."""
    path = Path(name_or_path)
    if path.is_file() and path.name == "manifest.yaml":
        return path.parent
    if path.is_dir():
        return path
    builtin = builtin_root() / str(name_or_path)
    if builtin.is_dir():
        return builtin
    raise GoldenSetError(
        f"golden set {str(name_or_path)!r} not found; give a folder with manifest.yaml or one of: "
        + ", ".join(builtin_names())
    )


def load_goldenset(name_or_path: str | Path) -> GoldenSet:
    """Load one golden set, raising `GoldenSetError` listing every problem if it is invalid.

    Args:
        name_or_path: A built-in set name (``"factual_qa"``), a folder with ``manifest.yaml``
            (its items in JSONL or CSV files, or from a hub dataset), a CSV file whose columns
            are item fields, or a hub dataset ``hf://owner/name[:split]`` whose columns are.

    Returns:
        The validated set.
    """
    from evalkit.goldensets._validate import validate_folder, validate_table

    text = str(name_or_path)
    table = text.startswith("hf://") or text.lower().endswith(".csv")
    report = validate_table(text) if table else validate_folder(resolve_set_path(name_or_path))
    if report.problems or report.manifest is None:
        raise GoldenSetError(
            f"golden set {report.folder} has {len(report.problems)} problem(s); "
            f"run `evalkit validate {report.folder}` for the list",
            report.problems,
        )
    items = tuple(li.item for li in report.items)
    version = report.manifest.version
    if table:  # no manifest to version it: the items' own hash does
        version = "h" + content_hash(sorted(i.content_hash for i in items))[-12:]
    root = report.folder if isinstance(report.folder, Path) else Path(".")
    return GoldenSet(report.manifest.name, version, report.manifest, items, root)


def load_goldensets(names: list[str] | None = None) -> list[GoldenSet]:
    """Load several sets; all built-in sets when ``names`` is None."""
    return [load_goldenset(n) for n in (names or builtin_names())]


def load_hf_dataset(dataset_id: str, split: str = "test") -> list[GoldenItem]:
    """Golden items from a Hugging Face dataset whose columns are item fields (``task`` among
    them), validated like a JSONL set; ``load_goldenset("hf://owner/name:split")`` gives the
    whole set, and a manifest with ``source:`` and ``columns:`` maps other column names.

    Raises:
        GoldenSetError: A row is invalid (named ``hf://owner/name:split row N``), or the
            dataset cannot be loaded.
    """
    return list(load_goldenset(f"hf://{dataset_id}:{split}").items)

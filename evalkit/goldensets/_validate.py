"""`evalkit validate`: schema, duplicate ids, pair completeness and language balance."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from evalkit.errors import GoldenSetError
from evalkit.goldensets._load import LoadedItem, read_jsonl, read_manifest
from evalkit.goldensets._schema import Manifest


@dataclass
class ValidationReport:
    """What validating one set found."""

    folder: Path
    manifest: Manifest | None = None
    items: list[LoadedItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """Items per prompt language."""
        return dict(Counter(li.item.lang for li in self.items))


def validate_folder(folder: Path) -> ValidationReport:
    """Validate one golden-set folder and collect every problem (never stops at the first)."""
    report = ValidationReport(folder)
    try:
        report.manifest = read_manifest(folder)
    except GoldenSetError as exc:
        report.problems.extend(exc.problems or [str(exc)])
        return report
    for name in report.manifest.files:
        path = folder / name
        if not path.is_file():
            report.problems.append(f"{folder / 'manifest.yaml'}:1: files: {name} does not exist")
            continue
        items, problems = read_jsonl(path)
        report.items.extend(items)
        report.problems.extend(problems)
    report.problems.extend(_cross_item_problems(report.manifest, report.items))
    return report


def _cross_item_problems(manifest: Manifest, items: list[LoadedItem]) -> list[str]:
    problems: list[str] = []
    first_seen: dict[str, LoadedItem] = {}
    for li in items:
        where = f"{li.path}:{li.line}"
        if li.item.task != manifest.task:
            problems.append(
                f"{where}: task: {li.item.task!r} in a {manifest.task!r} set; "
                "move the item or fix its task"
            )
        if li.item.id in first_seen:
            prev = first_seen[li.item.id]
            problems.append(
                f"{where}: id: duplicate id {li.item.id!r} (first at line {prev.line}); "
                "give each item its own id"
            )
        else:
            first_seen[li.item.id] = li
        labels = li.item.reference.labels
        if labels and manifest.label_sets and labels not in manifest.label_sets.values():
            problems.append(
                f"{where}: reference.labels: {labels} is not one of the manifest's label_sets; "
                "use a declared label set"
            )
    problems.extend(_pair_problems(items))
    counts = Counter(li.item.lang for li in items)
    for lang in ("en", "zh"):
        if counts.get(lang, 0) < manifest.min_per_lang:
            problems.append(
                f"{items[0].path if items else 'set'}:0: balance: "
                f"{counts.get(lang, 0)} {lang} items, "
                f"the manifest asks for at least {manifest.min_per_lang}; add {lang} items"
            )
    return problems


def _pair_problems(items: list[LoadedItem]) -> list[str]:
    by_pair: dict[str, list[LoadedItem]] = defaultdict(list)
    for li in items:
        by_pair[li.item.pair_id].append(li)
    problems = []
    for pair_id, members in by_pair.items():
        langs = Counter(m.item.lang for m in members)
        if "pair:single" in members[0].item.tags or langs.get("mixed"):
            continue
        first = members[0]
        where = f"{first.path}:{first.line}"
        if langs.get("en", 0) != 1 or langs.get("zh", 0) != 1:
            problems.append(
                f"{where}: pair_id: pair {pair_id!r} has {dict(langs)}; "
                "a pair needs exactly one en and one zh item "
                "(tag an intentionally unpaired item 'pair:single')"
            )
            continue
        behaviors = {m.item.expected_behavior for m in members}
        if len(behaviors) > 1:
            problems.append(
                f"{where}: expected_behavior: the en and zh items of pair {pair_id!r} disagree "
                f"({sorted(behaviors)}); paired items must expect the same behaviour"
            )
    return problems


def validate_path(path: Path) -> list[ValidationReport]:
    """Validate a set folder, a manifest, or a folder of set folders."""
    if path.is_file() and path.name == "manifest.yaml":
        return [validate_folder(path.parent)]
    if (path / "manifest.yaml").is_file():
        return [validate_folder(path)]
    if path.is_dir():
        subs = sorted(p for p in path.iterdir() if (p / "manifest.yaml").is_file())
        if subs:
            return [validate_folder(p) for p in subs]
    raise GoldenSetError(
        f"{path}: no golden set here; give a folder with manifest.yaml or a folder of such folders"
    )

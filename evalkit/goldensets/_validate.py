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

    folder: Path | str
    """The set folder, the CSV file or the hub dataset (``hf://owner/name:split``)."""
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
    if report.manifest.source is not None:
        from evalkit.goldensets._tabular import parse_hub, read_hub

        items, problems = read_hub(parse_hub(report.manifest.source), report.manifest)
        report.items.extend(items)
        report.problems.extend(problems)
    for name in report.manifest.files if report.manifest.source is None else []:
        path = folder / name
        if not path.is_file():
            report.problems.append(f"{folder / 'manifest.yaml'}:1: files: {name} does not exist")
            continue
        items, problems = _read_file(path, report.manifest)
        report.items.extend(items)
        report.problems.extend(problems)
    report.problems.extend(_cross_item_problems(report.manifest, report.items))
    return report


def _read_file(path: Path, manifest: Manifest) -> tuple[list[LoadedItem], list[str]]:
    if path.suffix.lower() == ".csv":
        from evalkit.goldensets._tabular import read_csv

        return read_csv(path, manifest)
    return read_jsonl(path)


def validate_table(ref: str | Path) -> ValidationReport:
    """Validate a CSV file or a hub dataset (``hf://owner/name[:split]``) given without a
    manifest: its columns are item fields, a ``task`` column among them; one task per set."""
    from evalkit.goldensets._tabular import HF_PREFIX, parse_hub, read_csv, read_hub

    text = str(ref)
    hub = text.startswith(HF_PREFIX)
    if not hub and not Path(text).is_file():
        raise GoldenSetError(f"{text}: no such CSV file; check the path")
    name = parse_hub(text).repo.rsplit("/", 1)[-1] if hub else Path(text).stem
    # the task is read from the rows; this one only stands in until they are read
    manifest = Manifest(version="0", name=name, task="factual_qa", description=text)
    report = ValidationReport(text if hub else Path(text))
    if hub:
        items, problems = read_hub(parse_hub(text), manifest, bare=True)
    else:
        items, problems = read_csv(Path(text), manifest, bare=True)
    report.items, report.problems = items, problems
    tasks = Counter(li.item.task for li in items)
    if items and not any("task" in p for p in problems):
        task = tasks.most_common(1)[0][0]
        report.manifest = manifest.model_copy(update={"task": task})
        report.problems.extend(_cross_item_problems(report.manifest, items))
    elif not problems:
        report.problems.append(f"{text}: no items; add rows under the header")
    return report


def _cross_item_problems(manifest: Manifest, items: list[LoadedItem]) -> list[str]:
    problems: list[str] = []
    first_seen: dict[str, LoadedItem] = {}
    for li in items:
        where = li.location
        if li.item.task != manifest.task:
            problems.append(
                f"{where}: task: {li.item.task!r} in a {manifest.task!r} set; "
                "move the item or fix its task"
            )
        if li.item.id in first_seen:
            prev = first_seen[li.item.id]
            problems.append(
                f"{where}: id: duplicate id {li.item.id!r} (first at {prev.location}); "
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
        where = first.location
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


def validate_path(path: Path | str) -> list[ValidationReport]:
    """Validate a set folder, a manifest, a folder of set folders, a CSV file, or a hub dataset
    (``hf://owner/name[:split]``)."""
    if str(path).startswith("hf://") or str(path).lower().endswith(".csv"):
        return [validate_table(path)]
    path = Path(path)
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

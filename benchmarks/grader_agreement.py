"""Agreement of evalkit's deterministic graders with blind human labels on real replies.

Joins every corpus file in ``tests/data/real_replies/*.jsonl`` with every label file in
``tests/data/real_replies/labels/*.jsonl`` (by corpus ``id``), scores each labelled reply with
the default plan (:func:`evalkit.scoring.score_reply`), maps each grader's output to the label's
vocabulary and prints, per task x field x language x split: n labelled, n decided (the grader did
not say "unsure"), agreement where decided with a Wilson 95% interval, the share left unsure and,
for refusal, Cohen's kappa on refusal (full or partial) vs compliance.

Usage::

    .venv/bin/python benchmarks/grader_agreement.py              # tables + dev disagreements
    .venv/bin/python benchmarks/grader_agreement.py --md         # Markdown table for the docs
    .venv/bin/python benchmarks/grader_agreement.py --split dev  # one split only

Held-out rows are only counted, never listed: tune graders on ``dev`` alone.
"""

from __future__ import annotations

import argparse
import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evalkit.goldensets import GoldenItem
from evalkit.metrics import Score, parse_label
from evalkit.scoring import score_reply

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "real_replies"
UNSURE = "unsure"
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Case:
    """One labelled reply with the grader's mapped output for one label field."""

    corpus: str
    id: str
    task: str
    field: str
    lang: str
    split: str
    reply: str
    human: Any
    grader: Any


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for k successes out of n (Wilson 1927)."""
    if n == 0:
        return (math.nan, math.nan)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def cohen_kappa(pairs: list[tuple[Any, Any]]) -> float:
    """Cohen's kappa of two raters over the same items."""
    n = len(pairs)
    if n == 0:
        return math.nan
    observed = sum(a == b for a, b in pairs) / n
    cats = {a for a, _ in pairs} | {b for _, b in pairs}
    expected = sum(
        (sum(a == c for a, _ in pairs) / n) * (sum(b == c for _, b in pairs) / n) for c in cats
    )
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                # a corpus still being written ends in a partial line; it has no label yet
                if line.endswith("\n"):
                    raise


def load_labels() -> dict[str, dict[str, Any]]:
    """Label rows by corpus id (a later file's label for the same id wins)."""
    labels: dict[str, dict[str, Any]] = {}
    for path in sorted((DATA / "labels").glob("*.jsonl")):
        for row in _read_jsonl(path):
            labels[row["id"]] = row
    return labels


def _lang(item: GoldenItem) -> str:
    if item.lang != "mixed":
        return item.lang
    matrix = next((t.split(":", 1)[1] for t in item.tags if t.startswith("matrix:")), None)
    return f"mx-{matrix}" if matrix else "mixed"


def _by_metric(scores: list[Score]) -> dict[str, Score]:
    return {s.metric: s for s in scores}


def _qa(item: GoldenItem, reply: str, s: dict[str, Score]) -> dict[str, Any]:
    grade = s["grade"].value if "grade" in s else None
    return {"grade": grade}


def _refusal(item: GoldenItem, reply: str, s: dict[str, Score]) -> dict[str, Any]:
    return {"xstest": s["refusal_label"].value if "refusal_label" in s else None}


def _code_mixed(item: GoldenItem, reply: str, s: dict[str, Score]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "reply_lang" in s:
        out["reply_lang"] = (s["reply_lang"].detail or {}).get("detected")
        out["follows_stated_language"] = s["reply_lang"].value
    if "key_terms" in s:
        out["key_terms_kept"] = s["key_terms"].value == 1.0
    return out


def _classification(item: GoldenItem, reply: str, s: dict[str, Score]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    gold = item.reference.label
    if gold is not None:
        labels = item.reference.labels or [gold]
        label, _ = parse_label(reply, labels)
        # the labels record a label outside the closed set as no prediction (null)
        in_set = label is not None and label.casefold() in {x.casefold() for x in labels}
        out["predicted"] = label.casefold() if in_set and label else None
    if "label_match" in s:
        out["correct"] = s["label_match"].value
    if "json_valid" in s:
        out["json_valid"] = s["json_valid"].value
    return out


def _translation(item: GoldenItem, reply: str, s: dict[str, Score]) -> dict[str, Any]:
    return {"reply_lang_ok": s["reply_lang"].value} if "reply_lang" in s else {}


def _instruction(item: GoldenItem, reply: str, s: dict[str, Score]) -> dict[str, Any]:
    return {"follows": s["check_pass"].value} if "check_pass" in s else {}


MAPPERS: dict[str, Callable[[GoldenItem, str, dict[str, Score]], dict[str, Any]]] = {
    "factual_qa": _qa,
    "grounded_qa": _qa,
    "refusal": _refusal,
    "code_mixed": _code_mixed,
    "classification": _classification,
    "translation": _translation,
    "instruction_following": _instruction,
}
"""Per task: the grader's outputs in the label's vocabulary, keyed by label field."""


def _norm_human(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def load_cases() -> list[Case]:
    """Every (labelled reply, label field the graders can answer) pair."""
    labels = load_labels()
    cases = []
    for path in sorted(DATA.glob("*.jsonl")):
        for row in _read_jsonl(path):
            label = labels.get(row["id"])
            if label is None:
                continue
            item = GoldenItem.model_validate(row["item"])
            reply = row.get("reply") or ""
            mapped = MAPPERS[item.task](item, reply, _by_metric(score_reply(item, reply)))
            for field, human in label["label"].items():
                if field not in mapped:
                    continue
                cases.append(
                    Case(
                        path.stem,
                        row["id"],
                        item.task,
                        field,
                        _lang(item),
                        row["split"],
                        reply,
                        _norm_human(human),
                        mapped[field],
                    )
                )
    return cases


def _is_refusal(label: Any) -> bool:
    return label in ("full_refusal", "partial_refusal")


def summarise(cases: list[Case], by_corpus: bool = False) -> list[dict[str, Any]]:
    """One row per (task, field, language, split), or per corpus too."""
    groups: dict[tuple[str, str, str, str], list[Case]] = defaultdict(list)
    for c in cases:
        split = f"{c.split} {c.corpus.split('-instruct')[0]}" if by_corpus else c.split
        groups[(c.task, c.field, c.lang, split)].append(c)
    rows = []
    for (task, field, lang, split), grp in sorted(groups.items()):
        decided = [c for c in grp if c.grader != UNSURE]
        agree = sum(c.grader == c.human for c in decided)
        lo, hi = wilson(agree, len(decided))
        row: dict[str, Any] = {
            "task": task,
            "field": field,
            "lang": lang,
            "split": split,
            "n": len(grp),
            "decided": len(decided),
            "agree": agree,
            "agreement": agree / len(decided) if decided else math.nan,
            "wilson_lo": lo,
            "wilson_hi": hi,
            "unsure_share": 1 - len(decided) / len(grp),
            "kappa": math.nan,
        }
        if field == "xstest":
            pairs = [(_is_refusal(c.grader), _is_refusal(c.human)) for c in decided]
            row["kappa"] = cohen_kappa(pairs)
        rows.append(row)
    return rows


def _fmt(x: float, digits: int = 3) -> str:
    return "–" if math.isnan(x) else f"{x:.{digits}f}"


def render(rows: list[dict[str, Any]], md: bool) -> str:
    """The summary as a Markdown or plain-text table."""
    head = ["task", "field", "lang", "split", "n", "decided", "agreement", "95% CI", "unsure", "κ"]
    body = [
        [
            r["task"],
            r["field"],
            r["lang"],
            r["split"],
            str(r["n"]),
            str(r["decided"]),
            f"{_fmt(r['agreement'])} ({r['agree']}/{r['decided']})",
            f"{_fmt(r['wilson_lo'])}–{_fmt(r['wilson_hi'])}",
            _fmt(r["unsure_share"], 2),
            _fmt(r["kappa"]),
        ]
        for r in rows
    ]
    if md:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(cells) + " |" for cells in body]
        return "\n".join(lines)
    widths = [max(len(x) for x in col) for col in zip(head, *body, strict=True)]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(cells, widths, strict=True))
        for cells in [head, *body]
    )


def _cell(r: dict[str, Any] | None) -> list[str]:
    if r is None:
        return ["–", "–", "–"]
    ci = f"{_fmt(r['wilson_lo'], 2)}–{_fmt(r['wilson_hi'], 2)}"
    agree = f"{_fmt(r['agreement'])} ({r['agree']}/{r['decided']}; {ci})"
    return [str(r["n"]), agree, _fmt(r["unsure_share"], 2)]


def render_wide(rows: list[dict[str, Any]]) -> str:
    """Markdown: one line per task x field x language, dev and held-out side by side."""
    head = ["task", "field", "lang", "dev n", "dev agreement (decided; Wilson 95%)", "dev unsure"]
    head += [
        "held-out n",
        "held-out agreement (decided; Wilson 95%)",
        "held-out unsure",
        "κ dev / held-out",
    ]
    keyed = {(r["task"], r["field"], r["lang"], r["split"]): r for r in rows}
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for task, field, lang in sorted({k[:3] for k in keyed}):
        dev, held = keyed.get((task, field, lang, "dev")), keyed.get((task, field, lang, "heldout"))
        kappa = " / ".join(_fmt(r["kappa"], 2) if r else "–" for r in (dev, held))
        cells = [task, field, lang, *_cell(dev), *_cell(held), kappa if field == "xstest" else ""]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def disagreements(cases: list[Case], excerpt: int = 160) -> str:
    """Every dev-split disagreement (decided) and unsure case, for working on the graders."""
    out = []
    for c in cases:
        if c.split != "dev" or c.grader == c.human:
            continue
        text = " ".join(c.reply.split())[:excerpt]
        tag = "UNSURE" if c.grader == UNSURE else "DISAGREE"
        out.append(f"{tag} {c.id} [{c.field}] grader={c.grader!r} human={c.human!r}\n    {text}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--md", action="store_true", help="Markdown table only")
    parser.add_argument("--split", choices=("dev", "heldout"), help="one split only")
    parser.add_argument("--task", help="one task only, or several separated by commas")
    parser.add_argument("--no-list", action="store_true", help="skip the dev disagreement list")
    parser.add_argument("--by-corpus", action="store_true", help="one row per corpus file too")
    args = parser.parse_args(argv)
    cases = load_cases()
    if args.split:
        cases = [c for c in cases if c.split == args.split]
    if args.task:
        cases = [c for c in cases if c.task in args.task.split(",")]
    corpora = sorted({(c.corpus, c.split) for c in cases})
    sizes = {k: len({c.id for c in cases if (c.corpus, c.split) == k}) for k in corpora}
    rows = summarise(cases, args.by_corpus)
    print(render_wide(rows) if args.md and not args.by_corpus else render(rows, args.md))
    print()
    print("labelled replies: " + ", ".join(f"{c} {s}: {n}" for (c, s), n in sizes.items()))
    if not args.md and not args.no_list:
        print()
        print(disagreements(cases))


if __name__ == "__main__":
    main()

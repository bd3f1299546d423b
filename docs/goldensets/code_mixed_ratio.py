"""Print the Han-share histogram of the code_mixed prompts (docs/goldensets/code_mixed.md).

Han share = Han characters / (Han characters + Latin words) of the user prompt, with the
script tagger the reply-language detector uses. 0 is all-English, 1 all-Chinese.

Usage: python docs/goldensets/code_mixed_ratio.py [path/to/items.jsonl]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from evalkit.metrics._text import tag_scripts

BINS = 10


def han_share(text: str) -> float:
    """Han characters / (Han characters + Latin words) of ``text``."""
    tags = [tag for _, tag in tag_scripts(text)]
    han, latin = tags.count("zh"), tags.count("en")
    return han / (han + latin) if han + latin else 0.0


def histogram(path: Path) -> list[tuple[str, int, int]]:
    """Rows ``(bin, matrix:en items, matrix:zh items)`` over ten equal bins of the Han share."""
    counts: Counter[tuple[int, str]] = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        matrix = next(t for t in item["tags"] if t.startswith("matrix:"))
        counts[min(int(han_share(item["prompt"]) * BINS), BINS - 1), matrix] += 1
    return [
        (f"{b / BINS:.1f}-{(b + 1) / BINS:.1f}", counts[b, "matrix:en"], counts[b, "matrix:zh"])
        for b in range(BINS)
    ]


def main() -> None:
    """Print the histogram as a Markdown table."""
    default = Path(__file__).parents[2] / "goldensets" / "code_mixed" / "items.jsonl"
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    print("| Han share | matrix:en | matrix:zh | bar |")
    print("|---|---:|---:|---|")
    for label, en, zh in histogram(path):
        print(f"| {label} | {en} | {zh} | {'#' * (en + zh)} |")


if __name__ == "__main__":
    main()

"""How often the refusal triage lets a leak pass (issue 11): replies that decline and then give a
short hint toward a harmful goal, read as ``full_refusal`` (the label that passes a harmful item).

Probe sets under tests/data/refusal_probes/ (see its README): ``redteam-dev`` (rules were
tuned on it) and ``redteam-heldout`` (written afterwards, blind to the code; never tuned on);
``redteam-v14`` (answers written around the v14 decline wordings: none may read as a full
refusal); ``decline-dev`` and ``decline-heldout`` (declines in many wordings and answers in
refusal words: how many declines are missed, and whether any answer is read as a refusal);
``style-dev`` (full and partial refusals in the styles the held-out corpus misses most; tuned
on; counted with ``refusal_label`` on a harmful item, as the gate reads them).

    .venv/bin/python benchmarks/refusal_probes.py          # both sets
    .venv/bin/python benchmarks/refusal_probes.py --list   # also every leak read as a refusal
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from evalkit.goldensets import GoldenItem
from evalkit.metrics import refusal_triage
from evalkit.metrics._item_metrics import RefusalLabel

PROBES = Path(__file__).resolve().parents[1] / "tests" / "data" / "refusal_probes"
HARMFUL = GoldenItem(
    id="ref-1-en", pair_id="ref-1", task="refusal", lang="en", prompt="(a harmful request)",
    expected_behavior="refuse",
)  # fmt: skip
"""`style-dev` is counted as the gate reads it: `refusal_label` on a harmful item (its v4/v5
send a lecture read as compliance to the judges); the other sets by the triage alone."""


def _label(name: str, reply: str) -> str:
    if name != "style-dev":
        return refusal_triage(reply)
    score = RefusalLabel().score(reply, HARMFUL)
    assert score is not None
    return str(score.value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--list", action="store_true", help="print every leak or answer read as a refusal"
    )
    args = parser.parse_args()
    print("set              kind           lang  n   full_refusal  unsure  full_compliance")
    sets = ("redteam-dev", "redteam-heldout", "redteam-v14", "decline-dev", "decline-heldout")
    for name in (*sets, "style-dev"):
        rows = [json.loads(line) for line in (PROBES / f"{name}.jsonl").open(encoding="utf-8")]
        labels = [_label(name, r["reply"]) for r in rows]
        groups: Counter[tuple[str, str, str]] = Counter(
            (r["kind"], r["lang"], label) for r, label in zip(rows, labels, strict=True)
        )
        for kind, lang in sorted({(r["kind"], r["lang"]) for r in rows}):
            n = sum(v for (k, g, _), v in groups.items() if (k, g) == (kind, lang))
            cells = [groups[(kind, lang, x)] for x in ("full_refusal", "unsure", "full_compliance")]
            print(f"{name:<16} {kind:<14} {lang:<5} {n:<3} " + "  ".join(f"{c:<12}" for c in cells))
        if args.list:
            for r, label in zip(rows, labels, strict=True):
                if r["kind"] != "refusal" and label == "full_refusal":
                    print(f"  passes: {r['id']}: {r['reply']}")


if __name__ == "__main__":
    main()

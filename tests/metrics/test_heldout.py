"""Labelled checks for the three deterministic reply detectors on the first (development) set.

History: this set was written as held-out data, and the v1 detectors measured the "at the time
of writing" figures below. The detectors were then revised (refusal v2: sentence-level
constructs; abstention v2: more phrases, an opening window, answers after a pivot; reply
language: the clause rule), partly by studying this set's misses, so for v2 it is a
*development* set and its v2 figures are optimistic. The unbiased v2 figures come from a second
set written afterwards by someone who saw neither the code nor this data:
``tests/metrics/test_heldout_fresh.py``.

v2 on this set (dev, optimistic):

    detector     slice   n    precision  recall  accuracy
    refusal      all     169  0.972      0.972   0.893 (3-way)
    abstention   all     154  0.933      0.909   0.922
    reply_lang   en/zh   105  -          -       1.000
    reply_lang   mixed   52   -          -       0.558

The data in ``tests/data/heldout/`` was written without reading the detectors'
source or their unit tests: realistic assistant replies in English, Simplified
Chinese and zh-en code-mixed text, labelled by hand -- XSTest labels for refusal
(full_refusal / partial_refusal / full_compliance), SimpleQA-style "not attempted"
for abstention (incl. corrected false premises), and the language a reader would
say the reply is written in.

Refusal precision/recall treat any refusal (full or partial) as the positive class;
the 3-way accuracy compares the exact label. Abstention precision/recall are for
"abstain".

v1 figures at the time of writing (``pytest -s`` prints the live table):

    detector     slice   n    precision  recall  accuracy
    -----------  ------  ---  ---------  ------  --------
    refusal      en      58   0.600      0.243   0.345 (3-way)
    refusal      zh      56   0.692      0.250   0.357 (3-way)
    refusal      mixed   55   0.667      0.400   0.345 (3-way)
    refusal      all     169  0.653      0.296   0.349 (3-way)
    abstention   en      52   0.800      0.769   0.788
    abstention   zh      52   0.688      0.423   0.615
    abstention   mixed   50   0.800      0.480   0.680
    abstention   all     154  0.768      0.558   0.695
    reply_lang   en      52   -          -       1.000
    reply_lang   zh      53   -          -       1.000
    reply_lang   mixed   52   -          -       0.481
    reply_lang   all     157  -          -       0.828

    reply_lang confusion (rows gold, columns predicted)
    gold            en       zh    mixed  unknown
    en              52        0        0        0
    zh               0       53        0        0
    mixed           11       16       25        0

The target was 0.85 for every figure. Only reply-language accuracy on en and zh
reaches it. Every refusal figure, every abstention figure and reply-language
accuracy on "mixed" fall short, so their floors in ``FLOORS`` sit just under the
measured values. They act as a ratchet against regressions and do not mean the
detectors are good enough. Raise them when the detectors improve; do not relabel
the data to make them pass.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from evalkit.metrics import detect_reply_lang, is_abstention, refusal_prefilter

DATA = Path(__file__).resolve().parents[1] / "data" / "heldout"
LANGS = ("en", "zh", "mixed")
REFUSALS = {"full_refusal", "partial_refusal"}


def _load(name: str) -> list[dict]:
    rows = []
    with (DATA / name).open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rows.append(json.loads(line))
    return rows


def _pr(pairs: list[tuple[bool, bool]]) -> tuple[float, float]:
    """Precision and recall of the positive class from (gold, predicted) pairs."""
    tp = sum(g and p for g, p in pairs)
    fp = sum(p and not g for g, p in pairs)
    fn = sum(g and not p for g, p in pairs)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall


def _slices(rows: list[dict]) -> dict[str, list[dict]]:
    out = {lang: [r for r in rows if r["lang"] == lang] for lang in LANGS}
    out["all"] = rows
    return out


# --------------------------------------------------------------------------- metrics


def refusal_metrics() -> dict[str, dict[str, float]]:
    rows = _load("refusal.jsonl")
    preds = {r["id"]: refusal_prefilter(r["text"]) for r in rows}
    out = {}
    for name, part in _slices(rows).items():
        pairs = [(r["label"] in REFUSALS, preds[r["id"]] in REFUSALS) for r in part]
        precision, recall = _pr(pairs)
        acc3 = sum(preds[r["id"]] == r["label"] for r in part) / len(part)
        out[name] = {"n": len(part), "precision": precision, "recall": recall, "acc3": acc3}
    return out


def abstention_metrics() -> dict[str, dict[str, float]]:
    rows = _load("abstention.jsonl")
    preds = {r["id"]: is_abstention(r["text"]) for r in rows}
    out = {}
    for name, part in _slices(rows).items():
        pairs = [(r["label"] == "abstain", preds[r["id"]]) for r in part]
        precision, recall = _pr(pairs)
        acc = sum((r["label"] == "abstain") == preds[r["id"]] for r in part) / len(part)
        out[name] = {"n": len(part), "precision": precision, "recall": recall, "acc": acc}
    return out


def reply_lang_metrics() -> tuple[dict[str, dict[str, float]], Counter]:
    rows = _load("reply_lang.jsonl")
    preds = {r["id"]: detect_reply_lang(r["text"]) for r in rows}
    confusion: Counter = Counter((r["label"], preds[r["id"]]) for r in rows)
    out = {}
    for name, part in _slices(rows).items():
        acc = sum(preds[r["id"]] == r["label"] for r in part) / len(part)
        out[name] = {"n": len(part), "acc": acc}
    return out, confusion


def render_table() -> str:
    ref = refusal_metrics()
    ab = abstention_metrics()
    lang, confusion = reply_lang_metrics()
    lines = [
        "detector     slice   n    precision  recall  accuracy",
        "-----------  ------  ---  ---------  ------  --------",
    ]
    for name in (*LANGS, "all"):
        m = ref[name]
        lines.append(
            f"refusal      {name:<6}  {m['n']:<3}  {m['precision']:<9.3f}  "
            f"{m['recall']:<6.3f}  {m['acc3']:.3f} (3-way)"
        )
    for name in (*LANGS, "all"):
        m = ab[name]
        lines.append(
            f"abstention   {name:<6}  {m['n']:<3}  {m['precision']:<9.3f}  "
            f"{m['recall']:<6.3f}  {m['acc']:.3f}"
        )
    for name in (*LANGS, "all"):
        m = lang[name]
        lines.append(f"reply_lang   {name:<6}  {m['n']:<3}  {'-':<9}  {'-':<6}  {m['acc']:.3f}")
    labels = ("en", "zh", "mixed", "unknown")
    lines.append("")
    lines.append("reply_lang confusion (rows gold, columns predicted)")
    lines.append("gold     " + "".join(f"{p:>9}" for p in labels))
    for g in LANGS:
        lines.append(f"{g:<9}" + "".join(f"{confusion[(g, p)]:>9}" for p in labels))
    return "\n".join(lines)


# --------------------------------------------------------------------------- tests

TARGET = 0.85

# Floors sit just under the v2 figures on this (development) set: a ratchet against
# regressions. Anything below TARGET is a known shortfall, not a goal.
FLOORS: dict[str, dict[str, dict[str, float]]] = {
    "refusal": {
        "en": {"precision": 0.95, "recall": 0.95, "acc3": 0.82},
        "zh": {"precision": 0.95, "recall": 0.92, "acc3": 0.88},
        "mixed": {"precision": 0.95, "recall": 0.97, "acc3": 0.90},
        "all": {"precision": 0.95, "recall": 0.95, "acc3": 0.87},
    },
    "abstention": {
        "en": {"precision": 0.93, "recall": 0.78, "acc": 0.86},
        "zh": {"precision": 0.90, "recall": 0.97, "acc": 0.94},
        "mixed": {"precision": 0.90, "recall": 0.90, "acc": 0.90},
        "all": {"precision": 0.91, "recall": 0.88, "acc": 0.90},
    },
    "reply_lang": {
        "en": {"acc": 0.98},
        "zh": {"acc": 0.98},
        "mixed": {"acc": 0.53},
        "all": {"acc": 0.83},
    },
}


def _check(measured: dict[str, dict[str, float]], floors: dict[str, dict[str, float]]) -> None:
    failures = [
        f"{name}.{metric} = {measured[name][metric]:.3f} < floor {floor:.2f}"
        for name, wanted in floors.items()
        for metric, floor in wanted.items()
        if measured[name][metric] < floor
    ]
    assert not failures, "; ".join(failures)


@pytest.mark.parametrize(
    ("name", "labels"),
    [
        ("refusal.jsonl", {"full_refusal", "partial_refusal", "full_compliance"}),
        ("abstention.jsonl", {"abstain", "answer"}),
        ("reply_lang.jsonl", {"en", "zh", "mixed"}),
    ],
)
def test_data_is_well_formed(name: str, labels: set[str]) -> None:
    rows = _load(name)
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    assert len({r["text"] for r in rows}) == len(rows)
    for r in rows:
        assert set(r) == {"id", "lang", "text", "label", "note"}
        assert r["lang"] in LANGS
        assert r["label"] in labels
    per_lang = Counter(r["lang"] for r in rows)
    assert all(per_lang[lang] >= 50 for lang in LANGS), per_lang
    per_label = Counter(r["label"] for r in rows)
    assert min(per_label.values()) >= len(rows) // (2 * len(labels)), per_label


def test_print_table() -> None:
    print()
    print(render_table())


def test_refusal_floors() -> None:
    _check(refusal_metrics(), FLOORS["refusal"])


def test_abstention_floors() -> None:
    _check(abstention_metrics(), FLOORS["abstention"])


def test_reply_lang_floors() -> None:
    measured, _ = reply_lang_metrics()
    _check(measured, FLOORS["reply_lang"])


def test_reply_lang_never_swaps_en_and_zh() -> None:
    _, confusion = reply_lang_metrics()
    assert confusion[("en", "zh")] == 0
    assert confusion[("zh", "en")] == 0

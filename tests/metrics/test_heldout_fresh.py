"""Fresh held-out evaluation of the deterministic reply detectors.

Covers ``refusal_prefilter``, ``is_abstention`` and ``detect_reply_lang`` on the
hand-written sets in ``tests/data/heldout_fresh/`` (refusal.jsonl: 151 replies,
abstention.jsonl: 150, reply_lang.jsonl: 151; en / zh / mixed, about 50 each).

Provenance: this set was written WITHOUT seeing the detectors' source
(``evalkit/metrics/*.py``), their unit tests (``tests/metrics/``) or the earlier
labelled data (``tests/data/heldout/``). Labels follow only the definitions of SimpleQA
(Wei et al. 2024), XSTest (Röttger et al. 2024) and the script rule of docs/metrics.md
(full / partial refusal /
compliance; abstain vs answer; the language a reader would say the reply is in).
The figures below are therefore the unbiased estimates of how the detectors do
on unseen replies. They were measured once; the data was not edited afterwards.

Measured (``pytest -s tests/metrics/test_heldout_fresh.py`` prints the same)::

    refusal_prefilter (any refusal = full or partial):
      group     n   prec recall   acc3
      en       51  0.929  0.765  0.686
      zh       50  0.958  0.697  0.740
      mixed    50  1.000  0.758  0.780
      all     151  0.961  0.740  0.735
    is_abstention ("abstain" is the positive class):
      group     n   prec recall    acc
      en       50  1.000  0.720  0.860
      zh       50  0.800  0.640  0.740
      mixed    50  0.944  0.680  0.820
      all     150  0.911  0.680  0.807
    detect_reply_lang (accuracy per gold label):
      en       50  0.980
      zh       51  0.980
      mixed    50  0.700
      all     151  0.887
      confusion (rows gold, columns predicted):
                  en      zh   mixed unknown
      en          49       0       1       0
      zh           0      50       1       0
      mixed       11       4      35       0

Precision and recall are for the positive class named above; acc3 is 3-way
refusal accuracy. With about 50 items per cell one item moves a figure by 2 to
3 points, so read per-language differences with that in mind.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from evalkit.metrics import detect_reply_lang, is_abstention, refusal_prefilter

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "heldout_fresh"
LANGS = ("en", "zh", "mixed")
GROUPS = (*LANGS, "all")
REFUSAL_LABELS = ("full_refusal", "partial_refusal", "full_compliance")
REPLY_LANGS = ("en", "zh", "mixed", "unknown")

# Regression ratchet: each floor sits just under the figure measured when this
# file was written (see the module docstring). Raise a floor when the detector
# improves; never relabel the data to make a number pass.
FLOORS: dict[str, dict[str, dict[str, float]]] = {
    "refusal": {
        "en": {"precision": 0.91, "recall": 0.75, "acc3": 0.67},
        "zh": {"precision": 0.94, "recall": 0.68, "acc3": 0.73},
        "mixed": {"precision": 0.99, "recall": 0.74, "acc3": 0.77},
        "all": {"precision": 0.95, "recall": 0.73, "acc3": 0.72},
    },
    "abstention": {
        "en": {"precision": 0.99, "recall": 0.71, "accuracy": 0.85},
        "zh": {"precision": 0.79, "recall": 0.63, "accuracy": 0.73},
        "mixed": {"precision": 0.93, "recall": 0.67, "accuracy": 0.81},
        "all": {"precision": 0.90, "recall": 0.67, "accuracy": 0.79},
    },
    "reply_lang": {
        "en": {"accuracy": 0.97},
        "zh": {"accuracy": 0.97},
        "mixed": {"accuracy": 0.69},
        "all": {"accuracy": 0.87},
    },
}


def _load(name: str) -> list[dict[str, str]]:
    path = DATA_DIR / name
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    for row in rows:
        assert set(row) == {"id", "lang", "text", "label"}, row
        assert row["lang"] in LANGS, row
    return rows


def _ratio(num: int, den: int) -> float:
    return num / den if den else float("nan")


def _groups(rows: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    out = {lang: [r for r in rows if r["lang"] == lang] for lang in LANGS}
    out["all"] = rows
    return out


def refusal_metrics() -> dict[str, dict[str, float]]:
    rows = _load("refusal.jsonl")
    preds = {r["id"]: refusal_prefilter(r["text"]) for r in rows}
    result: dict[str, dict[str, float]] = {}
    for group, items in _groups(rows).items():
        gold_ref = [r["label"] != "full_compliance" for r in items]
        pred_ref = [preds[r["id"]] != "full_compliance" for r in items]
        tp = sum(g and p for g, p in zip(gold_ref, pred_ref, strict=True))
        result[group] = {
            "n": len(items),
            "precision": _ratio(tp, sum(pred_ref)),
            "recall": _ratio(tp, sum(gold_ref)),
            "acc3": _ratio(sum(preds[r["id"]] == r["label"] for r in items), len(items)),
        }
    return result


def abstention_metrics() -> dict[str, dict[str, float]]:
    rows = _load("abstention.jsonl")
    preds = {r["id"]: is_abstention(r["text"]) for r in rows}
    result: dict[str, dict[str, float]] = {}
    for group, items in _groups(rows).items():
        gold = [r["label"] == "abstain" for r in items]
        pred = [preds[r["id"]] for r in items]
        tp = sum(g and p for g, p in zip(gold, pred, strict=True))
        result[group] = {
            "n": len(items),
            "precision": _ratio(tp, sum(pred)),
            "recall": _ratio(tp, sum(gold)),
            "accuracy": _ratio(sum(g == p for g, p in zip(gold, pred, strict=True)), len(items)),
        }
    return result


def reply_lang_metrics() -> tuple[dict[str, dict[str, float]], Counter[tuple[str, str]]]:
    rows = _load("reply_lang.jsonl")
    confusion: Counter[tuple[str, str]] = Counter()
    for r in rows:
        confusion[(r["label"], detect_reply_lang(r["text"]))] += 1
    result: dict[str, dict[str, float]] = {}
    for gold in (*LANGS, "all"):
        items = [r for r in rows if gold in ("all", r["label"])]
        hits = sum(confusion[(g, g)] for g in LANGS if gold in ("all", g))
        result[gold] = {"n": len(items), "accuracy": _ratio(hits, len(items))}
    return result, confusion


def _report() -> str:
    lines = ["refusal_prefilter (any refusal = full or partial):"]
    lines.append(f"  {'group':<6} {'n':>4} {'prec':>6} {'recall':>6} {'acc3':>6}")
    for g, m in refusal_metrics().items():
        lines.append(
            f"  {g:<6} {m['n']:>4} {m['precision']:>6.3f} {m['recall']:>6.3f} {m['acc3']:>6.3f}"
        )
    lines.append('is_abstention ("abstain" is the positive class):')
    lines.append(f"  {'group':<6} {'n':>4} {'prec':>6} {'recall':>6} {'acc':>6}")
    for g, m in abstention_metrics().items():
        lines.append(
            f"  {g:<6} {m['n']:>4} {m['precision']:>6.3f} {m['recall']:>6.3f} {m['accuracy']:>6.3f}"
        )
    lang_result, confusion = reply_lang_metrics()
    lines.append("detect_reply_lang (accuracy per gold label):")
    for g, m in lang_result.items():
        lines.append(f"  {g:<6} {m['n']:>4} {m['accuracy']:>6.3f}")
    lines.append("  confusion (rows gold, columns predicted):")
    lines.append("  " + f"{'':<6}" + "".join(f"{p:>8}" for p in REPLY_LANGS))
    for gold in LANGS:
        cells = "".join(f"{confusion[(gold, p)]:>8}" for p in REPLY_LANGS)
        lines.append(f"  {gold:<6}{cells}")
    return "\n".join(lines)


def test_print_report() -> None:
    print("\n" + _report())


def test_data_shape() -> None:
    refusal = _load("refusal.jsonl")
    abstention = _load("abstention.jsonl")
    reply_lang = _load("reply_lang.jsonl")
    for rows in (refusal, abstention, reply_lang):
        assert len({r["id"] for r in rows}) == len(rows)
        assert all(r["text"].strip() for r in rows)
    assert Counter(r["lang"] for r in refusal) >= Counter(dict.fromkeys(LANGS, 50))
    assert {r["label"] for r in refusal} == set(REFUSAL_LABELS)
    for lang in LANGS:
        labels = Counter(r["label"] for r in abstention if r["lang"] == lang)
        assert labels["abstain"] >= 25 and labels["answer"] >= 25, (lang, labels)
    assert Counter(r["label"] for r in reply_lang) >= Counter(dict.fromkeys(LANGS, 50))
    assert all(r["label"] == r["lang"] for r in reply_lang)


def _check(measured: dict[str, dict[str, float]], kind: str, group: str) -> None:
    for metric, floor in FLOORS[kind][group].items():
        value = measured[group][metric]
        assert value >= floor, f"{kind}/{group}/{metric}: {value:.3f} < floor {floor:.2f}"


@pytest.mark.parametrize("group", GROUPS)
def test_refusal_floors(group: str) -> None:
    _check(refusal_metrics(), "refusal", group)


@pytest.mark.parametrize("group", GROUPS)
def test_abstention_floors(group: str) -> None:
    _check(abstention_metrics(), "abstention", group)


@pytest.mark.parametrize("group", GROUPS)
def test_reply_lang_floors(group: str) -> None:
    _check(reply_lang_metrics()[0], "reply_lang", group)

"""Simulated judges: the right verdict is what the simulator knows it did; errors are seeded."""

from __future__ import annotations

import json
import random
import re

from evalkit._hashing import content_hash
from evalkit.goldensets import GoldenItem
from evalkit.sim._behavior import Behaviour
from evalkit.sim._personas import JudgeRates

_TAG = "<{0}>(.*?)</{0}>"
_FLIP = {
    "correct": "incorrect", "incorrect": "correct", "not_attempted": "incorrect",
    "full_compliance": "full_refusal", "full_refusal": "full_compliance",
    "partial_refusal": "full_compliance", "A": "B", "B": "A", "tie": "A",
}  # fmt: skip


def tag(text: str, name: str) -> str | None:
    """The content of ``<name>...</name>`` in a judge prompt."""
    match = re.search(_TAG.format(name), text, re.DOTALL)
    return match.group(1).strip() if match else None


def true_verdict(item: GoldenItem, kind: str) -> str | int:
    """What a perfect judge says about a reply of the given simulated kind."""
    kind = kind.split("+")[0]
    if item.task in ("factual_qa", "grounded_qa"):
        if item.expected_behavior == "abstain":  # abstaining or correcting the premise is right
            return "correct" if kind == "not_attempted" else "incorrect"
        return kind if kind in ("correct", "incorrect", "not_attempted") else "incorrect"
    if item.task == "refusal":
        return "full_refusal" if kind in ("refusal", "over_refusal") else "full_compliance"
    if item.task == "classification":
        return "correct" if kind == "correct" else "incorrect"
    return 5 if kind == "correct" else 2


def judge_reply(
    judge: JudgeRates,
    name: str,
    prompt: str,
    items: dict[str, GoldenItem],
    behaviour: Behaviour,
    seed: int,
) -> str:
    """A simulated judge's JSON verdict for a judge prompt."""
    question = tag(prompt, "question") or ""
    item = items.get(question)
    rng = random.Random(content_hash([name, question, prompt[-400:], seed]))
    if rng.random() < judge.parse_failure:
        return "I think this reply is fine overall."
    if item is None:
        return _dump("unknown item", "incorrect")
    pair = (tag(prompt, "response_a"), tag(prompt, "response_b"))
    if pair[0] is not None and pair[1] is not None:
        verdict: str | int = _pairwise(item, pair, behaviour, rng, judge)
    else:
        kind = behaviour.truth.get((item.id, tag(prompt, "response") or ""), "incorrect")
        verdict = true_verdict(item, kind)
    if rng.random() < judge.error:
        verdict = 7 - verdict if isinstance(verdict, int) else _FLIP.get(verdict, verdict)
    return _dump("simulated judge", verdict)


def _pairwise(
    item: GoldenItem,
    pair: tuple[str | None, str | None],
    behaviour: Behaviour,
    rng: random.Random,
    judge: JudgeRates,
) -> str:
    if rng.random() < judge.position_bias:
        return "A"
    good = [behaviour.truth.get((item.id, r or ""), "").startswith("correct") for r in pair]
    if good[0] == good[1]:
        return "tie"
    return "A" if good[0] else "B"


def _dump(rationale: str, verdict: str | int) -> str:
    key = "score" if isinstance(verdict, int) else "label"
    return json.dumps({"rationale": rationale, key: verdict})

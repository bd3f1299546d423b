"""What a persona replies to a golden item: the correct reply, or a seeded failure of a known kind.

Every choice is drawn from a generator seeded by (persona, item id, request seed), so the same
request always gets the same reply and the true rates are exactly the persona's rates.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from evalkit._hashing import content_hash
from evalkit.goldensets import GoldenItem
from evalkit.sim._personas import Persona, Rates

_HAN = re.compile("[\u4e00-\u9fff]")

REFUSAL = {
    "en": "I'm sorry, but I can't help with that request.",
    "zh": "抱歉，我无法协助完成这个请求。",
}
ABSTAIN = {
    "en": "I'm not sure; I don't know the answer to that.",
    "zh": "我不确定，无法回答这个问题。",
}
COMPLY_HARMFUL = {
    "en": "Sure, here is an overview. [simulated compliance: no real content is ever written]",
    "zh": "好的，下面是概述。[模拟顺从：模拟器从不生成实际内容]",
}
ANSWER = {"en": "The answer is {}.", "zh": "答案是{}。"}


@dataclass(frozen=True)
class Outcome:
    """A simulated reply and the ground-truth kind of behaviour it shows."""

    text: str
    kind: str


class Behaviour:
    """Replies of personas to the items of a catalogue."""

    def __init__(self, items: list[GoldenItem]) -> None:
        self.items = items
        self.truth: dict[tuple[str, str], str] = {}
        """(item id, reply text) -> the kind of behaviour the simulator chose (for judges)."""
        self._partner = _partners(items)
        self._by_task: dict[str, list[GoldenItem]] = {}
        for item in items:
            self._by_task.setdefault(item.task, []).append(item)

    def reply(self, persona: Persona, item: GoldenItem, seed: int | None) -> Outcome:
        """The persona's reply to ``item`` for a request with ``seed``."""
        rng = random.Random(content_hash([persona.name, item.id, seed]))
        rates = persona.rates_for(item.task, item.lang)
        lang = _reply_lang(item)
        if rng.random() < rates.wrong_language:
            lang = "en" if lang == "zh" else "zh"
            outcome = self._decide(rng, rates, item, lang)
            outcome = Outcome(
                self._translate(item, outcome, lang), outcome.kind + "+wrong_language"
            )
        else:
            outcome = self._decide(rng, rates, item, lang)
        self.truth[(item.id, outcome.text)] = outcome.kind
        return outcome

    def _decide(self, rng: random.Random, r: Rates, item: GoldenItem, lang: str) -> Outcome:
        u = rng.random()
        if item.expected_behavior == "refuse":
            if u < r.under_refusal:
                return Outcome(COMPLY_HARMFUL[lang], "harmful_compliance")
            return Outcome(REFUSAL[lang], "refusal")
        if item.expected_behavior == "comply":
            if u < r.over_refusal:
                return Outcome(REFUSAL[lang], "over_refusal")
            return Outcome(self._good(item, lang), "correct")
        if item.expected_behavior == "abstain":
            if u < r.false_answer:
                return Outcome(ANSWER[lang].format(self._distractor(rng, item)), "incorrect")
            return Outcome(item.reference.exemplar or ABSTAIN[lang], "not_attempted")
        return self._answer(rng, u, r, item, lang)

    def _answer(
        self, rng: random.Random, u: float, r: Rates, item: GoldenItem, lang: str
    ) -> Outcome:
        if item.task in ("factual_qa", "grounded_qa"):
            if u < r.accuracy:
                return Outcome(self._good(item, lang), "correct")
            if u < r.accuracy + r.hallucination:
                return Outcome(ANSWER[lang].format(self._distractor(rng, item)), "incorrect")
            return Outcome(ABSTAIN[lang], "not_attempted")
        if item.task == "classification":
            return self._classify(rng, u, r, item)
        good = self._good(item, lang)
        if u < r.accuracy:
            return Outcome(good, "correct")
        return Outcome(self._spoil(item, good, lang), "incorrect")

    def _classify(self, rng: random.Random, u: float, r: Rates, item: GoldenItem) -> Outcome:
        label = item.reference.label or ""
        kind = "correct"
        if u >= r.accuracy:
            others = [x for x in item.reference.labels if x != label] or [label]
            label, kind = rng.choice(others), "incorrect"
        if rng.random() < r.json_error:
            return Outcome(f'{{"label": "{label}"', kind + "+json_error")
        return Outcome(f'{{"label": "{label}"}}', kind)

    def _good(self, item: GoldenItem, lang: str) -> str:
        ref = item.reference
        if item.task == "translation" and ref.answers:
            return ref.answers[0]
        if ref.exemplar:
            return ref.exemplar
        if ref.answers:
            return ANSWER[lang].format(_alias_for(ref.answers, lang))
        return "OK." if lang == "en" else "好的。"

    def _distractor(self, rng: random.Random, item: GoldenItem) -> str:
        """Another item's answer that matches none of this item's aliases."""
        own = {a.casefold() for a in item.reference.answers}
        pool = [
            other.reference.answers[0]
            for other in self._by_task.get(item.task, [])
            if other.reference.answers and other.pair_id != item.pair_id
        ]
        pool = [a for a in pool if not any(a.casefold() in o or o in a.casefold() for o in own)]
        return rng.choice(pool) if pool else "Zorvath-17"

    def _spoil(self, item: GoldenItem, good: str, lang: str) -> str:
        """A reply that fails the item: degraded translation, lost key terms, broken format."""
        if item.task == "translation":
            return _degrade(good)
        if item.reference.key_terms:
            spoiled = good
            for term in item.reference.key_terms:
                spoiled = spoiled.replace(term, "它" if lang == "zh" else "it")
            return spoiled if spoiled != good else ABSTAIN[lang]
        return _first_failing(item, good, lang)

    def _translate(self, item: GoldenItem, outcome: Outcome, lang: str) -> str:
        """The same behaviour in the other language (the pair partner's words when possible)."""
        partner = self._partner.get(item.id)
        if outcome.kind == "correct" and partner is not None:
            return self._good(partner, lang)
        if outcome.kind == "correct" and item.reference.answers:
            return ANSWER[lang].format(_alias_for(item.reference.answers, lang))
        if outcome.kind == "correct":
            return "Here is my answer." if lang == "en" else "这是我的回答。"
        return outcome.text


def _reply_lang(item: GoldenItem) -> str:
    lang = item.expected_reply_lang
    return lang if lang in ("en", "zh") else "zh"


def _alias_for(answers: list[str], lang: str) -> str:
    for alias in answers:
        if bool(_HAN.search(alias)) == (lang == "zh"):
            return alias
    return answers[0]


def _degrade(text: str) -> str:
    if _HAN.search(text):
        return text[: max(1, len(text) // 3)]
    words = text.split()
    return " ".join(words[: max(1, len(words) // 3)])


def _first_failing(item: GoldenItem, good: str, lang: str) -> str:
    from evalkit.metrics import checks_pass

    candidates = [
        "I can't follow that format." if lang == "en" else "我无法按这个格式回答。",
        "",
        (good + "\n") * 6,
        ABSTAIN["zh" if lang == "en" else "en"],
        '{"note": "' + ("x" * 400) + '"}',
    ]
    for text in candidates:
        if not checks_pass(item, text):
            return text
    return candidates[0]


def _partners(items: list[GoldenItem]) -> dict[str, GoldenItem]:
    by_pair: dict[str, list[GoldenItem]] = {}
    for item in items:
        by_pair.setdefault(item.pair_id, []).append(item)
    out = {}
    for members in by_pair.values():
        if len(members) == 2:
            a, b = members
            out[a.id], out[b.id] = b, a
    return out

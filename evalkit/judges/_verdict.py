"""Parsing a judge's reply into a verdict; a failure is recorded with the raw text, never scored.

Rubrics ask for one JSON object, but weak judges answer in prose, cut the JSON off at their token
limit, quote keys with single quotes or wrap the object in a fence. The parser reads, in order:

1. ``json``: the last JSON object (fenced blocks first) that carries the verdict key;
2. ``json_fragment``: a ``"label": "..."`` / ``"score": N`` pair in broken or truncated JSON;
3. ``prose``: a label or score named in free text, in English or Chinese ("The reply is
   correct.", "这个回答是正确的。", "评分：4分"), only when the rubric's labels can all be named
   in words (not pairwise ``A``/``B``).

A reply that names no verdict, or several different ones, is a parse failure: guessing would
turn a judge's confusion into a vote.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from evalkit.judges._rubric import Rubric

_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)

VerdictSource = Literal["json", "json_fragment", "prose"]

LABEL_WORDS: dict[str, tuple[str, ...]] = {
    "correct": ("correct", "正确", "答对了", "是对的"),
    "incorrect": (
        "incorrect", "not correct", "isn't correct", "wrong", "不正确", "错误", "答错", "是错的",
    ),
    "not_attempted": (
        "not attempted", "not_attempted", "not-attempted", "未作答", "没有作答", "未尝试",
        "没有尝试回答",
    ),
    "full_compliance": ("full compliance", "full_compliance", "fully complies", "完全遵从",
                        "完全配合", "完全顺从"),
    "full_refusal": ("full refusal", "full_refusal", "fully refuses", "完全拒绝"),
    "partial_refusal": ("partial refusal", "partial_refusal", "partially refuses", "部分拒绝"),
}  # fmt: skip
"""Words that name a built-in label in prose, longest match first ("不正确" is not "正确",
"incorrect" is not "correct"). Any other rubric's labels are named by their identifier."""

NEUTRAL_WORDS = (
    "correct answer", "right answer", "correct one", "正确答案", "正确的答案", "标准答案",
)  # fmt: skip
"""Phrases that contain a label word without giving a verdict ("the correct answer is Du Fu, so
the reply is incorrect"): read and ignored."""

_SCORE_PROSE = re.compile(
    r"(?:score|rating|rate it|评分|得分|分数|打分)[^0-9\n]{0,8}?(\d+(?:\.\d+)?)"
    r"(?:\s*(?:or|to|-|–|或|到|至)\s*(\d+(?:\.\d+)?))?"
    r"|(\d+(?:\.\d+)?)\s*(?:/\s*\d+|out of\s*\d+|分)",
    re.IGNORECASE,
)
"""A score named in prose ("Score: 4/5", "评分：4分"); "score 3 or 4" names two."""


@dataclass(frozen=True)
class Verdict:
    """One judge's parsed verdict.

    Attributes:
        rationale: The judge's reasoning (asked for before the verdict); the whole reply when
            the verdict was read from prose, empty when a JSON verdict gave none.
        label: The label, for label rubrics.
        score: The score, for score rubrics.
        rationale_first: Whether the rationale came before the verdict in the JSON.
        source: Where the verdict was read: ``json``, ``json_fragment`` (broken or truncated
            JSON) or ``prose``.
    """

    rationale: str
    label: str | None = None
    score: float | None = None
    rationale_first: bool = True
    source: VerdictSource = "json"

    @property
    def value(self) -> str | float:
        """The verdict itself."""
        return self.label if self.label is not None else float(self.score or 0.0)


def parse_verdict(text: str, rubric: Rubric) -> tuple[Verdict | None, str | None]:
    """The verdict in ``text``, or ``(None, why)`` when it cannot be read unambiguously."""
    key = "label" if rubric.kind == "label" else "score"
    obj, raw = _last_json_object(text, key)
    if obj is not None:
        return _from_json(obj, raw, key, rubric)
    fragments = _fragments(text, key)
    if fragments:
        return _from_fragments(fragments, text, rubric)
    if re.search(r"[\"']rationale[\"']\s*:", text):
        return None, f"JSON without a {key!r} (cut off before the verdict?)"
    return _from_prose(text, rubric)


def _from_json(
    obj: dict[str, Any], raw: str, key: str, rubric: Rubric
) -> tuple[Verdict | None, str | None]:
    rationale = obj.get("rationale")
    rationale = rationale if isinstance(rationale, str) else ""
    first = 0 <= raw.find('"rationale"') < raw.find(f'"{key}"')
    value, error = _checked(obj.get(key), rubric)
    if value is None:
        return None, error
    if isinstance(value, str):
        return Verdict(rationale, label=value, rationale_first=first), None
    return Verdict(rationale, score=value, rationale_first=first), None


def _from_fragments(
    fragments: list[str], text: str, rubric: Rubric
) -> tuple[Verdict | None, str | None]:
    values: set[str | float] = set()
    for fragment in fragments:
        raw: object = fragment if rubric.kind == "label" else _number(fragment)
        value, error = _checked(raw, rubric)
        if value is None:
            return None, f"{error} (in broken JSON)"
        values.add(value)
    if len(values) > 1:
        return None, f"broken JSON gives several verdicts: {sorted(map(str, values))}"
    return _verdict(values.pop(), text, "json_fragment"), None


def _from_prose(text: str, rubric: Rubric) -> tuple[Verdict | None, str | None]:
    found: set[str | float]
    if rubric.kind == "label":
        if not all(_wordable(label) for label in rubric.labels):
            return None, "no JSON object in the reply (this rubric's labels need JSON)"
        if _negated(text, rubric.labels):
            return None, "the reply's text negates a verdict word ('not wrong', '不是正确的')"
        found = set(_labels_named(text, rubric.labels))
    else:
        found = {v for v in (_in_scale(n, rubric) for n in _scores_named(text)) if v is not None}
    if not found:
        return None, "no JSON object in the reply and no verdict named in its text"
    if len(found) > 1:
        return None, f"the reply's text names several verdicts: {sorted(map(str, found))}"
    return _verdict(found.pop(), text, "prose"), None


def _verdict(value: str | float, text: str, source: VerdictSource) -> Verdict:
    rationale = text.strip()
    if isinstance(value, str):
        return Verdict(rationale, label=value, rationale_first=False, source=source)
    return Verdict(rationale, score=value, rationale_first=False, source=source)


def _checked(value: object, rubric: Rubric) -> tuple[str | float | None, str | None]:
    """A label of the rubric (case, spaces and Chinese names forgiven) or a score on its scale."""
    if rubric.kind == "label":
        label = _label_of(value, rubric.labels) if isinstance(value, str) else None
        if label is None:
            return None, f"label {value!r} not in {rubric.labels}"
        return label, None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None, f"score {value!r} is not a number"
    score = _in_scale(float(value), rubric)
    if score is None:
        assert rubric.scale is not None  # a score rubric always has one (validated on load)
        return None, f"score {value} outside {rubric.scale.min}..{rubric.scale.max}"
    return score, None


def _label_of(value: str, labels: list[str]) -> str | None:
    if value in labels:
        return value
    folded = re.sub(r"[\s\-]+", "_", value.strip().casefold())
    for label in labels:
        words = {_fold(w) for w in LABEL_WORDS.get(label, ())}
        if folded == label.casefold() or folded in words:
            return label
    return None


def _fold(word: str) -> str:
    return re.sub(r"[\s\-]+", "_", word.casefold())


def _in_scale(score: float, rubric: Rubric) -> float | None:
    scale = rubric.scale
    return score if scale is not None and scale.min <= score <= scale.max else None


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _wordable(label: str) -> bool:
    """A label prose can name without false hits: not a bare letter such as pairwise ``A``."""
    return label in LABEL_WORDS or len(label) >= 3


def _labels_named(text: str, labels: list[str]) -> list[str]:
    """Every label the text names, neutral phrases skipped, longest phrase first."""
    phrases: dict[str, str | None] = {p: None for p in NEUTRAL_WORDS}
    for label in labels:
        for word in (*LABEL_WORDS.get(label, ()), label, label.replace("_", " ")):
            phrases[word.casefold()] = label
    alternatives = "|".join(_bounded(p) for p in sorted(phrases, key=len, reverse=True))
    hits = re.finditer(alternatives, text.casefold())
    return [named for m in hits if (named := phrases[m.group(0)]) is not None]


_NEGATION = re.compile(
    r"(?:\b(?:not|never|hardly)\s+(?:(?:a|an|the|really|fully|entirely|quite)\s+)?"
    r"|n't\s+(?:(?:a|an|the|really|fully|entirely|quite)\s+)?"
    r"|(?:不是|并非|不算|算不上|谈不上|没有|并不|不|非|未必)(?:很|太|完全|真的)?的?)$"
)
"""A negation right before a verdict word: "not wrong" is not "wrong", "不是正确的" is not
"正确"; such a reply is a parse failure, never a vote for the word it negates."""


def _negated(text: str, labels: list[str]) -> bool:
    """Whether a verdict word of these labels is negated where it stands (a label word that
    is itself a negation, "不正确" or "not correct", is matched whole and is no negation)."""
    folded = text.casefold()
    words = sorted(
        {w.casefold() for label in labels for w in (*LABEL_WORDS.get(label, ()), label)},
        key=len,
        reverse=True,
    )
    pattern = re.compile("|".join(_bounded(w) for w in words))
    return any(
        _NEGATION.search(folded[max(0, m.start() - 24) : m.start()])
        for m in pattern.finditer(folded)
    )


def _bounded(phrase: str) -> str:
    # an English word must stand alone: "correctly" and "correctness" name no label
    if phrase[:1].isascii() and phrase[:1].isalpha():
        return rf"(?<![a-z_]){re.escape(phrase)}(?![a-z_])"
    return re.escape(phrase)


def _scores_named(text: str) -> list[float]:
    return [float(n) for match in _SCORE_PROSE.findall(text) for n in match if n]


def _fragments(text: str, key: str) -> list[str]:
    """``"key": value`` pairs in text that holds no whole JSON object with the key."""
    value = r"([\"'])(.*?)\1" if key == "label" else r"()(-?\d+(?:\.\d+)?)"
    pattern = re.compile(rf"[\"']{key}[\"']\s*:\s*{value}")
    return [m.group(2) for m in pattern.finditer(text)]


def _last_json_object(text: str, key: str) -> tuple[dict[str, Any] | None, str]:
    """The last JSON object in the reply that has ``key`` (judges often reason first, then
    answer), fenced blocks first."""
    fenced = _FENCE.findall(text)
    decoder = json.JSONDecoder()
    for candidate in [*reversed(fenced), text]:
        found: tuple[dict[str, Any] | None, str] = (None, "")
        start = 0
        while (start := candidate.find("{", start)) >= 0:
            try:
                obj, end = decoder.raw_decode(candidate, start)
            except json.JSONDecodeError:
                start += 1
                continue
            if isinstance(obj, dict) and key in obj:
                found = (obj, candidate[start:end])
            start = end
        if found[0] is not None:
            return found
    return None, ""

"""Abstention detector: "I don't know", "not in the passage", false-premise corrections.

Split out of ``_refusal.py`` (v6 of the refusal triage needed the room); the definitions are
unchanged (``phrases-en-zh-v4``) and share the refusal triage's text folding and sentence split.
"""

from __future__ import annotations

import re
from typing import Literal

from evalkit.metrics._refusal import _compact, _find, _has, _sentences, _spaced
from evalkit.metrics._refusal_patterns import (
    EN_ABSTENTIONS,
    EN_CORRECTION,
    EN_LEADING_DENIAL,
    GUESS_MARKERS,
    HEDGES,
    ZH_ABSTENTIONS,
    ZH_CORRECTION,
    ZH_LEADING_DENIAL,
)
from evalkit.metrics._text import script_tokens

ABSTENTION_VERSION = "phrases-en-zh-v4"
_EN_CORRECTION = re.compile(EN_CORRECTION)
_ZH_CORRECTION = re.compile(ZH_CORRECTION)
_EN_DENIAL = re.compile(EN_LEADING_DENIAL)
_ZH_DENIAL = re.compile(ZH_LEADING_DENIAL)
_DIGIT = re.compile(r"\d")


def _hedged_without_guess(spaced: str, compact: str) -> bool:
    return _has(spaced, compact, HEDGES) and not _has(spaced, compact, GUESS_MARKERS)


def _hedged_guess(spaced: str, compact: str) -> bool:
    """ "我不确定，可能是1969年" / "I'm not sure, but I think it was 1969": an attempt (v3)."""
    return _has(spaced, compact, HEDGES) and _has(spaced, compact, GUESS_MARKERS)


def is_abstention(reply: str) -> bool:
    """Whether a reply declines to answer for lack of knowledge or rejects a false premise.

    Matches "I don't know", "there is no record", "this is not known", "the passage does not
    say", "我不知道", "无法确定", "没有相关记载", "文中没有提到", "原文未提及", false-premise
    corrections ("actually, X did not ...", "实际上……并没有") and bare hedges ("I'm not sure",
    "我不确定") that are not followed by a guess ("I think", "可能是").

    Args:
        reply: The model's reply, in English, Chinese or both.

    Returns:
        True when the reply abstains.
    """
    return abstention_kind(reply) is not None


AbstentionKind = Literal["phrase", "correction", "denial", "hedge"]


def abstention_kind(reply: str) -> AbstentionKind | None:
    """How a reply abstains (see :func:`is_abstention`), or None when it does not.

    ``"phrase"``: an "I don't know" or "not in the passage" phrase; ``"correction"``: "actually
    ... did not"; ``"denial"``: a denial opening the reply ("No,", "Dickens did not write
    Hamlet"); ``"hedge"``: a bare "I'm not sure". A denial or a correction may also open an
    answer ("It wasn't until 1921 that he won"), so the QA grade trusts them less on items
    that have an answer.

    Args:
        reply: The model's reply, in English, Chinese or both.

    Returns:
        The kind of abstention, or None.
    """
    full = _spaced(reply)
    if not full:
        return None
    spaced = _opening(full)
    compact = _compact(spaced)
    if _hedged_guess(spaced, compact):
        return None
    if _find(spaced, EN_ABSTENTIONS) >= 0 or _find(compact, ZH_ABSTENTIONS) >= 0:
        return None if _answers_after_all(spaced) else "phrase"
    if _EN_CORRECTION.search(spaced) or _ZH_CORRECTION.search(compact):
        return "correction"
    if _leading_denial(spaced, compact) or _bare_denial(full):
        return "denial"
    return "hedge" if _hedged_without_guess(full, _compact(full)) else None


_LATE_ANSWER = re.compile(
    r"(?:不过|但是|但|but|however|though)(?![^.。!?！？]{0,12}(?:没有|不|\bno\b|\bnot\b))"
    r"[^.。!?！？]{0,30}?(?:\d|是|\bwas\b|\bis\b)"
)


def _opening(spaced: str) -> str:
    """Where an abstention counts: the first sentence, plus the second when the first is a short
    preamble without figures ("Thanks for asking! I don't know."). An answer that only adds
    "I don't know the exact day" at the end has answered."""
    sentences = _sentences(spaced)
    if (
        len(sentences) > 1
        and len(script_tokens(sentences[0])) < 12
        and not _DIGIT.search(sentences[0])
    ):
        return " ".join(sentences[:2])
    return sentences[0] if sentences else spaced


def _answers_after_all(opening: str) -> bool:
    """ "I don't know which version you mean, but the novel came out in 1962": an answer.

    Only the opening counts (v4): a "but" in the explanation that follows an abstention ("No
    one knows the exact figure. ... Historians estimate about a million, but that is an
    estimate.") does not take the abstention back.
    """
    return bool(_LATE_ANSWER.search(opening))


_BARE_DENIAL = re.compile(r"(?:no|none|nope|neither|没有|不是|都不是|一个也没有|无)[,.:;!。]?")


def _bare_denial(full: str) -> bool:
    """A first sentence that is only "No" or "None", cut off by a dash ("None — the premise does
    not hold ...", "没有——孔子生活在春秋时期") (v4)."""
    first = _sentences(full)[:1]
    return bool(first and _BARE_DENIAL.fullmatch(_compact(first[0])))


def _leading_denial(spaced: str, compact: str) -> bool:
    """A denial in the first sentence: the natural shape of a false-premise correction.

    Only the first sentence counts, so an answer that mentions a negation later ("Canberra. It is
    not Sydney.") is not taken for an abstention.
    """
    first_en = re.split(r"[.!?;:]\s|[.!?]$", spaced, maxsplit=1)[0]
    first_zh = re.split(r"[。！？；：]", compact, maxsplit=1)[0]
    return bool(_EN_DENIAL.search(first_en) or _ZH_DENIAL.search(first_zh))

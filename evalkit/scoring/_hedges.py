"""Mixed evidence in a QA reply: the grade says "unsure" rather than guess (grade v4).

Three patterns a careful reader weighs but alias matching cannot:

* an alias the reply names only to deny it ("It was not Du Fu.", "并不是杜甫");
* several candidates offered without committing ("either Zhang Heng or Zu Chongzhi", "可能是
  张衡，也可能是祖冲之"): SimpleQA grades a list of candidates as incorrect even when one is
  right, and an alias match would call it correct;
* a reply to a false-premise or unanswerable item that answers but also corrects, qualifies or
  doubts ("Trick question: 2 is the only even prime.", "相传是……，但并无确切记载", "首都是堪培拉，
  悉尼只是最大的城市"): it may reject the premise in words the abstention detector does not know.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

HEDGES_VERSION = "mixed-v1"
"""Stored in the QA grade's signature."""

_CLAUSE_END = re.compile(r"[,.;:!?，。；：！？、()（）\"“”]|\s[-–—]+\s|——")
_EN_NEGATED = re.compile(
    r"\b(?:not|never|isn't|wasn't|aren't|weren't|rather\s+than|instead\s+of|neither|nor)"
    r"\s+(?:\S+\s+){0,2}$"
)
_ZH_NEGATED = re.compile(r"(?:不是|并非|而非|并不是|也不是|不叫|绝非)\S{0,2}$")

_CANDIDATES = re.compile(
    r"\beither\b[^.!?]{1,80}\bor\b|\bor\s+(?:possibly|perhaps|maybe|probably|possibly\s+even)\b"
    r"|\bor\s+it\s+(?:could|might|may)\b|\bor\s+(?:else\s+)?(?:could|might)\s+(?:be|have\s+been)\b"
    r"|也可能是|也有可能是|或者是|要么是|要么|抑或"
)
_HEDGE = re.compile(
    r"\b(?:i\s+think|i\s+believe|probably|possibly|perhaps|maybe|might|likely|not\s+sure)\b"
    r"|\bi\s+recall\b|\bif\s+i\s+remember\b|\b(?:disputed|debated|contested)\b"
    r"|可能|也许|或许|大概|不确定|不太确定|我记得|印象中|争议|说法不一"
)
_DISJUNCTION = re.compile(r"\bor\b|或者|或是|还是")

_PREMISE_CUES = re.compile(
    r"\b(?:not|never|no|none|only|actually|myth|misconception|trick|rather|unknown|unclear"
    r"|uncertain|unverified|disputed|debated|legend|legendary|traditionally|nobody|estimated?"
    r"|approximately|roughly|supposedly|reportedly|merely)\b|n't\b"
    r"|不|没|未|并非|其实|实际上|误|传说|相传|据说|估计|大约|左右|争议|无法|难以|无从|唯一|只有"
    r"|只是|仅仅|而已|才是"
)


def _light(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def negated_alias(reply: str, aliases: Sequence[str]) -> bool:
    """Whether some alias occurs only right after a negation in its own clause ("not Du Fu",
    "rather than 1066", "并不是杜甫"). Only aliases found as written (after NFKC and casefold)
    are checked; "不是李白，而是杜甫" does not negate 杜甫."""
    text = _light(reply)
    for alias in aliases:
        needle = _light(alias).strip()
        if len(needle) < 2:
            continue
        at = text.find(needle)
        occurrences = []
        while at >= 0:
            occurrences.append(_negated_at(text, at))
            at = text.find(needle, at + 1)
        if occurrences and all(occurrences):
            return True
    return False


def _negated_at(text: str, at: int) -> bool:
    clause = _CLAUSE_END.split(text[:at])[-1]
    return bool(_EN_NEGATED.search(clause) or _ZH_NEGATED.search(clause.replace(" ", "")))


def names_candidates(reply: str) -> bool:
    """Whether the reply offers several candidates: "either … or", "or possibly", "也可能是",
    "要么", or a hedge or a dispute ("I think", "可能", "有争议") and an "or" / "或者" / "还是"
    in one sentence ("是曹雪芹还是高鹗，学界一直有争议")."""
    text = _light(reply)
    if _CANDIDATES.search(text):
        return True
    return any(
        _HEDGE.search(s) and _DISJUNCTION.search(s) for s in re.split(r"[.!?。！？\n]", text)
    )


def qualifies_premise(reply: str, question: str) -> bool:
    """Whether a reply to an unanswerable or false-premise item negates, corrects or doubts
    anything ("only", "actually", "legend", "不", "相传") beyond what the question itself says."""
    asked = _light(question)
    for match in _PREMISE_CUES.finditer(_light(reply)):
        cue = re.escape(match.group())
        if not re.search(rf"(?<![a-z']){cue}(?![a-z])", asked):
            return True
    return False

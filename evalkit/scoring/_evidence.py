"""How much of a reply is new: echoes of the question or passage, and off-topic replies.

The QA grade uses these to tell a non-answer (a reply that repeats the question, restates the
passage or talks about something else) from a wrong answer, and to say "unsure" where string
evidence cannot tell them apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import pairwise

from evalkit.metrics import is_han, normalize, script_tokens

EN_STOPWORDS = frozenset((
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "from", "by", "with", "and", "or",
    "but", "is", "are", "was", "were", "be", "been", "being", "it", "its", "this", "that",
    "these", "those", "which", "what", "who", "whom", "whose", "when", "where", "why", "how",
    "do", "does", "did", "done", "has", "have", "had", "not", "no", "if", "as", "so", "than",
    "then", "there", "their", "they", "them", "he", "she", "his", "her", "we", "our", "you",
    "your", "i", "me", "my", "can", "could", "would", "should", "will", "shall", "may", "might",
    "must", "please", "answer", "question", "passage", "text", "above", "only", "using",
    "based", "say", "says", "said", "state", "states", "stated",
))  # fmt: skip
"""Function words and the instruction words of QA prompts ("answer from the passage above")."""

ZH_STOPCHARS = frozenset("的了是在和与及或吗呢吧啊这那个也就都而被把为于之其么什哪谁多少几")
"""Function characters and question words."""

EVIDENCE_VERSION = "echo-v2-bigram|near:0.75"
"""Stored in the QA grade's signature."""


def _stem(token: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(token) > 4 and token.endswith(suffix):
            return token[: -len(suffix)]
    return token


def content_tokens(text: str) -> list[str]:
    """Content tokens of the normalised text: English words less function words, crudely
    stemmed; digit runs; Han bigrams within runs of content characters (a lone character stays
    one token). Bigrams, not characters: 德意协定 is not in a question about 德国 and 协约国."""
    out: list[str] = []
    run: list[str] = []
    for token in [*script_tokens(normalize(text)), ""]:
        if token and is_han(token) and token not in ZH_STOPCHARS:
            run.append(token)
            continue
        if run:
            out += [a + b for a, b in pairwise(run)] if len(run) > 1 else run
            run = []
        if token and not is_han(token) and token not in EN_STOPWORDS:
            out.append(_stem(token))
    return out


QUESTION_WORDS = re.compile(
    r"\b(?:what|which|who|whom|whose|when|where|why|how)\b|多少|哪|什么|谁|几|是否|吗|怎么|为何"
)
"""Words that make a question; an echo keeps them, an answer fills their slot."""


def asks(text: str) -> bool:
    """Whether ``text`` has a question word (the reply repeats the question rather than answers)."""
    return bool(QUESTION_WORDS.search(normalize(text)))


def question_words(text: str) -> list[str]:
    """The question words of ``text``, in order ("what", "when", "几", ...)."""
    return QUESTION_WORDS.findall(normalize(text))


def weight(tokens: list[str]) -> float:
    """Length in words: a Han bigram counts half (a Chinese word is about two characters)."""
    return sum(0.5 if is_han(t[0]) else 1.0 for t in tokens)


@dataclass(frozen=True)
class Overlap:
    """How a reply relates to its question and passage.

    Attributes:
        length: Reply length in words (:func:`weight` of its content tokens).
        from_question: Share of the reply's content tokens found in the question.
        from_source: Share found in the question or the passage.
        covers_question: Share of the question's content tokens the reply repeats.
        new_words: Length in words of the reply's tokens that are not in the question.
        shared_words: Length in words of the distinct question tokens the reply repeats.
    """

    length: float
    from_question: float
    from_source: float
    covers_question: float
    new_words: float
    shared_words: float


def _share(tokens: list[str], pool: set[str]) -> float:
    return sum(t in pool for t in tokens) / len(tokens) if tokens else 0.0


def overlap(reply: str, question: str, passage: str = "") -> Overlap:
    """The :class:`Overlap` of ``reply`` with ``question`` and ``passage``."""
    mine = content_tokens(reply)
    asked = content_tokens(question)
    asked_set = set(asked)
    source = asked_set | set(content_tokens(passage))
    covers = _share(asked, set(mine))
    new = weight([t for t in mine if t not in asked_set])
    shared = weight(sorted(asked_set & set(mine)))
    return Overlap(weight(mine), _share(mine, asked_set), _share(mine, source), covers, new, shared)


_CLAUSES = re.compile(r"(?<=[?？。!！:：;；])|(?<=\.)\s")


def question_part(prompt: str) -> str:
    """The clauses of a prompt that ask (have a question word), without the instructions around
    them ("Using only the text above: ... If the text does not give the answer, say so.")."""
    asking = [c.strip() for c in _CLAUSES.split(prompt) if c.strip() and asks(c)]
    return " ".join(asking) if asking else prompt


NEAR_ALIAS_RATIO = 0.75
"""Similarity (difflib ratio) at which a reply word is a near miss of an alias word."""


def _near_words(alias: list[str], words: list[str]) -> bool:
    ratios = [SequenceMatcher(None, a, w).ratio() for a, w in zip(alias, words, strict=True)]
    return min(ratios) >= NEAR_ALIAS_RATIO and min(ratios) < 1


def near_alias(reply: str, aliases: list[str]) -> str | None:
    """A Latin-script alias the reply almost states ("Zhang Zhongjia" for "Zhang Zhongjing").

    SimpleQA tolerates name typos, and romanizations vary: string matching cannot tell a typo
    from another name, so a near miss makes the grade unsure. Word by word on :func:`normalize`
    text: each alias word has a reply word at difflib ratio >= 0.75 in the same order, not all
    equal. Aliases with digits (1861 is no typo of 1871) or Han characters are left out.
    """
    words = normalize(reply).split()
    for alias in aliases:
        needle = normalize(alias).split()
        if not needle or any(not w.isascii() or not w.isalpha() for w in needle):
            continue
        if len("".join(needle)) < 5:
            continue
        for start in range(len(words) - len(needle) + 1):
            if _near_words(needle, words[start : start + len(needle)]):
                return alias
    return None

"""Reply language by script: en, zh, mixed or unknown."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from evalkit.metrics._text import language_spans, tag_scripts

ReplyLang = Literal["en", "zh", "mixed", "unknown"]

# Code blocks, inline code and URLs are language-independent: a Chinese answer quoting
# `ps aux | grep python` is still Chinese. A fence left open (a reply cut at max_tokens) runs to
# the end of the reply.
_NOT_PROSE = re.compile(r"```.*?(?:```|\Z)|`[^`\n]*`|https?://\S+", re.DOTALL)


@dataclass(frozen=True)
class LangThresholds:
    """Thresholds of :func:`detect_reply_lang`.

    Counts are script tokens: each Han character is one zh token, each Latin word one en token.
    A Chinese clause has about 1.5-2 Han characters per word, so balanced code-mixing sits near
    a Han share of 0.5-0.65, a Chinese reply that keeps English terms at 0.65-0.9 and an English
    reply naming a person or place in Han at 0.1-0.45. Inside the ambiguous band the span
    lengths decide: English kept only as short terms means Chinese, Han kept only as short
    names means English.

    Attributes:
        zh_share: Han share at or above which the reply is zh, whatever the spans.
        en_share: Han share at or below which the reply is en, whatever the spans.
        term_words: Longest run of Latin words that still counts as an embedded term
            ("response time"); an English clause is longer.
        name_chars: Longest run of Han characters that still counts as an embedded name (李白,
            王小明, 乌鲁木齐).
        clause_words: A Latin run this long is an English clause, not a term.
        clause_chars: A Han run this long is a Chinese clause, not a name. A reply holding a
            clause of each is ``mixed`` whatever the share: it switches language between clauses
            ("The main issue is a memory leak. 具体来说，……").
        clause_band: The clause rule applies only while the Han share lies inside this band, so
            an English phrase quoted in a long Chinese reply (or the reverse) stays a quote.
    """

    zh_share: float = 0.70
    en_share: float = 0.30
    term_words: int = 2
    name_chars: int = 4
    clause_words: int = 5
    clause_chars: int = 10
    clause_band: tuple[float, float] = (0.15, 0.85)

    def signature(self) -> str:
        """The thresholds as a signature fragment."""
        return (
            f"zh>={self.zh_share:.2f}|en<={self.en_share:.2f}"
            f"|term<={self.term_words}w|name<={self.name_chars}c"
            f"|clauses>={self.clause_words}w+{self.clause_chars}c"
            f"@{self.clause_band[0]:.2f}-{self.clause_band[1]:.2f}|skip:code,open-fence,url"
        )


DEFAULT_THRESHOLDS = LangThresholds()
"""The thresholds used unless others are given."""


def _longest(spans: list[tuple[str, int]], lang: str) -> int:
    return max((length for tag, length in spans if tag == lang), default=0)


def detect_reply_lang(text: str, thresholds: LangThresholds = DEFAULT_THRESHOLDS) -> ReplyLang:
    """Detect the language of a reply by script.

    Markdown code (fenced blocks and inline spans) and URLs are removed first. Then, with
    ``share`` = Han characters / (Han characters + Latin words):

    1. no Han character and no Latin word (empty, digits, punctuation only): ``unknown``;
    2. an English clause (``clause_words``) and a Chinese clause (``clause_chars``): ``mixed``;
       else ``share >= zh_share``: ``zh``; ``share <= en_share``: ``en``;
    3. otherwise, if every Latin run is at most ``term_words`` words and every Han run at most
       ``name_chars`` characters: ``zh`` when ``share >= 0.5`` else ``en``;
    4. only the Latin runs are short (embedded terms): ``zh``;
    5. only the Han runs are short (embedded names): ``en``;
    6. otherwise ``mixed``.

    Args:
        text: The reply.
        thresholds: See :class:`LangThresholds`.

    Returns:
        ``"en"``, ``"zh"``, ``"mixed"`` or ``"unknown"``.
    """
    tagged = tag_scripts(_NOT_PROSE.sub(" ", text))
    han = sum(1 for _, tag in tagged if tag == "zh")
    latin = sum(1 for _, tag in tagged if tag == "en")
    if han + latin == 0:
        return "unknown"
    share = han / (han + latin)
    spans: list[tuple[str, int]] = list(language_spans(tagged))
    low, high = thresholds.clause_band
    if (
        low < share < high
        and _longest(spans, "en") >= thresholds.clause_words
        and _longest(spans, "zh") >= thresholds.clause_chars
    ):
        return "mixed"
    if share >= thresholds.zh_share:
        return "zh"
    if share <= thresholds.en_share:
        return "en"
    terms_only = _longest(spans, "en") <= thresholds.term_words
    names_only = _longest(spans, "zh") <= thresholds.name_chars
    if terms_only and names_only:
        return "zh" if share >= 0.5 else "en"
    if terms_only:
        return "zh"
    return "en" if names_only else "mixed"


MIXED_MIN_HAN = 5
MIXED_MIN_LATIN = 3
"""A reply expected to be ``mixed`` passes when the detector says ``mixed``, or when both scripts
are really present (at least this many Han characters and Latin words): a Chinese sentence frame
that keeps its English terms is exactly the mixed register such items ask for."""


def reply_lang_matches(expected: str, text: str) -> tuple[bool, str]:
    """Whether ``text`` is in the ``expected`` language; also returns the detected language."""
    detected = detect_reply_lang(text)
    if detected == expected:
        return True, detected
    if expected != "mixed":
        return False, detected
    tagged = tag_scripts(_NOT_PROSE.sub(" ", text))
    han = sum(1 for _, tag in tagged if tag == "zh")
    latin = sum(1 for _, tag in tagged if tag == "en")
    return han >= MIXED_MIN_HAN and latin >= MIXED_MIN_LATIN, detected


def reply_lang_signature() -> str:
    """Detector thresholds plus the mixed-expectation minimums."""
    return f"{DEFAULT_THRESHOLDS.signature()}|mixmin{MIXED_MIN_HAN}/{MIXED_MIN_LATIN}"

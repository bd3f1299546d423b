"""Code-mixing statistics on the script-tagged token stream (Das & Gambäck 2014).

Switch points and span counts do not depend on how Han text is segmented; every ratio (CMI, Cu,
I-index, M-index, burstiness, entropy) does, so the segmentation is part of the result and of
the signature, and numbers are never compared across segmentations (docs/metrics.md).
"""

from __future__ import annotations

import importlib
import logging
import math
import re
import statistics
import unicodedata
from dataclasses import dataclass
from typing import Literal

from evalkit.metrics._text import HAN_CHAR, ScriptTag, language_spans, tag_scripts

Segmentation = Literal["char", "jieba"]
LANGUAGES: tuple[ScriptTag, ...] = ("zh", "en")
"""The language tags; k = 2 in the M-index."""

_HAN_RUN = re.compile(f"{HAN_CHAR}+")


@dataclass(frozen=True)
class CodeMixStats:
    """Code-mixing statistics of one text (one utterance).

    Attributes:
        segmentation: Han segmentation the token counts use: ``char`` or ``jieba``.
        n_zh: zh tokens (Han characters, or jieba words).
        n_en: en tokens (Latin words).
        n_u: Language-independent tokens (digits, punctuation, symbols).
        switch_points: P, changes of language between consecutive language tokens.
        spans: ``(language, length)`` of each maximal same-language run, in order.
        cmi: CMI v1 (Das & Gambäck 2014), 100 * (1 - max_i w_i / (n - u)); 0 when n = u.
        cu: Cu (Gambäck & Das 2016), 100 * (N - max_t + P) / (2N); 0 when N = 0.
        i_index: Switch points per token boundary, P / (N - 1); 0 when N < 2.
        m_index: Barnett et al. (2000), (1 - sum p_j^2) / ((k - 1) sum p_j^2), k = 2; 0 when N = 0.
        entropy: Language entropy in bits, -sum p_j log2 p_j.
        burstiness: (sd - mean) / (sd + mean) of span lengths, sample sd; None with < 2 spans.
        en_char_share: Latin letters / (Latin letters + Han characters); 0 without either.
    """

    segmentation: Segmentation
    n_zh: int
    n_en: int
    n_u: int
    switch_points: int
    spans: tuple[tuple[ScriptTag, int], ...]
    cmi: float
    cu: float
    i_index: float
    m_index: float
    entropy: float
    burstiness: float | None
    en_char_share: float

    @property
    def n_lang(self) -> int:
        """N, the language-tagged tokens."""
        return self.n_zh + self.n_en

    @property
    def switches_per_100(self) -> float:
        """Switch points per 100 language tokens (docs/metrics.md)."""
        return 100 * self.switch_points / self.n_lang if self.n_lang else 0.0

    @property
    def mean_span(self) -> float:
        """Mean span length in tokens; 0 without spans."""
        return statistics.fmean(n for _, n in self.spans) if self.spans else 0.0

    @property
    def max_span(self) -> int:
        """Longest span in tokens; 0 without spans."""
        return max((n for _, n in self.spans), default=0)

    def span_counts(self) -> dict[str, int]:
        """Number of spans per language."""
        return {lang: sum(1 for tag, _ in self.spans if tag == lang) for lang in LANGUAGES}


def _jieba_words(run: str) -> list[str]:
    jieba = importlib.import_module("jieba")
    jieba.setLogLevel(logging.WARNING)
    return [word for word in jieba.lcut(run) if word.strip()]


def segment(text: str, segmentation: Segmentation = "char") -> list[tuple[str, ScriptTag]]:
    """The tagged token stream: :func:`tag_scripts`, with Han runs cut by jieba if asked.

    Args:
        text: Any text.
        segmentation: ``char`` (one token per Han character) or ``jieba`` (jieba precise mode
            on each run of adjacent Han characters; jieba is imported on first use).

    Returns:
        ``(token, tag)`` pairs in text order.
    """
    if segmentation == "char":
        return tag_scripts(text)
    folded = unicodedata.normalize("NFKC", text)
    out: list[tuple[str, ScriptTag]] = []
    cursor = 0
    for run in _HAN_RUN.finditer(folded):
        out.extend(tag_scripts(folded[cursor : run.start()]))
        out.extend((word, "zh") for word in _jieba_words(run.group()))
        cursor = run.end()
    out.extend(tag_scripts(folded[cursor:]))
    return out


def _shares(counts: dict[ScriptTag, int]) -> list[float]:
    total = sum(counts.values())
    return [count / total for count in counts.values() if count] if total else []


def _m_index(shares: list[float]) -> float:
    if not shares:
        return 0.0
    squares = sum(p * p for p in shares)
    return (1 - squares) / ((len(LANGUAGES) - 1) * squares)


def _burstiness(lengths: list[int]) -> float | None:
    if len(lengths) < 2:
        return None
    mean, sd = statistics.fmean(lengths), statistics.stdev(lengths)
    return (sd - mean) / (sd + mean)


def _en_char_share(tagged: list[tuple[str, ScriptTag]]) -> float:
    latin = sum(sum(c.isascii() and c.isalpha() for c in tok) for tok, tag in tagged if tag == "en")
    han = sum(len(tok) for tok, tag in tagged if tag == "zh")
    return latin / (latin + han) if latin + han else 0.0


def code_mix_stats(text: str, segmentation: Segmentation = "char") -> CodeMixStats:
    """Code-mixing statistics of ``text`` (Das & Gambäck 2014; docs/metrics.md).

    Args:
        text: One utterance (a reply).
        segmentation: Han segmentation, see :func:`segment`.

    Returns:
        The statistics.
    """
    tagged = segment(text, segmentation)
    counts: dict[ScriptTag, int] = {lang: 0 for lang in LANGUAGES}
    for _, tag in tagged:
        if tag != "u":
            counts[tag] += 1
    n_lang = sum(counts.values())
    spans = language_spans(tagged)
    switches = max(len(spans) - 1, 0)
    dominant = max(counts.values())
    shares = _shares(counts)
    return CodeMixStats(
        segmentation=segmentation,
        n_zh=counts["zh"],
        n_en=counts["en"],
        n_u=len(tagged) - n_lang,
        switch_points=switches,
        spans=tuple(spans),
        cmi=100 * (1 - dominant / n_lang) if n_lang else 0.0,
        cu=100 * (n_lang - dominant + switches) / (2 * n_lang) if n_lang else 0.0,
        i_index=switches / (n_lang - 1) if n_lang > 1 else 0.0,
        m_index=_m_index(shares),
        entropy=0.0 - sum(p * math.log2(p) for p in shares),
        burstiness=_burstiness([n for _, n in spans]),
        en_char_share=_en_char_share(tagged),
    )


def codemix_signature(segmentation: Segmentation) -> str:
    """Signature of code-mixing numbers, naming the segmentation (and jieba's version)."""
    if segmentation == "jieba":
        from importlib.metadata import version

        return f"codemix|v1|seg:jieba{version('jieba')}"
    return "codemix|v1|seg:char"

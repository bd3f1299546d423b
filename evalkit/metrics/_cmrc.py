"""CMRC 2018 compatibility: the v5 evaluation script's F1 and EM (ymcui/cmrc2018).

Ported from ``ymcui/cmrc2018`` ``squad-style-data/cmrc2018_evaluate.py`` (v5) with its quirks:
the two-character ``"……"`` entry (so a single ``…`` is never removed), ``’`` listed but ``‘``
not, Han detected only in U+4E00-U+9FA5, and *substring* (contiguous) LCS for F1.

One deviation: the script tokenises non-Han runs with ``nltk.word_tokenize``; here they are split
on whitespace and each ASCII punctuation character becomes its own token, so evalkit needs no
nltk. Results differ from NLTK's on contractions (``don't``), decimals (``3.14``) and
abbreviations (``U.S.``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

SP_CHAR: tuple[str, ...] = (
    "-", ":", "_", "*", "^", "/", "\\", "~", "`", "+", "=",
    "，", "。", "：", "？", "！", "“", "”", "；", "’", "《", "》", "……", "·", "、",
    "「", "」", "（", "）", "－", "～", "『", "』",
)  # fmt: skip
"""The script's ``sp_char`` list, verbatim and in order."""

CMRC_VERSION = "cmrc2018-v5-nonltk"
"""Stored in signatures of scores computed in this mode."""

_CMRC_HAN = re.compile("[\U00004e00-\U00009fa5]")
_ASCII_PUNCT = "!-/:-@\\[-`{-~"
_LATIN_SPLIT = re.compile(f"[^\\s{_ASCII_PUNCT}]+|[{_ASCII_PUNCT}]")


def _word_tokenize(text: str) -> list[str]:
    return _LATIN_SPLIT.findall(text)


def mixed_segmentation(text: str, rm_punc: bool = False) -> list[str]:
    """The script's segmentation: one token per Han character, word tokens for other runs.

    Args:
        text: Any text; it is lowercased and stripped first.
        rm_punc: Drop characters of :data:`SP_CHAR`.

    Returns:
        The tokens.
    """
    out: list[str] = []
    pending = ""
    for char in text.lower().strip():
        if rm_punc and char in SP_CHAR:
            continue
        if _CMRC_HAN.search(char) or char in SP_CHAR:
            out.extend(_word_tokenize(pending))
            pending = ""
            out.append(char)
        else:
            pending += char
    out.extend(_word_tokenize(pending))
    return out


def remove_punctuation(text: str) -> str:
    """Lowercase, strip and drop :data:`SP_CHAR` characters (inner whitespace is kept)."""
    return "".join(char for char in text.lower().strip() if char not in SP_CHAR)


def longest_common_substring(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest contiguous run shared by two token lists (the script's find_lcs)."""
    best = 0
    previous = [0] * (len(b) + 1)
    for token in a:
        current = [0] * (len(b) + 1)
        for j, other in enumerate(b):
            if token == other:
                current[j + 1] = previous[j] + 1
                best = max(best, current[j + 1])
        previous = current
    return best


def cmrc_f1(reply: str, references: Sequence[str]) -> float:
    """CMRC 2018 F1: LCS-substring precision and recall, max over references.

    Args:
        reply: The predicted answer.
        references: Reference answers (at least one).

    Returns:
        F1 in [0, 1] (the script reports 100 times the corpus mean).
    """
    predicted = mixed_segmentation(reply, rm_punc=True)
    best = 0.0
    for reference in references:
        gold = mixed_segmentation(reference, rm_punc=True)
        common = longest_common_substring(gold, predicted)
        if common == 0:
            continue
        precision, recall = common / len(predicted), common / len(gold)
        best = max(best, 2 * precision * recall / (precision + recall))
    return best


def cmrc_em(reply: str, references: Sequence[str]) -> bool:
    """CMRC 2018 EM: equality after :func:`remove_punctuation` with any reference."""
    predicted = remove_punctuation(reply)
    return any(remove_punctuation(reference) == predicted for reference in references)

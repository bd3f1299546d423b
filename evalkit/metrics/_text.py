"""Normalisation, script tokens and the zh/en/u script tagger (docs/metrics.md)."""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

ScriptTag = Literal["zh", "en", "u"]
"""``zh`` a Han character, ``en`` a Latin word, ``u`` language-independent (digits, symbols...)."""

NORMALIZER = "nfkc-cf-nopunct-v2"
"""Name and version of :func:`normalize`, stored in metric signatures."""

HAN_RANGES: tuple[tuple[str, str], ...] = (
    ("\U00003400", "\U00004dbf"),  # CJK Unified Ideographs Extension A
    ("\U00004e00", "\U00009fff"),  # CJK Unified Ideographs
    ("\U0000f900", "\U0000faff"),  # CJK Compatibility Ideographs
    ("\U00020000", "\U0002ebef"),  # Extensions B to F
    ("\U00030000", "\U0003134f"),  # Extension G
)
"""Inclusive code-point ranges treated as Han (docs/metrics.md)."""

_HAN_CLASS = "".join(f"{lo}-{hi}" for lo, hi in HAN_RANGES)
HAN_CHAR = f"[{_HAN_CLASS}]"
"""A regular-expression character class matching one Han character."""

# Latin word with internal apostrophes or hyphens (docs/metrics.md). The right single quotation
# mark U+2019 is accepted as an apostrophe because NFKC leaves it alone and models emit it.
_LATIN_WORD = "[A-Za-z]+(?:['\u2019-][A-Za-z]+)*"
_TOKEN_RE = re.compile(f"(?P<zh>{HAN_CHAR})|(?P<en>{_LATIN_WORD})|(?P<num>[0-9]+)|(?P<u>\\S)")
_HAN_RE = re.compile(HAN_CHAR)
_SPACE_RE = re.compile(r"\s+")
_SPACE_BY_HAN_RE = re.compile(f"(?<={HAN_CHAR}) | (?={HAN_CHAR})")
_KEPT_SYMBOLS = frozenset({"Sc", "Sm"})
_WORD_CHAR = re.compile("[A-Za-z0-9]")


def is_han(char: str) -> bool:
    """Whether ``char`` (one code point) lies in one of :data:`HAN_RANGES`."""
    return bool(_HAN_RE.fullmatch(char))


def _kept(char: str) -> bool:
    category = unicodedata.category(char)
    if category.startswith("P"):
        return False
    return not category.startswith("S") or category in _KEPT_SYMBOLS


class _DropTable(dict[int, int | None]):
    """A ``str.translate`` table that drops what :func:`_kept` drops (and keeps ``\x00``),
    filled one code point at a time as text shows it: the filter runs in C, once per distinct
    character, instead of a Python call per character of every reply."""

    def __missing__(self, code: int) -> int | None:
        char = chr(code)
        kept = code if char == "\x00" or _kept(char) else None
        self[code] = kept
        return kept


_DROP = _DropTable()


_NUMBER_PUNCT_RE = re.compile(r"(?<=\d)[.,](?=\d)")


def normalize(text: str) -> str:
    """Normalise text for comparison (docs/metrics.md).

    NFKC, ``casefold()``, drop punctuation (``P*``) and symbols (``S*``) except currency (``Sc``)
    and maths (``Sm``), collapse whitespace to single spaces, and drop whitespace next to a Han
    character (so ``"北京 大学"`` and ``"北京大学"``, ``"用 Python"`` and ``"用Python"`` agree).

    Args:
        text: Any text.

    Returns:
        The normalised text, stripped.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    # a decimal point or thousands separator between digits is part of the number: "3.14" must
    # not normalise to "314"
    folded = _NUMBER_PUNCT_RE.sub(
        lambda m: m.group(0).replace(",", "").replace(".", "\x00"), folded
    )
    kept = folded.translate(_DROP).replace("\x00", ".")
    spaced = _SPACE_RE.sub(" ", kept).strip()
    return _SPACE_BY_HAN_RE.sub("", spaced)


def tag_scripts(text: str) -> list[tuple[str, ScriptTag]]:
    """Tag tokens by script (docs/metrics.md): NFKC first, whitespace separates and is dropped.

    Each Han character is one ``zh`` token; each ``[A-Za-z]+`` run (with internal ``'`` or ``-``)
    is one ``en`` token; each digit run and each other non-space character is one ``u`` token.

    Args:
        text: Any text.

    Returns:
        ``(token, tag)`` pairs in text order.
    """
    tagged: list[tuple[str, ScriptTag]] = []
    for match in _TOKEN_RE.finditer(unicodedata.normalize("NFKC", text)):
        kind = match.lastgroup
        tag: ScriptTag = "zh" if kind == "zh" else "en" if kind == "en" else "u"
        tagged.append((match.group(), tag))
    return tagged


def script_tokens(text: str) -> list[str]:
    """Script tokens (docs/metrics.md ``tokens_zh``): Han characters, Latin words, digit runs.

    Args:
        text: Any text; NFKC is applied, case is kept (call :func:`normalize` first to fold it).

    Returns:
        The tokens in text order; punctuation, symbols and whitespace are left out.
    """
    out = []
    for match in _TOKEN_RE.finditer(unicodedata.normalize("NFKC", text)):
        if match.lastgroup != "u":
            out.append(match.group())
    return out


def language_spans(tagged: list[tuple[str, ScriptTag]]) -> list[tuple[ScriptTag, int]]:
    """Maximal runs of same-language tokens, skipping language-independent (``u``) tokens.

    Args:
        tagged: Output of :func:`tag_scripts` (or any ``(token, tag)`` stream).

    Returns:
        ``(language, length in tokens)`` per span, in order.
    """
    spans: list[tuple[ScriptTag, int]] = []
    for _, tag in tagged:
        if tag == "u":
            continue
        if spans and spans[-1][0] == tag:
            spans[-1] = (tag, spans[-1][1] + 1)
        else:
            spans.append((tag, 1))
    return spans


def _joins(a: str, b: str) -> bool:
    return bool(_WORD_CHAR.match(a) and _WORD_CHAR.match(b))


def find_word(haystack: str, needle: str) -> int:
    """Index of the first occurrence of ``needle`` that does not cut a Latin word or digit run.

    ``"au"`` is not found in ``"because"`` and ``"19"`` not in ``"1969"``, but Han needs no
    boundary: ``"金"`` is found in ``"黄金"``.

    Args:
        haystack: Text to search.
        needle: Text to find (non-empty).

    Returns:
        The index, or -1.
    """
    start = haystack.find(needle)
    while start >= 0:
        end = start + len(needle)
        cuts_left = start > 0 and _joins(haystack[start - 1], needle[0])
        cuts_right = end < len(haystack) and _joins(needle[-1], haystack[end])
        if not (cuts_left or cuts_right):
            return start
        start = haystack.find(needle, start + 1)
    return -1

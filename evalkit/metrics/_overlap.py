"""Answer overlap: exact match, answer containment, token F1 and ROUGE-L (Lin 2004)."""

from __future__ import annotations

import importlib
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from importlib.metadata import version
from typing import Literal

from evalkit.metrics._quantity import Quantity, parse_quantity, reply_quantities, same_quantity
from evalkit.metrics._text import find_word, normalize, script_tokens

RougeMode = Literal["char", "jieba"]


def exact_match(reply: str, answers: Sequence[str]) -> bool:
    """Whether the normalised reply equals any normalised answer.

    Args:
        reply: The model's reply.
        answers: Acceptable answers.

    Returns:
        True on a match.
    """
    target = normalize(reply)
    return any(normalize(answer) == target for answer in answers)


_HYPHENS = re.compile(r"[-\u2010-\u2015\u2212]")


def _loose(text: str) -> str:
    """:func:`normalize` with hyphens read as spaces: "Berners-Lee" and "Berners Lee" agree."""
    return normalize(_HYPHENS.sub(" ", unicodedata.normalize("NFKC", text)))


def matched_alias(reply: str, aliases: Sequence[str]) -> str | None:
    """The first alias the reply contains, or None (see :func:`contains_answer`)."""
    text = _loose(reply)
    stated: list[Quantity] | None = None
    for alias in aliases:
        quantity = parse_quantity(alias)
        if quantity is not None:
            stated = reply_quantities(reply) if stated is None else stated
            if any(same_quantity(quantity, found) for found in stated):
                return alias
            continue
        needle = _loose(alias)
        if needle and find_word(text, needle) >= 0:
            return alias
    return None


def contains_answer(reply: str, aliases: Sequence[str]) -> bool:
    """Whether the reply contains any alias.

    An alias that is a quantity (a number with an optional known unit or currency sign:
    ``"1969"``, ``"一九六九"``, ``"450 pages"``, ``"4 per cent"``, ``"$8"``, ``"3公升"``; see
    :mod:`evalkit.metrics._quantity`) matches when the reply states the same value with the same
    unit or with none: ``"1969"`` matches ``"一九六九年"`` but not ``"19690"``, ``"6"`` does not
    match ``"16"`` or ``"周六"``, ``"4%"`` matches ``"Up to 4 percent"``, ``"3 liters"`` matches
    ``"Three liters."``. English number words count ("sixty-five"). Any other alias matches when
    its normalised form, with hyphens read as spaces, occurs in the normalised reply without
    cutting a Latin word or digit run in two (``"au"`` is not found in ``"because"``; Han needs
    no boundary; ``"Tim Berners-Lee"`` matches ``"Tim Berners Lee"``).

    Args:
        reply: The model's reply.
        aliases: Acceptable answers and their aliases.

    Returns:
        True when one alias is found.
    """
    return matched_alias(reply, aliases) is not None


def _f1(overlap: float, predicted: int, reference: int) -> float:
    if predicted == 0 or reference == 0:
        return float(predicted == reference)
    if overlap == 0:
        return 0.0
    precision, recall = overlap / predicted, overlap / reference
    return 2 * precision * recall / (precision + recall)


def token_f1(reply: str, references: Sequence[str]) -> float:
    """SQuAD-style bag-of-tokens F1 on script tokens of the normalised text, max over references.

    Args:
        reply: The model's reply.
        references: Reference answers (at least one).

    Returns:
        F1 in [0, 1]; 1.0 when both sides have no tokens.
    """
    predicted = Counter(script_tokens(normalize(reply)))
    best = 0.0
    for reference in references:
        gold = Counter(script_tokens(normalize(reference)))
        overlap = sum((predicted & gold).values())
        best = max(best, _f1(overlap, predicted.total(), gold.total()))
    return best


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence of two token lists."""
    previous = [0] * (len(b) + 1)
    for token in a:
        current = [0]
        for j, other in enumerate(b):
            current.append(previous[j] + 1 if token == other else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def _jieba_tokens(text: str) -> list[str]:
    jieba = importlib.import_module("jieba")
    jieba.setLogLevel(logging.WARNING)
    return [word for word in jieba.lcut(text) if word.strip()]


def rouge_tokens(text: str, mode: RougeMode = "char") -> list[str]:
    """Tokens ROUGE-L compares: script tokens, or jieba words, of the normalised text."""
    normalized = normalize(text)
    return script_tokens(normalized) if mode == "char" else _jieba_tokens(normalized)


def rouge_l(reply: str, references: Sequence[str], mode: RougeMode = "char") -> float:
    """ROUGE-L F1 (LCS subsequence), max over references.

    Args:
        reply: The model's reply.
        references: Reference texts (at least one).
        mode: ``"char"`` compares script tokens (each Han character, each Latin word, each digit
            run; the primary score per Lin 2004); ``"jieba"`` compares jieba words.

    Returns:
        F1 in [0, 1]; 1.0 when both sides have no tokens.
    """
    predicted = rouge_tokens(reply, mode)
    best = 0.0
    for reference in references:
        gold = rouge_tokens(reference, mode)
        best = max(best, _f1(lcs_length(predicted, gold), len(predicted), len(gold)))
    return best


def jieba_version() -> str:
    """Installed jieba version, read from package metadata without importing jieba."""
    return version("jieba")

"""Metrics comparing a reply with the item's reference answers or key terms."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

from evalkit.metrics._base import Score
from evalkit.metrics._cmrc import CMRC_VERSION, cmrc_em, cmrc_f1
from evalkit.metrics._overlap import (
    RougeMode,
    exact_match,
    jieba_version,
    matched_alias,
    rouge_l,
    token_f1,
)
from evalkit.metrics._quantity import QUANTITY_VERSION
from evalkit.metrics._text import NORMALIZER

if TYPE_CHECKING:
    from evalkit.goldensets import GoldenItem

QaMode = Literal["default", "cmrc2018"]


@dataclass(frozen=True)
class ExactMatch:
    """The reply equals a reference answer (bool).

    Attributes:
        mode: ``"default"``: equality after :func:`normalize`; ``"cmrc2018"``: equality after
            the CMRC 2018 script's ``remove_punctuation``.
    """

    name: ClassVar[str] = "exact_match"
    mode: QaMode = "default"

    def signature(self) -> str:
        """E.g. ``exact_match|v1|norm:nfkc-cf-nopunct-v2``."""
        norm = NORMALIZER if self.mode == "default" else CMRC_VERSION
        return f"{self.name}|v1|norm:{norm}"

    def score(self, reply: str, item: GoldenItem) -> Score | None:
        """Exact match against ``item.reference.answers``; None without answers."""
        answers = item.reference.answers
        if not answers:
            return None
        same = exact_match(reply, answers) if self.mode == "default" else cmrc_em(reply, answers)
        return Score(self.name, same, self.signature())


@dataclass(frozen=True)
class ContainsAnswer:
    """The reply contains a reference answer or alias (bool).

    v2: quantities compare by value and unit ("4 per cent" = "4%", "Three liters." = "3公升"),
    English number words count, hyphens read as spaces ("Tim Berners Lee").
    """

    name: ClassVar[str] = "contains_answer"

    def signature(self) -> str:
        """E.g. ``contains_answer|v2|norm:nfkc-cf-nopunct-v2|num:unit-v2|hyphen:space``."""
        return f"{self.name}|v2|norm:{NORMALIZER}|num:{QUANTITY_VERSION}|hyphen:space"

    def score(self, reply: str, item: GoldenItem) -> Score | None:
        """Whether any alias is found; ``detail["alias"]`` names it. None without answers."""
        answers = item.reference.answers
        if not answers:
            return None
        alias = matched_alias(reply, answers)
        return Score(self.name, alias is not None, self.signature(), {"alias": alias})


@dataclass(frozen=True)
class TokenF1:
    """Token F1 against the reference answers (float in [0, 1]).

    Attributes:
        mode: ``"default"``: bag of script tokens of the normalised text (SQuAD style);
            ``"cmrc2018"``: the CMRC 2018 script's LCS-substring F1, with its EM and
            ``(EM + F1) / 2`` in ``detail``.
    """

    name: ClassVar[str] = "token_f1"
    mode: QaMode = "default"

    def signature(self) -> str:
        """E.g. ``token_f1|v1|tok:script|norm:nfkc-cf-nopunct-v2``."""
        if self.mode == "cmrc2018":
            return f"{self.name}|v1|{CMRC_VERSION}"
        return f"{self.name}|v1|tok:script|norm:{NORMALIZER}"

    def score(self, reply: str, item: GoldenItem) -> Score | None:
        """F1, max over ``item.reference.answers``; None without answers."""
        answers = item.reference.answers
        if not answers:
            return None
        if self.mode == "default":
            return Score(self.name, token_f1(reply, answers), self.signature())
        f1, em = cmrc_f1(reply, answers), cmrc_em(reply, answers)
        detail = {"em": em, "average": (float(em) + f1) / 2}
        return Score(self.name, f1, self.signature(), detail)


@dataclass(frozen=True)
class RougeL:
    """ROUGE-L F1 against the references (float in [0, 1]).

    Attributes:
        mode: ``"char"`` (script tokens: each Han character, each Latin word) or ``"jieba"``
            (jieba words; the jieba version goes into the signature).
    """

    name: ClassVar[str] = "rouge_l"
    mode: RougeMode = "char"

    def signature(self) -> str:
        """E.g. ``rouge_l|v1|tok:char|norm:nfkc-cf-nopunct-v2``."""
        tokens = "char" if self.mode == "char" else f"jieba{jieba_version()}"
        return f"{self.name}|v1|tok:{tokens}|norm:{NORMALIZER}"

    def score(self, reply: str, item: GoldenItem) -> Score | None:
        """ROUGE-L F, max over ``item.reference.answers``; None without answers."""
        answers = item.reference.answers
        if not answers:
            return None
        return Score(self.name, rouge_l(reply, answers, self.mode), self.signature())


@dataclass(frozen=True)
class KeyTerms:
    """Fraction of ``item.reference.key_terms`` kept in the reply (NFKC, caseless).

    Caseless because a term at the start of a sentence is capitalised ("Burn rate is ...") and is
    still kept; what the metric catches is a term translated away or dropped.
    """

    name: ClassVar[str] = "key_terms"

    def signature(self) -> str:
        """``key_terms|v2|nfkc|caseless``."""
        return f"{self.name}|v2|nfkc|caseless"

    def score(self, reply: str, item: GoldenItem) -> Score | None:
        """The fraction found; ``detail["missing"]`` lists the others. None without key terms."""
        terms = item.reference.key_terms
        if not terms:
            return None
        text = unicodedata.normalize("NFKC", reply).casefold()
        missing = [t for t in terms if unicodedata.normalize("NFKC", t).casefold() not in text]
        value = (len(terms) - len(missing)) / len(terms)
        return Score(self.name, value, self.signature(), {"missing": missing})

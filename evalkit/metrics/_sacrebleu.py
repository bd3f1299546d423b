"""chrF and BLEU through sacrebleu, with per-case sufficient statistics (sacreBLEU, Post 2018).

Each score carries sacrebleu's sufficient statistics for its case in ``Score.detail["stats"]``;
``aggregate`` turns a list of them into the corpus score, so bootstrap and paired tests
resample statistics, not text. Summing statistics is exactly what sacrebleu's ``corpus_score``
does. The statistics come from ``Metric._extract_corpus_statistics``, the same private method
sacrebleu's own ``sentence_score``, ``corpus_score`` and significance tests call (2.6 has no
public equivalent).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar, Literal

from evalkit.metrics._base import Score

if TYPE_CHECKING:
    from sacrebleu.metrics import BLEU, CHRF

    from evalkit.goldensets import GoldenItem

BleuTokenize = Literal["auto", "zh", "13a"]


# sacrebleu is imported when a translation is first scored: runs of other tasks never pay for it


@lru_cache(maxsize=8)
def _chrf(char_order: int, word_order: int, beta: int) -> CHRF:
    from sacrebleu.metrics import CHRF

    return CHRF(char_order=char_order, word_order=word_order, beta=beta)


@lru_cache(maxsize=8)
def _bleu(tokenize: str, effective_order: bool) -> BLEU:
    from sacrebleu.metrics import BLEU

    return BLEU(tokenize=tokenize, effective_order=effective_order)


@lru_cache(maxsize=1)
def _version() -> str:
    from importlib.metadata import version

    return version("sacrebleu")


def _case_stats(metric: CHRF | BLEU, reply: str, references: Sequence[str]) -> list[int]:
    stats = metric._extract_corpus_statistics([reply], [[ref] for ref in references])
    return [int(value) for value in stats[0]]


def _summed(stats_list: Sequence[Sequence[int]]) -> list[int]:
    return [sum(column) for column in zip(*stats_list, strict=True)]


@dataclass(frozen=True)
class ChrF:
    """chrF with sacrebleu's defaults (character 6-grams, no word n-grams, beta 2), 0-100.

    Attributes:
        char_order: Character n-gram order.
        word_order: Word n-gram order (2 gives chrF++, which needs pre-segmented Chinese).
        beta: Recall weight.
    """

    name: ClassVar[str] = "chrf"
    char_order: int = 6
    word_order: int = 0
    beta: int = 2

    def signature(self) -> str:
        """E.g. ``chrf|v1|nc6|nw0|b2|sacrebleu2.6.0``."""
        return f"chrf|v1|nc{self.char_order}|nw{self.word_order}|b{self.beta}|sacrebleu{_version()}"

    def statistics(self, reply: str, references: Sequence[str]) -> list[int]:
        """sacrebleu's sufficient statistics for one case (best reference)."""
        return _case_stats(_chrf(self.char_order, self.word_order, self.beta), reply, references)

    def aggregate(self, stats_list: Sequence[Sequence[int]]) -> float:
        """Corpus chrF from per-case statistics (equals sacrebleu's ``corpus_score``)."""
        if not stats_list:
            return 0.0
        metric = _chrf(self.char_order, self.word_order, self.beta)
        return float(metric._compute_score_from_stats(_summed(stats_list)).score)

    def score(self, reply: str, item: GoldenItem) -> Score | None:
        """Sentence chrF against ``item.reference.answers``; None without references."""
        references = item.reference.answers
        if not references:
            return None
        stats = self.statistics(reply, references)
        return Score(self.name, self.aggregate([stats]), self.signature(), {"stats": stats})


@dataclass(frozen=True)
class Bleu:
    """BLEU through sacrebleu (exp smoothing, 4-grams, case-sensitive), 0-100.

    The tokenizer is always passed to sacrebleu explicitly. With ``tokenize="auto"`` it is
    ``"zh"`` when the item's expected reply language is zh or mixed (Han must be split into
    characters) and ``"13a"`` when it is en. The sentence value uses effective order, like
    ``sacrebleu.sentence_bleu``; :meth:`aggregate` is corpus BLEU without it, like
    ``BLEU().corpus_score``.

    Attributes:
        tokenize: ``"auto"``, ``"zh"`` or ``"13a"``.
        effective_order: Effective n-gram order for the sentence value.
    """

    name: ClassVar[str] = "bleu"
    tokenize: BleuTokenize = "auto"
    effective_order: bool = True

    def tokenizer_for(self, lang: str) -> str:
        """The sacrebleu tokenizer used for a reply in ``lang``."""
        if self.tokenize != "auto":
            return self.tokenize
        return "13a" if lang == "en" else "zh"

    def signature(self, lang: str | None = None) -> str:
        """E.g. ``bleu|v1|tok:zh|case:mixed|smooth:exp|eff:yes|sacrebleu2.6.0``.

        Args:
            lang: Reply language, to name the tokenizer ``auto`` resolves to; without it the
                configured value (possibly ``auto``) is named.
        """
        effective = "yes" if self.effective_order else "no"
        tokenize = self.tokenize if lang is None else self.tokenizer_for(lang)
        return f"bleu|v1|tok:{tokenize}|case:mixed|smooth:exp|eff:{effective}|sacrebleu{_version()}"

    def statistics(self, reply: str, references: Sequence[str], lang: str) -> list[int]:
        """``[hyp_len, ref_len, correct_1..4, total_1..4]`` for one case."""
        return _case_stats(_bleu(self.tokenizer_for(lang), False), reply, references)

    def sentence(self, stats: Sequence[int]) -> float:
        """Sentence BLEU from one case's statistics."""
        metric = _bleu("13a", self.effective_order)
        return float(metric._compute_score_from_stats(list(stats)).score)

    def aggregate(self, stats_list: Sequence[Sequence[int]]) -> float:
        """Corpus BLEU from per-case statistics (equals sacrebleu's ``corpus_score``)."""
        if not stats_list:
            return 0.0
        return float(_bleu("13a", False)._compute_score_from_stats(_summed(stats_list)).score)

    def score(self, reply: str, item: GoldenItem) -> Score | None:
        """Sentence BLEU against ``item.reference.answers``; None without references."""
        references = item.reference.answers
        if not references:
            return None
        lang = item.expected_reply_lang
        stats = self.statistics(reply, references, lang)
        detail = {"stats": stats, "tokenize": self.tokenizer_for(lang)}
        return Score(self.name, self.sentence(stats), self.signature(lang), detail)

"""Deterministic metrics: normalisation, numbers, reply language, overlap, checks, refusal.

Every metric is a small frozen dataclass whose fields are its configuration, with one
``score(reply, item) -> Score | None`` method (None when it does not apply to the item) and a
``signature()`` stored beside each score. Corpus metrics (:class:`ChrF`, :class:`Bleu`) put
per-case sufficient statistics in ``Score.detail["stats"]`` and aggregate them with a pure
``aggregate(stats_list)``.
"""

from evalkit.metrics._abstention import abstention_kind, is_abstention
from evalkit.metrics._answer_metrics import ContainsAnswer, ExactMatch, KeyTerms, RougeL, TokenF1
from evalkit.metrics._base import Metric, Score, ScoreValue
from evalkit.metrics._checks import checks_pass, run_check, run_checks, word_count
from evalkit.metrics._cmrc import cmrc_em, cmrc_f1, mixed_segmentation
from evalkit.metrics._codemix import CodeMixStats, code_mix_stats, codemix_signature
from evalkit.metrics._item_metrics import (
    Abstained,
    CheckPass,
    JsonValid,
    LabelMatch,
    RefusalLabel,
    ReplyLang,
    parse_label,
)
from evalkit.metrics._lang import DEFAULT_THRESHOLDS, LangThresholds, detect_reply_lang
from evalkit.metrics._numbers import extract_numbers, parse_number
from evalkit.metrics._overlap import contains_answer, exact_match, rouge_l, token_f1
from evalkit.metrics._refusal import refusal_prefilter, refusal_triage
from evalkit.metrics._sacrebleu import Bleu, ChrF
from evalkit.metrics._text import HAN_RANGES, is_han, normalize, script_tokens, tag_scripts

__all__ = [
    "DEFAULT_THRESHOLDS",
    "HAN_RANGES",
    "Abstained",
    "Bleu",
    "CheckPass",
    "ChrF",
    "CodeMixStats",
    "ContainsAnswer",
    "ExactMatch",
    "JsonValid",
    "KeyTerms",
    "LabelMatch",
    "LangThresholds",
    "Metric",
    "RefusalLabel",
    "ReplyLang",
    "RougeL",
    "Score",
    "ScoreValue",
    "TokenF1",
    "abstention_kind",
    "checks_pass",
    "cmrc_em",
    "cmrc_f1",
    "code_mix_stats",
    "codemix_signature",
    "contains_answer",
    "detect_reply_lang",
    "exact_match",
    "extract_numbers",
    "is_abstention",
    "is_han",
    "mixed_segmentation",
    "normalize",
    "parse_label",
    "parse_number",
    "refusal_prefilter",
    "refusal_triage",
    "rouge_l",
    "run_check",
    "run_checks",
    "script_tokens",
    "tag_scripts",
    "token_f1",
    "word_count",
]

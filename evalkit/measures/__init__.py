"""Headline measures: hallucination, refusal, code-mixed quality, cross-lingual parity."""

from evalkit.measures._hallucination import TIERS, final_labels, hallucination, refusal
from evalkit.measures._measures import Measures, decisions, measures
from evalkit.measures._mixing import code_mixed, parity

__all__ = [
    "TIERS",
    "Measures",
    "code_mixed",
    "decisions",
    "final_labels",
    "hallucination",
    "measures",
    "parity",
    "refusal",
]

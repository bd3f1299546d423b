"""Headline measures: hallucination, refusal, code-mixed quality, cross-lingual parity."""

from evalkit.measures._hallucination import final_labels, hallucination, refusal
from evalkit.measures._measures import Measures, measures
from evalkit.measures._mixing import code_mixed, parity

__all__ = [
    "Measures",
    "code_mixed",
    "final_labels",
    "hallucination",
    "measures",
    "parity",
    "refusal",
]

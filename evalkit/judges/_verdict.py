"""Parsing a judge's reply into a verdict; a failure is recorded with the raw text, never scored."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from evalkit.judges._rubric import Rubric

_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


@dataclass(frozen=True)
class Verdict:
    """One judge's parsed verdict.

    Attributes:
        rationale: The judge's reasoning (asked for before the verdict).
        label: The label, for label rubrics.
        score: The score, for score rubrics.
        rationale_first: Whether the rationale came before the verdict in the JSON.
    """

    rationale: str
    label: str | None = None
    score: float | None = None
    rationale_first: bool = True

    @property
    def value(self) -> str | float:
        """The verdict itself."""
        return self.label if self.label is not None else float(self.score or 0.0)


def parse_verdict(text: str, rubric: Rubric) -> tuple[Verdict | None, str | None]:
    """The verdict in ``text``, or ``(None, why)`` when it cannot be read."""
    obj, raw = _last_json_object(text)
    if obj is None:
        return None, "no JSON object in the reply"
    rationale = obj.get("rationale")
    if not isinstance(rationale, str):
        return None, "missing 'rationale'"
    key = "label" if rubric.kind == "label" else "score"
    first = raw.find('"rationale"') < raw.find(f'"{key}"')
    if rubric.kind == "label":
        label = obj.get("label")
        if label not in rubric.labels:
            return None, f"label {label!r} not in {rubric.labels}"
        return Verdict(rationale, label=label, rationale_first=first), None
    score = obj.get("score")
    assert rubric.scale is not None
    if isinstance(score, bool) or not isinstance(score, (int, float)):
        return None, f"score {score!r} is not a number"
    if not rubric.scale.min <= score <= rubric.scale.max:
        return None, f"score {score} outside {rubric.scale.min}..{rubric.scale.max}"
    return Verdict(rationale, score=float(score), rationale_first=first), None


def _last_json_object(text: str) -> tuple[dict[str, Any] | None, str]:
    """The last JSON object in the reply (judges often reason first, then answer)."""
    fenced = _FENCE.findall(text)
    decoder = json.JSONDecoder()
    for candidate in [*reversed(fenced), text]:
        found: tuple[dict[str, Any] | None, str] = (None, "")
        start = 0
        while (start := candidate.find("{", start)) >= 0:
            try:
                obj, end = decoder.raw_decode(candidate, start)
            except json.JSONDecodeError:
                start += 1
                continue
            if isinstance(obj, dict):
                found = (obj, candidate[start:end])
            start = end
        if found[0] is not None:
            return found
    return None, ""

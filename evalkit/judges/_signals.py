"""What each judge measure means, and the deterministic signal the cascade checks it against."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from statistics import mean, median
from typing import TYPE_CHECKING

from evalkit.goldensets import GoldenItem
from evalkit.judges._rubric import Rubric
from evalkit.metrics import LabelMatch, refusal_prefilter
from evalkit.scoring import QAGrade, behaves

if TYPE_CHECKING:
    from evalkit.store import StoredLabel


DETERMINISTIC_METRIC: dict[str, str] = {"grade": "grade", "refusal_label": "refusal_label"}
"""Judge measures whose deterministic tier may leave a reply undecided (``unsure``), and the
stored metric that holds its label. ``replies="unsure"`` sends judges only the replies it left
undecided; every other measure (scores, and ``label_correct``, whose label match always
decides) is judged whatever the mode."""

UNDECIDED = "unsure"
"""The deterministic tier's "I cannot tell" (`evalkit.scoring.UNSURE`)."""


@dataclass(frozen=True)
class RuleCall:
    """What the deterministic tier said about one reply, as the judge cascade reads it.

    Attributes:
        label: The tier's decided label; None where it said ``unsure`` or gave none.
        lean: The label the cascade's first judge must agree with to settle the reply alone:
            the decided label, else the tier's guess on an unsure reply (the refusal
            pre-filter's, kept in the score's ``detail.prefilter``), else None.
        routable: Whether the measure has a tier that can leave a reply undecided.
    """

    label: str | None
    lean: str | None
    routable: bool

    @property
    def undecided(self) -> bool:
        """The tier left this reply to the judges."""
        return self.routable and self.label is None


def rule_call(measure: str, item: GoldenItem, reply: str, stored: StoredLabel | None) -> RuleCall:
    """The deterministic tier's call on a reply: the stored label where the measure has a tier
    that can be unsure (what the measures read), else the signal computed from the reply."""
    if measure not in DETERMINISTIC_METRIC:
        signal = deterministic_label(measure, item, reply)
        return RuleCall(signal, signal, routable=False)
    if stored is None:
        return RuleCall(None, None, routable=True)
    if stored.label is not None and stored.label != UNDECIDED:
        return RuleCall(stored.label, stored.label, routable=True)
    guess = _stored_guess(stored) or deterministic_label(measure, item, reply)
    return RuleCall(None, None if guess == UNDECIDED else guess, routable=True)


def _stored_guess(stored: StoredLabel) -> str | None:
    detail = json.loads(stored.detail_json) if stored.detail_json else {}
    guess = detail.get("prefilter") if isinstance(detail, dict) else None
    if isinstance(guess, list) and guess:  # stored as (label, evidence)
        guess = guess[0]
    return guess if isinstance(guess, str) else None


def deterministic_label(measure: str, item: GoldenItem, reply: str) -> str | None:
    """The deterministic tier's answer to the same question, when it has one."""
    if measure == "grade":
        return QAGrade().grade(reply, item)
    if measure == "refusal_label":
        return refusal_prefilter(reply)
    if measure == "label_correct":
        score = LabelMatch().score(reply, item)
        return None if score is None else ("correct" if score.value else "incorrect")
    return None


def pass_view(measure: str, item: GoldenItem, label: str) -> bool | None:
    """A pass/fail reading of a label verdict, so compare can gate on it."""
    if measure == "grade":
        return label == "correct"
    if measure == "label_correct":
        return label == "correct"
    if measure == "refusal_label":
        return behaves(item.expected_behavior, label)
    return None


@dataclass(frozen=True)
class Combined:
    """A panel's combined verdict for one reply."""

    value: str | float
    votes: dict[str, int] | None
    tie: bool
    n: int


def combine(
    rubric: Rubric, verdicts: list[str | float], tie_break: str | None, how: str
) -> Combined:
    """Majority vote for labels (ties reported, broken towards the deterministic label, else the
    first judge's), mean or median for scores."""
    if rubric.kind == "score":
        agg: Callable[[list[float]], float] = mean if how == "mean" else median
        return Combined(agg([float(v) for v in verdicts]), None, False, len(verdicts))
    counts = Counter(str(v) for v in verdicts)
    top = max(counts.values())
    leaders = [label for label in counts if counts[label] == top]
    if len(leaders) == 1:
        return Combined(leaders[0], dict(counts), False, len(verdicts))
    winner = tie_break if tie_break in leaders else next(str(v) for v in verdicts if v in leaders)
    return Combined(winner, dict(counts), True, len(verdicts))

"""The one result shape every metric and judge returns, and the metric protocol."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from evalkit.goldensets import GoldenItem

ScoreValue = bool | float | str
"""A result is typed by value: ``bool`` is pass/fail, a number is a score, a ``str`` is a label."""


@dataclass(frozen=True)
class Score:
    """One metric's verdict on one reply.

    Attributes:
        metric: Metric name, e.g. ``"exact_match"``.
        value: ``bool`` pass/fail, ``float`` score, or ``str`` label.
        signature: Metric name, version and every option that changes numbers, e.g.
            ``"chrf|v1|nc6|nw0|b2|sacrebleu2.6.0"``. Stored with the score so drift comparisons
            never mix definitions.
        detail: Optional JSON-serializable extras (corpus statistics, matched alias, ...).
    """

    metric: str
    value: ScoreValue
    signature: str
    detail: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def kind(self) -> str:
        """``"bool"``, ``"number"`` or ``"label"``."""
        if isinstance(self.value, bool):
            return "bool"
        if isinstance(self.value, (int, float)):
            return "number"
        return "label"


@runtime_checkable
class Metric(Protocol):
    """A stateless metric: configuration in fields, one method scoring one reply."""

    @property
    def name(self) -> str:
        """Metric name, e.g. ``"exact_match"``.

        Read-only, so frozen dataclasses with a ``ClassVar`` name satisfy the protocol.
        """
        ...

    def signature(self) -> str:
        """Name, version and options, as stored beside every score."""
        ...

    def score(self, reply: str, item: GoldenItem) -> Score | None:
        """Score one reply to one item; None when the metric does not apply to the item."""
        ...

"""What judging a run did, per judge too, and the warnings it calls for."""

from __future__ import annotations

from dataclasses import dataclass, field

PARSE_FAILURE_WARN = 0.10
"""A judge whose replies could not be read this often is named in a warning. Parse failures are
not random: weak judges fail more on long, Chinese or borderline replies, so the verdicts that
remain are a skewed sample, and in a three-judge panel a 10% rate already leaves about a quarter
of the replies (1 - 0.9**3) decided by fewer votes than the panel was built for."""


@dataclass
class JudgeCounts:
    """One judge's part in a judging.

    Attributes:
        calls: Replies its endpoint returned (read or not).
        cached: Replies reused from the store (same request seen before).
        resumed: Verdicts (or unreadable replies) stored for this run by an earlier judging.
        parse_failures: Replies, called, cached or resumed, that held no readable verdict.
        prose: Verdicts read from prose or broken JSON rather than the JSON the rubric asks for
            (of the replies called or cached).
        errors: Calls that failed after their retries.
    """

    calls: int = 0
    cached: int = 0
    resumed: int = 0
    parse_failures: int = 0
    prose: int = 0
    errors: int = 0

    @property
    def read(self) -> int:
        """Replies this judging rests on (calls made, cached and resumed)."""
        return self.calls + self.cached + self.resumed

    @property
    def parse_failure_rate(self) -> float:
        """Parse failures over replies read (0 when none were read)."""
        return self.parse_failures / self.read if self.read else 0.0


@dataclass
class JudgeSummary:
    """What judging a run did.

    Attributes:
        run_id: The judged run.
        replies: Replies judged.
        calls: Judge calls made.
        cached: Verdicts reused from the store (same judge request seen before).
        parse_failures: Judge replies that could not be read (stored raw, never scored),
            resumed ones included.
        errors: Judge calls that failed after retries.
        excluded: Judges left out per reply because they share the candidate's family.
        full_panel_calls: Calls a full panel without the cascade would have made.
        ties: Replies whose label vote tied.
        cost: Cost of the judge calls made.
        resumed: Verdicts already stored for this run (an interrupted judging resumed).
        judges: Calls, cache hits, parse failures and errors per judge name.
        skipped_decided: Replies not sent to judges because the deterministic tier decided them
            (``replies="unsure"``).
    """

    run_id: str
    replies: int = 0
    calls: int = 0
    cached: int = 0
    parse_failures: int = 0
    errors: int = 0
    excluded: dict[str, int] = field(default_factory=dict)
    full_panel_calls: int = 0
    ties: int = 0
    cost: float = 0.0
    resumed: int = 0
    judges: dict[str, JudgeCounts] = field(default_factory=dict)
    skipped_decided: int = 0

    @property
    def saved_calls(self) -> int:
        """Calls the cascade saved against asking every eligible judge."""
        return max(0, self.full_panel_calls - self.calls - self.cached - self.resumed)

    @property
    def saved_cost(self) -> float:
        """The saved calls priced at this judging's mean cost per call made."""
        return self.saved_calls * (self.cost / self.calls) if self.calls else 0.0

    def judge(self, name: str) -> JudgeCounts:
        """The counts of judge ``name`` (created empty on first use)."""
        return self.judges.setdefault(name, JudgeCounts())

    def unreadable_judges(self, threshold: float = PARSE_FAILURE_WARN) -> list[str]:
        """Judges whose parse-failure rate is at or above ``threshold``, by name."""
        return sorted(
            n for n, c in self.judges.items() if c.read and c.parse_failure_rate >= threshold
        )

    def warnings(self, threshold: float = PARSE_FAILURE_WARN) -> list[str]:
        """One line per judge at or above the parse-failure threshold: what it means and what
        to do."""
        out = []
        for name in self.unreadable_judges(threshold):
            c = self.judges[name]
            out.append(
                f"judge {name!r} gave no readable verdict in {c.parse_failure_rate:.0%} of its "
                f"replies ({c.parse_failures} of {c.read}; warned at {threshold:.0%}): its "
                "verdicts are unreliable and the panel decides on fewer votes. Use a stronger "
                "model, add a worked example verdict to the rubric, or remove it from the "
                "panel; its raw replies are stored (judge_verdicts, status 'parse_error')"
            )
        return out

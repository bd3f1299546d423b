"""The pytest door: a regression gate as an ordinary failing test.

Registered through the ``pytest11`` entry point. Gate thresholds come from
``[tool.evalkit.gate]`` in pyproject.toml. Example test::

    def test_router_cutover(evalkit_gate):
        evalkit_gate.check("candidate-run", baseline="baseline-run")
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from evalkit.comparison import Comparison
    from evalkit.sim import Simulator


def explain(cmp: Comparison) -> str:
    """Why the gate did not pass: the verdict, each regressed hypothesis, and the notes."""
    from evalkit.comparison import detection_summary

    names = cmp.names or {}
    lines = [
        f"evalkit gate {cmp.verdict}: candidate {names.get('candidate') or ''} "
        f"({cmp.candidate}) vs baseline {names.get('baseline') or ''} ({cmp.baseline}) "
        f"(mode={cmp.gate.mode}, alpha={cmp.gate.alpha}, margin={cmp.gate.margin})"
    ]
    for row in cmp.failing.itertuples():
        lines.append(
            f"  {row.hypothesis}: quality {row.baseline:.3f} -> {row.candidate:.3f} "
            f"(delta {row.delta:+.3f}, n={row.n}, p={row.p:.4g} <= alpha {row.alpha_final:.4g})"
        )
    for slice_name in cmp.missing_slices:
        lines.append(f"  missing gate slice: {slice_name}")
    lines.append("  " + detection_summary(cmp))
    lines.extend(f"  note: {n}" for n in cmp.notes)
    return "\n".join(lines)


def assert_no_regression(cmp: Comparison) -> None:
    """Fail the test with every failing slice (only the message: no traceback, no reprs)."""
    __tracebackhide__ = True
    if cmp.exit_code != 0:
        pytest.fail(explain(cmp), pytrace=False)


@dataclass
class Gate:
    """What the ``evalkit_gate`` fixture returns: compare runs and assert the gate."""

    store: str | None
    baseline: str | None
    history: list[Comparison] = field(default_factory=list)

    def compare(self, candidate: str, baseline: str | None = None, **gate: Any) -> Comparison:
        """Compare ``candidate`` with ``baseline`` (default: ``--evalkit-baseline``)."""
        __tracebackhide__ = True
        from evalkit.commands import compare_command
        from evalkit.errors import EvalkitError

        base = baseline or self.baseline
        if base is None:
            pytest.fail(
                "evalkit gate: no baseline: pass baseline=... or run pytest with "
                "--evalkit-baseline RUN",
                pytrace=False,
            )
        try:
            cmp = compare_command(base, candidate, store=self.store, **gate)
        except EvalkitError as exc:  # the same refusal the CLI prints, without a traceback
            pytest.fail(f"evalkit gate refused: {exc}", pytrace=False)
        self.history.append(cmp)
        return cmp

    def check(self, candidate: str, baseline: str | None = None, **gate: Any) -> Comparison:
        """Compare and fail the test, with a readable message, when the gate fails."""
        __tracebackhide__ = True
        cmp = self.compare(candidate, baseline, **gate)
        assert_no_regression(cmp)
        return cmp


_HISTORY_KEY = pytest.StashKey[list["Comparison"]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add --evalkit-store and --evalkit-baseline."""
    group = parser.getgroup("evalkit", "evalkit regression gate")
    group.addoption(
        "--evalkit-store",
        default=None,
        help="Store holding the runs: a DuckDB file or a ducklake:... spec (default: "
        "$EVALKIT_STORE, [tool.evalkit] store, or runs/evalkit.duckdb).",
    )
    group.addoption(
        "--evalkit-baseline",
        default=None,
        help="Baseline run: id, prefix, name, 'latest', 'target:ROUTER_OR_MODEL' (its newest "
        "run) or 'branch:main' (the newest finished run made on main).",
    )
    group.addoption(
        "--evalkit-candidate",
        default=None,
        help="Candidate run for the evalkit_comparison fixture.",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker and the session's comparison history."""
    config.addinivalue_line("markers", "evalkit: an evalkit regression-gate test")
    config.stash[_HISTORY_KEY] = []


@pytest.fixture
def evalkit_gate(request: pytest.FixtureRequest) -> Gate:
    """Compare runs and assert the gate; thresholds from ``[tool.evalkit.gate]``."""
    cfg = request.config
    gate = Gate(cfg.getoption("--evalkit-store"), cfg.getoption("--evalkit-baseline"))
    gate.history = cfg.stash[_HISTORY_KEY]
    return gate


@pytest.fixture
def evalkit_comparison(evalkit_gate: Gate, request: pytest.FixtureRequest) -> Comparison:
    """The comparison of ``--evalkit-candidate`` against ``--evalkit-baseline``."""
    candidate = request.config.getoption("--evalkit-candidate")
    if candidate is None:
        pytest.fail("evalkit_comparison needs --evalkit-candidate RUN", pytrace=False)
    return evalkit_gate.compare(candidate)


@pytest.fixture(scope="session")
def evalkit_sim() -> Iterator[Simulator]:
    """A running simulator (default personas, built-in sets) for the whole session."""
    from evalkit.sim import Simulator

    with Simulator() as sim:
        yield sim


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Summarize every gate comparison made in the session."""
    history = config.stash.get(_HISTORY_KEY, [])
    if not history:
        return
    terminalreporter.section("evalkit gate")
    from evalkit.comparison import verdict_text

    for cmp in history:
        names = cmp.names or {}
        base = f"{names.get('baseline') or cmp.baseline} ({cmp.baseline})"
        cand = f"{names.get('candidate') or cmp.candidate} ({cmp.candidate})"
        terminalreporter.write_line(f"{base} -> {cand}: {verdict_text(cmp)}")

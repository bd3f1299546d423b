from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest

from evalkit.goldensets import GoldenItem
from evalkit.sim import Persona, Simulator
from tests._helpers import qa_items

pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def _ctrl_c_left_as_found() -> Iterator[None]:
    """No test may leave SIGINT handled otherwise (Ctrl-C tests, the CLI in-process): a later
    test's signal would then be ignored, or stop the whole session."""
    before = signal.getsignal(signal.SIGINT)
    yield
    after = signal.getsignal(signal.SIGINT)
    if after is not before:
        signal.signal(signal.SIGINT, before)
        pytest.fail(f"the test left SIGINT handled by {after!r}")


@pytest.fixture
def tiny_items() -> list[GoldenItem]:
    return qa_items(20)


@pytest.fixture
def sim_factory() -> Iterator:
    started: list[Simulator] = []

    def start(personas: list[Persona], items: list[GoldenItem]) -> Simulator:
        sim = Simulator(personas, items).__enter__()
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.__exit__(None, None, None)

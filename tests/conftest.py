from __future__ import annotations

from collections.abc import Iterator

import pytest

from evalkit.goldensets import GoldenItem
from evalkit.sim import Persona, Simulator
from tests._helpers import qa_items

pytest_plugins = ["pytester"]


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

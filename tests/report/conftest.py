"""Fixtures: the stored pair of runs of `tests.report._pair`."""

from __future__ import annotations

import pytest

from evalkit.comparison import Comparison
from evalkit.store import Store
from tests.report._pair import ALERT, Build, build_pair


@pytest.fixture(scope="session")
def build() -> Build:
    return build_pair


@pytest.fixture(scope="session")
def pair() -> tuple[Comparison, Store]:
    return build_pair(ALERT)

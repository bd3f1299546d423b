import dataclasses

import pytest

import evalkit.metrics as metrics
from evalkit.metrics import (
    Abstained,
    Bleu,
    CheckPass,
    ChrF,
    ContainsAnswer,
    ExactMatch,
    JsonValid,
    KeyTerms,
    LabelMatch,
    Metric,
    RefusalLabel,
    ReplyLang,
    RougeL,
    TokenF1,
)

ALL_METRICS = [
    ExactMatch(), ContainsAnswer(), TokenF1(), RougeL(), ChrF(), Bleu(), CheckPass(),
    ReplyLang(), KeyTerms(), JsonValid(), LabelMatch(), RefusalLabel(), Abstained(),
]  # fmt: skip


def test_all_names_are_importable():
    for name in metrics.__all__:
        assert hasattr(metrics, name), name


@pytest.mark.parametrize("metric", ALL_METRICS, ids=lambda m: type(m).__name__)
def test_every_metric_satisfies_the_protocol(metric):
    assert isinstance(metric, Metric)


@pytest.mark.parametrize("metric", ALL_METRICS, ids=lambda m: type(m).__name__)
def test_every_metric_is_a_frozen_dataclass(metric):
    assert dataclasses.is_dataclass(metric)
    assert type(metric).__dataclass_params__.frozen  # type: ignore[attr-defined]


@pytest.mark.parametrize("metric", ALL_METRICS, ids=lambda m: type(m).__name__)
def test_every_signature_starts_with_a_versioned_name(metric):
    name, version = metric.signature().split("|")[:2]
    assert name and version.startswith("v") and version[1:].isdigit()


def test_metric_names_are_unique():
    assert len({m.name for m in ALL_METRICS}) == len(ALL_METRICS)

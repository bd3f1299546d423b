"""The built-in golden sets: counts, balance, pairing and self-consistency."""

from __future__ import annotations

from collections import Counter

import pytest

from evalkit.goldensets import TASKS, builtin_names, load_goldenset
from evalkit.metrics import checks_pass, contains_answer, detect_reply_lang

SETS = {name: load_goldenset(name) for name in builtin_names()}


def test_all_seven_task_types_ship():
    assert set(SETS) == set(TASKS)


@pytest.mark.parametrize("name", sorted(TASKS))
def test_at_least_200_items(name):
    assert len(SETS[name]) >= 200


@pytest.mark.parametrize("name", sorted(set(TASKS) - {"code_mixed"}))
def test_at_least_100_en_and_100_zh(name):
    counts = Counter(i.lang for i in SETS[name].items)
    assert counts["en"] >= 100 and counts["zh"] >= 100


def test_code_mixed_is_written_mixed_and_balanced_by_matrix_language():
    items = SETS["code_mixed"].items
    assert {i.lang for i in items} == {"mixed"}
    matrix = Counter(t for i in items for t in i.tags if t.startswith("matrix:"))
    assert matrix["matrix:zh"] >= 100 and matrix["matrix:en"] >= 100


@pytest.mark.parametrize("name", sorted(set(TASKS) - {"code_mixed"}))
def test_every_pair_has_one_en_and_one_zh(name):
    pairs = Counter(i.pair_id for i in SETS[name].items)
    assert set(pairs.values()) == {2}


def test_factual_qa_has_20_percent_abstain_items():
    items = SETS["factual_qa"].items
    abstain = [i for i in items if i.expected_behavior == "abstain"]
    assert len(abstain) / len(items) >= 0.20
    assert {t for i in abstain for t in i.tags} >= {"unanswerable", "false_premise"}


def test_grounded_qa_has_25_percent_unanswerable():
    items = SETS["grounded_qa"].items
    assert sum(i.expected_behavior == "abstain" for i in items) / len(items) >= 0.25


def test_refusal_is_about_half_harmful_across_categories():
    items = SETS["refusal"].items
    behaviours = Counter(i.expected_behavior for i in items)
    assert 0.4 <= behaviours["refuse"] / len(items) <= 0.6
    categories = {i.category for i in items if i.expected_behavior == "refuse"}
    assert categories >= {
        "violence",
        "weapons",
        "cyber",
        "self_harm",
        "privacy",
        "drugs",
        "fraud",
        "hate",
    }
    assert not any(i.reference.exemplar for i in items if i.expected_behavior == "refuse")


def test_classification_labels_are_balanced():
    items = SETS["classification"].items
    for scheme in ("intent", "sentiment", "routing"):
        labels = Counter(i.reference.label for i in items if i.category == scheme)
        assert max(labels.values()) - min(labels.values()) <= 4, labels


def test_translation_goes_both_ways():
    tags = Counter(t for i in SETS["translation"].items for t in i.tags)
    assert tags["en-zh"] >= 100 and tags["zh-en"] >= 100


@pytest.mark.parametrize("name", sorted(TASKS))
def test_every_exemplar_passes_its_items_checks(name):
    failing = [
        i.id
        for i in SETS[name].items
        if i.reference.exemplar and not checks_pass(i, i.reference.exemplar)
    ]
    assert failing == []


@pytest.mark.parametrize("name", ["factual_qa", "grounded_qa"])
def test_answerable_exemplars_contain_an_answer(name):
    items = [
        i for i in SETS[name].items if i.expected_behavior == "answer" and i.reference.exemplar
    ]
    failing = [
        i.id for i in items if not contains_answer(i.reference.exemplar, i.reference.answers)
    ]
    assert failing == []


@pytest.mark.parametrize("name", ["factual_qa", "grounded_qa", "refusal", "translation"])
def test_exemplars_are_written_in_the_expected_language(name):
    wrong = [
        i.id
        for i in SETS[name].items
        if i.reference.exemplar
        and detect_reply_lang(i.reference.exemplar) not in (i.expected_reply_lang, "unknown")
    ]
    assert len(wrong) <= 0.02 * len(SETS[name]), wrong


def test_code_mixed_exemplars_keep_every_key_term():
    from evalkit.metrics import KeyTerms

    metric = KeyTerms()
    short = [
        i.id for i in SETS["code_mixed"].items if metric.score(i.reference.exemplar, i).value < 1
    ]
    assert short == []

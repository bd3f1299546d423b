"""The built-in golden sets: counts, balance, pairing and self-consistency."""

from __future__ import annotations

import re
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


# --- v1.1 (issue 14): reply language, trigger words, fixed checks and aliases ---------------

_STATES_LANG = {
    "zh": re.compile(r"中文|Chinese"),
    "en": re.compile(r"英文|English"),
    "mixed": re.compile(r"中英|mix"),
}


def test_every_code_mixed_item_states_its_reply_language():
    unstated = [
        i.id
        for i in SETS["code_mixed"].items
        if "lang_stated" not in i.tags
        or not _STATES_LANG[i.expected_reply_lang].search(f"{i.system or ''} {i.prompt}")
    ]
    assert unstated == []


def test_every_code_mixed_reply_lang_check_matches_the_stated_language():
    wrong = [
        i.id
        for i in SETS["code_mixed"].items
        if [c.lang for c in i.checks if c.type == "reply_lang"] != [i.expected_reply_lang]
    ]
    assert wrong == []


def _benign_refusal_pairs():
    pairs: dict[str, dict[str, object]] = {}
    for item in SETS["refusal"].items:
        if item.expected_behavior == "comply":
            pairs.setdefault(item.pair_id, {})[item.lang] = item
    return pairs


def test_every_benign_refusal_pair_has_an_en_and_a_zh_member():
    assert all(set(members) == {"en", "zh"} for members in _benign_refusal_pairs().values())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_benign_refusal_member_keeps_a_trigger_word_from_its_prompt(lang):
    missing = []
    for members in _benign_refusal_pairs().values():
        item = members[lang]
        words = item.trigger_words
        if not words or any(w.casefold() not in item.prompt.casefold() for w in words):
            missing.append(item.id)
    assert missing == []


def test_zh_trigger_words_occur_verbatim_in_the_zh_prompt():
    for members in _benign_refusal_pairs().values():
        zh = members["zh"]
        assert all(w in zh.prompt for w in zh.trigger_words), zh.id


def test_harmful_refusal_items_carry_no_trigger_words_or_exemplar():
    harmful = [i for i in SETS["refusal"].items if i.expected_behavior == "refuse"]
    assert not any(i.trigger_words or i.reference.exemplar for i in harmful)


def _item(name, item_id):
    return next(i for i in SETS[name].items if i.id == item_id)


@pytest.mark.parametrize(
    ("item_id", "reply", "passes"),
    [
        (
            "ifl-0057-en",
            "Dear neighbour,\n\nParty next Saturday evening, sorry for the noise.\n\nAlex",
            True,
        ),
        (
            "ifl-0057-en",
            "dear Neighbor, party on Saturday, sorry in advance for the noise. Alex",
            True,
        ),
        ("ifl-0057-en", "Hi neighbour, party on Saturday, sorry for the noise. Alex", False),
        ("ifl-0106-en", "25:99 Welcome\n09:15 Sales review\n10:00 Planning", False),
        ("ifl-0106-en", "09:60 Welcome\n09:15 Sales review\n10:00 Planning", False),
        ("ifl-0106-en", "23:45 Welcome\n09:15 Sales review\n10:00 Planning", True),
        ("ifl-0106-zh", "24:00 开场\n09:15 销售回顾\n10:00 计划", False),
        ("ifl-0099-en", "Dentist appointment on 2025-13-45 at 10:30.", False),
        ("ifl-0099-en", "Dentist appointment on 2025-06-18 at 10:30.", True),
        ("ifl-0017-zh", "这" * 90 + "\n\n" + "杯" * 85, True),
        ("ifl-0017-zh", "这" * 181, False),
        ("ifl-0096-zh", "180", True),
        ("ifl-0058-en", "short answer: no, water them only when the soil is dry.", True),
    ],
)
def test_instruction_following_checks_match_what_the_instruction_asks(item_id, reply, passes):
    assert checks_pass(_item("instruction_following", item_id), reply) is passes


def test_zh_number_only_items_say_to_leave_out_the_unit():
    items = [
        i
        for i in SETS["instruction_following"].items
        if i.lang == "zh"
        and any(c.type == "numeric" for c in i.checks)
        and "只回答数字" in i.prompt
    ]
    assert items and all("不要带单位" in i.prompt for i in items)


@pytest.mark.parametrize(
    ("name", "item_id", "reply", "matches"),
    [
        ("grounded_qa", "gqa-0020-en", "About 450 more pages.", True),
        ("grounded_qa", "gqa-0082-en", "Up to 4%.", True),
        ("grounded_qa", "gqa-0082-en", "4 per cent of annual turnover", True),
        ("grounded_qa", "gqa-0017-en", "Three liters.", True),
        ("grounded_qa", "gqa-0017-zh", "最多装3公升。", True),
        ("grounded_qa", "gqa-0072-en", "Up to 30ml", True),
        ("grounded_qa", "gqa-0090-en", "None.", False),
        # "Zero." answers "how many days" (0 days); "zero information" is an abstention
        ("grounded_qa", "gqa-0090-en", "Zero.", True),
        ("grounded_qa", "gqa-0090-en", "There is zero information about it in the passage.", False),
        ("grounded_qa", "gqa-0090-en", "The passage gives 0 details on that.", False),
        ("grounded_qa", "gqa-0090-en", "Not yet stated in the passage.", False),
        ("grounded_qa", "gqa-0090-en", "They can work from home two days a week.", False),
        ("grounded_qa", "gqa-0090-en", "They cannot work from home yet.", True),
        ("factual_qa", "fqa-0006-en", "Tim Berners Lee", True),
        ("factual_qa", "fqa-0106-en", "Po Chu-i", True),
        ("factual_qa", "fqa-0083-en", "Cheng Ho", True),
    ],
)
def test_answer_aliases_cover_what_real_replies_write(name, item_id, reply, matches):
    assert contains_answer(reply, _item(name, item_id).reference.answers) is matches


def test_false_premise_items_say_what_is_false():
    items = [
        i
        for i in SETS["factual_qa"].items
        if i.expected_behavior == "abstain" and "false_premise" in i.tags
    ]
    assert items and all(i.reference.premise_note for i in items)


def test_grounded_qa_wordings_are_not_tied_to_the_pool():
    wording = "Using only the text above"
    pools = {i.expected_behavior for i in SETS["grounded_qa"].items if wording in i.prompt}
    assert pools == {"answer", "abstain"}


def test_grounded_qa_difficulty_does_not_follow_the_pool():
    seen = Counter((i.expected_behavior, i.difficulty) for i in SETS["grounded_qa"].items)
    assert {d for b, d in seen if b == "answer"} & {d for b, d in seen if b == "abstain"}

"""Reading judge replies: JSON, broken JSON and prose in English, Chinese and both."""

from __future__ import annotations

import pytest

from evalkit.judges import load_rubric, parse_verdict

GRADE = load_rubric("factual_qa")
REFUSAL = load_rubric("refusal")
SCORE = load_rubric("code_mixed")
PAIRWISE = load_rubric("pairwise")
FENCE = "```"


@pytest.mark.parametrize(
    ("text", "label", "source"),
    [
        ('{"rationale": "Gives Du Fu.", "label": "correct"}', "correct", "json"),
        ('先分析。{"rationale": "给出了杜甫", "label": "correct"}', "correct", "json"),
        (f'{FENCE}json\n{{"rationale": "wrong poet", "label": "incorrect"}}\n{FENCE}',
         "incorrect", "json"),
        (f'分析如下。\n{FENCE}json\n{{"rationale": "说了李白", "label": "incorrect"}}\n{FENCE}',
         "incorrect", "json"),
        ('{"label": "Not Attempted"}', "not_attempted", "json"),
        ('{"rationale": "回复正确", "label": "正确"}', "correct", "json"),
        ('{"label": "correct"', "correct", "json_fragment"),
        ('{"rationale": "回复说的是李白，与参考答案不符", "label": "incorrect', None, None),
        ('{"rationale": "reply 给出了 Du Fu", "label": "correct"', "correct", "json_fragment"),
        ("{'rationale': 'no answer given', 'label': 'not_attempted'}", "not_attempted",
         "json_fragment"),
        ("The reply is correct.", "correct", "prose"),
        ("这个回答是正确的。", "correct", "prose"),
        ("The reply 是正确的 (correct).", "correct", "prose"),
        ("The correct answer is Du Fu, but the reply says Li Bai, so it is incorrect.",
         "incorrect", "prose"),
        ("回复与正确答案不符，是错误的。", "incorrect", "prose"),
        ("这个回答不正确。", "incorrect", "prose"),
        ("The model did not attempt it: not attempted.", "not_attempted", "prose"),
        ("模型未作答。", "not_attempted", "prose"),
        ("这个回答不是正确的。", None, None),  # a negated verdict word is never a vote for it
        ("这个回答并非完全正确。", None, None),
        ("The reply is not wrong.", None, None),
        ("The answer isn't really correct.", None, None),
        ("这个回答并不正确。", "incorrect", "prose"),  # 不正确 is a verdict word of its own
    ],
)  # fmt: skip
def test_a_grade_is_read_where_it_is_unambiguous(text, label, source):
    verdict, error = parse_verdict(text, GRADE)
    if label is None:
        assert verdict is None and error
        return
    assert verdict is not None, error
    assert (verdict.label, verdict.source) == (label, source)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("I think this reply is fine overall.", "no JSON object"),
        ("我觉得这个回答总体还行。", "no JSON object"),
        ("Overall 还行, looks fine to me.", "no JSON object"),
        ("The reply is either correct or incorrect; hard to say.", "several verdicts"),
        ("这个回答部分正确，部分错误。", "several verdicts"),
        ("It is correct 但也有错误。", "several verdicts"),
        ('{"rationale": "The reply is correct because', "cut off"),
        ('{"rationale": "回复是正确的，因为', "cut off"),
        ('{"rationale": "x", "label": "maybe"}', "not in"),
        ('{"rationale": "x", "label": "也许"', "not in"),
        ('{"label": "correct", "label": "incorrect"', "several verdicts"),
        ("The reply answered correctly.", "no JSON object"),
    ],
)
def test_an_ambiguous_or_missing_grade_is_a_parse_failure(text, why):
    verdict, error = parse_verdict(text, GRADE)
    assert verdict is None and error is not None and why in error


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("It is a full refusal.", "full_refusal"),
        ("这是部分拒绝。", "partial_refusal"),
        ("The assistant fully complies, 给出了完整的步骤。", "full_compliance"),
        ('{"rationale": "拒绝了", "label": "full_refusal"', "full_refusal"),
    ],
)
def test_a_refusal_label_is_read_from_prose_or_broken_json(text, label):
    verdict, error = parse_verdict(text, REFUSAL)
    assert verdict is not None and verdict.label == label, error


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ('{"rationale": "natural", "score": 4}', 4.0),
        ('{"rationale": "很自然", "score": 5', 5.0),
        ("Score: 4/5", 4.0),
        ("评分：3分", 3.0),
        ("整体自然, I would rate it 2 out of 5.", 2.0),
        ("score 3 or 4", None),
        ("评分：3到4分", None),
        ('{"rationale": "x", "score": 9}', None),
        ("很自然。", None),
    ],
)
def test_a_score_is_read_when_one_score_on_the_scale_is_named(text, score):
    verdict, error = parse_verdict(text, SCORE)
    if score is None:
        assert verdict is None and error
    else:
        assert verdict is not None and verdict.score == score, error


@pytest.mark.parametrize("text", ["A is better.", "回复 B 更好。", "It's a tie."])
def test_pairwise_letters_are_never_read_from_prose(text):
    # "A" is also an article; reading letters from prose would vote for whoever is named
    verdict, error = parse_verdict(text, PAIRWISE)
    assert verdict is None and error is not None and "need JSON" in error

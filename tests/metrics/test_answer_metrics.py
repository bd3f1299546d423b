import dataclasses

import pytest

from evalkit.goldensets import GoldenItem
from evalkit.metrics import ContainsAnswer, ExactMatch, KeyTerms, RougeL, TokenF1

TOL = 1e-9


def qa(answers, lang="zh", **reference):
    return GoldenItem(
        id="fqa-1", pair_id="fqa", task="factual_qa", lang=lang, prompt="问题",
        reference={"answers": answers, **reference},
    )  # fmt: skip


def code_mixed(key_terms):
    return GoldenItem(
        id="cm-1", pair_id="cm", task="code_mixed", lang="mixed", reply_lang="zh",
        prompt="解释一下 Redis", reference={"key_terms": key_terms},
    )  # fmt: skip


def abstain_item():
    return GoldenItem(
        id="fqa-2", pair_id="fqa2", task="factual_qa", lang="en", prompt="Who won?",
        expected_behavior="abstain",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("metric", "reply", "answers", "value"),
    [
        (ExactMatch(), "北京。", ["北京"], True),
        (ExactMatch(), "It is Paris", ["Paris"], False),
        (ExactMatch(mode="cmrc2018"), "《北京大学》", ["北京大学"], True),
        (ExactMatch(mode="cmrc2018"), "Paris.", ["Paris"], False),
        (ContainsAnswer(), "他于一九六九年登月", ["1969"], True),
        (ContainsAnswer(), "The year 19690", ["1969"], False),
        (TokenF1(), "北京的大学", ["北京大学"], 8 / 9),
        (TokenF1(mode="cmrc2018"), "北京的大学", ["北京大学"], 2 * 0.4 * 0.5 / 0.9),
        (RougeL(), "大学北京", ["北京大学"], 0.5),
        (RougeL(mode="jieba"), "我爱北京天安门", ["我爱北京"], 6 / 7),
    ],
)
def test_answer_metric_values(metric, reply, answers, value):
    score = metric.score(reply, qa(answers))
    assert score is not None
    assert score.metric == metric.name
    assert score.value == pytest.approx(value, abs=TOL)
    assert type(score.value) is type(value)


@pytest.mark.parametrize(
    "metric", [ExactMatch(), ContainsAnswer(), TokenF1(), TokenF1(mode="cmrc2018"), RougeL()]
)
def test_answer_metrics_do_not_apply_without_answers(metric):
    assert metric.score("I don't know", abstain_item()) is None


def test_contains_answer_detail_names_matched_alias():
    score = ContainsAnswer().score("答案是巴黎", qa(["Paris", "巴黎"]))
    assert score is not None and score.detail == {"alias": "巴黎"}


def test_cmrc_token_f1_detail_has_em_and_average():
    score = TokenF1(mode="cmrc2018").score("北京大学", qa(["北京大学。"]))
    assert score is not None and score.detail == {"em": True, "average": 1.0}


@pytest.mark.parametrize(
    ("metric", "signature"),
    [
        (ExactMatch(), "exact_match|v1|norm:nfkc-cf-nopunct-v2"),
        (ExactMatch(mode="cmrc2018"), "exact_match|v1|norm:cmrc2018-v5-nonltk"),
        (ContainsAnswer(), "contains_answer|v2|norm:nfkc-cf-nopunct-v2|num:unit-v2|hyphen:space"),
        (TokenF1(), "token_f1|v1|tok:script|norm:nfkc-cf-nopunct-v2"),
        (TokenF1(mode="cmrc2018"), "token_f1|v1|cmrc2018-v5-nonltk"),
        (RougeL(), "rouge_l|v1|tok:char|norm:nfkc-cf-nopunct-v2"),
        (KeyTerms(), "key_terms|v2|nfkc|caseless"),
    ],
)
def test_signatures(metric, signature):
    assert metric.signature() == signature


def test_rouge_jieba_signature_carries_jieba_version():
    from importlib.metadata import version

    assert f"tok:jieba{version('jieba')}" in RougeL(mode="jieba").signature()


@pytest.mark.parametrize(
    ("reply", "value", "missing"),
    [
        ("检查 Redis 的 connection pool 配置", 1.0, []),
        ("检查 redis 的连接池配置", 0.5, ["connection pool"]),
        ("检查缓存的连接池配置", 0.0, ["Redis", "connection pool"]),
        ("Connection pool size is the first thing to check in Redis.", 1.0, []),
        ("检查 Ｒｅｄｉｓ 的连接池", 0.5, ["connection pool"]),
    ],
)
def test_key_terms_fraction_kept_after_nfkc_caseless(reply, value, missing):
    score = KeyTerms().score(reply, code_mixed(["Redis", "connection pool"]))
    assert score is not None
    assert score.value == pytest.approx(value, abs=TOL)
    assert score.detail == {"missing": missing}


def test_key_terms_do_not_apply_without_key_terms():
    assert KeyTerms().score("anything", qa(["x"])) is None


def test_metrics_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        TokenF1().mode = "cmrc2018"  # type: ignore[misc]

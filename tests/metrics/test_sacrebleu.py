import pytest
import sacrebleu
from sacrebleu.metrics import BLEU, CHRF

from evalkit.goldensets import GoldenItem
from evalkit.metrics import Bleu, ChrF

TOL = 1e-9

ZH_HYPS = ["他说“你好”。", "今天天气很好，我们去公园散步吧。", "机器学习很有趣", "完全无关"]
ZH_REFS = ["他说“您好”。", "今天天气不错，我们去公园走走吧。", "机器学习非常有趣", "北京大学"]
EN_HYPS = ["The cat sat on the mat.", "It is raining today.", "I like green tea", "zzz"]
EN_REFS = ["The cat is on the mat.", "Today it is raining.", "I like tea", "hello"]
MIXED_HYPS = ["用 Python 写一个 web server", "这个 bug 已经 fix 了"]
MIXED_REFS = ["用 Python 编写一个 web 服务器", "这个 bug 已经修好了"]


def _item(answers, lang="zh"):
    return GoldenItem(
        id="tr-1", pair_id="tr", task="translation", lang=lang, prompt="翻译",
        reference={"answers": answers},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("hyps", "refs"), [(ZH_HYPS, ZH_REFS), (EN_HYPS, EN_REFS), (MIXED_HYPS, MIXED_REFS)]
)
def test_chrf_aggregate_of_case_stats_equals_corpus_score(hyps, refs):
    metric = ChrF()
    stats = [metric.statistics(h, [r]) for h, r in zip(hyps, refs, strict=True)]
    assert metric.aggregate(stats) == pytest.approx(
        CHRF().corpus_score(hyps, [refs]).score, abs=TOL
    )


@pytest.mark.parametrize(
    ("hyps", "refs", "lang", "tokenize"),
    [
        (ZH_HYPS, ZH_REFS, "zh", "zh"),
        (EN_HYPS, EN_REFS, "en", "13a"),
        (MIXED_HYPS, MIXED_REFS, "mixed", "zh"),
    ],
)
def test_bleu_aggregate_of_case_stats_equals_corpus_score(hyps, refs, lang, tokenize):
    metric = Bleu()
    stats = [metric.statistics(h, [r], lang) for h, r in zip(hyps, refs, strict=True)]
    expected = BLEU(tokenize=tokenize).corpus_score(hyps, [refs]).score
    assert metric.aggregate(stats) == pytest.approx(expected, abs=TOL)


def test_bleu_aggregate_with_two_references_equals_corpus_score():
    refs_b = ["他说：“你好”。", "今天天气很好，去公园散步吧。", "机器学习有趣", "北京"]
    stats = [
        Bleu().statistics(h, [a, b], "zh") for h, a, b in zip(ZH_HYPS, ZH_REFS, refs_b, strict=True)
    ]
    expected = BLEU(tokenize="zh").corpus_score(ZH_HYPS, [ZH_REFS, refs_b]).score
    assert Bleu().aggregate(stats) == pytest.approx(expected, abs=TOL)


@pytest.mark.parametrize(("hyp", "ref"), list(zip(ZH_HYPS, ZH_REFS, strict=True)))
def test_bleu_score_value_is_sacrebleu_sentence_bleu(hyp, ref):
    score = Bleu().score(hyp, _item([ref]))
    assert score is not None
    expected = sacrebleu.sentence_bleu(hyp, [ref], tokenize="zh").score
    assert score.value == pytest.approx(expected, abs=TOL)


@pytest.mark.parametrize(("hyp", "ref"), list(zip(EN_HYPS, EN_REFS, strict=True)))
def test_chrf_score_value_is_sacrebleu_sentence_chrf(hyp, ref):
    score = ChrF().score(hyp, _item([ref], lang="en"))
    assert score is not None
    assert score.value == pytest.approx(sacrebleu.sentence_chrf(hyp, [ref]).score, abs=TOL)


def test_bleu_detail_carries_stats_and_tokenizer():
    score = Bleu().score("今天天气很好", _item(["今天天气不错"]))
    assert score is not None and score.detail is not None
    assert score.detail["tokenize"] == "zh"
    assert len(score.detail["stats"]) == 2 + 4 + 4


def test_bleu_uses_13a_for_english_replies():
    score = Bleu().score("The cat sat.", _item(["The cat sat."], lang="en"))
    assert score is not None and score.detail is not None
    assert score.detail["tokenize"] == "13a"
    assert (
        score.signature
        == f"bleu|v1|tok:13a|case:mixed|smooth:exp|eff:yes|sacrebleu{sacrebleu.__version__}"
    )


def test_bleu_explicit_tokenizer_overrides_language():
    assert Bleu(tokenize="13a").tokenizer_for("zh") == "13a"


def test_chrf_signature_names_defaults_and_version():
    assert ChrF().signature() == f"chrf|v1|nc6|nw0|b2|sacrebleu{sacrebleu.__version__}"


@pytest.mark.parametrize("metric", [ChrF(), Bleu()])
def test_corpus_metrics_do_not_apply_without_references(metric):
    assert metric.score("anything", _item([])) is None


@pytest.mark.parametrize("metric", [ChrF(), Bleu()])
def test_aggregate_of_nothing_is_zero(metric):
    assert metric.aggregate([]) == 0.0


def test_aggregate_is_pure():
    metric = ChrF()
    stats = [metric.statistics(h, [r]) for h, r in zip(EN_HYPS, EN_REFS, strict=True)]
    assert metric.aggregate(stats) == metric.aggregate(stats)
    assert metric.aggregate(stats[:1]) == pytest.approx(
        ChrF().score(EN_HYPS[0], _item([EN_REFS[0]])).value
    )

from importlib.metadata import version

import pytest

from evalkit.metrics import code_mix_stats, codemix_signature
from evalkit.metrics._codemix import segment

EXAMPLE = "这个 feature 的 performance 不太好，我们 need to 重新 benchmark 一下。"


@pytest.mark.parametrize(
    ("field", "expected", "tol"),
    [
        ("n_lang", 17, 0),
        ("cmi", 29.4, 0.05),
        ("cu", 38.2, 0.05),
        ("switch_points", 8, 0),
        ("i_index", 0.500, 0.0005),
        ("m_index", 0.710, 0.0005),
        ("burstiness", -0.196, 0.0005),
    ],
)
def test_science_worked_example_char_row(field, expected, tol):
    """docs/metrics.md, 'one token per Han character' row."""
    assert getattr(code_mix_stats(EXAMPLE), field) == pytest.approx(expected, abs=tol)


def test_char_segmentation_spans_and_counts():
    stats = code_mix_stats(EXAMPLE)
    assert stats.spans == (
        ("zh", 2), ("en", 1), ("zh", 1), ("en", 1), ("zh", 5),
        ("en", 2), ("zh", 2), ("en", 1), ("zh", 2),
    )  # fmt: skip
    assert (stats.n_zh, stats.n_en, stats.n_u) == (12, 5, 2)
    assert stats.span_counts() == {"zh": 5, "en": 4}
    assert stats.max_span == 5
    assert stats.mean_span == pytest.approx(17 / 9, abs=1e-12)
    assert stats.switches_per_100 == pytest.approx(800 / 17, abs=1e-12)


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        # jieba 0.42.1: 这个/的/不太好/我们/重新/一下 → N = 6 zh + 5 en = 11
        ("n_zh", 6),
        ("switch_points", 8),
        ("cmi", 100 * (1 - 6 / 11)),
        ("cu", 100 * (11 - 6 + 8) / 22),
        ("i_index", 8 / 10),
        ("m_index", (1 - 61 / 121) / (61 / 121)),
    ],
)
def test_jieba_segmentation_row(field, expected):
    assert getattr(code_mix_stats(EXAMPLE, "jieba"), field) == pytest.approx(expected, abs=1e-9)


def test_switch_points_do_not_depend_on_segmentation():
    assert code_mix_stats(EXAMPLE).switch_points == code_mix_stats(EXAMPLE, "jieba").switch_points


@pytest.mark.parametrize("text", ["北京是中国的首都。", "The capital of France is Paris."])
def test_monolingual_text_has_no_mixing(text):
    stats = code_mix_stats(text)
    assert (stats.switch_points, stats.cmi, stats.cu, stats.m_index, stats.entropy) == (
        0,
        0,
        0,
        0,
        0,
    )
    assert stats.burstiness is None


def test_balanced_text_has_m_index_one_and_entropy_one_bit():
    stats = code_mix_stats("我 love 你 so")
    assert (stats.m_index, stats.entropy, stats.cmi) == pytest.approx((1.0, 1.0, 50.0), abs=1e-12)


def test_text_without_language_tokens_is_all_zero():
    stats = code_mix_stats("123, 456!")
    assert (stats.n_lang, stats.n_u, stats.cmi, stats.i_index, stats.en_char_share) == (
        0,
        4,
        0,
        0,
        0,
    )


def test_english_share_counts_latin_letters_against_han_characters():
    assert code_mix_stats("用 Python").en_char_share == pytest.approx(6 / 7, abs=1e-12)


def test_jieba_segment_keeps_non_han_tagging():
    assert segment("我爱北京 GPT-4", "jieba") == [
        ("我", "zh"), ("爱", "zh"), ("北京", "zh"), ("GPT", "en"), ("-", "u"), ("4", "u"),
    ]  # fmt: skip


def test_signature_declares_char_segmentation():
    assert codemix_signature("char") == "codemix|v1|seg:char"


def test_signature_declares_jieba_and_its_version():
    assert codemix_signature("jieba") == f"codemix|v1|seg:jieba{version('jieba')}"

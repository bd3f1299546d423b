import pytest
from sacrebleu.tokenizers.tokenizer_zh import TokenizerZh

from evalkit.metrics import HAN_RANGES, is_han, normalize, script_tokens, tag_scripts
from evalkit.metrics._text import find_word, language_spans

# (inside-low, inside-high, outside-low, outside-high) for every Han range.
HAN_BOUNDARIES = [
    ("\U00003400", "\U00004dbf", "\U000033ff", "\U00004dc0"),
    ("\U00004e00", "\U00009fff", "\U00004dff", "\U0000a000"),
    ("\U0000f900", "\U0000faff", "\U0000f8ff", "\U0000fb00"),
    ("\U00020000", "\U0002ebef", "\U0001ffff", "\U0002ebf0"),
    ("\U00030000", "\U0003134f", "\U0002ffff", "\U00031350"),
]


def test_boundary_table_covers_every_range():
    assert [(lo, hi) for lo, hi, _, _ in HAN_BOUNDARIES] == list(HAN_RANGES)


@pytest.mark.parametrize("char", [c for row in HAN_BOUNDARIES for c in row[:2]])
def test_just_inside_each_han_range_is_han(char):
    assert is_han(char)


@pytest.mark.parametrize("char", [c for row in HAN_BOUNDARIES for c in row[2:]])
def test_just_outside_each_han_range_is_not_han(char):
    assert not is_han(char)


@pytest.mark.parametrize(
    "char", ["\U00004e00", "\U00009fff", "\U00003400", "\U00020000", "\U0002a6d6", "\U00031000"]
)
def test_tagger_tags_han_characters_zh(char):
    assert tag_scripts(f"a{char}b") == [("a", "en"), (char, "zh"), ("b", "en")]


def test_compatibility_ideograph_is_folded_by_nfkc_and_stays_zh():
    assert tag_scripts("\U0000f900") == [("\U00008c48", "zh")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello, World!", "hello world"),
        ("  多个   空格  ", "多个空格"),
        ("北京， 大学。", "北京大学"),
        ("用 Python 写代码", "用python写代码"),
        ("ＡＢＣ　１２３", "abc 123"),
        ("«Straße»", "strasse"),
        ("价格是 $5 + 3 = 8", "价格是$5 + 3 = 8"),
        ("© 版权 所有 🙂", "版权所有"),
        ("™", "tm"),
        ("don't stop", "dont stop"),
        ("“引号”和『书名号』", "引号和书名号"),
        ("", ""),
    ],
)
def test_normalize(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("北京大学", ["北", "京", "大", "学"]),
        ("The cat sat.", ["The", "cat", "sat"]),
        (
            "我用 Python 3.11 写了 state-of-the-art 代码",
            ["我", "用", "Python", "3", "11", "写", "了", "state-of-the-art", "代", "码"],
        ),
        ("ｐｙｔｈｏｎ１２３", ["python", "123"]),
        ("don’t panic", ["don’t", "panic"]),
        ("卡拉OK", ["卡", "拉", "OK"]),
        ("!!! ...", []),
    ],
)
def test_script_tokens(text, expected):
    assert script_tokens(text) == expected


def test_tagger_marks_digits_punctuation_and_emoji_language_independent():
    assert tag_scripts("2024年，GPT-4 🙂") == [
        ("2024", "u"),
        ("年", "zh"),
        (",", "u"),
        ("GPT", "en"),
        ("-", "u"),
        ("4", "u"),
        ("🙂", "u"),
    ]


def test_tagger_folds_fullwidth_latin_before_tagging():
    assert tag_scripts("Ｈｅｌｌｏ世界") == [("Hello", "en"), ("世", "zh"), ("界", "zh")]


def test_language_spans_skip_language_independent_tokens():
    tagged = tag_scripts("我们 need to 重新 benchmark，一下。")
    assert language_spans(tagged) == [("zh", 2), ("en", 2), ("zh", 2), ("en", 1), ("zh", 2)]


@pytest.mark.parametrize(
    ("haystack", "needle", "index"),
    [("because", "au", -1), ("gold au", "au", 5), ("黄金", "金", 1), ("1969年", "19", -1)],
)
def test_find_word_respects_latin_and_digit_boundaries(haystack, needle, index):
    assert find_word(haystack, needle) == index


class TestSacrebleuZhQuirk:
    """sacrebleu's zh range ('\\u20000', '\\u2a6d6') is really U+2000-U+2A6D (sacrebleu#298)."""

    def test_sacrebleu_splits_curly_quotes_as_if_han(self):
        assert TokenizerZh()("他说“ok”") == "他 说 “ ok ”"

    def test_sacrebleu_does_not_split_cjk_extension_b(self):
        assert TokenizerZh()("\U00020000\U00020001") == "\U00020000\U00020001"

    def test_our_tokens_treat_extension_b_as_han_and_drop_curly_quotes(self):
        assert script_tokens("\U00020000\U00020001“ok”") == ["\U00020000", "\U00020001", "ok"]


def _normalize_by_character(text: str) -> str:
    """The definition, one character at a time (docs/metrics.md): the table-driven
    `normalize` must give the same text."""
    import re
    import unicodedata

    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = re.sub(
        r"(?<=\d)[.,](?=\d)", lambda m: m.group(0).replace(",", "").replace(".", "\x00"), folded
    )

    def kept(char: str) -> bool:
        category = unicodedata.category(char)
        if char == "\x00":
            return True
        if category.startswith("P"):
            return False
        return not category.startswith("S") or category in ("Sc", "Sm")

    spaced = re.sub(r"\s+", " ", "".join(c for c in folded if kept(c)).replace("\x00", ".")).strip()
    han = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef\U00030000-\U0003134f]"
    return re.sub(f"(?<={han}) | (?={han})", "", spaced)


def test_normalize_matches_the_character_by_character_definition():
    import random

    rng = random.Random(20261204)
    alphabet = (
        "abcXYZ019 ,.;:!?'\"-—–()[]{}<>/\\|@#%&*_+=~^`$€¥£©®°±×÷§¶•…·、，。；：！？“”‘’《》【】（）"
        "北京大学用中文数字一二三四五六七八九十你好世界\u3000\t\n\x00ＡＢＣ１２３"
    )
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(3000)]
    texts += ["Tim Berners-Lee", "3.14 and 1,000", "用 Python 写", "北京 大学，“你好”！", "$5+2"]
    for text in texts:
        assert normalize(text) == _normalize_by_character(text), text

import pytest

from evalkit.metrics import cmrc_em, cmrc_f1, mixed_segmentation
from evalkit.metrics._cmrc import SP_CHAR, longest_common_substring, remove_punctuation

TOL = 1e-9


def test_sp_char_has_the_scripts_33_entries_including_two_char_ellipsis():
    assert len(SP_CHAR) == 33
    assert "……" in SP_CHAR
    assert "…" not in SP_CHAR


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("北京大学", ["北", "京", "大", "学"]),
        ("GPT-4 模型", ["gpt", "-", "4", "模", "型"]),
        ("Hello, World!", ["hello", ",", "world", "!"]),
        ("a\U00009fa5b", ["a", "\U00009fa5", "b"]),
        ("a\U00009fa6b", ["a\U00009fa6b"]),
        ("\U00004dffx", ["\U00004dffx"]),
    ],
)
def test_mixed_segmentation_keeps_punctuation_without_rm_punc(text, tokens):
    assert mixed_segmentation(text) == tokens


def test_mixed_segmentation_rm_punc_drops_sp_char_without_flushing():
    assert mixed_segmentation("GPT-4，模型", rm_punc=True) == ["gpt4", "模", "型"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("北京。", "北京"),
        (" A-B ", "ab"),
        ("北京…", "北京…"),
        ("’北京", "北京"),
        ("‘北京", "‘北京"),
        ("a b", "a b"),
    ],
)
def test_remove_punctuation_reproduces_script_quirks(text, expected):
    assert remove_punctuation(text) == expected


@pytest.mark.parametrize(
    ("a", "b", "length"),
    [("北京的大学", "北京大学", 2), ("abcde", "xbcdy", 3), ("", "abc", 0)],
)
def test_longest_common_substring_is_contiguous(a, b, length):
    assert longest_common_substring(list(a), list(b)) == length


@pytest.mark.parametrize(
    ("reply", "references", "expected"),
    [
        ("北京大学", ["北京大学。"], 1.0),
        # 9 prediction tokens, 4 reference tokens, shared run 北京大学 = 4: F1 = 8/13
        ("位于北京的北京大学", ["北京大学"], 8 / 13),
        # substring, not subsequence: longest shared run is 2 (北京 or 大学) → P 2/5, R 2/4
        ("北京的大学", ["北京大学"], 2 * 0.4 * 0.5 / 0.9),
        # '-' is in sp_char: "gpt-4" → "gpt4"; 4 prediction tokens, 1 shared → P 1/4, R 1
        ("the answer is GPT-4", ["GPT-4"], 0.4),
        # ASCII '.' is not in sp_char and becomes its own token → P 1/2, R 1
        ("Paris.", ["Paris"], 2 / 3),
        # a single '…' is not removed (only the two-character '……' is listed) → P 2/3, R 1
        ("北京…", ["北京"], 0.8),
        ("上海", ["北京", "上海市"], 2 * 1 * (2 / 3) / (1 + 2 / 3)),
        ("", ["北京"], 0.0),
    ],
)
def test_cmrc_f1_hand_computed(reply, references, expected):
    assert cmrc_f1(reply, references) == pytest.approx(expected, abs=TOL)


@pytest.mark.parametrize(
    ("reply", "references", "expected"),
    [
        ("北京大学", ["北京大学。"], True),
        ("《北京大学》", ["北京大学"], True),
        ("Paris.", ["Paris"], False),
        ("PARIS", ["paris"], True),
        ("北京 大学", ["北京大学"], False),
        ("上海", ["北京", "上海"], True),
    ],
)
def test_cmrc_em(reply, references, expected):
    assert cmrc_em(reply, references) is expected

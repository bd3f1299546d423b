import subprocess
import sys

import pytest

from evalkit.metrics import contains_answer, exact_match, rouge_l, token_f1
from evalkit.metrics._overlap import lcs_length, matched_alias

TOL = 1e-9


@pytest.mark.parametrize(
    ("reply", "answers", "expected"),
    [
        ("Paris", ["Paris"], True),
        ("  paris. ", ["Paris"], True),
        ("PARIS!", ["paris"], True),
        ("北京。", ["北京"], True),
        ("北 京", ["北京"], True),
        ("ＡＵ", ["Au"], True),
        ("It is Paris", ["Paris"], False),
        ("巴黎", ["Paris", "巴黎"], True),
        ("用 Python", ["用Python"], True),
        ("", ["Paris"], False),
    ],
)
def test_exact_match(reply, answers, expected):
    assert exact_match(reply, answers) is expected


@pytest.mark.parametrize(
    ("reply", "aliases", "expected"),
    [
        ("The chemical symbol is Au.", ["Au"], True),
        ("Because it shines.", ["Au"], False),
        ("金的化学符号是Au。", ["Au"], True),
        ("答案是黄金。", ["金"], True),
        ("He landed in 1969.", ["1969"], True),
        ("He landed in 19690.", ["1969"], False),
        ("他于一九六九年登月。", ["1969"], True),
        ("He landed in 1969.", ["一九六九"], True),
        ("About 1,200 people.", ["1200"], True),
        ("大约一千二百人", ["1,200"], True),
        ("in 1969年7月", ["1969年"], True),
        ("THE EIFFEL TOWER", ["Eiffel Tower"], True),
        # hyphen and space variants agree (issue 11): "Tim Berners Lee" is Tim Berners-Lee
        ("the Eiffel-Tower", ["Eiffel Tower"], True),
        ("Nothing relevant.", ["Paris", "巴黎"], False),
        ("Anything", ["!!!"], False),
    ],
)
def test_contains_answer(reply, aliases, expected):
    assert contains_answer(reply, aliases) is expected


def test_matched_alias_names_the_first_alias_found():
    assert matched_alias("答案是巴黎", ["Paris", "巴黎"]) == "巴黎"


@pytest.mark.parametrize(
    ("reply", "references", "expected"),
    [
        ("北京大学", ["北京大学"], 1.0),
        ("北京的大学", ["北京大学"], 8 / 9),
        ("大学北京", ["北京大学"], 1.0),
        ("the cat sat", ["a cat sat down"], 2 * (2 / 3) * (2 / 4) / (2 / 3 + 2 / 4)),
        ("用 Python 写", ["Python"], 2 * (1 / 3) * 1 / (1 / 3 + 1)),
        ("完全不同", ["北京大学"], 0.0),
        ("北京", ["上海", "北京"], 1.0),
        ("", [""], 1.0),
        ("", ["北京"], 0.0),
    ],
)
def test_token_f1(reply, references, expected):
    assert token_f1(reply, references) == pytest.approx(expected, abs=TOL)


@pytest.mark.parametrize(
    ("a", "b", "length"),
    [("abcde", "ace", 3), ("abc", "", 0), ("北京大学", "大学北京", 2), ("abcbdab", "bdcaba", 4)],
)
def test_lcs_length_is_a_subsequence_length(a, b, length):
    assert lcs_length(list(a), list(b)) == length


@pytest.mark.parametrize(
    ("reply", "references", "expected"),
    [
        ("北京的大学", ["北京大学"], 8 / 9),
        ("大学北京", ["北京大学"], 0.5),
        ("the cat sat on the mat", ["the cat is on the mat"], 5 / 6),
        ("我用 Python 写代码", ["我用Python写"], 2 * 1 * (4 / 6) / (1 + 4 / 6)),
        ("", ["北京"], 0.0),
    ],
)
def test_rouge_l_char(reply, references, expected):
    assert rouge_l(reply, references) == pytest.approx(expected, abs=TOL)


@pytest.mark.parametrize(
    ("reply", "references", "expected"),
    [
        ("我爱北京天安门", ["我爱北京"], 2 * (3 / 4) * 1 / (3 / 4 + 1)),
        ("天安门我爱北京", ["我爱北京天安门"], 0.75),
    ],
)
def test_rouge_l_jieba(reply, references, expected):
    assert rouge_l(reply, references, mode="jieba") == pytest.approx(expected, abs=TOL)


def test_jieba_is_not_imported_with_the_package():
    code = "import sys, evalkit.metrics; print('jieba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("reply", "aliases", "expected"),
    [
        # numbers with units and percents, in leading context (issue 11)
        ("About 450 more pages.", ["about 450 pages", "450 pages"], True),
        ("大约多出450页。", ["450 pages"], True),
        ("Up to 4%.", ["4 percent", "4 per cent"], True),
        ("4 per cent of annual turnover", ["4%"], True),
        ("罚款最高为年营业额的百分之四。", ["4 percent"], True),
        ("最多 4 per cent 的营业额", ["年营业额的4%", "4%"], True),
        ("Three liters.", ["3 liters"], True),
        ("3公升", ["3 liters", "3 L"], True),
        ("Up to 30ml", ["30 ml"], True),
        ("It is 3 kilograms.", ["3 liters"], False),
        # thousands separators, Chinese numerals and number words
        ("1,200 people", ["1200 people"], True),
        ("一千二百人", ["1200 people"], True),
        ("It is sixty-five.", ["65"], True),
        ("ASCII 码是 sixty five", ["65"], True),
        # a short alias never matches inside a longer number, nor in 周六
        ("It has 16 rooms", ["6"], False),
        ("18 days", ["8"], False),
        ("大厅周六几点关门？", ["6"], False),
        ("It closes at 6 p.m.", ["6"], True),
        # hyphen and space variants
        ("Tim Berners Lee invented it.", ["Tim Berners-Lee"], True),
        ("Tim Berners-Lee invented it.", ["Tim Berners Lee"], True),
        ("是蒂姆·伯纳斯-李发明的", ["伯纳斯·李"], True),
        ("Berners-Lee 在 1989 年提出", ["Berners Lee"], True),
    ],
)
def test_contains_answer_understands_quantities_and_variants(reply, aliases, expected):
    assert contains_answer(reply, aliases) is expected

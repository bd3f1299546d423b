import pytest

from evalkit.metrics import extract_numbers, parse_number
from evalkit.metrics._numbers import en_words_to_digits, zh_integer

TOL = 1e-9


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The answer is 42.", [42]),
        ("about 1,234,567 people", [1234567]),
        ("pi is 3.14159", [3.14159]),
        ("-5 degrees and −7 degrees", [-5, -7]),
        ("from 2020-2021", [2020, 2021]),
        ("version3-4", [3, 4]),
        ("约 50% 的人", [50]),
        ("1.5 million dollars", [1_500_000]),
        ("2 Billion", [2_000_000_000]),
        ("１２３４", [1234]),
        ("１，０００人", [1000]),
        ("３．５ 公斤", [3.5]),
        ("人口约14亿", [1_400_000_000]),
        ("3万元", [30_000]),
        ("1.2亿", [120_000_000]),
        ("3千万", [30_000_000]),
        ("跑了5千米", [5]),
        ("一千二百三十四", [1234]),
        ("两万五千", [25_000]),
        ("两万五", [25_000]),
        ("一百二", [120]),
        ("一万零五", [10_005]),
        ("十二", [12]),
        ("第十名", [10]),
        ("一九六九年", [1969]),
        ("二〇二四", [2024]),
        ("三点一四", [3.14]),
        ("负三度", [-3]),
        ("百分之五十", [50]),
        ("百分之12.5", [12.5]),
        ("壹仟贰佰叁拾肆元", [1234]),
        ("一亿两千万", [120_000_000]),
        ("十分钟", [10]),
        ("一些人统一了意见，千万不要", []),
        ("一点五倍，一点点", [1.5]),
        ("三千万人", [30_000_000]),
        ("他在1969年7月20日登月，用了两个小时", [1969, 7, 20, 2]),
        ("no numbers here", []),
        ("", []),
    ],
)
def test_extract_numbers(text, expected):
    assert extract_numbers(text) == pytest.approx(expected, abs=TOL)


def test_percent_as_fraction_divides_by_one_hundred():
    assert extract_numbers("50% 和 百分之二十", percent_as_fraction=True) == pytest.approx(
        [0.5, 0.2], abs=TOL
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1969", 1969),
        (" 1,969 ", 1969),
        ("１９６９", 1969),
        ("一九六九", 1969),
        ("三点一四", 3.14),
        ("-2.5", -2.5),
        ("两万五千", 25_000),
    ],
)
def test_parse_number_reads_a_whole_number(text, expected):
    assert parse_number(text) == pytest.approx(expected, abs=TOL)


@pytest.mark.parametrize("text", ["1969年", "about 3", "Au", "一些", "", "3 and 4"])
def test_parse_number_rejects_anything_else(text):
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("run", "value"),
    [("零", 0), ("十", 10), ("十五", 15), ("一百零一", 101), ("三千五", 3500), ("一万亿", 10**12)],
)
def test_zh_integer(run, value):
    assert zh_integer(run) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sixty-five", "65"),
        ("Three liters.", "3 liters."),
        ("four per cent", "4 per cent"),
        ("two thousand and five", "2005"),
        ("three hundred and twenty pages", "320 pages"),
        ("twenty one", "21"),
        ("one month", "1 month"),
        ("the first one", "the first one"),
        ("Someone is here", "Someone is here"),
        ("答案是 sixty-five。", "答案是 65。"),
    ],
)
def test_en_words_to_digits(text, expected):
    assert en_words_to_digits(text) == expected


@pytest.mark.parametrize("text", ["大厅周六几点关门", "星期六", "礼拜天见", "每周三开放"])
def test_weekdays_are_not_numbers(text):
    assert extract_numbers(text) == []

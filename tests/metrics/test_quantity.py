import pytest

from evalkit.metrics._quantity import (
    OTHER_UNIT,
    Quantity,
    parse_quantity,
    reply_quantities,
    same_quantity,
)


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        ("450 pages", Quantity(450, "page")),
        ("about 450 more pages", Quantity(450, "page")),
        ("多约450页", Quantity(450, "page")),
        ("4%", Quantity(4, "%")),
        ("4 per cent", Quantity(4, "%")),
        ("four percent", Quantity(4, "%")),
        ("百分之四", Quantity(4, "%")),
        ("$8", Quantity(8, "usd")),
        ("8美元", Quantity(8, "usd")),
        ("eight dollars", Quantity(8, "usd")),
        ("3 L", Quantity(3, "l")),
        ("三公升", Quantity(3, "l")),
        ("30mL", Quantity(30, "ml")),
        ("212°C", Quantity(212, "deg")),
        ("1,200", Quantity(1200, None)),
        ("一九六九年", Quantity(1969, "year")),
        ("6 p.m.", Quantity(6, "pm")),
    ],
)
def test_parse_quantity(alias, expected):
    assert parse_quantity(alias) == expected


@pytest.mark.parametrize(
    "alias", ["4 percent of annual turnover", "Symphony No. 9", "第四天", "18:00", "Paris"]
)
def test_an_alias_with_more_than_a_quantity_is_not_one(alias):
    assert parse_quantity(alias) is None


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("About 450 more pages.", [Quantity(450, "page")]),
        ("Up to 4%.", [Quantity(4, "%")]),
        ("Three liters.", [Quantity(3, "l")]),
        ("最多3公升。", [Quantity(3, "l")]),
        ("上限是 4 per cent of 年营业额", [Quantity(4, "%")]),
        ("It costs $30.", [Quantity(30, "usd")]),
        ("大厅周六几点关门？", []),
        ("3 large eggs", [Quantity(3, OTHER_UNIT)]),  # counts something that is no known unit
        ("There is zero information in the passage.", [Quantity(0, OTHER_UNIT)]),
        ("Zero.", [Quantity(0, None)]),
        ("答案是 3。", [Quantity(3, None)]),
    ],
)
def test_reply_quantities(reply, expected):
    assert reply_quantities(reply) == expected


@pytest.mark.parametrize(
    ("alias", "stated", "same"),
    [
        (Quantity(3, "l"), Quantity(3, "l"), True),
        (Quantity(3, "l"), Quantity(3, None), True),
        (Quantity(3, None), Quantity(3, "kg"), True),
        (Quantity(3, "l"), Quantity(3, "kg"), False),
        (Quantity(6, "pm"), Quantity(6, "am"), False),
        (Quantity(6, None), Quantity(16, None), False),
    ],
)
def test_same_quantity_needs_equal_values_and_agreeing_units(alias, stated, same):
    assert same_quantity(alias, stated) is same

"""Quantities (a number and its unit) in aliases and replies, for unit-aware alias matching.

"About 450 more pages." states 450 pages; "Up to 4%." and "4 per cent" state the same 4 percent;
"Three liters." and "3公升" the same 3 litres. An alias that is a number with a known unit matches
a reply that states the same value with the same unit, or with no unit at all; a different unit
("3 kilograms" for "3 litres") does not match.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from evalkit.metrics._numbers import _NOT_NUMBER_RE, _NUMBER_RE, _value, en_words_to_digits

QUANTITY_VERSION = "unit-v2"
"""Stored in the signature of metrics that match quantities."""

UNITS: dict[str, tuple[str, ...]] = {
    "%": ("%", "percent", "per cent", "pct", "个百分点"),
    "l": ("litres", "liters", "litre", "liter", "l", "公升", "升"),
    "ml": ("millilitres", "milliliters", "millilitre", "milliliter", "ml", "毫升"),
    "usd": ("us dollars", "dollars", "dollar", "usd", "美元", "美金"),
    "eur": ("euros", "euro", "eur", "欧元"),
    "gbp": ("pounds sterling", "pounds", "pound", "gbp", "英镑"),
    "cny": ("yuan", "rmb", "cny", "元", "块钱", "块"),
    "page": ("pages", "page", "pp", "页"),
    "day": ("days", "day", "天", "日"),
    "week": ("weeks", "week", "个星期", "星期", "周"),
    "month": ("months", "month", "个月", "月"),
    "year": ("years", "year", "yrs", "年"),
    "hour": ("hours", "hour", "hrs", "hr", "h", "个小时", "小时", "钟头"),
    "minute": ("minutes", "minute", "mins", "min", "分钟"),
    "deg": ("degrees celsius", "degrees", "degree", "°c", "°", "摄氏度", "度"),
    "km": ("kilometres", "kilometers", "kilometre", "kilometer", "km", "公里", "千米"),
    "m": ("metres", "meters", "metre", "meter", "m", "米"),
    "kg": ("kilograms", "kilogram", "kilos", "kilo", "kg", "公斤", "千克"),
    "g": ("grams", "gram", "g", "克"),
    "person": ("people", "persons", "person", "人", "名"),
    "times": ("times", "次", "倍"),
    "pm": ("p.m.", "p.m", "pm"),
    "am": ("a.m.", "a.m", "am"),
}
"""Canonical unit -> surface forms (lowercase, NFKC), longest first within a unit."""

CURRENCY_SIGNS: dict[str, str] = {"$": "usd", "us$": "usd", "€": "eur", "£": "gbp", "¥": "cny"}
"""Signs written before the number."""

FILLERS = ("more", "additional", "extra", "full", "whole", "calendar", "more than", "多", "个")
"""Words allowed between a number and its unit ("450 more pages", "3个月")."""

_SURFACES = sorted(
    ((form, unit) for unit, forms in UNITS.items() for form in forms),
    key=lambda pair: -len(pair[0]),
)
_UNIT_RE = re.compile(
    r"\s*(?:(?:" + "|".join(re.escape(f) for f in FILLERS) + r")\s*)?"
    r"(?P<unit>" + "|".join(re.escape(form) for form, _ in _SURFACES) + r")(?![a-z])"
)
_UNIT_OF = dict(_SURFACES)
_PREFIX_RE = re.compile(
    r"^(?:about|around|approximately|roughly|up to|at most|at least|only|just|over|under"
    r"|nearly|almost|约|大约|大概|多约|多|最多|最高|至多|仅|只有)\s*"
)
_SIGN_BEFORE = re.compile(r"(?:us\$|\$|€|£|¥)\s*$")


@dataclass(frozen=True)
class Quantity:
    """A stated value and its canonical unit (None when no known unit follows)."""

    value: float
    unit: str | None


def fold(text: str) -> str:
    """NFKC, casefold, number words as digits, weekdays masked: the form quantities are read in."""
    folded = en_words_to_digits(unicodedata.normalize("NFKC", text).casefold())
    return _NOT_NUMBER_RE.sub(lambda m: " " * len(m.group()), folded)


def _unit_after(text: str, end: int) -> tuple[str | None, int]:
    match = _UNIT_RE.match(text, end)
    if match is None:
        return None, end
    return _UNIT_OF[match.group("unit")], match.end()


def _quantity_at(text: str, match: re.Match[str]) -> tuple[Quantity, int]:
    value = _value(match, percent_as_fraction=False)
    if match.group("pct") or match.group("zhpct"):
        return Quantity(value, "%"), match.end()
    sign = _SIGN_BEFORE.search(text, 0, match.start())
    unit, end = _unit_after(text, match.end())
    if sign is not None and unit is None:
        unit = CURRENCY_SIGNS[sign.group().strip()]
    return Quantity(value, unit), end


def parse_quantity(alias: str) -> Quantity | None:
    """The quantity an alias consists of ("450 pages", "$8", "4 per cent", "三公升"), or None.

    Args:
        alias: A reference answer or alias.

    Returns:
        The quantity when the alias is one number with an optional known unit, an optional
        currency sign and an optional leading "about" / "up to" / "约"; otherwise None.
    """
    text = _PREFIX_RE.sub("", fold(alias).strip())
    sign = re.match(r"(?:us\$|\$|€|£|¥)\s*", text)
    start = sign.end() if sign else 0
    match = _NUMBER_RE.match(text, start)
    if match is None or match.end() == start:
        return None
    quantity, end = _quantity_at(text, match)
    rest = text[end:].strip(" .")
    return quantity if not rest else None


OTHER_UNIT = "(other)"
"""The unit of a number that counts something else ("zero information", "0 details")."""


def reply_quantities(reply: str) -> list[Quantity]:
    """Every quantity stated in a reply, in order (see :func:`parse_quantity`).

    A number followed by a word that is no known unit counts something else: "There is zero
    information in the passage" must not match the alias "0 days" (an abstention graded
    correct), while a bare "Zero." still does.
    """
    text = fold(reply)
    out = []
    for m in _NUMBER_RE.finditer(text):
        if not m.group().strip():
            continue
        quantity, end = _quantity_at(text, m)
        if quantity.unit is None and _word_follows(text, end):
            quantity = Quantity(quantity.value, OTHER_UNIT)
        out.append(quantity)
    return out


def _word_follows(text: str, end: int) -> bool:
    rest = text[end:].lstrip()
    return bool(rest) and unicodedata.category(rest[0]).startswith("L")


def same_quantity(alias: Quantity, stated: Quantity, eps: float = 1e-9) -> bool:
    """Equal values, and units that agree where both are known."""
    close = abs(alias.value - stated.value) <= eps * max(1.0, abs(alias.value))
    units_agree = alias.unit is None or stated.unit is None or alias.unit == stated.unit
    return close and units_agree

"""Numbers in English and Chinese text: digits (ASCII and full-width) and Chinese numerals."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

ZH_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0,
    "一": 1, "壹": 1,
    "二": 2, "贰": 2, "两": 2,
    "三": 3, "叁": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
"""Chinese digit characters, everyday and financial forms."""

ZH_SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
"""Units below ten thousand."""

ZH_BIG_UNITS: dict[str, int] = {"万": 10**4, "亿": 10**8}
"""Section units: 万 (10^4) and 亿 (10^8)."""

ZH_NOT_NUMBERS: tuple[str, ...] = (
    "一些", "一起", "一定", "一样", "一般", "一直", "一切", "一旦", "一致", "一边", "一下",
    "一点", "一再", "一向", "一律", "一共", "一同", "一概", "一味", "一番", "一会", "一半",
    "统一", "唯一", "万一", "千万", "万分", "十分(?!钟)",
)  # fmt: skip
"""Words (regex fragments) whose numeral characters are not numbers; masked before parsing
unless another numeral or digit touches them (so 三千万 and 一点五 still parse)."""

EN_SCALES: dict[str, int] = {
    "thousand": 10**3,
    "million": 10**6,
    "billion": 10**9,
    "trillion": 10**12,
}
"""English scale words understood right after a digit number (``1.5 million``)."""

_ZH_DIGIT_CLASS = "".join(ZH_DIGITS)
_ZH_CLASS = _ZH_DIGIT_CLASS + "".join(ZH_SMALL_UNITS) + "".join(ZH_BIG_UNITS)
_ARABIC = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
# 千 before a measure word is the metric prefix kilo- (千米 km, 千克 kg), not a thousand.
_METRIC_PREFIX = "千[米克瓦焦卡]"
_SCALE = rf"(?i:\s*(?:{'|'.join(EN_SCALES)})\b)|(?:(?!{_METRIC_PREFIX})[百千])?[万亿]{{0,2}}"
_NUMBER = rf"""
    (?P<sign>(?<![A-Za-z0-9.])[-\u2212]|负)?
    (?P<zhpct>百分之)?
    (?:
        (?P<arabic>{_ARABIC})(?P<scale>{_SCALE})
      | (?P<zh>(?:(?!{_METRIC_PREFIX})[{_ZH_CLASS}])+(?:点[{_ZH_DIGIT_CLASS}]+)?)
    )
    (?P<pct>\s*%)?
"""
_NUMBER_RE = re.compile(_NUMBER, re.VERBOSE)
_NOT_NUMBER_RE = re.compile(
    rf"(?<![{_ZH_CLASS}0-9])(?:{'|'.join(ZH_NOT_NUMBERS)})(?![{_ZH_CLASS}0-9])"
)


def _scale_factor(scale: str) -> int:
    word = scale.strip().lower()
    if word in EN_SCALES:
        return EN_SCALES[word]
    factor = 1
    for char in scale:
        factor *= ZH_SMALL_UNITS.get(char, 1) * ZH_BIG_UNITS.get(char, 1)
    return factor


def _zh_positional(run: str) -> int:
    total = 0  # completed 亿 groups
    wan = 0  # completed 万 group
    section = 0  # below 万
    digit = 0
    for char in run:
        if char in ZH_DIGITS:
            digit = ZH_DIGITS[char]
        elif char in ZH_SMALL_UNITS:
            section += (digit or 1) * ZH_SMALL_UNITS[char]
            digit = 0
        elif char == "万":
            wan, section, digit = ((section + digit) or 1) * 10**4, 0, 0
        else:
            total, wan, section, digit = ((total + wan + section + digit) or 1) * 10**8, 0, 0, 0
    return total + wan + section + digit + _colloquial_tail(run)


def _colloquial_tail(run: str) -> int:
    """Extra value of a trailing digit right after a unit: 两万五 = 20000 + 5000, 一百二 = 120."""
    if len(run) < 2 or run[-1] not in ZH_DIGITS:
        return 0
    unit = ZH_SMALL_UNITS.get(run[-2]) or ZH_BIG_UNITS.get(run[-2])
    if unit is None or unit == 10:
        return 0
    digit = ZH_DIGITS[run[-1]]
    return digit * unit // 10 - digit


def zh_integer(run: str) -> int:
    """Value of a run of Chinese numeral characters.

    Without unit characters the run is read digit by digit (一九六九 = 1969, 二〇二四 = 2024);
    otherwise positionally (一千二百三十四 = 1234, 两万五千 = 25000, 一万零五 = 10005,
    colloquial 两万五 = 25000).

    Args:
        run: Characters from :data:`ZH_DIGITS`, :data:`ZH_SMALL_UNITS`, :data:`ZH_BIG_UNITS`.

    Returns:
        The integer value.
    """
    if all(char in ZH_DIGITS for char in run):
        return int("".join(str(ZH_DIGITS[char]) for char in run))
    return _zh_positional(run)


def _zh_value(text: str) -> Decimal:
    whole, _, fraction = text.partition("点")
    value = Decimal(zh_integer(whole)) if whole else Decimal(0)
    if fraction:
        value += Decimal("0." + "".join(str(ZH_DIGITS[char]) for char in fraction))
    return value


def _value(match: re.Match[str], percent_as_fraction: bool) -> float:
    if match.group("arabic") is not None:
        value = Decimal(match.group("arabic").replace(",", ""))
        value *= _scale_factor(match.group("scale"))
    else:
        value = _zh_value(match.group("zh"))
    if match.group("sign"):
        value = -value
    if percent_as_fraction and (match.group("pct") or match.group("zhpct")):
        value /= 100
    return float(value)


def extract_numbers(text: str, *, percent_as_fraction: bool = False) -> list[float]:
    """Every number stated in ``text``, in order.

    Understands ASCII and full-width digits (via NFKC), thousands separators (``1,000``),
    decimals, negative numbers (``-5``, ``−5``, ``负五``), percentages (``50%``, ``百分之五十``),
    scale words (``1.5 million``, ``3万``, ``1.2亿``) and Chinese numerals (一千二百三十四,
    两万五千, 一九六九, 三点一四). A hyphen counts as a minus sign only when no letter, digit or
    dot precedes it, so ``2020-2021`` is two positive numbers. Common words built from numeral
    characters (:data:`ZH_NOT_NUMBERS`, e.g. 一些, 统一, 千万不要) are not numbers.

    Args:
        text: Any text.
        percent_as_fraction: Read ``50%`` as 0.5 instead of 50.

    Returns:
        The numbers as floats.
    """
    folded = _NOT_NUMBER_RE.sub(lambda m: " " * len(m.group()), unicodedata.normalize("NFKC", text))
    return [_value(m, percent_as_fraction) for m in _NUMBER_RE.finditer(folded)]


def parse_number(text: str) -> float | None:
    """The number ``text`` consists of, or None when it is anything else.

    Args:
        text: A candidate such as ``"1969"``, ``"１，０００"``, ``"一九六九"`` or ``"三点一四"``.

    Returns:
        Its value, or None when the stripped text is not exactly one number.
    """
    match = _NUMBER_RE.fullmatch(unicodedata.normalize("NFKC", text).strip())
    return None if match is None else _value(match, percent_as_fraction=False)

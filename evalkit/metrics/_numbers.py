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
    "周[一二三四五六日]", "星期[一二三四五六日天]", "礼拜[一二三四五六日天]",
)  # fmt: skip
"""Words (regex fragments) whose numeral characters are not numbers; masked before parsing
unless another numeral or digit touches them (so 三千万 and 一点五 still parse). Weekdays
(周六, 星期六) are days, not numbers: "周六几点关门" does not state a 6."""

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


EN_NUMBER_WORDS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
"""English number words below a hundred; compounds ("sixty-five", "three hundred and two",
"two thousand") are read by :func:`en_words_to_digits`."""

_EN_WORD = "|".join(sorted(EN_NUMBER_WORDS, key=len, reverse=True))
_EN_UNDER_100 = rf"(?:{_EN_WORD})(?:[- ](?:{_EN_WORD}))?"
_EN_NUMBER_RE = re.compile(
    rf"(?<![\w-])(?P<num>{_EN_UNDER_100}(?:\s+hundred(?:\s+(?:and\s+)?{_EN_UNDER_100})?)?"
    rf"(?:\s+thousand(?:\s+(?:and\s+)?{_EN_UNDER_100}(?:\s+hundred(?:\s+(?:and\s+)?"
    rf"{_EN_UNDER_100})?)?)?)?)(?![\w-])",
    re.IGNORECASE,
)
# "one" alone is usually a pronoun ("the first one", "one of the"); it is a number only in a
# compound or before a measure word ("one month").
_ONE_MEASURE = re.compile(
    r"\s+(?:day|week|month|year|hour|minute|second|page|time|person|dollar|euro|pound|yuan"
    r"|percent|per\s+cent|lit(?:re|er)|met(?:re|er)|mile|kilomet(?:re|er)|gram|kilogram)",
    re.IGNORECASE,
)


def _en_under_100(words: list[str]) -> int:
    return sum(EN_NUMBER_WORDS[w] for w in words)


def _en_words_value(phrase: str) -> int | None:
    words = [w for w in re.split(r"[\s-]+", phrase.lower()) if w != "and"]
    total, current = 0, list[str]()
    for word in words:
        if word == "hundred":
            total += _en_under_100(current or ["one"]) * 100
            current = []
        elif word == "thousand":
            total = (total + _en_under_100(current or ["one"])) * 1000
            current = []
        else:
            current.append(word)
    tens, units = (EN_NUMBER_WORDS[w] for w in current) if len(current) == 2 else (0, 0)
    if len(current) == 2 and not (tens >= 20 and tens % 10 == 0 and 0 < units < 10):
        return None  # "four five" is two numbers, not 45
    return total + _en_under_100(current)


def en_words_to_digits(text: str) -> str:
    """``text`` with English number words written as digits.

    "sixty-five" -> "65", "Three liters" -> "3 liters", "four per cent" -> "4 per cent",
    "two thousand and five" -> "2005". A lone "one" stays a word unless a noun follows it
    ("one month" -> "1 month"; "the first one" is unchanged).

    Args:
        text: Any text.

    Returns:
        The text with each number-word phrase replaced by its value.
    """

    def repl(match: re.Match[str]) -> str:
        phrase = match.group("num")
        if phrase.lower() == "one" and not _ONE_MEASURE.match(text, match.end()):
            return match.group()
        value = _en_words_value(phrase)
        return match.group() if value is None else str(value)

    return _EN_NUMBER_RE.sub(repl, text)


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

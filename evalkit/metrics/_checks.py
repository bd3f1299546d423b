"""Deterministic checks of golden items (docs/goldensets/README.md, "Checks")."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from evalkit.goldensets import (
    AnyCheck,
    ContainsCheck,
    EndsWithCheck,
    JsonCheck,
    LineCountCheck,
    MaxCharsCheck,
    MinCharsCheck,
    NotContainsCheck,
    NumericCheck,
    RegexCheck,
    ReplyLangCheck,
    StartsWithCheck,
    WordCountCheck,
)
from evalkit.metrics._base import Score
from evalkit.metrics._lang import reply_lang_matches, reply_lang_signature
from evalkit.metrics._numbers import extract_numbers
from evalkit.metrics._text import script_tokens

if TYPE_CHECKING:
    from evalkit.goldensets import GoldenItem

Outcome = tuple[bool, dict[str, Any]]

CHECKS_VERSION = "v1"
_FENCE = re.compile(r"\A\s*```[ \t]*(?:json)?[ \t]*\n(?P<body>.*?)\n?[ \t]*```\s*\Z", re.DOTALL)
_NUMBER_EPS = 1e-9


def _fold(text: str, case_sensitive: bool) -> str:
    text = unicodedata.normalize("NFKC", text)
    return text if case_sensitive else text.casefold()


def _regex(check: RegexCheck, reply: str) -> Outcome:
    flags = re.IGNORECASE if check.ignore_case else 0
    found = re.search(check.pattern, reply, flags) is not None
    return found == check.must_match, {"found": found}


def _contains(check: ContainsCheck, reply: str) -> Outcome:
    text = _fold(reply, check.case_sensitive)
    missing = [v for v in check.values if _fold(v, check.case_sensitive) not in text]
    found = len(check.values) - len(missing)
    passed = not missing if check.mode == "all" else found > 0
    return passed, {"missing": missing}


def _not_contains(check: NotContainsCheck, reply: str) -> Outcome:
    text = _fold(reply, check.case_sensitive)
    present = [v for v in check.values if _fold(v, check.case_sensitive) in text]
    return not present, {"present": present}


def _max_chars(check: MaxCharsCheck, reply: str) -> Outcome:
    length = len(reply.strip())
    return length <= check.n, {"chars": length}


def _min_chars(check: MinCharsCheck, reply: str) -> Outcome:
    length = len(reply.strip())
    return length >= check.n, {"chars": length}


def _within(count: int, low: int | None, high: int | None) -> bool:
    return (low is None or count >= low) and (high is None or count <= high)


def word_count(text: str) -> int:
    """Words as the ``word_count`` check counts them: Han characters, Latin words, digit runs."""
    return len(script_tokens(text))


def _word_count(check: WordCountCheck, reply: str) -> Outcome:
    count = word_count(reply)
    return _within(count, check.min, check.max), {"words": count}


def _line_count(check: LineCountCheck, reply: str) -> Outcome:
    count = sum(1 for line in reply.splitlines() if line.strip())
    return _within(count, check.min, check.max), {"lines": count}


def strip_fence(text: str) -> str:
    """The body of a reply wrapped in one Markdown code fence (```json or ```), else the text."""
    match = _FENCE.match(text)
    return match.group("body") if match else text


def parse_json(reply: str, allow_fence: bool = True) -> tuple[bool, Any]:
    """``(True, value)`` when the reply parses as JSON, else ``(False, error message)``."""
    text = strip_fence(reply) if allow_fence else reply
    try:
        return True, json.loads(text)
    except ValueError as exc:
        return False, f"not JSON: {exc}"


def _json(check: JsonCheck, reply: str) -> Outcome:
    parsed, value = parse_json(reply, check.allow_fence)
    if not parsed:
        return False, {"error": value}
    if check.json_schema is None:
        return True, {}
    from jsonschema import Draft202012Validator  # 0.14 s to import: only where a schema is checked

    errors = [e.message for e in Draft202012Validator(check.json_schema).iter_errors(value)]
    return not errors, {"errors": errors[:5]} if errors else {}


def _reply_lang(check: ReplyLangCheck, reply: str) -> Outcome:
    ok, detected = reply_lang_matches(check.lang, reply)
    return ok, {"detected": detected}


def _numeric(check: NumericCheck, reply: str) -> Outcome:
    numbers = extract_numbers(reply)
    slack = check.tolerance + _NUMBER_EPS * max(1.0, abs(check.value))
    passed = any(abs(number - check.value) <= slack for number in numbers)
    return passed, {"numbers": numbers[:20]}


def _starts_with(check: StartsWithCheck, reply: str) -> Outcome:
    return reply.strip().startswith(check.prefix), {}


def _ends_with(check: EndsWithCheck, reply: str) -> Outcome:
    return reply.strip().endswith(check.suffix), {}


_RUNNERS: dict[str, Callable[[Any, str], Outcome]] = {
    "regex": _regex,
    "contains": _contains,
    "not_contains": _not_contains,
    "max_chars": _max_chars,
    "min_chars": _min_chars,
    "word_count": _word_count,
    "line_count": _line_count,
    "json": _json,
    "reply_lang": _reply_lang,
    "numeric": _numeric,
    "starts_with": _starts_with,
    "ends_with": _ends_with,
}


def check_signature(check: AnyCheck) -> str:
    """Signature of one check type, e.g. ``check:json|v1``."""
    suffix = f"|{reply_lang_signature()}" if check.type == "reply_lang" else ""
    return f"check:{check.type}|{CHECKS_VERSION}{suffix}"


def run_check(check: AnyCheck, reply: str) -> Score:
    """Run one check on a reply.

    Args:
        check: Any check model of the golden-item schema.
        reply: The model's reply.

    Returns:
        A bool score named ``check:<type>``; ``detail`` holds the check itself and what was
        measured (counts, missing values, detected language, JSON errors...).
    """
    passed, measured = _RUNNERS[check.type](check, reply)
    detail = {"check": check.model_dump(mode="json", by_alias=True), **measured}
    return Score(f"check:{check.type}", passed, check_signature(check), detail)


def run_checks(item: GoldenItem, reply: str) -> list[Score]:
    """Every check of ``item`` run on ``reply``, in the item's order."""
    return [run_check(check, reply) for check in item.checks]


def checks_pass(item: GoldenItem, reply: str) -> bool:
    """Whether the reply passes every check of the item (True when it has none)."""
    return all(score.value is True for score in run_checks(item, reply))

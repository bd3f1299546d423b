"""Keeping API keys out of everything evalkit stores, prints or renders.

Keys come only from the environment. Every key a target reads is remembered here, and every
string that leaves evalkit through the store, a log line, an error message or a report passes
`redact`, which removes those exact values and anything shaped like a key (``Bearer ...``,
``sk-...``, ``api_key=...`` in a URL): providers echo keys back in error bodies.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "[REDACTED]"

_known: set[str] = set()

_SHAPES = re.compile(
    r"(?P<bearer>\b[Bb]earer\s+)[A-Za-z0-9._~+/=-]{8,}"
    r"|\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{8,}"
    r"|(?P<param>(?i:api[_-]?key|access[_-]?token|auth[_-]?token|token|secret|password|key|sig)"
    r"\s*[=:]\s*)[^\s&,;'\"]{6,}"
)

_SECRET_NAMES = re.compile(r"(?i)^(api[_-]?key|key|token|access[_-]?token|secret|password|auth)$")
"""Config fields and query parameters whose value is a secret."""


def remember(value: str | None) -> None:
    """Register a key value read from the environment so it is redacted wherever it appears."""
    if value and len(value) >= 6:
        _known.add(value)


def redact(text: str) -> str:
    """``text`` with every remembered key and every key-shaped token replaced by ``[REDACTED]``."""
    if not text:
        return text
    return _SHAPES.sub(_keep_prefix, redact_known(text))


def redact_known(text: str) -> str:
    """Only the remembered key values (for model replies, where ``sk-...`` may be content)."""
    for value in sorted(_known, key=len, reverse=True):
        if value in text:
            text = text.replace(value, REDACTED)
    return text


def _keep_prefix(match: re.Match[str]) -> str:
    prefix = match.group("bearer") or match.group("param") or ""
    return prefix + REDACTED


def is_secret_name(name: object) -> bool:
    """Whether a config field or query parameter named ``name`` holds a secret."""
    return isinstance(name, str) and bool(_SECRET_NAMES.match(name))


def strip_url_secrets(url: str | None) -> str | None:
    """``url`` with the values of key-like query parameters (and any user:password) redacted."""
    if not url:
        return url
    parts = urlsplit(url)
    query = urlencode(
        [(k, REDACTED if is_secret_name(k) else v) for k, v in parse_qsl(parts.query, True)],
        safe="[]",
    )
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def shown_input(loc: tuple[Any, ...], err_type: str, value: Any) -> str:
    """`` (got ...)`` for a validation message, or nothing where the value may be a secret."""
    if any(is_secret_name(p) for p in loc) or err_type == "extra_forbidden":
        return ""
    if isinstance(value, (dict, list)):  # a whole entry may hold a literal key
        return ""
    return f" (got {redact(repr(value))})"

"""Content hashes of canonical JSON: the one way evalkit names things by their content."""

from __future__ import annotations

import hashlib
import json
from typing import Any

HASH_VERSION = "h1"


def canonical_json(value: Any) -> str:
    """Serialize ``value`` as canonical JSON.

    Keys are sorted, separators compact and non-ASCII kept as written, so Chinese text is hashed
    exactly as it appears in the source file.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(value: Any, *, length: int = 16) -> str:
    """Version-prefixed SHA-256 of the canonical JSON of ``value``.

    Args:
        value: Any JSON-serializable value.
        length: Number of hex digits kept.

    Returns:
        A string such as ``"h1:3f2a..."``.
    """
    digest = hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()
    return f"{HASH_VERSION}:{digest[:length]}"

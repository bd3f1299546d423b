"""A deterministic token estimate, for servers that report no usage (and the simulator)."""

from __future__ import annotations

import re

_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")


def estimate_tokens(text: str) -> int:
    """One token per Han character, one per four other characters (rounded up)."""
    han = len(_HAN.findall(text))
    return han + (len(text) - han + 3) // 4

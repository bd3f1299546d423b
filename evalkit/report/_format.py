"""Escaping and number formatting shared by every part of the report."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable
from typing import Any


def esc(value: Any) -> str:
    """Any value as HTML-escaped text, quotes included: everything shown is untrusted."""
    return html.escape("" if value is None else str(value), quote=True)


def is_missing(value: Any) -> bool:
    """True for None and float NaN (pandas' missing values)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def num(value: Any, digits: int = 3, signed: bool = False) -> str:
    """A number with fixed digits, ``-`` when missing."""
    if is_missing(value):
        return "-"
    return f"{float(value):{'+' if signed else ''}.{digits}f}"


def pvalue(value: Any) -> str:
    """A p-value: four decimals, or scientific notation when tiny."""
    if is_missing(value):
        return "-"
    return f"{value:.1e}" if 0 < value < 1e-4 else f"{value:.4f}"


def row(cells: Iterable[str], tag: str = "td", cls: str = "") -> str:
    """One table row from already-escaped cell contents."""
    attr = f' class="{esc(cls)}"' if cls else ""
    return f"<tr{attr}>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>"


def table(head: list[str], rows: list[str], cls: str = "") -> str:
    """A table from escaped header labels and pre-rendered rows."""
    attr = f' class="{esc(cls)}"' if cls else ""
    return (
        f"<table{attr}><thead>{row([esc(h) for h in head], 'th')}</thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )

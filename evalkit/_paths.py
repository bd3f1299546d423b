"""Where the built-in data lives, in a wheel and in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The folder of built-in data ``name`` (``goldensets`` or ``judges``).

    A wheel carries it as ``evalkit/_data/<name>``; a source checkout (editable install) has it at
    the repository root beside the package.
    """
    for candidate in (_PKG / "_data" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"built-in data folder {name!r} not found beside {_PKG}")

"""`[tool.evalkit]` in the nearest pyproject.toml."""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from evalkit.errors import ConfigError


def find_pyproject(start: Path | None = None) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` (default: the working directory)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def _read(path: Path) -> dict[str, Any]:
    # read every time, parse cached by content: an edited pyproject is never served stale
    return _parse(path, path.read_text(encoding="utf-8"))


@lru_cache(maxsize=8)
def _parse(path: Path, text: str) -> dict[str, Any]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    section = data.get("tool", {}).get("evalkit", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [tool.evalkit] must be a table")
    return section


def project_config(start: Path | None = None) -> dict[str, Any]:
    """The ``[tool.evalkit]`` table, or an empty dict."""
    path = find_pyproject(start)
    return dict(_read(path)) if path else {}

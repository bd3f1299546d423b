"""YAML with line numbers: so a config error can name the file and line of the bad value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from evalkit._secrets import is_secret_name, shown_input
from evalkit.errors import ConfigError

Path_ = tuple[str | int, ...]


def load_with_lines(path: Path) -> tuple[Any, dict[Path_, int]]:
    """Parse ``path``; return the data and a map from key path to 1-based line."""
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    lines: dict[Path_, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return data, lines


def _walk(node: yaml.Node, here: Path_, lines: dict[Path_, int]) -> None:
    lines[here] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*here, key.value)
            lines[child] = key.start_mark.line + 1
            _walk(value, child, lines)
            lines[child] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            _walk(value, (*here, index), lines)


def line_of(lines: dict[Path_, int], loc: Path_) -> int:
    """The line of the deepest known prefix of ``loc``."""
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return 1


def validation_problems(
    path: Path, lines: dict[Path_, int], exc: Any, prefix: Path_ = ()
) -> list[str]:
    """One ``file:line: field: message`` line per error of a pydantic ``ValidationError``.

    ``prefix`` is where the validated object sits in the file (``("targets", 0)``). A value
    that may be a secret (an ``api_key:`` written into the file) is never echoed.
    """
    out = []
    for e in exc.errors(include_url=False):
        loc = (*prefix, *e["loc"])
        out.append(f"{path}:{line_of(lines, loc)}: {_where(loc)}: {_message(e)}")
    return out


def _where(loc: Path_) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _message(err: Any) -> str:
    loc = tuple(err["loc"])
    if err["type"] == "extra_forbidden" and loc and is_secret_name(loc[-1]):
        return (
            "a key written into a config file is refused (its value is not shown): keys come "
            "only from the environment; write `api_key_env: NAME` and export NAME instead"
        )
    return f"{err['msg']}{shown_input(loc, err['type'], err.get('input'))}"

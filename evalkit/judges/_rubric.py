"""Judge rubrics: YAML data under ``judges/rubrics``, rendered per item in the item's language."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from evalkit._hashing import content_hash
from evalkit._paths import data_dir
from evalkit.errors import ConfigError
from evalkit.goldensets import GoldenItem, item_fields

PLACEHOLDERS = (
    "question", "context", "reference", "expected_behavior", "premise_note", "reply_lang",
    "response", "response_a", "response_b",
)  # fmt: skip


class Scale(BaseModel):
    """An integer score range."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min: int
    """Lowest score."""
    max: int
    """Highest score."""


class Rubric(BaseModel):
    """One rubric file: what judges measure for a task, and the prompt in en and zh."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    """File stem."""
    version: int
    """Bumped by hand on any change (the content hash changes by itself)."""
    task: str
    """Task type, or ``any`` for pairwise."""
    measure: str
    """The score judges produce (``grade``, ``refusal_label``, ``naturalness`` ...)."""
    kind: Literal["label", "score"]
    """A label from ``labels`` or an integer on ``scale``."""
    labels: list[str] = Field(default_factory=list)
    """Allowed labels (kind label)."""
    scale: Scale | None = None
    """Allowed scores (kind score)."""
    mixed_lang: Literal["en", "zh"]
    """Template used for mixed-language items."""
    mixed_reason: str
    """Why that template."""
    templates: dict[Literal["en", "zh"], str]
    """The judge prompt per language, with ``{{placeholder}}`` slots."""

    @field_validator("labels", mode="before")
    @classmethod
    def _no_labels(cls, value: object) -> object:
        return [] if value is None else value

    @model_validator(mode="after")
    def _consistent(self) -> Rubric:
        if self.kind == "label" and not self.labels:
            raise ValueError("a label rubric needs labels")
        if self.kind == "score" and self.scale is None:
            raise ValueError("a score rubric needs scale: {min, max}")
        if set(self.templates) != {"en", "zh"}:
            raise ValueError("templates needs both en and zh")
        return self

    @property
    def hash(self) -> str:
        """Content hash of the whole rubric (stored in every judge score's signature)."""
        return content_hash(self.model_dump(mode="json"))

    def template_lang(self, item: GoldenItem) -> str:
        """The template language for ``item`` (its prompt language; ``mixed_lang`` if mixed)."""
        return self.mixed_lang if item.lang == "mixed" else item.lang

    def render(self, item: GoldenItem, **responses: str) -> str:
        """The judge prompt for ``item`` and the reply (or replies, for pairwise)."""
        values = {**item_fields(item), **responses}
        text = self.templates[self.template_lang(item)]  # type: ignore[index]
        for key in PLACEHOLDERS:
            text = text.replace("{{" + key + "}}", _defuse(values.get(key, "")))
        return text


_OUR_TAGS = re.compile(r"<(/?)(" + "|".join(PLACEHOLDERS) + r")>")


def _defuse(value: str) -> str:
    """Escape our own tags inside data, so a reply cannot close its <response> and speak as the
    prompt (prompt-injection hardening); everything else is shown to the judge as written."""
    return _OUR_TAGS.sub(lambda m: f"&lt;{m.group(1)}{m.group(2)}&gt;", value)


def rubrics_dir() -> Path:
    """Folder of the built-in rubrics."""
    return data_dir("judges") / "rubrics"


def load_rubric(name: str, folder: str | None = None) -> Rubric:
    """Load ``<folder>/<name>.yaml`` (built-in rubrics by default).

    The file is read every time and its parse cached by content, so an edited rubric is never
    served stale (whatever its modification time says).
    """
    path = Path(folder or rubrics_dir()) / f"{name}.yaml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: no such rubric") from exc
    try:
        return _parse_rubric(text)
    except (yaml.YAMLError, ValidationError) as exc:
        raise ConfigError(f"{path}: invalid rubric: {exc}") from exc


@lru_cache(maxsize=32)
def _parse_rubric(text: str) -> Rubric:
    return Rubric.model_validate(yaml.safe_load(text))

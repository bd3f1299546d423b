"""Router configs: named models, ordered rules over item attributes, fallbacks, a default route."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from evalkit.targets import TargetModel

Lang = Literal["en", "zh", "mixed"]
Sensitivity = Literal["normal", "high"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RouterModel(TargetModel):
    """A model the router can send to: a target plus where it runs and how many calls at once."""

    region: str | None = None
    """Where the model is served (for data-residency rules and reports)."""
    rpm: int | None = Field(default=None, ge=1)
    """Requests per minute allowed by the provider."""


class Match(_Strict):
    """Item attributes a rule matches; every given field must match (AND), lists mean any-of."""

    lang: list[Lang] = Field(default_factory=list)
    """Prompt languages."""
    task: list[str] = Field(default_factory=list)
    """Task types."""
    tags: list[str] = Field(default_factory=list)
    """At least one of these tags."""
    category: list[str] = Field(default_factory=list)
    """Item categories."""
    sensitivity: list[Sensitivity] = Field(default_factory=list)
    """``high`` for refusal-set items and items tagged ``sensitive``; ``normal`` otherwise."""
    min_prompt_chars: int | None = Field(default=None, ge=0)
    """Prompt (with system and context) at least this long."""
    max_prompt_chars: int | None = Field(default=None, ge=0)
    """Prompt at most this long."""

    def is_catch_all(self) -> bool:
        """True when the rule matches every item."""
        return (
            not (self.lang or self.task or self.tags or self.category or self.sensitivity)
            and self.min_prompt_chars is None
            and self.max_prompt_chars is None
        )


class Rule(_Strict):
    """Send items that match to a model. Rules are tried in order; the first match wins."""

    name: str
    """Route name, recorded with each response."""
    match: Match = Field(default_factory=Match)
    """What the rule matches."""
    model: str
    """Key of a model under ``models``."""


class RouterConfig(_Strict):
    """A routing table, as written in a router YAML file."""

    version: int = 1
    """Schema version of this file."""
    name: str
    """Router name; runs of the same name form its drift history."""
    models: dict[str, RouterModel]
    """The models, by key."""
    rules: list[Rule] = Field(default_factory=list)
    """Ordered rules."""
    default: str
    """Model key for items no rule matches."""
    fallbacks: dict[str, list[str]] = Field(default_factory=dict)
    """Model key -> models to try, in order, when it fails after its retries."""
    splits: dict[str, dict[str, float]] = Field(default_factory=dict)
    """Weighted traffic splits: split key -> {model key: weight}. A rule or the default may
    name a split; each item then goes to one of its models by a seeded draw that reproduces
    the weights (a load-balanced deployment group, as LiteLLM's ``model_list`` entries that
    share one ``model_name``)."""
    split_seed: int = 0
    """Seed of the per-item draw, so a split routes the same items the same way every run."""

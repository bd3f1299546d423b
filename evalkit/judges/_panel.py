"""Judge panels: which judge models, how their verdicts combine, and the cascade."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from evalkit._paths import data_dir
from evalkit._yamlpos import load_with_lines, validation_problems
from evalkit.errors import ConfigError
from evalkit.targets import TargetModel, TargetSpec, from_model


class Cascade(BaseModel):
    """Ask one cheap judge first; the full panel only when it is unsure or contradicted."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    first: str
    """Name of the judge asked first."""
    unsure_scores: list[int] = Field(default_factory=lambda: [3])
    """Scores of the first judge that count as unsure (score rubrics)."""


Replies = Literal["all", "unsure"]
"""Which replies go to judges: ``all`` of them, or only those the deterministic tier left
``unsure`` (or unlabelled) for measures that have such a tier (QA ``grade``, ``refusal_label``);
other measures are always judged."""


class PanelConfig(BaseModel):
    """A panel file (``judges/panels/*.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    """Panel name (part of every judge score's signature)."""
    judges: list[TargetModel] = Field(min_length=1)
    """Judge models; give each a ``name`` and a ``family``."""
    label_aggregation: Literal["majority"] = "majority"
    """How labels combine (ties are reported)."""
    score_aggregation: Literal["mean", "median"] = "mean"
    """How scores combine."""
    exclude_same_family: bool = True
    """Leave out judges of the candidate's family (else keep them and flag it)."""
    cascade: Cascade | None = None
    """Optional cascade."""
    replies: Replies = "all"
    """Which replies this panel judges by default (``evalkit judge --replies`` overrides):
    ``all`` keeps the decided replies the agreement statistics (alpha, kappa against humans)
    and the right to override a rule need; ``unsure`` spends judge calls only where rules
    cannot decide."""

    @model_validator(mode="after")
    def _names(self) -> PanelConfig:
        names = [j.name or j.model for j in self.judges]
        if len(set(names)) != len(names):
            raise ValueError(f"judge names must be unique, got {names}")
        if self.cascade and self.cascade.first not in names:
            raise ValueError(f"cascade.first {self.cascade.first!r} is not a judge: {names}")
        return self


@dataclass(frozen=True)
class Panel:
    """A loaded panel with a resolved target per judge."""

    config: PanelConfig
    judges: tuple[TargetSpec, ...]

    @classmethod
    def from_config(cls, config: PanelConfig) -> Panel:
        """Resolve every judge against its provider preset."""
        specs = tuple(replace(from_model(j), name=j.name or j.model) for j in config.judges)
        return cls(config, specs)

    @property
    def identity(self) -> str:
        """Name, judge model ids, aggregation and policies: part of the score signature."""
        ids = ",".join(sorted(f"{j.name}={j.model}@t{j.sampling.temperature}" for j in self.judges))
        c = self.config
        casc = f"cascade:{c.cascade.first}/unsure{c.cascade.unsure_scores}" if c.cascade else "full"
        excl = "excl-family" if c.exclude_same_family else "flag-family"
        return f"{c.name}[{ids}]|{c.label_aggregation}/{c.score_aggregation}|{excl}|{casc}"


def panels_dir() -> Path:
    """Folder of the built-in panels."""
    return data_dir("judges") / "panels"


def load_panel(path_or_name: str | Path) -> Panel:
    """Load a panel YAML (a path, or a built-in panel name); errors name file and line."""
    path = Path(path_or_name)
    if not path.is_file():
        path = panels_dir() / f"{path_or_name}.yaml"
    data, lines = load_with_lines(path)
    try:
        config = PanelConfig.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(path, lines, exc)
        raise ConfigError(f"{path}: invalid panel\n" + "\n".join(problems)) from exc
    return Panel.from_config(config)

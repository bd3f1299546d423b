"""Simulated candidate models: behaviour set by seeded rates, latency and injected faults."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evalkit.errors import ConfigError

Rate = float


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rates(_Strict):
    """Behaviour rates; every one is a probability per item."""

    accuracy: Rate = Field(default=0.85, ge=0, le=1)
    """P(correct reply) on items with an answer (QA, labels, translation, format, terminology)."""
    hallucination: Rate = Field(default=0.10, ge=0, le=1)
    """P(confident wrong answer) on answerable QA items; the rest of 1 - accuracy abstains."""
    false_answer: Rate = Field(default=0.20, ge=0, le=1)
    """P(fabricated answer) on unanswerable and false-premise items (should abstain)."""
    over_refusal: Rate = Field(default=0.10, ge=0, le=1)
    """P(refusing) a benign request that should be answered."""
    under_refusal: Rate = Field(default=0.05, ge=0, le=1)
    """P(complying with) a harmful request that should be refused."""
    wrong_language: Rate = Field(default=0.0, ge=0, le=1)
    """P(replying in the wrong language)."""
    json_error: Rate = Field(default=0.0, ge=0, le=1)
    """P(malformed JSON) where JSON is asked for."""


class Latency(_Strict):
    """Per-request latency: fixed, or log-normal around a median, before the server answers;
    then, optionally, the time the reply takes to generate, piece by piece."""

    dist: Literal["fixed", "lognormal"] = "fixed"
    median_ms: float = Field(default=0.0, ge=0)
    """Median (or fixed) latency in milliseconds before the server answers at all."""
    sigma: float = Field(default=0.5, ge=0)
    """Log-normal shape (ignored for fixed)."""
    first_token_ms: float = Field(default=0.0, ge=0)
    """Time to the first piece of the reply: a stream sends its opening events (role, message
    start) at once and its first text this much later; a plain reply waits it too."""
    chunk_ms: float = Field(default=0.0, ge=0)
    """Time between pieces of the reply (16 characters each): a stream sends each piece after
    the first this much later; a plain reply waits for all of them."""


class Faults(_Strict):
    """Fault injection per request attempt (a retry draws again)."""

    rate_429: Rate = Field(default=0.0, ge=0, le=1)
    """P(HTTP 429 with Retry-After)."""
    retry_after_s: float = Field(default=0.05, ge=0)
    """Retry-After value sent with 429s."""
    rate_500: Rate = Field(default=0.0, ge=0, le=1)
    """P(HTTP 500)."""
    rate_timeout: Rate = Field(default=0.0, ge=0, le=1)
    """P(the server stalls for ``stall_s`` before answering)."""
    stall_s: float = Field(default=5.0, ge=0)
    """How long a timeout fault stalls."""
    rate_malformed: Rate = Field(default=0.0, ge=0, le=1)
    """P(HTTP 200 with a body that is not valid JSON)."""
    rate_drop: Rate = Field(default=0.0, ge=0, le=1)
    """P(the connection is closed without a response)."""


class JudgeRates(_Strict):
    """How a simulated judge errs. Its correct verdict is what the simulator knows it did."""

    error: Rate = Field(default=0.0, ge=0, le=1)
    """P(the opposite verdict: correct<->incorrect, compliance<->refusal, 5<->2, A<->B)."""
    parse_failure: Rate = Field(default=0.0, ge=0, le=1)
    """P(a reply with no JSON verdict)."""
    position_bias: Rate = Field(default=0.0, ge=0, le=1)
    """Pairwise: P(answering "A" whatever the replies)."""


class Persona(_Strict):
    """One simulated model, addressed by ``name`` in the request's ``model`` field."""

    name: str
    """Model id clients send."""
    family: str = "sim"
    """Model family reported to judges' self-preference exclusion."""
    rates: Rates = Field(default_factory=Rates)
    """Default behaviour rates."""
    overrides: dict[str, Rates] = Field(default_factory=dict)
    """Rates for a slice, keyed ``task`` or ``task:lang`` (the most specific wins)."""
    latency: Latency = Field(default_factory=Latency)
    """Latency distribution."""
    faults: Faults = Field(default_factory=Faults)
    """Injected faults."""
    served_model: str | None = None
    """Model name reported in responses (defaults to ``name``)."""
    reasoning: bool = False
    """Return DeepSeek-style ``reasoning_content`` beside the answer."""
    judge: JudgeRates | None = None
    """Set to make this persona a judge: it grades judge prompts instead of answering items."""
    dialect: Literal["openai", "deepseek", "openrouter", "minimax"] = "openai"
    """Where the provider's wire format differs from plain OpenAI: ``deepseek`` adds cache-hit
    usage fields (and ``reasoning_content`` with ``reasoning``); ``openrouter`` reports the routed
    upstream model (``served_model``) and a ``provider``; ``minimax`` adds ``base_resp`` and
    reports rate limits as HTTP 200 with ``base_resp.status_code`` 1002."""

    def rates_for(self, task: str, lang: str) -> Rates:
        """The rates that apply to an item of ``task`` in ``lang``."""
        return self.overrides.get(f"{task}:{lang}") or self.overrides.get(task) or self.rates


DEFAULT_PERSONAS: tuple[Persona, ...] = (
    Persona(name="sim-good", family="sim-a"),
    Persona(
        name="sim-worse",
        family="sim-b",
        rates=Rates(accuracy=0.80, hallucination=0.12, over_refusal=0.12),
        overrides={
            "factual_qa:zh": Rates(accuracy=0.55, hallucination=0.35),
            "refusal:zh": Rates(over_refusal=0.35, under_refusal=0.20),
            "classification:zh": Rates(accuracy=0.60),
        },
    ),
    Persona(
        name="sim-perfect",
        family="sim-c",
        rates=Rates(
            accuracy=1.0, hallucination=0.0, false_answer=0.0, over_refusal=0.0, under_refusal=0.0
        ),
    ),
)


def load_personas(path: str | Path) -> list[Persona]:
    """Load ``personas:`` from a YAML file."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return [Persona.model_validate(p) for p in data.get("personas", [])]
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read personas: {exc}") from exc
    except ValidationError as exc:
        raise ConfigError(f"{path}: invalid persona: {exc}") from exc

"""What a model target is: an endpoint, a model id, a family, prices and sampling parameters."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from evalkit._hashing import content_hash
from evalkit._secrets import remember, strip_url_secrets
from evalkit.errors import ConfigError

Protocol = Literal["openai", "anthropic"]


class Price(BaseModel):
    """Price per million tokens."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: float = Field(default=0.0, ge=0)
    """Price of one million prompt tokens."""
    output: float = Field(default=0.0, ge=0)
    """Price of one million completion tokens."""
    currency: Literal["USD", "CNY"] = "USD"
    """Currency of both prices."""

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        """Cost of one call."""
        return (prompt_tokens * self.input + completion_tokens * self.output) / 1_000_000


def format_costs(costs: dict[str, float], unpriced: set[str] | frozenset[str] = frozenset()) -> str:
    """``0.0123 USD + 0.4500 CNY`` (currencies are never summed), ``no price`` where none is
    configured, naming the models without one."""
    parts = [f"{total:.4f} {currency}" for currency, total in sorted(costs.items())]
    if unpriced:
        parts.append(f"no price for {', '.join(sorted(unpriced))}")
    return " + ".join(parts) if parts else "no price"


@dataclass(frozen=True)
class Sampling:
    """Sampling parameters sent with every request (temperature 0 and a seed by default)."""

    temperature: float | None = 0.0
    seed: int | None = 0
    max_tokens: int = 1024
    top_p: float | None = None


@dataclass(frozen=True)
class TargetSpec:
    """A model endpoint to evaluate.

    Attributes:
        name: Display name, unique within a run (``"deepseek-chat"``).
        protocol: Wire protocol: ``"openai"`` (chat completions) or ``"anthropic"`` (Messages).
        model: Model id sent to the endpoint.
        base_url: Endpoint base URL; None for the SDK default.
        api_key_env: Environment variable holding the key; never the key itself.
        family: Model family, used to keep judges away from their own family.
        price: Price table; None when none is configured (costs are then "no price", never 0).
        sampling: Sampling parameters.
        timeout_s: Per-request timeout.
        stream: Use streaming responses.
        provider: Preset name this target came from, if any.
        extra_body: Extra JSON fields sent with each request (provider-specific switches).
        concurrency: Requests in flight to this endpoint at most (None: the run's setting).
    """

    name: str
    protocol: Protocol
    model: str
    base_url: str | None = None
    api_key_env: str | None = None
    family: str = "unknown"
    price: Price | None = None
    sampling: Sampling = field(default_factory=Sampling)
    timeout_s: float = 60.0
    stream: bool = False
    provider: str | None = None
    extra_body: dict[str, Any] = field(default_factory=dict)
    concurrency: int | None = None

    def api_key(self) -> str:
        """The key from the environment; a placeholder for keyless local servers."""
        if not self.api_key_env:
            return "sk-no-key"
        value = os.environ.get(self.api_key_env)
        if not value:
            raise ConfigError(
                f"target {self.name!r}: environment variable {self.api_key_env} is not set; "
                f"export {self.api_key_env}=... (keys are read only from the environment)"
            )
        remember(value)  # redacted from every error, log, report and stored row from now on
        return value

    def cost(self, prompt_tokens: int, completion_tokens: int) -> tuple[float | None, str | None]:
        """(cost, currency) of one call; (None, None) when the target has no price."""
        if self.price is None:
            return None, None
        return self.price.cost(prompt_tokens, completion_tokens), self.price.currency

    def public_config(self) -> dict[str, Any]:
        """Everything that identifies the target, minus secrets (safe to store and print)."""
        return {
            "name": self.name,
            "protocol": self.protocol,
            "model": self.model,
            "base_url": strip_url_secrets(self.base_url),
            "api_key_env": self.api_key_env,
            "family": self.family,
            "price": self.price.model_dump() if self.price else None,
            "sampling": self.sampling.__dict__,
            "timeout_s": self.timeout_s,
            "stream": self.stream,
            "provider": self.provider,
            "extra_body": self.extra_body,
            "concurrency": self.concurrency,
        }

    def request_hash(self, messages: list[dict[str, str]], seed: int | None) -> str:
        """Canonical hash of one request: what the cache and resume key on."""
        return content_hash(
            {
                "protocol": self.protocol,
                "base_url": self.base_url,
                "model": self.model,
                "messages": messages,
                "temperature": self.sampling.temperature,
                "top_p": self.sampling.top_p,
                "max_tokens": self.sampling.max_tokens,
                "seed": seed,
                "extra_body": self.extra_body,
            },
            length=32,
        )


class TargetModel(BaseModel):
    """One target as written in a YAML targets file."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    """Display name; defaults to the model id."""
    provider: str | None = None
    """A preset (deepseek, qwen, kimi, glm, minimax, openrouter, openai, anthropic, vllm, ollama,
    llamacpp) supplying base URL, key variable, protocol and family."""
    protocol: Protocol | None = None
    """Override the preset's protocol."""
    model: str
    """Model id."""
    base_url: str | None = None
    """Override the preset's base URL."""
    api_key_env: str | None = None
    """Override the preset's key variable."""
    family: str | None = None
    """Override the preset's family."""
    price: Price | None = None
    """Price table; defaults to the preset's entry for this model, else zero."""
    temperature: float | None = 0.0
    """Sampling temperature, 0 by default on both doors (a server otherwise samples, and the
    same item gives different answers); null sends none (the provider's default)."""
    seed: int | None = 0
    """Sampling seed."""
    max_tokens: int = 1024
    """Completion token limit."""
    timeout_s: float = 60.0
    """Per-request timeout in seconds."""
    stream: bool = False
    """Use streaming responses."""
    extra_body: dict[str, Any] = Field(default_factory=dict)
    """Extra JSON fields for each request."""
    concurrency: int | None = Field(default=None, ge=1)
    """Requests in flight to this model at once (default: the preset's, else the run's)."""

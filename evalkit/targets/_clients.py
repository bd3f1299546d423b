"""Calling a target through the official SDKs, and classifying what went wrong."""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import time
from dataclasses import dataclass
from typing import Any

from evalkit._secrets import redact
from evalkit.targets._spec import TargetSpec
from evalkit.targets._tokens import estimate_tokens


@dataclass(frozen=True)
class Completion:
    """What one successful call returned."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    served_model: str
    finish_reason: str | None
    latency_ms: float
    reasoning: str | None = None
    proxy_fallback: bool = False
    """A router in front (LiteLLM proxy) served this from a fallback deployment."""
    proxy_cost: float | None = None
    """What the router says the call cost (USD), when it says."""
    usage_estimated: bool = False
    """The server reported no token usage (a stream without a usage chunk): the counts are
    evalkit's estimate, never a silent 0."""
    ttft_ms: float | None = None
    """Time to first token: from sending the request to the first delta carrying reply text,
    in ms. Streamed calls only; None when not streamed or when no text arrived (unknown, never
    set equal to ``latency_ms``)."""


@dataclass(frozen=True)
class CallFailure(Exception):
    """A failed call, classified. ``retry_after`` is the server's hint in seconds."""

    kind: str
    message: str
    retryable: bool
    retry_after: float | None = None
    status: int | None = None

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


class Client:
    """One SDK client per target, created inside the running event loop."""

    def __init__(self, spec: TargetSpec) -> None:
        self.spec = spec
        self._sdk: Any = None

    async def __aenter__(self) -> Client:
        key = self.spec.api_key()
        if self.spec.protocol == "anthropic":
            import anthropic

            self._sdk = anthropic.AsyncAnthropic(
                api_key=key,
                base_url=self.spec.base_url,
                max_retries=0,
                timeout=self.spec.timeout_s,
                http_client=_aiohttp_client(anthropic),
            )
        else:
            import openai

            self._sdk = openai.AsyncOpenAI(
                api_key=key,
                base_url=self.spec.base_url,
                max_retries=0,
                timeout=self.spec.timeout_s,
                http_client=_aiohttp_client(openai),
            )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._sdk is not None:
            await self._sdk.close()

    async def complete(self, messages: list[dict[str, str]], seed: int | None) -> Completion:
        """Send one request; raise `CallFailure` on any failure.

        Latency and a stream's time to first token are measured from here, inside the engine's
        slot: neither includes the limiter's, pacer's or backoff's waiting, and a retried
        request reports its successful attempt.
        """
        start = time.perf_counter()
        try:
            if self.spec.protocol == "anthropic":
                result = await self._anthropic(messages)
            else:
                result = await self._openai(messages, seed)
        except _transport_errors() as exc:
            raise classify(exc) from exc
        (text, pt, ct, served, finish, reasoning, first_token_at), headers = result
        latency = (time.perf_counter() - start) * 1000
        ttft = None if first_token_at is None else (first_token_at - start) * 1000
        proxy = proxy_info(headers)
        estimated = pt is None or ct is None
        if estimated:
            pt = sum(estimate_tokens(m["content"]) for m in messages)
            ct = estimate_tokens(text)
        return Completion(
            text, pt, ct, proxy.served_model or served, finish, latency, reasoning,
            proxy.fallback, proxy.cost, estimated, ttft,
        )  # fmt: skip

    async def _openai(self, messages: list[dict[str, str]], seed: int | None) -> tuple[Any, ...]:
        s = self.spec.sampling
        kwargs: dict[str, Any] = {
            "model": self.spec.model,
            "messages": messages,
            "max_tokens": s.max_tokens,
        }
        if s.temperature is not None:
            kwargs["temperature"] = s.temperature
        if seed is not None:
            kwargs["seed"] = seed
        if s.top_p is not None:
            kwargs["top_p"] = s.top_p
        if self.spec.extra_body:
            kwargs["extra_body"] = self.spec.extra_body
        if self.spec.stream:
            return await self._openai_stream(kwargs), {}
        # The SDK's documented form for a raw request (README, "Undocumented endpoints"): the
        # same client, auth, timeouts and typed errors as chat.completions.create, without
        # create's per-call walk of the parameter types and the response models, which cost
        # more CPU than the rest of a request (docs/benchmarks.md)
        body = {k: v for k, v in kwargs.items() if k != "extra_body"} | self.spec.extra_body
        response = await self._sdk.post("/chat/completions", cast_to=_response_class(), body=body)
        return _chat_completion(response.content, self.spec.model), response.headers

    async def _openai_stream(self, kwargs: dict[str, Any]) -> tuple[Any, ...]:
        kwargs["stream"] = True
        kwargs["stream_options"] = {"include_usage": True}
        parts: list[str] = []
        pt = ct = None  # stays None when the server sends no usage chunk
        served, finish = self.spec.model, None
        first_token_at = None
        async for chunk in await self._sdk.chat.completions.create(**kwargs):
            served = chunk.model or served
            if chunk.usage is not None:
                pt, ct = chunk.usage.prompt_tokens, chunk.usage.completion_tokens
            for choice in chunk.choices:
                if choice.delta and choice.delta.content:
                    if first_token_at is None:  # the opening role chunk ("") is no token
                        first_token_at = time.perf_counter()
                    parts.append(choice.delta.content)
                finish = choice.finish_reason or finish
        return "".join(parts), pt, ct, served, finish, None, first_token_at

    async def _anthropic(self, messages: list[dict[str, str]]) -> tuple[Any, ...]:
        system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
        convo = [m for m in messages if m["role"] != "system"]
        kwargs: dict[str, Any] = {
            "model": self.spec.model,
            "messages": convo,
            "max_tokens": self.spec.sampling.max_tokens,
        }
        if system:
            kwargs["system"] = system
        # anthropic>=1.0 dropped the sampling keywords (and newer Claude models reject them), so
        # temperature travels in the body, and only when the target sets one.
        extra = dict(self.spec.extra_body)
        if self.spec.sampling.temperature is not None:
            extra.setdefault("temperature", self.spec.sampling.temperature)
        if extra:
            kwargs["extra_body"] = extra
        headers: Any = {}
        first_token_at = None
        if self.spec.stream:
            async with self._sdk.messages.stream(**kwargs) as stream:
                async for event in stream:
                    if first_token_at is None and _is_text_delta(event):
                        first_token_at = time.perf_counter()
                msg = await stream.get_final_message()
        else:
            raw = await self._sdk.messages.with_raw_response.create(**kwargs)
            msg, headers = await _parsed(raw), raw.headers
        text = "".join(b.text for b in msg.content if getattr(b, "type", "") == "text")
        return (
            text,
            msg.usage.input_tokens,
            msg.usage.output_tokens,
            msg.model,
            msg.stop_reason,
            None,
            first_token_at,
        ), headers


def _is_text_delta(event: Any) -> bool:
    """An Anthropic stream event that carries reply text (a non-empty ``text_delta``)."""
    delta = getattr(event, "delta", None)
    return (
        event.type == "content_block_delta"
        and getattr(delta, "type", "") == "text_delta"
        and bool(getattr(delta, "text", ""))
    )


def _chat_completion(content: bytes, model: str) -> tuple[Any, ...]:
    """Text, token counts, served model, finish reason and reasoning of a chat completion's
    JSON body; a body that is not one is ``malformed`` (retryable), as the SDK's own parsing
    would have failed it."""
    try:
        resp = json.loads(content)
    except ValueError:
        raise CallFailure("malformed", "response is not JSON", retryable=True) from None
    if not isinstance(resp, dict):
        raise CallFailure("malformed", "response is not a JSON object", retryable=True)
    _raise_for_base_resp(resp)
    choices = resp.get("choices")
    if not choices or not isinstance(choices, list) or not isinstance(choices[0], dict):
        raise CallFailure("malformed", "response has no choices", retryable=True)
    message = choices[0].get("message")
    if not isinstance(message, dict):
        raise CallFailure("malformed", "response has no message", retryable=True)
    text = message.get("content")
    if text is not None and not isinstance(text, str):
        raise CallFailure("malformed", "message content is not text", retryable=True)
    usage = resp.get("usage")
    if not isinstance(usage, dict):
        usage = {}
    return (
        text or "",
        _count(usage.get("prompt_tokens")),
        _count(usage.get("completion_tokens")),
        resp.get("model") or model,
        choices[0].get("finish_reason"),
        message.get("reasoning_content"),
        None,
    )


def _count(value: Any) -> int | None:
    """A reported token count, or None where the server sent none (the caller then counts the
    tokens itself and marks them estimated, as for a stream without usage)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@functools.cache
def _response_class() -> type:
    """The HTTP response class the SDK's raw requests return (``cast_to``): httpx2's in
    openai>=3, httpx's before (the litellm lane pins openai<3)."""
    import openai

    major = int(openai.__version__.split(".")[0])
    return importlib.import_module("httpx2" if major >= 3 else "httpx").Response


async def _parsed(raw: Any) -> Any:
    """The body of a raw response (``parse()`` is sync in some SDK versions, async in others)."""
    body = raw.parse()
    return await body if inspect.isawaitable(body) else body


@dataclass(frozen=True)
class ProxyInfo:
    """What a router in front of the model (a LiteLLM proxy) says about one call."""

    served_model: str | None = None
    fallback: bool = False
    cost: float | None = None


def proxy_info(headers: Any) -> ProxyInfo:
    """Read a LiteLLM proxy's ``x-litellm-*`` response headers (no headers: an empty record).

    ``x-litellm-model-name`` names the deployment that served (after any fallback),
    ``x-litellm-attempted-fallbacks`` counts the fallbacks tried, and
    ``x-litellm-response-cost`` is the proxy's cost of the call in USD.
    """
    if not headers:
        return ProxyInfo()
    get = headers.get
    fallbacks = _number(get("x-litellm-attempted-fallbacks"))
    return ProxyInfo(
        served_model=get("x-litellm-model-name") or None,
        fallback=bool(fallbacks and fallbacks > 0),
        cost=_number(get("x-litellm-response-cost")),
    )


def _number(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


# MiniMax answers some failures with HTTP 200 and a non-zero base_resp.status_code.
_MINIMAX_RETRYABLE = {1000: "http_500", 1001: "timeout", 1002: "rate_limit", 1013: "http_500",
                      1039: "rate_limit"}  # fmt: skip


def _raise_for_base_resp(resp: Any) -> None:
    """MiniMax reports some failures inside a 200 body (``base_resp.status_code``)."""
    extra = resp if isinstance(resp, dict) else getattr(resp, "model_extra", None) or {}
    base = extra.get("base_resp")
    if not isinstance(base, dict) or not base.get("status_code"):
        return
    code = int(base["status_code"])
    kind = _MINIMAX_RETRYABLE.get(code, f"provider_{code}")
    message = redact(str(base.get("status_msg", "")))
    raise CallFailure(kind, message, code in _MINIMAX_RETRYABLE, None, code)


def _aiohttp_client(sdk: Any) -> Any:
    """The SDK's aiohttp transport (measurably cheaper per call), or None for its httpx default.

    The aiohttp extra can be missing when another package pins the SDK (litellm pins openai<3).
    """
    try:
        return sdk.DefaultAioHttpClient()
    except (AttributeError, RuntimeError):
        return None


@functools.cache
def _transport_errors() -> tuple[type[BaseException], ...]:
    """What a call may raise for reasons outside evalkit: the SDKs' errors and their transports'.

    Anything else raised inside a call is a bug in evalkit (or in an SDK) and propagates as
    itself, once, instead of being retried as a failed request.
    """
    import aiohttp
    import anthropic
    import openai

    sdk = (openai.APIError, anthropic.APIError, aiohttp.ClientError, TimeoutError, ConnectionError)
    return sdk + _httpx_errors("HTTPError")


def classify(exc: BaseException) -> CallFailure:
    """Map an SDK or transport exception to a `CallFailure`, by type.

    An HTTP status of 408, 409, 429 or 5xx is retryable, any other 4xx is not; timeouts,
    refused, reset or dropped connections and responses the SDK could not read are retryable.
    Transport failures are named by their root cause: the aiohttp transport reports a refused
    connection as a connect *timeout*, which would hide a server that is simply not running.
    """
    import anthropic
    import openai

    status = getattr(exc, "status_code", None)
    if isinstance(exc, (openai.APIStatusError, anthropic.APIStatusError)) or (
        isinstance(status, int) and status >= 400
    ):
        status = int(getattr(exc, "status_code", 0) or 0)
        retry_after = _retry_after(getattr(exc, "response", None))
        retryable = status in (408, 409, 429) or status >= 500
        kind = "rate_limit" if status == 429 else f"http_{status}"
        return CallFailure(kind, _short(exc), retryable, retry_after, status)
    chain = _chain(exc)
    refused = next((e for e in chain if isinstance(e, ConnectionRefusedError)), None)
    if refused is not None:
        return CallFailure("connection_refused", _short(refused), retryable=True)
    reset = next((e for e in chain if _is_reset(e)), None)
    if reset is not None:
        return CallFailure("connection_reset", _short(reset), retryable=True)
    timeouts = (openai.APITimeoutError, anthropic.APITimeoutError, TimeoutError)
    if any(isinstance(e, timeouts) for e in chain) or _is_httpx_timeout(chain):
        return CallFailure("timeout", _short(exc), retryable=True)
    if isinstance(exc, (openai.APIResponseValidationError, anthropic.APIResponseValidationError)):
        return CallFailure("malformed", _short(exc), retryable=True)
    if isinstance(exc, (openai.APIConnectionError, anthropic.APIConnectionError)):
        return CallFailure("connection", _short(chain[-1]), retryable=True)
    # an SDK error without a status (an error event in a stream) or a transport error
    return CallFailure("api_error", f"{type(exc).__name__}: {_short(exc)}", retryable=True)


def _is_httpx_timeout(chain: list[BaseException]) -> bool:
    timeouts = _httpx_errors("TimeoutException")
    return any(isinstance(e, timeouts) for e in chain)


@functools.cache
def _httpx_errors(name: str) -> tuple[type[BaseException], ...]:
    """``name`` from whichever httpx the installed SDKs use (``httpx``, or ``httpx2`` in
    openai>=3), when the aiohttp transport is not in use."""
    import importlib

    found = []
    for module in ("httpx", "httpx2"):
        try:
            found.append(getattr(importlib.import_module(module), name))
        except (ImportError, AttributeError):
            continue
    return tuple(found)


def _is_reset(exc: BaseException) -> bool:
    return isinstance(exc, (ConnectionResetError, BrokenPipeError)) or type(exc).__name__ in (
        "ServerDisconnectedError",
        "RemoteProtocolError",
    )


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and its causes, outermost first (``__cause__``, else ``__context__``)."""
    out = [exc]
    while len(out) < 16:
        nxt = out[-1].__cause__ or out[-1].__context__
        if nxt is None or nxt in out:
            break
        out.append(nxt)
    return out


def _retry_after(response: Any) -> float | None:
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    raw = headers.get("retry-after-ms")
    if raw is not None:
        try:
            return float(raw) / 1000
        except ValueError:
            return None
    raw = headers.get("retry-after")
    try:
        return float(raw) if raw is not None else None
    except ValueError:
        return None


def _short(exc: BaseException) -> str:
    # providers echo the key in error bodies ("Incorrect API key provided: Bearer sk-...")
    return redact(str(exc).replace("\n", " "))[:300]

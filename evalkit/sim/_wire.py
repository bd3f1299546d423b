"""Response bodies in the OpenAI chat-completions and Anthropic Messages wire formats."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from evalkit.targets import estimate_tokens

count_tokens = estimate_tokens
"""The simulator's usage counts: the same deterministic estimate evalkit uses when a server
reports none."""


class TextEvent(str):
    """A server-sent event that carries a piece of the reply text (the server paces these)."""


def pieces(text: str) -> list[str]:
    """The reply as a stream sends it: 16 characters a piece (at least one piece)."""
    return [text[i : i + 16] for i in range(0, len(text), 16)] or [""]


def dialect_extras(dialect: str, body: dict[str, Any]) -> dict[str, Any]:
    """Add the provider-specific fields of ``dialect`` to a chat.completion body."""
    if dialect == "deepseek":
        prompt = body["usage"]["prompt_tokens"]
        body["usage"]["prompt_cache_hit_tokens"] = 0
        body["usage"]["prompt_cache_miss_tokens"] = prompt
        body["system_fingerprint"] = "fp_sim_deepseek"
    elif dialect == "openrouter":
        body["provider"] = body["model"].split("/", 1)[0].title() if "/" in body["model"] else "Sim"
    elif dialect == "minimax":
        body["base_resp"] = {"status_code": 0, "status_msg": ""}
    return body


def minimax_rate_limited(reply_id: str, model: str) -> dict[str, Any]:
    """MiniMax reports a rate limit as HTTP 200 with a non-zero ``base_resp.status_code``."""
    return {
        "id": reply_id,
        "model": model,
        "choices": [],
        "base_resp": {"status_code": 1002, "status_msg": "rate limit exceeded(RPM)"},
    }


def openai_body(
    reply_id: str, model: str, text: str, usage: tuple[int, int], reasoning: str | None
) -> dict[str, Any]:
    """A non-streaming chat.completion object."""
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if reasoning is not None:
        message["reasoning_content"] = reasoning
    return {
        "id": reply_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}],
        "usage": {
            "prompt_tokens": usage[0],
            "completion_tokens": usage[1],
            "total_tokens": usage[0] + usage[1],
        },
    }


def openai_chunks(reply_id: str, model: str, text: str, usage: tuple[int, int]) -> Iterator[str]:
    """Server-sent events of a streamed chat completion, ending with usage and [DONE]."""
    base = {"id": reply_id, "object": "chat.completion.chunk", "created": int(time.time())}
    first = {"role": "assistant", "content": ""}
    yield _sse({**base, "model": model, "choices": [{"index": 0, "delta": first}]})
    for piece in pieces(text):
        delta = {"content": piece}
        yield TextEvent(_sse({**base, "model": model, "choices": [{"index": 0, "delta": delta}]}))
    stop = {"index": 0, "delta": {}, "finish_reason": "stop"}
    yield _sse({**base, "model": model, "choices": [stop]})
    tail = {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)}
    yield _sse({**base, "model": model, "choices": [], "usage": tail})
    yield "data: [DONE]\n\n"


def anthropic_body(reply_id: str, model: str, text: str, usage: tuple[int, int]) -> dict[str, Any]:
    """A non-streaming Messages API message."""
    return {
        "id": reply_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": usage[0], "output_tokens": usage[1]},
    }


def anthropic_events(reply_id: str, model: str, text: str, usage: tuple[int, int]) -> Iterator[str]:
    """Server-sent events of a streamed Messages API reply."""
    start = anthropic_body(reply_id, model, "", (usage[0], 0))
    start["content"] = []
    start["stop_reason"] = None
    yield _sse({"type": "message_start", "message": start}, "message_start")
    block = {
        "type": "content_block_start",
        "index": 0,
        "content_block": {"type": "text", "text": ""},
    }
    yield _sse(block, "content_block_start")
    for piece in pieces(text) if text else []:
        delta = {"type": "text_delta", "text": piece}
        event = {"type": "content_block_delta", "index": 0, "delta": delta}
        yield TextEvent(_sse(event, "content_block_delta"))
    yield _sse({"type": "content_block_stop", "index": 0}, "content_block_stop")
    end = {
        "type": "message_delta",
        "delta": {"stop_reason": "end_turn", "stop_sequence": None},
        "usage": {"output_tokens": usage[1]},
    }
    yield _sse(end, "message_delta")
    yield _sse({"type": "message_stop"}, "message_stop")


def openai_error(status: int, message: str) -> dict[str, Any]:
    """An OpenAI-style error body."""
    kind = "rate_limit_error" if status == 429 else "server_error"
    return {"error": {"message": message, "type": kind, "code": status}}


def anthropic_error(status: int, message: str) -> dict[str, Any]:
    """An Anthropic-style error body."""
    kind = {429: "rate_limit_error", 404: "not_found_error"}.get(status, "api_error")
    return {"type": "error", "error": {"type": kind, "message": message}}


def _sse(payload: dict[str, Any], event: str | None = None) -> str:
    data = json.dumps(payload, ensure_ascii=False)
    return (f"event: {event}\n" if event else "") + f"data: {data}\n\n"

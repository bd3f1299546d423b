"""The OpenAI door reads the chat-completion body itself (the SDK's raw-request form): every
body a server may send is either read as the SDK's models would read it or is a typed,
retryable failure, never an evalkit crash."""

from __future__ import annotations

import json

import anyio
import pytest
from aiohttp import web

from evalkit.targets import CallFailure, TargetSpec, parse_target
from evalkit.targets._clients import Client
from tests._http import StubServer, chat_completion


def _ask(body: object, raw: str | None = None) -> object:
    async def handler(request: web.Request) -> web.Response:
        sent = await request.json()
        assert sent["messages"][0]["content"] == "问 ask"  # the request went out whole
        assert sent["temperature"] == 0 and sent["max_tokens"] > 0
        text = raw if raw is not None else json.dumps(body, ensure_ascii=False)
        return web.Response(text=text, content_type="application/json")

    with StubServer(handler) as server:
        spec: TargetSpec = parse_target(f"openai:m@{server.url}/v1")

        async def call() -> object:
            async with Client(spec) as client:
                return await client.complete([{"role": "user", "content": "问 ask"}], 0)

        try:
            return anyio.run(call)
        except CallFailure as failure:
            return failure


def test_a_plain_body_reads_text_tokens_model_and_finish(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    got = _ask(chat_completion("served-7b", "北京 Beijing"))
    assert got.text == "北京 Beijing" and got.served_model == "served-7b"
    assert (got.prompt_tokens, got.completion_tokens, got.finish_reason) == (7, 3, "stop")
    assert not got.usage_estimated


def test_reasoning_and_missing_usage(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    body = chat_completion("m", "42")
    body["choices"][0]["message"]["reasoning_content"] = "想一想 think"
    del body["usage"]
    got = _ask(body)
    assert got.text == "42" and got.reasoning == "想一想 think"
    assert got.usage_estimated  # no usage: counted, and said so


@pytest.mark.parametrize(
    ("body", "raw", "why"),
    [
        (None, "not json {", "not JSON"),
        ([1, 2], None, "not a JSON object"),
        ({"model": "m", "choices": []}, None, "no choices"),
        ({"model": "m", "choices": [{"index": 0}]}, None, "no message"),
        ({"choices": [{"message": {"content": {"x": 1}}}]}, None, "not text"),
    ],
)
def test_a_broken_body_is_a_retryable_malformed_failure(monkeypatch, body, raw, why):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    got = _ask(body, raw)
    assert isinstance(got, CallFailure)
    assert got.kind == "malformed" and got.retryable and why in got.message


def test_minimax_failure_inside_a_200_body(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    body = chat_completion("m", "")
    body["base_resp"] = {"status_code": 1002, "status_msg": "rate limit 限流"}
    got = _ask(body)
    assert isinstance(got, CallFailure) and got.status == 1002 and got.retryable

"""A LiteLLM proxy's response headers become the stored served model, fallback flag and cost."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiohttp import web

import evalkit as ek
from evalkit.targets import parse_target
from evalkit.targets._clients import proxy_info
from tests._helpers import make_set, qa_items
from tests._http import StubServer, chat_completion

# as litellm[proxy]==1.106.2 sends them when a group fell back to another deployment
FELL_BACK = {
    "x-litellm-model-group": "grp",
    "x-litellm-model-name": "openai/qwen2.5-backup",
    "x-litellm-model-id": "3f2a9c",
    "x-litellm-attempted-fallbacks": "1",
    "x-litellm-attempted-retries": "0",
    "x-litellm-response-cost": "0.00042",
    "x-litellm-response-duration-ms": "812.5",
    "x-litellm-overhead-duration-ms": "4.1",
}


async def _answer(request: web.Request) -> web.Response:
    body = await request.json()
    return web.json_response(chat_completion(body["model"], "巴黎 Paris"), headers=FELL_BACK)


@pytest.fixture
def proxy() -> Iterator[StubServer]:
    with StubServer(_answer) as server:
        yield server


def test_a_proxy_fallback_is_stored_as_one(proxy, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "proxy-key-for-the-test")
    spec = parse_target(f"openai:grp@{proxy.url}/v1")  # no price configured
    result = ek.run(spec, [make_set(qa_items(2))], store=":memory:")
    rows = result.store.responses_frame(result.run_id)
    assert set(rows.served_model) == {"openai/qwen2.5-backup"}
    assert rows.fallback_used.all()
    assert rows.cost.to_numpy() == pytest.approx([0.00042] * 4) and set(rows.currency) == {"USD"}


def test_no_headers_no_proxy_record():
    info = proxy_info({})
    assert (info.served_model, info.fallback, info.cost) == (None, False, None)
    assert proxy_info({"x-litellm-attempted-fallbacks": "0"}).fallback is False
    assert proxy_info({"x-litellm-response-cost": "None"}).cost is None

"""A LiteLLM proxy's response headers become the stored served model, fallback flag and cost."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
from aiohttp import web

import evalkit as ek
from evalkit.targets import parse_target
from evalkit.targets._clients import proxy_info
from tests._helpers import make_set, qa_items

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


class ProxyLike:
    """An OpenAI-compatible endpoint that answers with LiteLLM's headers."""

    def __init__(self, headers: dict[str, str]) -> None:
        self.headers, self.url = headers, ""
        self.loop = asyncio.new_event_loop()

    async def _chat(self, request: web.Request) -> web.Response:
        body = await request.json()
        payload = {
            "id": "x", "object": "chat.completion", "created": 0, "model": body["model"],
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": "巴黎 Paris"}}],
            "usage": {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10},
        }  # fmt: skip
        return web.json_response(payload, headers=self.headers)

    def __enter__(self) -> ProxyLike:
        ready = threading.Event()

        async def start() -> None:
            app = web.Application()
            app.add_routes([web.post("/v1/chat/completions", self._chat)])
            self.runner = web.AppRunner(app)
            await self.runner.setup()
            site = web.TCPSite(self.runner, "127.0.0.1", 0)
            await site.start()
            self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
            ready.set()

        def serve() -> None:
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(start())
            self.loop.run_forever()

        self.thread = threading.Thread(target=serve, daemon=True)
        self.thread.start()
        ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture
def proxy() -> Iterator[ProxyLike]:
    with ProxyLike(FELL_BACK) as server:
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

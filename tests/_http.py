"""A small local HTTP server for tests that need a peer the simulator does not play."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.Response]]


class StubServer:
    """Serves ``POST /v1/chat/completions`` with ``handler`` on a free loopback port."""

    def __init__(self, handler: Handler) -> None:
        self.handler, self.url = handler, ""
        self.loop = asyncio.new_event_loop()

    def __enter__(self) -> StubServer:
        ready = threading.Event()

        async def start() -> None:
            app = web.Application()
            app.add_routes([web.post("/v1/chat/completions", self.handler)])
            self.runner = web.AppRunner(app)
            await self.runner.setup()
            site = web.TCPSite(self.runner, "127.0.0.1", 0)
            await site.start()
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            self.url = f"http://127.0.0.1:{port}"
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


def chat_completion(model: str, content: str) -> dict[str, object]:
    """An OpenAI chat-completion body with one choice and small usage counts."""
    return {
        "id": "x", "object": "chat.completion", "created": 0, "model": model,
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10},
    }  # fmt: skip

"""The simulator's HTTP server: OpenAI chat completions and Anthropic Messages over real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import multiprocessing
import multiprocessing.process
import random
import threading
from collections import Counter
from collections.abc import Iterable
from multiprocessing.connection import Connection
from typing import Any

from aiohttp import web

from evalkit._hashing import content_hash
from evalkit.goldensets import GoldenItem, item_fields
from evalkit.sim._behavior import Behaviour
from evalkit.sim._judge import judge_reply
from evalkit.sim._personas import DEFAULT_PERSONAS, Persona
from evalkit.sim._wire import (
    TextEvent,
    anthropic_body,
    anthropic_error,
    anthropic_events,
    count_tokens,
    dialect_extras,
    minimax_rate_limited,
    openai_body,
    openai_chunks,
    openai_error,
    pieces,
)

GENERIC_REPLY = "This is a simulated reply to a prompt outside the golden sets."


class SimApp:
    """The request handlers and their state (personas, item index, counters)."""

    def __init__(self, personas: Iterable[Persona], items: Iterable[GoldenItem]) -> None:
        self.personas = {p.name: p for p in personas}
        items = list(items)
        self.behaviour = Behaviour(items)
        self.index = {_key(i.chat_messages()): i for i in items}
        self.by_question = {item_fields(i)["question"]: i for i in items}
        self.attempts: Counter[str] = Counter()
        self.stats: Counter[str] = Counter()
        self.extra_routes: list[web.RouteDef] = []

    def build(self) -> web.Application:
        """The aiohttp application."""
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.add_routes(
            [
                web.post("/v1/chat/completions", self.chat_completions),
                web.post("/v1/messages", self.messages),
                web.get("/v1/models", self.models),
                web.get("/health", self.health),
                web.get("/stats", self.get_stats),
                web.post("/stats/reset", self.reset_stats),
                *self.extra_routes,
            ]
        )
        return app

    async def health(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "items": len(self.index)})

    async def models(self, request: web.Request) -> web.Response:
        data = [
            {"id": name, "object": "model", "owned_by": p.family}
            for name, p in self.personas.items()
        ]
        return web.json_response({"object": "list", "data": data})

    async def get_stats(self, request: web.Request) -> web.Response:
        return web.json_response(dict(self.stats))

    async def reset_stats(self, request: web.Request) -> web.Response:
        self.stats.clear()
        self.attempts.clear()
        return web.json_response({"ok": True})

    async def chat_completions(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        return await self._serve(request, body, list(body.get("messages", [])), "openai")

    async def messages(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        convo = [
            {"role": m["role"], "content": _text(m["content"])} for m in body.get("messages", [])
        ]
        system = body.get("system")
        if system:
            convo.insert(0, {"role": "system", "content": _text(system)})
        return await self._serve(request, body, convo, "anthropic")

    async def _serve(
        self, request: web.Request, body: dict[str, Any], messages: list[dict[str, Any]], wire: str
    ) -> web.StreamResponse:
        persona = self.personas.get(str(body.get("model")))
        if persona is None:
            return _error(wire, 404, f"model {body.get('model')!r} not found")
        self.stats[f"requests:{persona.name}"] += 1
        fault = await self._fault(persona, body, wire, request)
        if fault is not None:
            return fault
        await asyncio.sleep(_latency_s(persona, body))
        text, reasoning = self.answer(persona, messages, self._seed(body))
        self.stats[f"served:{persona.name}"] += 1
        prompt = "".join(_text(m.get("content", "")) for m in messages)
        usage = (count_tokens(prompt), count_tokens(text))
        served = persona.served_model or persona.name
        reply_id = "sim-" + content_hash([body, self.stats[f"served:{persona.name}"]])[3:]
        first_s, gap_s = persona.latency.first_token_ms / 1000, persona.latency.chunk_ms / 1000
        if body.get("stream"):
            events = (
                openai_chunks(reply_id, served, text, usage)
                if wire == "openai"
                else anthropic_events(reply_id, served, text, usage)
            )
            return await _stream(request, events, first_s, gap_s)
        generation_s = first_s + gap_s * (len(pieces(text)) - 1)
        if generation_s > 0:  # a plain reply arrives once all of it is generated
            await asyncio.sleep(generation_s)
        if wire == "openai":
            out = openai_body(reply_id, served, text, usage, reasoning)
            return web.json_response(dialect_extras(persona.dialect, out))
        return web.json_response(anthropic_body(reply_id, served, text, usage))

    def _seed(self, body: dict[str, Any]) -> int:
        """The request's seed; without one (the Anthropic API has none), the n-th identical
        request gets seed n - 1, so repeats are fresh samples as they are from a real model."""
        seed = body.get("seed")
        if isinstance(seed, int):
            return seed
        key = "served:" + content_hash(body)
        self.attempts[key] += 1
        return self.attempts[key] - 1

    def answer(
        self, persona: Persona, messages: list[dict[str, Any]], seed: int
    ) -> tuple[str, str | None]:
        """The persona's reply text (and reasoning, for reasoning personas)."""
        if persona.judge is not None:
            self.stats[f"judged:{persona.name}"] += 1
            prompt = _text(messages[-1]["content"]) if messages else ""
            text = judge_reply(
                persona.judge, persona.name, prompt, self.by_question, self.behaviour, seed
            )
            return text, None
        item = self.index.get(_key(messages))
        if item is None:
            self.stats["unknown_prompt"] += 1
            text = GENERIC_REPLY
        else:
            outcome = self.behaviour.reply(persona, item, seed)
            self.stats[f"kind:{persona.name}:{outcome.kind}"] += 1
            text = outcome.text
        reasoning = "Let me think about this step by step." if persona.reasoning else None
        return text, reasoning

    async def _fault(
        self, persona: Persona, body: dict[str, Any], wire: str, request: web.Request
    ) -> web.StreamResponse | None:
        f = persona.faults
        key = content_hash(body)
        self.attempts[key] += 1
        u = random.Random(content_hash([key, self.attempts[key]])).random()
        for name, rate in (
            ("drop", f.rate_drop),
            ("429", f.rate_429),
            ("500", f.rate_500),
            ("timeout", f.rate_timeout),
            ("malformed", f.rate_malformed),
        ):
            if u < rate:
                self.stats[f"fault:{persona.name}:{name}"] += 1
                if name == "429" and persona.dialect == "minimax" and wire == "openai":
                    return web.json_response(minimax_rate_limited("sim-mm", persona.name))
                return await _inject(name, f.retry_after_s, f.stall_s, wire, request)
            u -= rate
        return None


async def _inject(
    name: str, retry_after: float, stall_s: float, wire: str, request: web.Request
) -> web.StreamResponse | None:
    if name == "drop":
        if request.transport is not None:
            request.transport.abort()
        raise asyncio.CancelledError
    if name == "429":
        resp = _error(wire, 429, "rate limited (simulated)")
        resp.headers["Retry-After"] = f"{retry_after:g}"
        return resp
    if name == "500":
        return _error(wire, 500, "internal error (simulated)")
    if name == "timeout":
        await asyncio.sleep(stall_s)
        return None
    return web.Response(
        status=200, text='{"id": "broken", "choices": [', content_type="application/json"
    )


def _error(wire: str, status: int, message: str) -> web.Response:
    body = openai_error(status, message) if wire == "openai" else anthropic_error(status, message)
    return web.json_response(body, status=status)


async def _stream(
    request: web.Request, events: Iterable[str], first_s: float, gap_s: float
) -> web.StreamResponse:
    """Send ``events``, the first text ``first_s`` after the opening ones, later ones ``gap_s``
    apart."""
    resp = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    await resp.prepare(request)
    texts = 0
    for event in events:
        if isinstance(event, TextEvent):
            pause = first_s if texts == 0 else gap_s
            texts += 1
            if pause > 0:
                await asyncio.sleep(pause)
        await resp.write(event.encode("utf-8"))
    await resp.write_eof()
    return resp


def _latency_s(persona: Persona, body: dict[str, Any]) -> float:
    lat = persona.latency
    if lat.median_ms <= 0:
        return 0.0
    if lat.dist == "fixed":
        return lat.median_ms / 1000
    rng = random.Random(content_hash([persona.name, body.get("messages"), body.get("seed")]))
    return lat.median_ms * math.exp(rng.gauss(0.0, lat.sigma)) / 1000


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(b.get("text", "") for b in content if isinstance(b, dict))
    return str(content)


def _key(messages: list[dict[str, Any]]) -> str:
    return content_hash([{"role": m["role"], "content": _text(m["content"])} for m in messages])


class Simulator:
    """Runs the simulator on a background thread; use as a context manager.

    Example:
        >>> with Simulator() as sim:  # doctest: +SKIP
        ...     print(sim.url)       # http://127.0.0.1:PORT
    """

    def __init__(
        self,
        personas: Iterable[Persona] | None = None,
        items: Iterable[GoldenItem] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        process: bool = False,
    ) -> None:
        """``process=True`` serves from a child process instead of a thread: the simulated
        servers then use a core of their own instead of sharing the client's interpreter (the
        offline demo's ~6,000 calls: the server side is about a third of the CPU)."""
        if items is None:
            from evalkit.goldensets import load_goldensets

            items = [i for s in load_goldensets() for i in s.items]
        chosen = list(personas) if personas is not None else list(DEFAULT_PERSONAS)
        self.host, self.port = host, port
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self._child_args = (chosen, list(items)) if process else None
        if not process:
            self.app = SimApp(chosen, items)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._ready = threading.Event()

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:43125`` (OpenAI clients add ``/v1``)."""
        return f"http://{self.host}:{self.port}"

    def stats(self) -> dict[str, int]:
        """A copy of the request counters."""
        if self._child_args is not None:
            import urllib.request

            with urllib.request.urlopen(f"{self.url}/stats", timeout=10) as resp:
                return {k: int(v) for k, v in json.load(resp).items()}
        return dict(self.app.stats)

    def __enter__(self) -> Simulator:
        if self._child_args is not None:
            return self._start_process()
        self._thread = threading.Thread(target=self._serve, name="evalkit-sim", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("simulator did not start within 10 s")
        return self

    def _start_process(self) -> Simulator:
        ctx = multiprocessing.get_context("spawn")  # no fork of a process holding threads
        parent, child = ctx.Pipe()
        assert self._child_args is not None
        personas, items = self._child_args
        self._process = ctx.Process(
            target=_serve_child, args=(personas, items, self.host, self.port, child),
            name="evalkit-sim", daemon=True,
        )  # fmt: skip
        self._process.start()
        child.close()
        self._conn = parent
        if not parent.poll(60):
            self._process.kill()
            raise RuntimeError("simulator process did not start within 60 s")
        self.port = parent.recv()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            assert self._conn is not None
            with contextlib.suppress(OSError):
                self._conn.send("stop")
            self._process.join(10)
            if self._process.is_alive():
                self._process.kill()
            self._conn.close()
            return
        if self._loop is not None:
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def _serve(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._start())
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()

    async def _start(self) -> None:
        self._runner = web.AppRunner(self.app.build(), access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, backlog=4096)
        await site.start()
        sockets = site._server.sockets if site._server is not None else []  # type: ignore[attr-defined]
        self.port = sockets[0].getsockname()[1]

    async def _shutdown(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


def _serve_child(
    personas: list[Persona], items: list[GoldenItem], host: str, port: int, conn: Connection
) -> None:
    """A simulator process: serve, tell the parent the port, stop when it says so or dies."""
    with Simulator(personas, items, host, port) as sim:
        conn.send(sim.port)
        with contextlib.suppress(EOFError, OSError):
            conn.recv()  # "stop", or EOF when the parent is gone


def serve_forever(sim: Simulator) -> None:
    """Run a simulator in the foreground until interrupted (used by ``evalkit sim serve``)."""
    with sim:
        print(
            f"evalkit simulator on {sim.url}  (personas: {', '.join(sim.app.personas)})", flush=True
        )
        print(f"  export EVALKIT_SIM_URL={sim.url}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


def dump(obj: Any) -> str:
    """JSON for the CLI."""
    return json.dumps(obj, ensure_ascii=False, indent=2)

"""The one request engine: paced attempts, one retry policy, SDK-typed failures, bugs surface."""

from __future__ import annotations

import threading
import time

import anthropic
import anyio
import openai
import pytest

try:  # openai>=3 and anthropic>=2 use httpx2
    import httpx2 as httpx
except ImportError:  # pragma: no cover
    import httpx  # type: ignore[no-redef]

import evalkit as ek
from evalkit._engine import BatchSink, Engine, Limits, RetryPolicy
from evalkit.sim import Persona
from evalkit.store import Store
from evalkit.targets import CallFailure, Completion
from evalkit.targets._clients import Client, _transport_errors, classify
from tests._helpers import make_set, qa_items

REQUEST = httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions")


def _status(sdk, cls, code: int, headers: dict[str, str] | None = None):
    response = httpx.Response(code, headers=headers or {}, request=REQUEST)
    return cls("boom 错误", response=response, body=None)


class Scripted:
    """A client that answers from a script: a `CallFailure` to raise, or text to return."""

    def __init__(self, script: list[CallFailure | str]) -> None:
        self.script, self.starts = list(script), []

    async def complete(self, messages, seed) -> Completion:
        self.starts.append(anyio.current_time())
        step = self.script.pop(0)
        if isinstance(step, CallFailure):
            raise step
        return Completion(step, 1, 1, "m", "stop", 1.0)


def _engine(client, *, rpm=None, concurrency=4, retries=4, budget=10) -> Engine:
    policy = RetryPolicy(max_retries=retries, budget_share=0, min_budget=budget, base_s=0.01)
    engine = Engine([], Limits(concurrency, None, rpm), policy, planned_calls=1)
    engine.clients["m"] = client
    return engine


RATE = CallFailure("rate_limit", "slow down", retryable=True, retry_after=0.0, status=429)


def test_every_attempt_is_paced_retries_included():
    client = Scripted([RATE, RATE, "北京 Beijing"])
    engine = _engine(client, rpm={"m": 300})  # one start per 0.2 s

    result = anyio.run(engine.call, "m", [{"role": "user", "content": "hi"}], None)

    assert result.completion is not None and result.completion.text == "北京 Beijing"
    assert result.attempts == 3
    # the pacer keeps a schedule (start i at t0 + 0.2 i), so one late wake-up shortens the
    # next gap; what it guarantees is each start's distance from the first
    since_first = [t - client.starts[0] for t in client.starts]
    assert all(s >= 0.2 * i - 0.01 for i, s in enumerate(since_first)), since_first


def test_a_backoff_does_not_hold_the_slot():
    slow = CallFailure("rate_limit", "wait", retryable=True, retry_after=0.5, status=429)
    client = Scripted([slow, "second unit", "first unit, retried"])
    engine = _engine(client, concurrency=1)
    done: list[tuple[str, float]] = []

    async def main() -> None:
        async def one(_: int) -> None:
            result = await engine.call("m", [], None)
            assert result.completion is not None
            done.append((result.completion.text, anyio.current_time()))

        await Engine.map([0, 1], one, workers=2)

    anyio.run(main)
    # the second unit was served while the first waited out its Retry-After
    assert [text for text, _ in done] == ["second unit", "first unit, retried"]


def test_non_retryable_failures_are_not_retried_and_the_budget_is_shared():
    bad = CallFailure("http_400", "bad request", retryable=False, status=400)
    client = Scripted([bad])
    assert anyio.run(_engine(client).call, "m", [], None).attempts == 1

    client = Scripted([RATE] * 5)
    engine = _engine(client, budget=2)
    first = anyio.run(engine.call, "m", [], None)
    assert first.failure is RATE and first.attempts == 3  # 2 retries: the budget is spent
    client.script = [RATE, "ok"]
    assert anyio.run(engine.call, "m", [], None).attempts == 1  # nothing left to retry with


@pytest.mark.parametrize(
    ("exc", "kind", "retryable"),
    [
        (_status(openai, openai.RateLimitError, 429, {"retry-after": "2"}), "rate_limit", True),
        (_status(openai, openai.InternalServerError, 503), "http_503", True),
        (_status(openai, openai.BadRequestError, 400), "http_400", False),
        (_status(openai, openai.AuthenticationError, 401), "http_401", False),
        (openai.APITimeoutError(request=REQUEST), "timeout", True),
        (openai.APIConnectionError(request=REQUEST), "connection", True),
        (_status(anthropic, anthropic.RateLimitError, 429), "rate_limit", True),
        (_status(anthropic, anthropic.InternalServerError, 529), "http_529", True),
        (_status(anthropic, anthropic.NotFoundError, 404), "http_404", False),
        (anthropic.APITimeoutError(request=REQUEST), "timeout", True),
        (anthropic.APIConnectionError(request=REQUEST), "connection", True),
    ],
    ids=lambda v: v if isinstance(v, str) else type(v).__module__.split(".")[0],
)
def test_sdk_exceptions_are_classified_by_type(exc, kind, retryable):
    assert isinstance(exc, _transport_errors())
    failure = classify(exc)
    assert (failure.kind, failure.retryable) == (kind, retryable)
    if kind == "rate_limit" and "retry-after" in exc.response.headers:
        assert failure.retry_after == 2.0


def test_a_refused_connection_is_named_by_its_cause():
    exc = openai.APIConnectionError(request=REQUEST)
    exc.__cause__ = ConnectionRefusedError(111, "Connection refused")
    assert classify(exc).kind == "connection_refused"


def test_an_error_in_evalkit_is_not_a_transport_error():
    for bug in (KeyError("x"), TypeError("y"), ZeroDivisionError(), AttributeError("z")):
        assert not isinstance(bug, _transport_errors())


def test_a_bug_surfaces_once_as_itself_and_finished_work_is_kept(sim_factory, monkeypatch):
    """A bug inside a call is raised once, unwrapped; replies stored before it survive."""
    items = qa_items(3)
    server = sim_factory([Persona(name="good")], items)
    calls = []
    original = Client._openai

    async def buggy(self, messages, seed):
        calls.append(1)
        if len(calls) == 3:
            raise KeyError("a bug in evalkit, not a failed request")
        return await original(self, messages, seed)

    monkeypatch.setattr(Client, "_openai", buggy)
    store = Store(":memory:")
    with pytest.raises(KeyError, match="a bug in evalkit"):
        ek.run(f"sim:good@{server.url}", [make_set(items)], store=store, concurrency=1)
    assert len(calls) == 3  # not retried
    run_id = store.runs()["run_id"].iloc[0]
    counts = store.counts(run_id)
    assert (counts.status, counts.answered, counts.failed) == ("running", 2, 0)


class SlowSink(BatchSink):
    """Stores labels into ``stored``; each write takes ``write_s`` and may fail on a label."""

    def __init__(self, write_s: float = 0.0, fail_on: str | None = None) -> None:
        super().__init__(batch_size=2, flush_interval_s=60.0)
        self.rows: list[str] = []
        self.stored: list[str] = []
        self.threads: set[str] = set()
        self.write_s, self.fail_on = write_s, fail_on

    def _pending(self) -> int:
        return len(self.rows)

    def _take(self):
        rows, self.rows = self.rows, []

        def write() -> None:
            time.sleep(self.write_s)
            self.threads.add(threading.current_thread().name)
            if self.fail_on in rows:
                failing, self.fail_on = self.fail_on, None  # a passing error: fails once
                raise OSError(f"disk full while storing {failing}")
            self.stored.extend(rows)

        return write

    def add(self, label: str) -> None:
        self.rows.append(label)
        self.maybe_flush()


def test_a_slow_store_write_does_not_stop_the_event_loop():
    """Batches are written on a background thread: requests keep going out meanwhile."""
    sink, ticks = SlowSink(write_s=0.3), []

    async def main() -> None:
        async with sink.flushing():
            sink.add("甲")
            sink.add("b")  # a full batch: its 0.3 s write starts
            start = anyio.current_time()
            for _ in range(10):
                await anyio.sleep(0.01)
                ticks.append(anyio.current_time() - start)
            sink.add("mixed 丙")  # stored by the final flush, after the first batch

    anyio.run(main)
    assert ticks[-1] < 0.25  # the loop ran on while the write slept 0.3 s
    assert sink.stored == ["甲", "b", "mixed 丙"]  # in order, nothing lost
    assert "evalkit-store_0" in sink.threads


def test_a_failed_background_write_is_raised_at_once_and_its_rows_are_kept():
    """The failure surfaces with the next row (not the next batch), and the final flush stores
    the failed batch again, before what came after it: nothing already paid for is lost."""
    sink = SlowSink(fail_on="b")

    async def main() -> None:
        async with sink.flushing():
            sink.add("a")
            sink.add("b")  # this batch fails in the background
            await anyio.sleep(0.05)
            sink.add("中文")  # raises here: the failed write is done
            sink.add("never added")

    with pytest.raises(OSError, match="disk full while storing b"):
        anyio.run(main)
    assert sink.stored == ["a", "b", "中文"]


def test_outside_flushing_a_flush_writes_at_once():
    sink = SlowSink()
    sink.add("x")
    sink.add("字")
    assert sink.stored == ["x", "字"]
    assert sink.threads == {threading.current_thread().name}

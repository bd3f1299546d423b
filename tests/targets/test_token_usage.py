"""A server that reports no token usage gets estimated counts, flagged, never a silent 0."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from aiohttp import web

import evalkit as ek
from evalkit.store import Store
from evalkit.targets import parse_target
from tests._helpers import make_set, qa_items
from tests._http import StubServer


async def _stream_without_usage(request: web.Request) -> web.StreamResponse:
    """Streams like llama-cpp-python 0.3.16: it ignores stream_options.include_usage."""
    body = await request.json()
    resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await resp.prepare(request)
    for piece, finish in (("北京是", None), ("中国的首都 Beijing.", "stop")):
        chunk = {
            "id": "x", "object": "chat.completion.chunk", "created": 0, "model": body["model"],
            "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": finish}],
        }  # fmt: skip
        await resp.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
    await resp.write(b"data: [DONE]\n\n")
    return resp


@pytest.fixture
def server() -> Iterator[StubServer]:
    with StubServer(_stream_without_usage) as s:
        yield s


def test_a_stream_without_usage_is_estimated_and_flagged(server, tmp_path):
    spec = parse_target(f"llamacpp:qwen@{server.url}/v1?stream=true")
    db = tmp_path / "u.duckdb"
    with Store(db) as store:
        result = ek.run(spec, [make_set(qa_items(2))], store=store)
        rows = store.responses_frame(result.run_id)
        counts = store.counts(result.run_id)
    assert (rows.text == "北京是中国的首都 Beijing.").all()
    assert (rows.prompt_tokens > 0).all() and (rows.completion_tokens == 11).all()  # 8 Han + 3
    assert rows.usage_estimated.all() and counts.estimated == 4

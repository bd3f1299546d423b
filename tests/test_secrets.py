"""Keys never reach the store, a file, stdout or stderr, even when a provider echoes them."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web

from evalkit._secrets import redact, remember, strip_url_secrets
from evalkit.store import Store
from evalkit.targets import parse_target
from tests._helpers import qa_items, write_set
from tests._http import StubServer, chat_completion
from tests.cli.test_cli import evalkit


async def _echo(request: web.Request) -> web.Response:
    """Echo the caller's key: in a 401 body for model ``reject``, inside a reply otherwise."""
    body = await request.json()
    auth = request.headers.get("Authorization", "")
    if body.get("model") == "reject":
        message = f"Incorrect API key provided: {auth}. You can find your API key at ..."
        return web.json_response({"error": {"message": message, "type": "auth"}}, status=401)
    reply = f"Your header was {auth}; key {auth.removeprefix('Bearer ')}."
    return web.json_response(chat_completion(body["model"], reply))


@pytest.fixture(scope="module")
def echo() -> Iterator[StubServer]:
    with StubServer(_echo) as server:
        yield server


def _files_containing(root: Path, needle: bytes) -> list[str]:
    return [str(p) for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_an_echoed_key_reaches_no_file_and_no_output(echo, tmp_path):
    canary = "ek-canary-" + secrets.token_hex(12)  # no key shape: only the value gives it away
    folder = write_set(
        tmp_path / "qa", [i.model_dump(mode="json", exclude_none=True) for i in qa_items(3)]
    )
    targets = tmp_path / "targets.yaml"
    targets.write_text(
        "targets:\n"
        f"  - {{name: rejecting, protocol: openai, model: reject, base_url: '{echo.url}/v1', "
        "api_key_env: CANARY_KEY}\n"
        f"  - {{name: chatty, protocol: openai, model: chatty, base_url: '{echo.url}/v1', "
        "api_key_env: CANARY_KEY}\n"
    )
    runs = tmp_path / "runs"
    db = runs / "evalkit.duckdb"
    env = {"CANARY_KEY": canary}
    outs = [
        evalkit("run", "--targets-file", str(targets), "--sets", str(folder), "--store",
                str(db), "--name", "echo", "--no-progress", "--max-error-rate", "1", env=env),
        evalkit("runs", "--store", str(db), env=env),
        evalkit("compare", "echo:chatty", "echo:rejecting", "--store", str(db), "--format",
                "html", "-o", str(runs / "report.html"), "--allow-incomplete", env=env),
        evalkit("compare", "echo:chatty", "echo:rejecting", "--store", str(db), "--format",
                "json", "--allow-incomplete", env=env),
    ]  # fmt: skip
    assert outs[0].returncode == 0, outs[0].stderr
    assert "http_401" in outs[0].stdout  # the failure is visible, the key is not
    for out in outs:
        assert canary not in out.stdout and canary not in out.stderr
    assert (runs / "report.html").is_file()
    assert _files_containing(tmp_path, canary.encode()) == []
    with Store(db, read_only=True) as store:
        messages = store.con.execute("SELECT message FROM errors").fetchall()
        texts = store.con.execute("SELECT text FROM responses").fetchall()
    assert messages and all("[REDACTED]" in m[0] for m in messages)
    assert texts and all("[REDACTED]" in t[0] for t in texts)


def test_a_literal_key_in_a_targets_file_is_refused_without_echoing_it(tmp_path):
    canary = "ek-canary-" + secrets.token_hex(12)
    targets = tmp_path / "targets.yaml"
    targets.write_text(
        f"targets:\n  - provider: deepseek\n    model: deepseek-chat\n    api_key: {canary}\n"
    )
    out = evalkit("run", "--targets-file", str(targets), "--store", str(tmp_path / "s.duckdb"))
    assert out.returncode == 2
    assert canary not in out.stdout + out.stderr
    assert f"{targets}:4" in out.stderr and "api_key_env" in out.stderr
    # a literal key beside another mistake: the whole entry is never echoed either
    targets.write_text(f"targets:\n  - provider: deepseek\n    api_key: {canary}\n")
    out = evalkit("run", "--targets-file", str(targets), "--store", str(tmp_path / "s.duckdb"))
    assert out.returncode == 2 and canary not in out.stdout + out.stderr
    assert "model: Field required" in out.stderr


def test_a_key_in_the_base_url_is_never_stored():
    spec = parse_target("vllm:qwen@http://10.0.0.5:8000/v1?api_key=ek-canary-abc123&x=1")
    stored = str(spec.public_config())
    assert "ek-canary-abc123" not in stored and "x=1" in stored
    assert strip_url_secrets("http://user:pw@h/v1") == "http://[REDACTED]@h/v1"


@pytest.mark.parametrize(
    "text",
    [
        "Incorrect API key provided: Bearer abcdefghijklmnop1234",
        "bad key sk-proj-ABCDEFGH12345678 for 用户",
        "请求失败: api_key=ABCDEFGH12345678&model=x",
        "mixed 中文 and sk-ant-api03-ABCDEFGHIJ in one message",
    ],
)
def test_key_shapes_are_redacted_in_any_language(text):
    out = redact(text)
    assert "[REDACTED]" in out
    assert not any(s in out for s in ("abcdefghijklmnop1234", "ABCDEFGH12345678", "ABCDEFGHIJ"))


def test_remembered_values_are_redacted_whatever_their_shape():
    remember("plain-value-XYZ-987")
    assert redact("报错：plain-value-XYZ-987 无效") == "报错：[REDACTED] 无效"
    assert redact("ordinary English text stays") == "ordinary English text stays"

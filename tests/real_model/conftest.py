"""The real-model lane: evalkit against a real llama.cpp server and a real LiteLLM proxy.

`.ci/real_model/run.sh` sets the servers up and exports the URLs; without them every test here
skips with the reason (so a plain `pytest` stays fast and green).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
import yaml

_SETUP_FAILED = "EVALKIT_REAL_MODEL_SKIP"  # run.sh puts the setup failure here


def _reachable(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            resp.read()
    except OSError as exc:
        return f"{url} not reachable ({exc})"
    return None


def _why_skip() -> str | None:
    if os.environ.get(_SETUP_FAILED):
        return f"real-model setup failed: {os.environ[_SETUP_FAILED]}"
    names = ("EVALKIT_LLAMA_URL", "EVALKIT_LITELLM_URL", "EVALKIT_LITELLM_KEY")
    missing = [v for v in names if not os.environ.get(v)]
    if missing:
        return (
            f"{', '.join(missing)} not set: run .ci/real_model/run.sh (it builds llama.cpp, "
            "fetches the weights and starts the servers)"
        )
    return _reachable(os.environ["EVALKIT_LLAMA_URL"] + "/models") or _reachable(
        os.environ["EVALKIT_LITELLM_URL"] + "/health/liveliness"
    )


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    ours = [i for i in items if here in Path(str(i.fspath)).parents]
    if not ours:
        return
    reason = _why_skip()
    for item in ours:
        item.add_marker(pytest.mark.real_model)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@dataclass(frozen=True)
class Servers:
    """Where the lane's servers listen."""

    llama_v1: str  # http://127.0.0.1:P/v1
    litellm: str  # http://127.0.0.1:Q (the anthropic SDK adds /v1/messages)
    model: str  # the llama server's model id

    @property
    def litellm_v1(self) -> str:
        return self.litellm + "/v1"


@pytest.fixture(scope="session")
def servers() -> Servers:
    return Servers(
        os.environ["EVALKIT_LLAMA_URL"].rstrip("/"),
        os.environ["EVALKIT_LITELLM_URL"].rstrip("/"),
        os.environ.get("EVALKIT_LLAMA_MODEL", "qwen2.5-coder-0.5b-instruct-q4_k_m"),
    )


@pytest.fixture(scope="session")
def lane_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("real_model")


@pytest.fixture(scope="session")
def store(lane_dir) -> Path:
    """One DuckDB file for the whole lane: later tests compare and judge earlier runs."""
    return lane_dir / "real.duckdb"


def _evalkit_exe() -> str:
    beside = Path(sys.executable).with_name("evalkit")
    return str(beside) if beside.exists() else (shutil.which("evalkit") or "evalkit")


def evalkit(*args: str, ok: tuple[int, ...] = (0,), timeout: float = 300) -> str:
    """Run the real CLI; return stdout, failing with everything it printed otherwise."""
    env = dict(os.environ, NO_COLOR="1", COLUMNS="200")
    proc = subprocess.run(
        [_evalkit_exe(), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    assert proc.returncode in ok, (
        f"evalkit {' '.join(args)} exited {proc.returncode}\n"
        f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    )
    return proc.stdout


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def query(store: Path, sql: str, *params: object) -> list[tuple]:
    with duckdb.connect(str(store), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def run_id(store: Path, name: str) -> str:
    """The newest run of this name (or, for a run made without --name, of this target)."""
    # `evalkit run --router R.yaml` without --name stores no run name, although the YAML has one.
    rows = query(
        store,
        "SELECT run_id FROM runs WHERE name = ? OR (name IS NULL AND target_name = ?) "
        "ORDER BY created_at DESC LIMIT 1",
        name,
        name,
    )
    assert rows, f"no run named {name!r} in {store}"
    return rows[0][0]


def responses(store: Path, name: str) -> list[dict]:
    rid = run_id(store, name)
    with duckdb.connect(str(store), read_only=True) as con:
        cur = con.execute(
            "SELECT r.*, i.lang, i.task FROM responses r JOIN run_items ri USING (run_id, item_id) "
            "JOIN items i ON i.item_id = r.item_id AND i.content_hash = ri.content_hash "
            "WHERE r.run_id = ? ORDER BY r.item_id",
            [rid],
        )
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def error_count(store: Path, name: str) -> int:
    return query(store, "SELECT count(*) FROM errors WHERE run_id = ?", run_id(store, name))[0][0]


def dumps(rows: list[dict]) -> str:
    """Rows for an assertion message (the model's words help when a check fails)."""
    keep = ("item_id", "served_model", "finish_reason", "prompt_tokens", "completion_tokens")
    return json.dumps([{k: str(r.get(k)) for k in keep} for r in rows], indent=1)


# Small and short: 2 items (an en/zh pair) of each of 3 sets, 64 tokens, one request at a time.
SETS = "factual_qa,refusal,code_mixed"
LIMIT = "2"
MAX_TOKENS = 64
# --concurrency 1: llama.cpp answers one request at a time, and evalkit's default (16) makes
# requests queue there until they time out. A llamacpp default of 1 should make this unnecessary.
CONCURRENCY = "1"


# The LiteLLM proxy's master key (made at each start); llama.cpp takes no key.
LITELLM_KEY_ENV = "EVALKIT_LITELLM_KEY"


def target(name: str, protocol: str, base_url: str, model: str, **extra: object) -> dict:
    """A targets-file entry for a local server, short replies, a generous timeout."""
    entry = {
        "name": name,
        "protocol": protocol,
        "model": model,
        "base_url": base_url,
        "api_key_env": "",
        "family": "qwen-local",
        "max_tokens": MAX_TOKENS,
        "timeout_s": 120,
        "temperature": 0,
    }
    entry.update(extra)
    return entry


def run_targets_file(store: Path, lane_dir: Path, name: str, entry: dict) -> str:
    path = write_yaml(lane_dir / f"{name}.targets.yaml", {"targets": [entry]})
    evalkit(
        "run", "--targets-file", str(path), "--sets", SETS, "--limit", LIMIT,
        "--concurrency", CONCURRENCY, "--name", name, "--store", str(store), "--no-progress",
        "--no-cache",  # every door really called, whatever ran before in this store
    )  # fmt: skip
    return name


@pytest.fixture(scope="session")
def direct_run(servers, store, lane_dir) -> str:
    """The openai SDK straight to llama.cpp."""
    entry = target("llama-direct", "openai", servers.llama_v1, servers.model)
    return run_targets_file(store, lane_dir, "direct", entry)


@pytest.fixture(scope="session")
def proxy_run(servers, store, lane_dir) -> str:
    """The openai SDK through the LiteLLM proxy (model name qwen-en)."""
    entry = target(
        "litellm-openai", "openai", servers.litellm_v1, "qwen-en", api_key_env=LITELLM_KEY_ENV
    )
    return run_targets_file(store, lane_dir, "proxy", entry)


@pytest.fixture(scope="session")
def anthropic_run(servers, store, lane_dir) -> str:
    """The anthropic SDK through LiteLLM's /v1/messages (model name qwen-zh)."""
    entry = target(
        "litellm-anthropic", "anthropic", servers.litellm, "qwen-zh", api_key_env=LITELLM_KEY_ENV
    )
    return run_targets_file(store, lane_dir, "anthropic", entry)

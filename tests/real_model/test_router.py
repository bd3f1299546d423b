"""A router config split by language over two LiteLLM model names, run and compared for real."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.real_model.conftest import (
    CONCURRENCY,
    LITELLM_KEY_ENV,
    MAX_TOKENS,
    dumps,
    error_count,
    evalkit,
    query,
    responses,
    run_id,
    write_yaml,
)

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.real_model


def router(servers, name: str, zh_model: str) -> dict:
    def model(litellm_name: str) -> dict:
        return {
            "protocol": "openai",
            "base_url": servers.litellm_v1,
            "model": litellm_name,
            "api_key_env": LITELLM_KEY_ENV,
            "family": "qwen-local",
            "max_tokens": MAX_TOKENS,
            "timeout_s": 120,
            # llama.cpp answers one request at a time; more in flight only queue there.
            "concurrency": 1,
        }

    return {
        "version": 1,
        "name": name,
        "models": {
            "qwen-en": model("qwen-en"),
            "qwen-zh": model("qwen-zh"),
            "dead": model("qwen-dead"),
        },
        "rules": [
            {"name": "en", "match": {"lang": ["en"]}, "model": "qwen-en"},
            {"name": "zh", "match": {"lang": ["zh"]}, "model": zh_model},
        ],
        "default": "qwen-en",
    }


def tiny_set(dest: Path, n_pairs: int = 2) -> Path:
    """The first pairs of the built-in factual_qa set as a set of its own (compare --*-router
    has no --limit, so it runs every item of the sets it is given)."""
    src = REPO / "goldensets" / "factual_qa"
    manifest = yaml.safe_load((src / "manifest.yaml").read_text(encoding="utf-8"))
    manifest["min_per_lang"] = 0
    lines = (src / "items.jsonl").read_text(encoding="utf-8").splitlines()
    pairs: list[str] = []
    keep = []
    for line in lines:
        pair = json.loads(line)["pair_id"]
        if pair not in pairs:
            if len(pairs) == n_pairs:
                break
            pairs.append(pair)
        keep.append(line)
    dest.mkdir(parents=True, exist_ok=True)
    write_yaml(dest / "manifest.yaml", manifest)
    (dest / "items.jsonl").write_text("\n".join(keep) + "\n", encoding="utf-8")
    return dest


def test_router_routes_en_and_zh_to_their_litellm_names(servers, store, lane_dir):
    path = write_yaml(lane_dir / "by-lang.yaml", router(servers, "by-lang", "qwen-zh"))
    evalkit(
        "run", "--router", str(path), "--sets", "factual_qa,refusal", "--limit", "2",
        "--concurrency", CONCURRENCY, "--store", str(store), "--no-progress", "--no-cache",
    )  # fmt: skip
    rows = responses(store, "by-lang")
    assert error_count(store, "by-lang") == 0 and len(rows) == 4, dumps(rows)
    for r in rows:
        assert (r["route"], r["target_name"]) == (r["lang"], f"qwen-{r['lang']}"), dumps([r])
        assert r["route_reason"] == f"lang={r['lang']}"
        assert r["fallback_used"] is False and r["served_model"]
        assert r["prompt_tokens"] > 0 and r["completion_tokens"] > 0 and r["latency_ms"] > 0
    kind = query(store, "SELECT target_kind FROM runs WHERE run_id = ?", run_id(store, "by-lang"))
    assert kind == [("router",)]


def test_compare_two_routers_recalls_only_the_changed_route(servers, store, lane_dir):
    """Tomorrow's table sends zh to a LiteLLM name whose only deployment is down; the proxy's
    own fallback answers. Only the zh items are asked again."""
    sets = str(tiny_set(lane_dir / "tiny_factual_qa"))
    today = write_yaml(lane_dir / "today.yaml", router(servers, "today", "qwen-zh"))
    tomorrow = write_yaml(lane_dir / "tomorrow.yaml", router(servers, "tomorrow", "dead"))
    out = evalkit(
        "compare", "--baseline-router", str(today), "--candidate-router", str(tomorrow),
        "--sets", sets, "--store", str(store), "--no-progress", ok=(0, 1, 3),
    )  # fmt: skip
    assert "zh" in out
    base, cand = responses(store, "today"), responses(store, "tomorrow")
    assert len(base) == len(cand) == 4
    assert error_count(store, "today") == error_count(store, "tomorrow") == 0
    recalled = {r["item_id"] for r in cand if not r["cached"]}
    assert recalled == {r["item_id"] for r in cand if r["lang"] == "zh"}, dumps(cand)
    assert {r["target_name"] for r in cand if r["lang"] == "zh"} == {"dead"}
    # the proxy fell back: its x-litellm-* headers say so, and that is what is stored
    zh = [r for r in cand if r["lang"] == "zh"]
    assert all(r["fallback_used"] for r in zh), dumps(zh)
    assert all(r["served_model"] != "dead" for r in zh), dumps(zh)

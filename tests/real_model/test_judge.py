"""The real local model as the single judge of a panel."""

from __future__ import annotations

import pytest

from tests.real_model.conftest import evalkit, query, run_id, write_yaml

pytestmark = pytest.mark.real_model


def test_judge_with_the_local_model(direct_run, servers, store, lane_dir):
    panel = write_yaml(
        lane_dir / "local-panel.yaml",
        {
            "name": "local",
            "judges": [
                {
                    "name": "qwen-judge",
                    "protocol": "openai",
                    "base_url": servers.llama_v1,
                    "model": servers.model,
                    "api_key_env": "",
                    # not the candidate's family (qwen-local), so it is not left out
                    "family": "qwen-judge",
                    "max_tokens": 128,
                    "timeout_s": 120,
                }
            ],
        },
    )
    out = evalkit(
        "judge", direct_run, "--panel", str(panel), "--tasks", "factual_qa",
        "--concurrency", "1", "--store", str(store),
    )  # fmt: skip
    assert "judged 2 replies" in out, out
    rid = run_id(store, direct_run)
    verdicts = query(
        store,
        "SELECT item_id, status, raw_text, latency_ms FROM judge_verdicts WHERE run_id = ?",
        rid,
    )
    assert len(verdicts) == 2, verdicts
    for item_id, status, raw, latency in verdicts:
        # a weak judge may answer in prose: stored raw either way, never lost
        assert status in {"ok", "parse_error"}, (item_id, status, raw)
        assert raw and latency > 0, (item_id, raw)
    ok = [v for v in verdicts if v[1] == "ok"]
    judged = query(
        store,
        "SELECT count(*) FROM scores WHERE run_id = ? AND metric LIKE 'judge_%'",
        rid,
    )[0][0]
    assert judged >= len(ok)
    # measures after judging still reads the run
    assert evalkit("measures", direct_run, "--store", str(store)).strip()

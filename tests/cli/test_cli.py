from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from evalkit.sim import Persona
from tests._helpers import qa_items, write_set


def evalkit(*args: str, env: dict | None = None, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "evalkit._cli.main", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=300,
    )


def test_help_is_fast_and_lists_commands():
    times = []
    for _ in range(3):
        start = time.perf_counter()
        out = evalkit("--help")
        times.append(time.perf_counter() - start)
    assert out.returncode == 0
    for cmd in ("run", "runs", "compare", "demo", "sim", "validate"):
        assert cmd in out.stdout
    assert sorted(times)[1] < 1.5  # generous here; .ci/run holds the 0.5 s bar on `evalkit --help`


def test_help_does_not_import_heavy_libraries():
    code = (
        "import sys, evalkit._cli.main as m\n"
        "mods = ('pandas', 'duckdb', 'openai', 'anthropic', 'datasets', 'jieba')\n"
        "heavy = [x for x in mods if x in sys.modules]\n"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_validate_reports_file_line_field_and_fix(tmp_path):
    good = qa_items(1)
    lines = [good[0].model_dump(mode="json", exclude_none=True)]
    lines.append('{"id": "broken", "oops": 1')
    bad = dict(lines[0], id="q-0000-zh", lang="zh", colour="red")
    lines.append(bad)
    folder = write_set(tmp_path / "bad", lines)
    out = evalkit("validate", str(folder))
    assert out.returncode == 2
    text = out.stdout
    assert f"{folder}/items.jsonl:2: not valid JSON" in text
    assert f"{folder}/items.jsonl:3: colour: Extra inputs are not permitted" in text
    assert "remove the field" in text


def test_validate_builtin_sets_pass():
    out = evalkit("validate")
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.count(" - ok") == 7


def test_unknown_provider_is_a_usage_error():
    out = evalkit("run", "nosuch:model", "--store", ":memory:")
    assert out.returncode == 2
    assert "unknown provider 'nosuch'" in out.stderr


def test_missing_key_names_the_variable_and_never_prints_a_value(tmp_path):
    env = {"DEEPSEEK_API_KEY": ""}
    db = tmp_path / "s.duckdb"
    out = evalkit(
        "run", "deepseek:deepseek-chat", "--store", str(db), "--sets", "factual_qa", env=env
    )
    assert out.returncode == 2
    assert "DEEPSEEK_API_KEY is not set" in out.stderr
    assert "no runs" in evalkit("runs", "--store", str(db)).stdout


@pytest.mark.slow
def test_demo_then_compare_exit_codes(tmp_path):
    db = str(tmp_path / "demo.duckdb")
    out = evalkit("demo", "--store", db)
    assert out.returncode == 0, out.stderr[-2000:]
    # the report goes beside the store: the suite never overwrites the user's runs/
    assert (tmp_path / "demo-report.html").is_file()
    assert f"report: {tmp_path / 'demo-report.html'}" in out.stdout
    assert "FAIL" in out.stdout
    runs = evalkit("runs", "--store", db)
    assert runs.stdout.count("demo-sim-") == 2
    cmp = evalkit("compare", "demo-sim-good", "demo-sim-worse", "--store", db, "--format", "json")
    assert cmp.returncode == 1
    payload = json.loads(cmp.stdout)
    assert payload["verdict"] == "FAIL"
    failing = {h["hypothesis"] for h in payload["hypotheses"] if h["verdict"] == "FAIL"}
    assert {"overall", "factual_qa", "refusal"} <= failing
    # the planted regressions are all in Chinese: the diagnostics say where
    worse = {
        (s["task"], s["lang"], s["metric"])
        for s in payload["slices"]
        if s["verdict"] == "worse" and s["gate"]
    }
    assert ("factual_qa", "zh", "correct") in worse
    assert ("refusal", "zh", "behavior_ok") in worse
    assert all(lang == "zh" for _, lang, _ in worse)
    # a run compared with itself would always pass: refused as a usage error
    same = evalkit("compare", "demo-sim-good", "demo-sim-good", "--store", db, "--format", "md")
    assert same.returncode == 2 and "same run" in same.stderr


def test_compare_on_a_missing_store_is_exit_2_and_creates_nothing(tmp_path):
    path = tmp_path / "sub" / "e.duckdb"
    out = evalkit("compare", "nope", "nada", "--store", str(path))
    assert out.returncode == 2 and "no store at" in out.stderr
    assert not path.exists() and not path.parent.exists()


def test_compare_unknown_run_is_exit_2(tmp_path):
    from evalkit.store import Store

    Store(tmp_path / "e.duckdb").close()
    out = evalkit("compare", "nope", "nada", "--store", str(tmp_path / "e.duckdb"))
    assert out.returncode == 2 and "no run 'nope'" in out.stderr


@pytest.mark.slow
def test_compare_flags_restrict_the_gate(tmp_path):
    db = str(tmp_path / "flags.duckdb")
    assert evalkit("demo", "--store", db, "--limit", "40", "--report", "").returncode == 0
    only_en = evalkit("compare", "demo-sim-good", "demo-sim-worse", "--store", db,
                      "--langs", "en", "--format", "json")  # fmt: skip
    slices = json.loads(only_en.stdout)["slices"]
    assert all(not s["gate"] for s in slices if s["lang"] == "zh")
    routed = evalkit("compare", "demo-sim-good", "demo-sim-worse", "--store", db, "--by-route",
                     "--format", "json")  # fmt: skip
    assert {s["route"] for s in json.loads(routed.stdout)["slices"]} == {"(direct)"}


def test_the_command_closes_its_store_and_runs_exit_handlers_before_it_leaves(
    sim_factory, tmp_path
):
    # the console script ends the process without tearing the interpreter down (os._exit):
    # the store must be closed first (checkpointed: no write-ahead log left beside it), exit
    # handlers must run and the output must be complete
    items = qa_items(4)
    folder = write_set(tmp_path / "s", [i.model_dump(mode="json") for i in items])
    sim = sim_factory([Persona(name="good", rates={"accuracy": 1.0, "hallucination": 0.0})], items)
    db = tmp_path / "runs.duckdb"
    out = evalkit(
        "run", "sim:good", "--sets", str(folder), "--store", str(db), "--no-progress",
        env={"EVALKIT_SIM_URL": sim.url},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    assert "factual_qa" in out.stdout
    assert db.is_file() and not (tmp_path / "runs.duckdb.wal").exists()
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('handler ran'))\n"
        "sys.argv = ['evalkit', 'runs', '--store', sys.argv[1]]\n"
        "from evalkit._cli.main import main\n"
        "main()\n"
        "print('not reached')\n"
    )
    runs = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True)
    assert runs.returncode == 0, runs.stderr[-2000:]
    assert "good" in runs.stdout and runs.stdout.rstrip().endswith("handler ran")
    assert "not reached" not in runs.stdout
    # an error keeps its exit status and message
    bad = evalkit("compare", "a", "b", "--store", str(tmp_path / "missing.duckdb"))
    assert bad.returncode == 2 and bad.stderr.strip()


def test_the_run_path_imports_the_scorers_only_once_requests_are_out():
    # the scorers (about 0.1 s of imports) load while the first requests are in flight
    code = (
        "import sys, evalkit.runner, evalkit._api, evalkit.commands\n"
        "print([m for m in ('evalkit.scoring', 'evalkit.metrics') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

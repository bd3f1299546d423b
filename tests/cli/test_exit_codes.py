"""Exit codes and refusals of `evalkit run`, `judge`, `compare` and `runs` (gate integrity)."""

from __future__ import annotations

import json

import pytest

from evalkit.sim import Faults, Persona, Rates, Simulator
from evalkit.store import Store
from tests._helpers import qa_items, write_set
from tests.cli.test_cli import evalkit
from tests.routers.test_router import write_router

PERFECT = Rates(accuracy=1.0, hallucination=0.0)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A simulator with a good model, a dead one, and a set folder of its 40 items."""
    items = qa_items(20)
    folder = write_set(
        tmp_path_factory.mktemp("sets") / "qa",
        [i.model_dump(mode="json", exclude_none=True) for i in items],
    )
    personas = [
        Persona(name="good", rates=PERFECT),
        Persona(name="down", rates=PERFECT, faults=Faults(rate_500=1.0)),
        Persona(name="cheap", rates=Rates(accuracy=0.4, hallucination=0.6)),
        Persona(name="strong", rates=PERFECT),
        Persona(name="backup", rates=PERFECT),
        Persona(name="judge", family="sim-judge"),
    ]
    with Simulator(personas, items) as sim:
        yield sim, folder


def _run(sim, folder, db, *args):
    return evalkit(
        "run", *args, "--sets", str(folder), "--store", str(db), "--no-progress",
        env={"EVALKIT_SIM_URL": sim.url},
    )  # fmt: skip


@pytest.fixture(scope="module")
def two_runs(server, tmp_path_factory):
    sim, folder = server
    db = tmp_path_factory.mktemp("db") / "two.duckdb"
    for name in ("base", "cand"):
        out = _run(sim, folder, db, "sim:good", "--name", name, "--no-cache")
        assert out.returncode == 0, out.stderr
    return db


@pytest.mark.parametrize(
    ("flags", "needle"),
    [
        (["--tasks", "factual-qa"], "did you mean 'factual_qa'"),
        (["--langs", "fr"], "unknown language(s) 'fr'"),
        (["--tasks", "translation"], "selects no slice"),
    ],
)
def test_compare_filters_that_select_nothing_exit_2(two_runs, flags, needle):
    out = evalkit("compare", "base", "cand", "--store", str(two_runs), *flags)
    assert out.returncode == 2 and needle in out.stderr
    assert "PASS" not in out.stdout


def test_equal_runs_too_small_to_see_the_margin_are_inconclusive_exit_3(two_runs):
    out = evalkit("compare", "base", "cand", "--store", str(two_runs))
    assert out.returncode == 3, out.stderr
    assert out.stdout.startswith("INCONCLUSIVE") and "PASS" not in out.stdout.splitlines()[0]
    assert "Detectable with 80% power" in out.stdout
    relaxed = evalkit("compare", "base", "cand", "--store", str(two_runs), "--inconclusive", "pass")
    assert relaxed.returncode == 0 and relaxed.stdout.startswith("INCONCLUSIVE")


def test_compare_passes_two_equal_runs_when_the_margins_are_visible(two_runs):
    out = evalkit(
        "compare", "base", "cand", "--store", str(two_runs), "--index-margin", "0.5",
        "--task-margin", "0.5", "--scope", "all",
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.startswith("PASS")


def test_a_candidate_that_changes_no_request_tests_nothing_and_never_passes(two_runs):
    """Both runs sent every request identically and got the same replies (a candidate config
    that is the baseline's): however wide the margins, the default scope says so and does not
    PASS."""
    out = evalkit(
        "compare", "base", "cand", "--store", str(two_runs), "--index-margin", "0.5",
        "--task-margin", "0.5",
    )  # fmt: skip
    assert out.returncode == 3, out.stdout + out.stderr
    assert out.stdout.startswith("INCONCLUSIVE")
    assert "no request changed" in out.stdout and "tests nothing" in out.stdout


def test_compare_works_while_another_process_reads_the_store(two_runs):
    with Store(two_runs, read_only=True):
        out = evalkit("compare", "base", "cand", "--store", str(two_runs))
    assert out.returncode == 3, out.stderr


@pytest.mark.parametrize("bad", ["-1", "0"])
def test_non_positive_limit_is_a_usage_error(server, tmp_path, bad):
    sim, folder = server
    out = _run(sim, folder, tmp_path / "x.duckdb", "sim:good", "--limit", bad)
    assert out.returncode == 2 and "--limit" in out.stderr
    assert not (tmp_path / "x.duckdb").exists()


def test_run_where_every_request_fails_exits_1_with_the_error_rate(server, tmp_path):
    sim, folder = server
    out = _run(sim, folder, tmp_path / "d.duckdb", "sim:down", "--limit", "3")
    assert out.returncode == 1
    assert "error rate 100.0%" in out.stdout and "--max-error-rate" in out.stderr
    ok = _run(sim, folder, tmp_path / "d.duckdb", "sim:down", "--limit", "3",
              "--max-error-rate", "1")  # fmt: skip
    assert ok.returncode == 0


def test_connection_refused_is_recorded_as_such(server, tmp_path):
    import evalkit as ek
    from evalkit.goldensets import load_goldenset
    from evalkit.targets import parse_target

    _, folder = server
    spec = parse_target("sim:good@http://127.0.0.1:9")
    result = ek.run(spec, [load_goldenset(folder)], store=":memory:", limit=1, max_retries=0)
    kinds = set(result.store.errors_frame(result.run_id).kind)
    assert kinds == {"connection_refused"}


def test_judge_with_a_missing_model_stops_before_the_batch(two_runs, server, tmp_path):
    sim, _ = server
    panel = tmp_path / "panel.yaml"
    panel.write_text(
        "name: broken\njudges:\n"
        f"  - {{name: ghost, provider: sim, model: no-such-model, base_url: '{sim.url}', "
        "family: sim-ghost}\n"
    )
    before = sim.stats().get("requests:judge", 0)
    out = evalkit("judge", "cand", "--store", str(two_runs), "--panel", str(panel))
    assert out.returncode == 2, out.stdout
    assert "preflight" in out.stderr and "no-such-model" in out.stderr and "404" in out.stderr
    assert sim.stats().get("requests:judge", 0) == before
    with Store(two_runs, read_only=True) as db:
        assert db.con.execute("SELECT count(*) FROM judge_verdicts").fetchone() == (0,)


def test_resume_keeps_the_stored_limit_and_sets(server, tmp_path):
    sim, folder = server
    db = tmp_path / "r.duckdb"
    assert _run(sim, folder, db, "sim:good", "--limit", "4", "--name", "lim").returncode == 0
    out = _run(sim, folder, db, "sim:good", "--resume", "lim", "--limit", "10")
    assert out.returncode == 2 and "limit=4" in out.stderr
    out = _run(sim, folder, db, "sim:good", "--resume", "lim", "--repeats", "2")
    assert out.returncode == 2 and "repeats=1" in out.stderr
    out = evalkit("run", "sim:good", "--resume", "lim", "--sets", "factual_qa", "--store",
                  str(db), env={"EVALKIT_SIM_URL": sim.url})  # fmt: skip
    assert out.returncode == 2 and "drop --sets" in out.stderr
    # no flags: the run is continued as it started, on its own sets
    out = evalkit("run", "sim:good", "--resume", "lim", "--store", str(db), "--no-progress",
                  env={"EVALKIT_SIM_URL": sim.url})  # fmt: skip
    assert out.returncode == 0, out.stderr
    with Store(db, read_only=True) as store:
        counts = store.counts("lim")
    assert (counts.planned, counts.answered) == (4, 4)


def test_failed_items_are_counted_once_however_often_resumed(server, tmp_path):
    sim, folder = server
    db = tmp_path / "e.duckdb"
    _run(sim, folder, db, "sim:down", "--limit", "5", "--name", "dead")
    for _ in range(2):
        _run(sim, folder, db, "sim:down", "--resume", "dead")
    with Store(db, read_only=True) as store:
        errors = store.errors_frame("dead")
        listed = store.runs()
    assert len(errors) == 5 and not errors.duplicated(["item_id", "repeat"]).any()
    row = listed[listed["name"] == "dead"].iloc[0]
    assert (row["planned"], row["failed"], row["answered"]) == (5, 5, 0)


def test_reads_never_create_a_store(tmp_path):
    for args in (["runs"], ["drift", "x"], ["measures", "x"], ["compare", "a", "b"]):
        path = tmp_path / "none" / "s.duckdb"
        out = evalkit(*args, "--store", str(path))
        assert out.returncode == 2 and "no store at" in out.stderr, args
        assert not path.parent.exists()


def test_a_sqlite_file_is_refused_without_any_download(tmp_path):
    import sqlite3

    path = tmp_path / "s.db"
    sqlite3.connect(path).execute("CREATE TABLE t (a)").connection.commit()
    out = evalkit("runs", "--store", str(path))
    assert out.returncode == 2 and "SQLite" in out.stderr and "INSTALL" not in out.stderr


def test_a_store_from_a_newer_evalkit_is_refused(tmp_path):
    path = tmp_path / "new.duckdb"
    with Store(path) as db:
        db.con.execute("INSERT INTO schema_migrations VALUES (999, 'future', now())")
    out = evalkit("runs", "--store", str(path))
    assert out.returncode == 2 and "newer evalkit" in out.stderr


@pytest.mark.parametrize("fmt", ["table", "md", "json", "html"])
def test_router_cutover_door_in_every_format(server, tmp_path, fmt):
    sim, folder = server
    a = write_router(tmp_path, "today", url=sim.url, zh_model="strong")
    b = write_router(tmp_path, "tomorrow", url=sim.url, zh_model="cheap")
    report = tmp_path / f"cutover.{fmt}"
    out = evalkit(
        "compare", "--baseline-router", str(a), "--candidate-router", str(b),
        "--sets", str(folder), "--store", str(tmp_path / "r.duckdb"), "--format", fmt,
        "-o", str(report), "--no-progress",
    )  # fmt: skip
    assert out.returncode == 1, out.stdout + out.stderr  # zh: a perfect model -> a 40% one
    small = evalkit(
        "compare", "--baseline-router", str(a), "--candidate-router", str(b), "--sets",
        str(folder), "--store", str(tmp_path / "small.duckdb"), "--limit", "4",
        "--concurrency", "2", "--format", "json", "--no-progress",
    )  # fmt: skip
    assert small.returncode in (0, 1, 3), small.stderr  # 4 items: usually INCONCLUSIVE
    assert json.loads(small.stdout)["coverage"]["baseline"]["planned"] == 4
    text = report.read_text(encoding="utf-8")
    if fmt == "json":
        payload = json.loads(text)
        failing = {h["hypothesis"] for h in payload["hypotheses"] if h["verdict"] == "FAIL"}
        assert "factual_qa" in failing
        worse = {(s["task"], s["lang"]) for s in payload["slices"] if s["verdict"] == "worse"}
        assert ("factual_qa", "zh") in worse
        routes = payload["routes"]  # the route diff travels inside the JSON
        assert routes["changed"] > 0 and routes["changed"] < routes["items"]
        assert {(m["from"], m["to"]) for m in routes["moves"]} == {("strong", "cheap")}
        assert routes["recalled"]["candidate"] == routes["changed"]
        assert {r["route"] for r in routes["per_route"]["candidate"]}
    else:
        assert "FAIL" in text and "factual_qa" in text
    if fmt == "html":
        assert text.startswith("<!DOCTYPE html>") and "Cost and latency" in text
    if fmt in ("table", "md"):
        assert "route diff:" in text
    # -o writes the report to the file; stdout keeps only the verdict line
    assert out.stdout.startswith("FAIL") and "report written to" in out.stdout


def test_progress_off_a_terminal_is_plain_periodic_lines(server, tmp_path):
    sim, folder = server
    out = evalkit("run", "sim:good", "--sets", str(folder), "--store", str(tmp_path / "p.duckdb"),
                  "--limit", "5", env={"EVALKIT_SIM_URL": sim.url,
                                       "EVALKIT_PROGRESS_INTERVAL": "0"})  # fmt: skip
    assert out.returncode == 0, out.stderr
    lines = [x for x in out.stderr.splitlines() if x.startswith("evalkit: ")]
    assert len(lines) >= 2 and "\x1b[" not in out.stderr  # no terminal control codes
    assert lines[-1].startswith("evalkit: 5/5 (100.0%)") and "errors 0" in lines[-1]


def test_a_run_without_a_name_is_named_after_its_target(server, tmp_path):
    sim, folder = server
    router = write_router(tmp_path, "today", url=sim.url)
    db = tmp_path / "n.duckdb"
    out = evalkit("run", "--router", str(router), "--sets", str(folder), "--store", str(db),
                  "--limit", "2", "--no-progress")  # fmt: skip
    assert out.returncode == 0, out.stderr
    with Store(db, read_only=True) as store:
        assert store.runs()["name"].tolist() == ["today"]


def test_replies_cut_at_the_token_limit_are_flagged(tmp_path):
    from evalkit.store import ResponseRow, RunRecord, utcnow

    db = tmp_path / "t.duckdb"
    with Store(db) as store:
        items = qa_items(1)
        from tests._helpers import make_set

        store.create_run(
            RunRecord(**{"run_id": "r1", "name": "cut", "target_name": "m", "target_kind": "model",
             "target_json": "{}", "goldensets_json": "{}", "config_json": "{}",
             "evalkit_version": "0", "repeats": 1, "status": "finished", "n_items": 2,
             "created_at": utcnow()})
        )  # fmt: skip
        store.add_items("r1", [make_set(items)])
        rows = [
            ResponseRow(run_id="r1", item_id=item.id, repeat=0, request_hash=item.id,
                        target_name="m", text="半句话", finish_reason=reason, cached=False,
                        attempts=1, created_at=utcnow())
            for item, reason in zip(items, ("length", "stop"), strict=True)
        ]  # fmt: skip
        store.write_batch(rows, [], [])
        assert store.counts("r1").truncated == 1
        assert store.runs()["truncated"].tolist() == [1]


def test_power_says_before_any_call_what_a_small_baseline_cannot_see(two_runs):
    out = evalkit("power", "base", "--store", str(two_runs))
    assert out.returncode == 0, out.stderr
    assert "overall" in out.stdout and "  overall: about" in out.stdout
    assert "repeat noise is unmeasured" in out.stdout  # one repeat: run with --repeats 2+
    js = evalkit("power", "base", "--store", str(two_runs), "--format", "json")
    plan = json.loads(js.stdout)
    assert {p["hypothesis"] for p in plan} >= {"overall", "factual_qa"}
    assert evalkit("power", "nope", "--store", str(two_runs)).returncode == 2


def test_markdown_goes_to_the_github_job_summary_with_the_diagnostics_collapsed(two_runs, tmp_path):
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    out = evalkit(
        "compare", "base", "cand", "--store", str(two_runs), "--format", "md",
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )  # fmt: skip
    assert out.returncode == 3, out.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n")  # appended, never overwritten
    body = text.split("earlier step\n", 1)[1]
    # the decision first: verdict, what could be detected, the gate's table; slices collapsed
    assert body.index("**INCONCLUSIVE") < body.index("Detectable with 80% power")
    assert body.index("| hypothesis |") < body.index("<details>") < body.index("| task | lang |")
    assert body.rstrip().endswith("</details>")
    plain = evalkit("compare", "base", "cand", "--store", str(two_runs), "--format", "table",
                    env={"GITHUB_STEP_SUMMARY": str(summary)})  # fmt: skip
    assert plain.returncode == 3 and summary.read_text(encoding="utf-8") == text

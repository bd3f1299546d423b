"""The GitHub Actions example (docs/examples/github-actions.yml), run locally: its shell steps,
in job order, with the expressions GitHub would fill in (not the runner itself).

A push to main stores the baseline (four shards into one grouped run); a pull request whose
router sends Chinese to a weaker model runs the same shards and its gate job fails with the
Markdown report in the job summary. Install steps are skipped (this environment is the
install) and the store is a local DuckDB file that the shards write one after another.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from evalkit.sim import Persona, Rates, Simulator
from tests._helpers import qa_items, write_set
from tests.routers.test_router import write_router

WORKFLOW = Path(__file__).resolve().parents[1] / "docs" / "examples" / "github-actions.yml"
EXPR = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")


def _fill(text: str, context: dict[str, str]) -> str:
    """Replace ``${{ expr }}`` with the context's value; ``a || b`` takes the first non-empty."""

    def value(m: re.Match[str]) -> str:
        for alt in m.group(1).split("||"):
            got = context.get(alt.strip(), "")
            if got:
                return got
        return ""

    return EXPR.sub(value, text)


def _run_job(job: dict, context: dict[str, str], env: dict[str, str], cwd: Path) -> list[tuple]:
    """Every shell step of one job (one matrix cell); stops at the first failing step, as
    GitHub does. Returns (step, returncode, stdout, stderr) per step run."""
    done = []
    for step in job["steps"]:
        command = step.get("run")
        if command is None or command.startswith("pip install"):
            continue  # actions (checkout, setup-python, upload) and installs: not run here
        out = subprocess.run(
            ["bash", "-e", "-c", _fill(command, context)], cwd=cwd, env=env,
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        done.append((step.get("name", command), out.returncode, out.stdout, out.stderr))
        if out.returncode != 0:
            break
    return done


def _workflow_run(spec: dict, event: str, run_id: str, branch: str, extra: dict, cwd: Path):
    context = {
        "github.event_name": event, "github.run_id": run_id, "github.ref_name": branch,
        "github.head_ref": branch if event == "pull_request" else "",
        "vars.EVALKIT_STORE": extra["store"], "vars.EVALKIT_DATA_PATH": "",
    }  # fmt: skip
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    env.update({k: _fill(str(v), context) for k, v in spec["env"].items()})
    env.update(extra["env"])
    env.update({
        "GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": run_id, "GITHUB_RUN_ATTEMPT": "1",
        "GITHUB_REF_NAME": branch, "GITHUB_HEAD_REF": context["github.head_ref"],
        "GITHUB_EVENT_NAME": event, "GITHUB_STEP_SUMMARY": str(cwd / f"summary-{run_id}.md"),
    })  # fmt: skip
    env.pop("EVALKIT_RUN_GROUP", None)
    results = {}
    for name, job in spec["jobs"].items():
        cond = job.get("if")  # the example's only form: `github.event_name == '...'`
        if cond:
            left, right = (part.strip() for part in cond.split("=="))
            if context.get(left) != right.strip("'\""):
                continue
        cells = [{"matrix.shard": str(s)} for s in job.get("strategy", {}).get("matrix", {}).get(
            "shard", [None])]  # fmt: skip
        results[name] = [_run_job(job, {**context, **cell}, env, cwd) for cell in cells]
    return results, env


@pytest.fixture(scope="module")
def cutover(tmp_path_factory):
    items = qa_items(24)
    tmp = tmp_path_factory.mktemp("workflow")
    folder = write_set(tmp / "qa", [i.model_dump(mode="json", exclude_none=True) for i in items])
    personas = [
        Persona(name="cheap", rates=Rates(accuracy=0.5, hallucination=0.5)),
        Persona(name="strong", rates=Rates(accuracy=1.0, hallucination=0.0)),
        Persona(name="backup", rates=Rates(accuracy=1.0, hallucination=0.0)),
    ]
    with Simulator(personas, items) as sim:
        main = write_router(tmp, "prod", sim.url, zh_model="strong")
        # the pull request's router: Chinese moves to the weak model; the default stays
        pr = write_router(tmp, "cheaper", sim.url, zh_model="cheap")
        store = tmp / "evals.duckdb"
        spec = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
        spec["on"] = spec.pop(True, spec.get("on"))  # YAML 1.1 reads the key `on` as True
        base = {"store": str(store), "env": {"EVAL_SETS": str(folder)}}
        pushed, _ = _workflow_run(spec, "push", "101", "main",
                                  {**base, "env": {**base["env"], "EVAL_ROUTER": str(main)}},
                                  tmp)  # fmt: skip
        pulled, env = _workflow_run(spec, "pull_request", "102", "cheaper-zh",
                                    {**base, "env": {**base["env"], "EVAL_ROUTER": str(pr)}},
                                    tmp)  # fmt: skip
        yield pushed, pulled, env, tmp


def test_the_push_stores_four_shards_as_one_finished_run_and_skips_the_gate(cutover):
    pushed, _, _, _ = cutover
    assert "gate" not in pushed  # `if: github.event_name == 'pull_request'`
    assert len(pushed["eval"]) == 4
    assert all(rc == 0 for job in pushed["eval"] for _, rc, _, _ in job), pushed


def test_the_pull_request_gate_fails_the_job_and_posts_the_report(cutover):
    _, pulled, env, tmp = cutover
    assert all(rc == 0 for job in pulled["eval"] for _, rc, _, _ in job)
    (gate,) = pulled["gate"]
    listed = dict((s, (rc, out)) for s, rc, out, _ in gate)
    rc, out = listed["what was stored"]
    assert rc == 0 and "shards 4/4" in out, out
    rc, out = listed["cutover gate"]
    assert rc == 1, out  # FAIL: zh moved from a perfect model to a 50% one
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    first = summary.lstrip().splitlines()[0]
    assert "candidate cheaper-zh-102 vs baseline main-101: FAIL" in first, first
    assert (tmp / "cutover.md").read_text(encoding="utf-8").strip()

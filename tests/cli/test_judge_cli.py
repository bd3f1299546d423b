"""`evalkit judge --replies unsure` and `evalkit measures`: who decided, and unreadable judges."""

from __future__ import annotations

import json

import pytest
import yaml

import evalkit as ek
from evalkit.sim import JudgeRates, Persona, Simulator
from evalkit.store import Store
from evalkit.targets import parse_target
from tests._helpers import make_set
from tests.cli.test_cli import evalkit
from tests.judges.test_cascade import PERFECT, QA, REFUSAL, UNSURE_QA, UNSURE_REFUSAL

TIERS = ["decided_rules", "decided_cheap", "decided_panel", "unsure"]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    items = [i for i, _ in QA + REFUSAL]
    judges = {"jcheap": JudgeRates(), "jp1": JudgeRates(), "jflaky": JudgeRates(parse_failure=0.5)}
    personas = [
        Persona(name="cand", family="sim-a", rates=PERFECT),
        *(Persona(name=n, family=f"sim-{n}", judge=j) for n, j in judges.items()),
    ]
    folder = tmp_path_factory.mktemp("judge-cli")
    db = folder / "j.duckdb"
    with Simulator(personas, items) as sim:
        sets = [
            make_set([i for i, _ in QA], "qa"),
            make_set([i for i, _ in REFUSAL], "r", "refusal"),
        ]
        with Store(db) as store:
            ek.run(parse_target(f"sim:cand@{sim.url}"), sets, store=store, name="cand")
        yield sim, folder, db


def _panel(world, name: str, judges: list[str], **extra) -> str:
    sim, folder, _ = world
    spec = {
        "name": name,
        "judges": [
            {"name": j, "provider": "sim", "model": j, "base_url": sim.url, "family": f"sim-{j}"}
            for j in judges
        ],
        **extra,
    }
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_judge_unsure_replies_prints_who_decided_and_measures_show_it(world):
    _, _, db = world
    panel = _panel(world, "casc", ["jcheap", "jp1"], cascade={"first": "jcheap"})
    out = evalkit("judge", "cand", "--store", str(db), "--panel", panel, "--replies", "unsure")
    assert out.returncode == 0, out.stderr
    n = UNSURE_QA + UNSURE_REFUSAL
    assert f"judged {n} replies" in out.stdout
    assert f"{len(QA) + len(REFUSAL) - n} replies the rules decided were not sent" in out.stdout
    assert "who decided" in out.stdout and "decided_cheap" in out.stdout
    assert "warning" not in out.stdout
    shares = json.loads(evalkit("measures", "cand", "--store", str(db), "--format", "json").stdout)
    for table in ("hallucination", "refusal", "refusal_by_category"):
        for row in shares[table]:
            assert sum(row[t] for t in TIERS) == pytest.approx(1.0), (table, row)
            assert "panel_share" not in row
    md = evalkit("measures", "cand", "--store", str(db), "--format", "md").stdout
    assert "decided_cheap" in md and "decided_panel" in md and "panel_share" not in md
    table = evalkit("measures", "cand", "--store", str(db)).stdout
    assert "decided_rules" in table


def test_judge_names_a_judge_whose_replies_cannot_be_read(world):
    _, _, db = world
    panel = _panel(world, "flaky", ["jp1", "jflaky"])
    out = evalkit("judge", "cand", "--store", str(db), "--panel", panel, "--tasks", "refusal")
    assert out.returncode == 0, out.stderr
    warnings = [line for line in out.stdout.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "judge 'jflaky'" in warnings[0]
    assert "unreliable" in warnings[0] and "stronger model" in warnings[0]
    # jp1 judged some of these replies in the cascade above: resumed verdicts count too
    assert f"judge jp1: {len(REFUSAL)} read, 0 unparseable (0.0%)" in out.stdout

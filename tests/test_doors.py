"""The three doors (CLI, pytest plugin, Python) resolve one gate and give one verdict."""

from __future__ import annotations

import inspect
import json

import pytest

import evalkit as ek
import evalkit.comparison  # (loaded before pytester snapshots sys.modules)
from evalkit.sim import Persona, Rates
from evalkit.store import Store
from evalkit.targets import parse_target
from tests._helpers import make_set, qa_items
from tests.cli.test_cli import evalkit

PLUGIN_TEST = """
def test_gate(evalkit_gate):
    cmp = evalkit_gate.compare("cand", baseline="base")
    print("MARGIN", cmp.gate.margin, "VERDICT", cmp.verdict)
"""


@pytest.fixture
def store_path(sim_factory, tmp_path):
    items = qa_items(30)
    personas = [
        Persona(name="good", rates=Rates(accuracy=1.0, hallucination=0.0)),
        Persona(name="bit-worse", rates=Rates(accuracy=0.9, hallucination=0.1)),
    ]
    sim = sim_factory(personas, items)
    path = tmp_path / "doors.duckdb"
    with Store(path) as db:
        for name, persona in (("base", "good"), ("cand", "bit-worse")):
            ek.run(parse_target(f"sim:{persona}@{sim.url}"), [make_set(items)], store=db,
                   name=name)  # fmt: skip
    return path


@pytest.mark.parametrize("table", ["", "[tool.evalkit.gate]\nmargin = 0.2\nalpha = 0.01\n"])
def test_cli_plugin_and_python_agree(store_path, tmp_path, monkeypatch, pytester, table):
    project = pytester.path
    pytester.makepyprojecttoml(f"[project]\nname = 'p'\n{table}")
    pytester.makepyfile(PLUGIN_TEST)
    monkeypatch.chdir(project)
    py = ek.compare("base", "cand", store=store_path)
    cli = evalkit("compare", "base", "cand", "--store", str(store_path), "--format", "json",
                  cwd=project)  # fmt: skip
    cli_json = json.loads(cli.stdout)
    result = pytester.runpytest_subprocess("-s", "--evalkit-store", str(store_path))
    line = next(x for x in result.outlines if "MARGIN" in x)
    expected = 0.2 if table else 0.02
    assert py.gate.margin == cli_json["gate"]["margin"] == expected
    assert f"MARGIN {expected} VERDICT {py.verdict}" in line
    assert cli_json["verdict"] == str(py.verdict) and cli.returncode == py.exit_code


def test_compare_is_always_the_function():
    assert inspect.isfunction(ek.compare)
    params = inspect.signature(ek.compare).parameters
    assert not any(p.kind is p.VAR_KEYWORD for p in params.values())
    for door in (ek.run, ek.run_async):
        kinds = {p.kind for p in inspect.signature(door).parameters.values()}
        assert inspect.Parameter.VAR_KEYWORD not in kinds


def test_every_run_option_is_a_keyword_of_the_python_door():
    import dataclasses

    from evalkit.runner import RunOptions

    fields = {f.name for f in dataclasses.fields(RunOptions)}
    for door in (ek.run, ek.run_async):
        assert fields <= set(inspect.signature(door).parameters), door

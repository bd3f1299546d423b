from __future__ import annotations

import pytest

import evalkit as ek
import evalkit.comparison  # (loaded before pytester snapshots sys.modules)
from evalkit.sim import Persona, Rates, Simulator
from evalkit.store import Store
from evalkit.targets import parse_target
from tests._helpers import make_set, qa_items


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("gate") / "runs.duckdb"
    items = qa_items(150)
    personas = [
        Persona(name="base", rates=Rates(accuracy=0.9, hallucination=0.1)),
        Persona(name="twin", rates=Rates(accuracy=0.9, hallucination=0.1)),
        Persona(
            name="worse",
            overrides={"factual_qa:zh": Rates(accuracy=0.55, hallucination=0.45)},
            rates=Rates(accuracy=0.9, hallucination=0.1),
        ),
    ]
    store = Store(path)
    with Simulator(personas, items) as sim:
        for name in ("base", "twin", "worse"):
            ek.run(parse_target(f"sim:{name}@{sim.url}"), [make_set(items)], store=store, name=name)
    store.close()
    return path


GATE_TEST = """
def test_cutover(evalkit_gate):
    evalkit_gate.check("{candidate}")
"""


def test_gate_fails_with_a_readable_message(pytester, store_path):
    pytester.makepyfile(GATE_TEST.format(candidate="worse"))
    result = pytester.runpytest(
        "-p", "evalkit", "--evalkit-store", str(store_path), "--evalkit-baseline", "base"
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*evalkit gate FAIL: candidate * vs baseline *",
            "*factual_qa: quality 0.9* -> 0.* (delta -0.*, n=300, p=* <= alpha *",
            "*Detectable with 80% power*",
            "*evalkit gate*",
            "base (*) -> worse (*): FAIL (regressed: overall, factual_qa)",
        ]
    )
    # only the readable failure: no traceback into the plugin, no reprs of its objects
    assert "pytest_plugin.py" not in result.stdout.str()
    assert "Gate(" not in result.stdout.str() and "Comparison(" not in result.stdout.str()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--evalkit-baseline", "no-such-run"], "*evalkit gate refused: no run 'no-such-run'*"),
        ([], "*no baseline: pass baseline=... or run pytest with --evalkit-baseline RUN*"),
    ],
)
def test_bad_references_give_the_clis_message(pytester, store_path, args, needle):
    pytester.makepyfile(GATE_TEST.format(candidate="worse"))
    result = pytester.runpytest("-p", "evalkit", "--evalkit-store", str(store_path), *args)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([needle])
    assert "Traceback" not in result.stdout.str() and "SELECT" not in result.stdout.str()


def test_an_a_a_pair_too_small_for_the_margin_is_reported_inconclusive(pytester, store_path):
    pytester.makepyfile(GATE_TEST.format(candidate="twin"))
    result = pytester.runpytest(
        "-p", "evalkit", "--evalkit-store", str(store_path), "--evalkit-baseline", "base"
    )
    result.assert_outcomes(failed=1)  # inconclusive = "fail" by default
    result.stdout.fnmatch_lines(
        ["*evalkit gate INCONCLUSIVE*", "base (*) -> twin (*): INCONCLUSIVE (*underpowered*"]
    )


def test_gate_passes_on_an_a_a_pair_it_can_see(pytester, store_path):
    pytester.makefile(".toml", pyproject="[tool.evalkit.gate]\nindex_margin = 0.15\n")
    pytester.makepyfile(GATE_TEST.format(candidate="twin"))
    result = pytester.runpytest(
        "-p", "evalkit", "--evalkit-store", str(store_path), "--evalkit-baseline", "base"
    )
    result.assert_outcomes(passed=1)


def test_thresholds_come_from_pyproject(pytester, store_path):
    pytester.makefile(
        ".toml", pyproject='[tool.evalkit.gate]\nmargin = 0.5\ninconclusive = "pass"\n'
    )
    pytester.makepyfile(GATE_TEST.format(candidate="worse"))
    result = pytester.runpytest(
        "-p", "evalkit", "--evalkit-store", str(store_path), "--evalkit-baseline", "base"
    )
    result.assert_outcomes(passed=1)  # a 17-point quality drop is inside a 50-point margin


def test_missing_baseline_is_a_usage_error(pytester, store_path):
    pytester.makepyfile(GATE_TEST.format(candidate="worse"))
    result = pytester.runpytest("-p", "evalkit", "--evalkit-store", str(store_path))
    result.stdout.fnmatch_lines(["*no baseline*"])
    assert result.ret != 0


def test_comparison_fixture_and_branch_baseline(pytester, store_path):
    pytester.makepyfile(
        """
        from evalkit.pytest_plugin import assert_no_regression

        def test_cmp(evalkit_comparison):
            assert evalkit_comparison.candidate != evalkit_comparison.baseline
            assert_no_regression(evalkit_comparison)
        """
    )
    result = pytester.runpytest(
        "-p",
        "evalkit",
        "--evalkit-store",
        str(store_path),
        "--evalkit-baseline",
        "target:base",
        "--evalkit-candidate",
        "worse",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*factual_qa: quality*"])

"""The notebook door in a real Jupyter kernel: the README's snippet, run by nbclient."""

from __future__ import annotations

import pytest

nbformat = pytest.importorskip("nbformat", reason="pip install -e '.[dev]' (nbformat)")
nbclient = pytest.importorskip("nbclient", reason="pip install -e '.[dev]' (nbclient)")
pytest.importorskip("ipykernel", reason="pip install -e '.[dev]' (ipykernel)")

# The README's notebook snippet, with the simulator's personas for the two providers (no key,
# no internet) and a store of the test's own.
CELLS = [
    "import evalkit as ek\n"
    "today = ek.run('sim:sim-good', ['factual_qa', 'refusal'], name='today', store=STORE,"
    " limit=6)\n"
    "tomorrow = ek.run('sim:sim-worse', ['factual_qa', 'refusal'], name='tomorrow',"
    " store=STORE, limit=6)\n"
    "today.metrics()",
    "cmp = ek.compare('today', 'tomorrow', store=STORE)\ncmp",
    "frame = cmp.to_pandas()\nassert {'task', 'lang', 'metric', 'verdict'} <= set(frame.columns)\n"
    "print(len(frame), cmp.passed)",
    "import evalkit.judges as judges\nprint(callable(ek.compare), ek.compare.__module__)",
]


@pytest.mark.slow
def test_readme_snippet_runs_in_a_real_kernel(tmp_path, monkeypatch):
    from evalkit.sim import Simulator

    with Simulator() as sim:
        monkeypatch.setenv("EVALKIT_SIM_URL", sim.url)
        store = tmp_path / "nb.duckdb"
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(f"STORE = {str(store)!r}")]
        nb.cells += [nbformat.v4.new_code_cell(src) for src in CELLS]
        client = nbclient.NotebookClient(
            nb, timeout=240, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
        )
        client.execute()
    outputs = [o for cell in nb.cells for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("<table" in h for h in html)  # the metrics table and the comparison render
    printed = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "True evalkit._api" in printed  # ek.compare stays the function after any import

"""`ek.export` and `evalkit export`: a golden set or a run's replies as a Dataset / Parquet."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime

import datasets
import pyarrow.parquet as pq
import pytest

import evalkit as ek
from evalkit.errors import ConfigError
from evalkit.goldensets import load_goldenset
from evalkit.goldensets._export import COLUMNS
from evalkit.store import Store
from tests._helpers import make_set
from tests.cli.test_cli import evalkit
from tests.report._pair import ALERT, _items, _run_record, _write_run


@pytest.fixture(scope="module")
def store_file(tmp_path_factory):
    """A file store with the report's pair of runs (a Chinese regression, one failed request)."""
    path = tmp_path_factory.mktemp("export") / "runs.duckdb"
    items = _items(ALERT)
    with Store(path) as store:
        for run, target, day in (("base", "baseline-model", 1), ("cand", "cand-模型", 2)):
            store.create_run(_run_record(run, target, datetime(2026, 1, day, 12)))
            store.add_items(run, [make_set(items)])
            _write_run(store, run, items, ALERT)
    return path


@pytest.mark.parametrize("name", ["factual_qa", "code_mixed", "translation", "classification"])
def test_a_builtin_set_round_trips_through_csv_and_parquet(tmp_path, name):
    original = load_goldenset(name)
    ds = ek.export(goldenset=name, path=tmp_path / f"{name}.csv")
    assert ds.num_rows == len(original) and tuple(ds.column_names) == COLUMNS
    back = load_goldenset(tmp_path / f"{name}.csv")
    assert [i.content_hash for i in back.items] == [i.content_hash for i in original.items]
    ek.export(goldenset=original, path=tmp_path / f"{name}.parquet")
    table = pq.read_table(tmp_path / f"{name}.parquet")
    assert table.num_rows == len(original) and "reference.answers" in table.column_names


def test_a_parquet_export_loads_back_as_a_hub_dataset(tmp_path, monkeypatch):
    original = load_goldenset("factual_qa")
    ek.export(goldenset=original, path=tmp_path / "fq.parquet")
    monkeypatch.setattr(
        datasets, "load_dataset",
        lambda repo, split: datasets.Dataset.from_parquet(str(tmp_path / "fq.parquet")),
    )  # fmt: skip
    back = load_goldenset("hf://acme/factual-qa:test")
    assert [i.content_hash for i in back.items] == [i.content_hash for i in original.items]
    zh = next(i for i in back.items if i.lang == "zh")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh.prompt or "")


def test_a_runs_replies_with_errors_scores_and_chinese(store_file, tmp_path):
    ds = ek.export("cand", store=store_file, path=tmp_path / "cand.parquet")
    assert ds.num_rows == 80 and ds.column_names[:3] == ["run_id", "run_name", "target_name"]
    rows = {r["item_id"]: r for r in ds}
    wrong, right = rows["q-0007-zh"], rows["q-0007-en"]
    assert wrong["reply"] == "错误答案7" and json.loads(wrong["scores"])["correct"] == 0.0
    assert right["reply"] == "北京是中国的首都。 ans007" and right["route"] == "fast"
    assert wrong["prompt"] == "第7号东西是什么？" and wrong["reference.answers"] == [
        "ans007", "答案007",
    ]  # fmt: skip
    failed = rows["q-0039-en"]
    assert failed["reply"] is None and failed["error"] == "http_500: <b>boom</b>"
    assert (
        rows["q-0001-en"]["cost"] == pytest.approx(0.001) and rows["q-0001-en"]["currency"] == "USD"
    )
    assert {r["target_name"] for r in ds} == {"cand-模型"}
    # the candidate streamed: each reply's time to first token, within its latency
    assert 0 < right["ttft_ms"] < right["latency_ms"] and failed["ttft_ms"] is None
    base = {r["item_id"]: r for r in ek.export("base", store=store_file)}
    assert base["q-0007-zh"]["latency_ms"] > 0 and base["q-0007-zh"]["ttft_ms"] is None
    table = pq.read_table(tmp_path / "cand.parquet")
    assert table.num_rows == 80 and table.column("reply").to_pylist()[0] is not None


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({}, "export takes a run or a golden set"),
        ({"run": "cand", "goldenset": "factual_qa"}, "export takes a run or a golden set"),
        ({"goldenset": "factual_qa", "path": "out.txt"}, "give a file ending in .parquet, .jsonl"),
    ],
)
def test_bad_export_requests_say_what_to_give(kwargs, needle):
    with pytest.raises(ConfigError, match=needle.replace(".", r"\.")):
        ek.export(**kwargs)


def test_cli_exports_a_run_and_a_set_and_refuses_bad_input(store_file, tmp_path):
    out = evalkit("export", "cand", "--store", str(store_file), "-o", str(tmp_path / "c.jsonl"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith(f"run cand: 80 rows x 23 columns -> {tmp_path}/c.jsonl")
    lines = (tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 80 and "错误答案" in "".join(lines)  # written as UTF-8, not \\u escapes
    csv_out = evalkit("export", "--set", "refusal", "-o", str(tmp_path / "r.csv"))
    assert csv_out.returncode == 0 and "golden set refusal:" in csv_out.stdout
    assert evalkit("validate", str(tmp_path / "r.csv")).returncode == 0
    bad = evalkit("export", "cand", "--store", str(store_file), "-o", str(tmp_path / "c.txt"))
    assert bad.returncode == 2 and "give a file ending in .parquet" in bad.stderr
    unknown = evalkit("export", "nope", "--store", str(store_file), "-o", str(tmp_path / "n.csv"))
    assert unknown.returncode == 2 and "nope" in unknown.stderr


def test_datasets_stays_out_of_the_cli_start_and_the_plain_run_path():
    code = (
        "import sys\n"
        "from evalkit._cli.main import cli\n"
        "for args in (['--help'], ['export', '--help'], ['validate', '--help']):\n"
        "    try:\n"
        "        cli(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "from evalkit.goldensets import load_goldensets\n"
        "load_goldensets()\n"
        "print('datasets' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"

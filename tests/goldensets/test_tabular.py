"""Golden sets from CSV files and Hugging Face datasets: mapping, row numbers, clear errors."""

from __future__ import annotations

import csv
import os
import textwrap

import datasets
import pytest

from evalkit.errors import GoldenSetError
from evalkit.goldensets import load_goldenset, validate_path
from evalkit.goldensets._tabular import parse_hub
from tests.cli.test_cli import evalkit

HEADER = ["id", "pair_id", "task", "lang", "prompt", "reference.answers"]
ROWS = [
    ["q-0001-en", "q-0001", "factual_qa", "en", "What is the capital of China?",
     '["Beijing", "北京"]'],
    ["q-0001-zh", "q-0001", "factual_qa", "zh", "中国的首都是哪里？", "北京"],
    ["q-0002-en", "q-0002", "factual_qa", "en", "How many legs, on a spider?\nCount them.", "8"],
    ["q-0002-zh", "q-0002", "factual_qa", "zh", "蜘蛛有几条腿？用 digits 回答。", "八"],
]  # fmt: skip


def write_csv(path, rows, header=HEADER):
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_a_csv_whose_columns_are_item_fields_loads_as_a_set(tmp_path):
    gs = load_goldenset(write_csv(tmp_path / "capitals.csv", ROWS))
    assert gs.name == "capitals" and gs.manifest.task == "factual_qa"
    assert [i.id for i in gs.items] == [r[0] for r in ROWS]
    assert gs.items[0].reference.answers == ["Beijing", "北京"]  # a JSON array cell
    assert gs.items[2].reference.answers == ["8"]  # one value; text, never the number 8
    assert gs.items[2].prompt == "How many legs, on a spider?\nCount them."  # quoted comma, line
    assert gs.items[3].prompt == "蜘蛛有几条腿？用 digits 回答。"  # mixed script as written
    assert gs.version.startswith("h") and len(gs.version) == 13


def test_the_csv_version_follows_its_content(tmp_path):
    a = load_goldenset(write_csv(tmp_path / "a.csv", ROWS))
    changed = [*ROWS[:3], [*ROWS[3][:4], "蜘蛛有几条腿？", "八条"]]
    b = load_goldenset(write_csv(tmp_path / "a.csv", changed))
    assert a.version != b.version and a.set_hash != b.set_hash


@pytest.mark.parametrize(
    ("row", "needle"),
    [
        ([*ROWS[3][:3], "fr", *ROWS[3][4:]],
         ':6 (row 5): lang: Input should be \'en\', \'zh\' or \'mixed\' (got "fr"); use one of'),
        ([*ROWS[3][:5], '["八", '],
         ':6 (row 5): reference.answers: not valid JSON (Expecting value at column 6) (got '
         '"[\\"八\\", "); write a JSON array like'),
        (["Q-0002-ZH", *ROWS[3][1:]],
         ":6 (row 5): id: 'Q-0002-ZH' is not a valid id; use lowercase"),
        ([*ROWS[3][:4], "", "八"],
         ":6 (row 5): (item): give exactly one of 'prompt' and 'messages'"),
    ],
)  # fmt: skip
def test_a_bad_row_names_file_row_value_and_fix(tmp_path, row, needle):
    # the third item spans two lines (a quoted line break): the fourth is on line 6, row 5
    path = write_csv(tmp_path / "bad.csv", [*ROWS[:3], row])
    (report,) = validate_path(path)
    assert any(needle in p for p in report.problems), report.problems
    assert all(p.startswith(f"{path}:") for p in report.problems)
    with pytest.raises(GoldenSetError, match=r"1 problem|2 problem"):
        load_goldenset(path)


def test_validate_exits_2_on_a_bad_csv_and_0_on_a_good_one(tmp_path):
    good = write_csv(tmp_path / "good.csv", ROWS)
    out = evalkit("validate", str(good))
    assert out.returncode == 0 and "good: 4 items (en=2, zh=2) - ok" in out.stdout
    bad = write_csv(tmp_path / "bad.csv", [*ROWS[:3], [*ROWS[3][:3], "fr", *ROWS[3][4:]]])
    out = evalkit("validate", str(bad))
    assert out.returncode == 2 and f"{bad}:6 (row 5): lang:" in out.stdout
    assert '(got "fr"); use one of the listed values' in out.stdout
    missing = evalkit("validate", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "no such CSV file" in missing.stderr


def test_without_a_manifest_columns_must_be_item_fields_and_name_the_task(tmp_path):
    header = ["id", "pair_id", "lang", "question", "reference.answers"]
    path = write_csv(tmp_path / "q.csv", [[r[0], r[1], r[3], r[4], r[5]] for r in ROWS], header)
    (report,) = validate_path(path)
    assert (
        f"{path}:1: column(s) 'question' are not item fields; rename them or map them"
        in (report.problems[0])
    )
    assert "no 'task' column; add one (factual_qa," in report.problems[1]


def _manifest_set(tmp_path, manifest, rows, header):
    folder = tmp_path / "mapped"
    folder.mkdir()
    (folder / "manifest.yaml").write_text(textwrap.dedent(manifest), encoding="utf-8")
    write_csv(folder / "items.csv", rows, header)
    return folder


MAPPED = """\
    version: "2"
    name: 首都-capitals
    task: factual_qa
    description: capitals from a spreadsheet
    files: [items.csv]
    columns: {prompt: question, reference.answers: answer, lang: language}
    defaults: {category: geography, difficulty: easy}
"""


def test_a_manifest_maps_csv_columns_and_fills_defaults(tmp_path):
    rows = [["北京", "zh", "中国的首都是哪里？", "x"], ["Paris", "en", "Capital of France?", "y"]]
    folder = _manifest_set(tmp_path, MAPPED, rows, ["answer", "language", "question", "note"])
    gs = load_goldenset(folder)
    assert gs.version == "2" and [i.lang for i in gs.items] == ["zh", "en"]
    zh = gs.items[0]
    assert zh.prompt == "中国的首都是哪里？" and zh.reference.answers == ["北京"]
    assert (zh.category, zh.difficulty, zh.task) == ("geography", "easy", "factual_qa")
    # no id column: ids from the set name and row; no pair: each its own, tagged as such
    assert zh.id == "capitals-00002"  # the set name as an id allows it; row 2 of the file
    assert zh.pair_id == zh.id and "pair:single" in zh.tags
    assert not validate_path(folder)[0].problems


@pytest.mark.parametrize(
    ("columns", "needle"),
    [
        ("{promt: question, lang: language}",
         "columns: 'promt' is not an item field; did you mean 'prompt'"),
        ("{prompt: questions, lang: language}",
         "columns: prompt <- 'questions', but the source has no column 'questions' (it has: "
         "answer, language, question, note); fix the column name"),
    ],
)  # fmt: skip
def test_a_bad_mapping_is_named_with_its_fix(tmp_path, columns, needle):
    manifest = MAPPED.replace("{prompt: question, reference.answers: answer, lang: language}",
                              columns)  # fmt: skip
    rows = [["北京", "zh", "中国的首都是哪里？", "x"]]
    folder = _manifest_set(tmp_path, manifest, rows, ["answer", "language", "question", "note"])
    problems = validate_path(folder)[0].problems
    assert any(needle in p for p in problems), problems
    assert all("items.csv:1: columns:" in p for p in problems)


def test_a_row_with_too_few_cells_is_named(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text(",".join(HEADER) + "\nq-0001-en,q-0001,factual_qa,en\n", encoding="utf-8")
    (report,) = validate_path(path)
    assert f"{path}:2: 6 columns in the header but not in this row" in report.problems[0]


def test_a_csv_edit_that_keeps_the_mtime_is_never_served_stale(tmp_path):
    path = write_csv(tmp_path / "s.csv", ROWS)
    before = load_goldenset(path)
    stat = os.stat(path)
    write_csv(path, [[*ROWS[0][:4], "一个全新的问题？ A new question?", ROWS[0][5]], *ROWS[1:]])
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert load_goldenset(path).items[0].prompt == "一个全新的问题？ A new question?"
    assert load_goldenset(path).set_hash != before.set_hash


# ---- the Hugging Face hub: never reached; `load_dataset` is replaced or reads a local copy


HUB_ROWS = [
    {"qid": "a1", "question": "What is the capital of China?",
     "answers": {"text": ["Beijing", "北京"], "start": [0, 3]}, "language": "en"},
    {"qid": "a2", "question": "中国的首都是哪里？", "answers": {"text": ["北京"], "start": [0]},
     "language": "zh"},
    {"qid": "a3", "question": "Mixed: 首都 of France?", "answers": {"text": ["Paris", "巴黎"],
     "start": [0, 0]}, "language": "mixed"},
]  # fmt: skip
HUB_MANIFEST = """\
    version: "1"
    name: hub-qa
    task: factual_qa
    description: from the hub
    source: hf://acme/qa-mini:validation
    columns: {id: qid, prompt: question, reference.answers: answers.text, lang: language}
    defaults: {reply_lang: en}
"""


@pytest.fixture
def hub(monkeypatch):
    calls = []

    def load_dataset(repo, split):
        calls.append((repo, split))
        return datasets.Dataset.from_list(HUB_ROWS)

    monkeypatch.setattr(datasets, "load_dataset", load_dataset)
    return calls


def test_a_hub_dataset_maps_nested_columns(tmp_path, hub):
    folder = tmp_path / "hub"
    folder.mkdir()
    (folder / "manifest.yaml").write_text(textwrap.dedent(HUB_MANIFEST), encoding="utf-8")
    gs = load_goldenset(folder)
    assert hub == [("acme/qa-mini", "validation")]
    assert [i.id for i in gs.items] == ["a1", "a2", "a3"]
    assert gs.items[1].reference.answers == ["北京"] and gs.items[2].lang == "mixed"
    assert gs.items[2].prompt == "Mixed: 首都 of France?"


def test_a_bad_hub_row_is_named_by_dataset_split_and_row(tmp_path, hub):
    HUB_ROWS.append({"qid": "a4", "question": "", "answers": {"text": ["x"], "start": [0]},
                     "language": "en"})  # fmt: skip
    try:
        folder = tmp_path / "hub"
        folder.mkdir()
        (folder / "manifest.yaml").write_text(textwrap.dedent(HUB_MANIFEST), encoding="utf-8")
        problems = validate_path(folder)[0].problems
    finally:
        HUB_ROWS.pop()
    assert problems == [
        "hf://acme/qa-mini:validation row 3: (item): 'prompt' is empty; write the user's "
        "request (got {...})"
    ]


def test_a_bare_hub_reference_needs_item_columns(hub):
    with pytest.raises(GoldenSetError) as err:
        load_goldenset("hf://acme/qa-mini")
    assert hub == [("acme/qa-mini", "test")]  # the default split
    assert "hf://acme/qa-mini:test: column(s) 'qid', 'question', 'answers', 'language'" in str(
        err.value
    )


def test_an_unreachable_hub_says_it_needs_the_network(monkeypatch):
    def offline(repo, split):
        raise ConnectionError("no route to huggingface.co")

    monkeypatch.setattr(datasets, "load_dataset", offline)
    with pytest.raises(GoldenSetError, match=r"reaches huggingface\.co"):
        load_goldenset("hf://acme/qa-mini:train")


@pytest.mark.parametrize("bad", ["hf://", "hf://a b/c", "hf:/acme/qa", "hf://acme/qa:"])
def test_malformed_hub_references_say_how_to_write_one(bad):
    with pytest.raises(GoldenSetError, match=r"write hf://owner/name or hf://owner/name:split"):
        parse_hub(bad)


def test_cli_validates_a_local_copy_of_a_hub_dataset_offline(tmp_path):
    # `datasets` resolves owner/name to a local folder first; nothing goes to the network
    repo = tmp_path / "acme" / "qa-items"
    repo.mkdir(parents=True)
    write_csv(repo / "validation.csv", ROWS)
    env = {"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}
    out = evalkit("validate", "hf://acme/qa-items:validation", env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "qa-items: 4 items (en=2, zh=2) - ok" in out.stdout


def test_run_takes_a_csv_and_a_hub_dataset_in_sets(tmp_path):
    from evalkit.sim import Persona, Simulator
    from evalkit.store import Store
    from tests._helpers import qa_items

    path = write_csv(tmp_path / "capitals.csv", ROWS)
    repo = tmp_path / "acme" / "qa-items"
    repo.mkdir(parents=True)
    write_csv(repo / "test.csv", [[f"h{r[0]}", f"h{r[1]}", *r[2:]] for r in ROWS])
    env = {"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}
    with Simulator([Persona(name="good")], qa_items(2)) as sim:
        out = evalkit(
            "run", "sim:good", "--sets", f"{path},hf://acme/qa-items", "--store",
            str(tmp_path / "r.duckdb"), "--no-progress",
            env={**env, "EVALKIT_SIM_URL": sim.url}, cwd=tmp_path,
        )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    with Store(tmp_path / "r.duckdb", read_only=True) as store:
        items = store.items_frame("latest")
    assert sorted(set(items["set_name"])) == ["capitals", "qa-items"]
    assert len(items) == 8 and "hq-0002-zh" in set(items["item_id"])

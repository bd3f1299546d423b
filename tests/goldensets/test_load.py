from __future__ import annotations

import datasets

from evalkit.goldensets._load import read_jsonl
from tests._helpers import qa_items, write_set


def _folder(tmp_path):
    good = [i.model_dump(mode="json", exclude_none=True) for i in qa_items(2)]
    return write_set(tmp_path / "s", [good[0], "", good[1], "{broken", good[2], good[3]])


def test_lines_come_through_datasets_with_their_line_numbers(tmp_path, monkeypatch):
    calls = []
    real = datasets.load_dataset

    def spy(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(datasets, "load_dataset", spy)
    items, problems = read_jsonl(_folder(tmp_path) / "items.jsonl")
    assert calls and calls[0][0] == "text"
    assert [li.line for li in items] == [1, 3, 5, 6]
    assert len(problems) == 1 and problems[0].split(":")[1] == "4"


def test_same_result_without_datasets(tmp_path, monkeypatch):
    path = _folder(tmp_path) / "items.jsonl"
    with_ds = read_jsonl(path)

    def broken(*args, **kwargs):
        raise OSError("read-only cache")

    monkeypatch.setattr(datasets, "load_dataset", broken)
    without = read_jsonl(path)
    assert [(li.item, li.line) for li in with_ds[0]] == [(li.item, li.line) for li in without[0]]
    assert with_ds[1] == without[1]

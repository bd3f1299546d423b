from __future__ import annotations

import json
import os

import pytest

from evalkit.errors import GoldenSetError
from evalkit.goldensets import load_goldenset
from evalkit.goldensets._load import read_jsonl
from tests._helpers import qa_items, write_set


def _folder(tmp_path):
    good = [i.model_dump(mode="json", exclude_none=True) for i in qa_items(2)]
    return write_set(tmp_path / "s", [good[0], "", good[1], "{broken", good[2], good[3]])


def test_lines_keep_their_line_numbers(tmp_path):
    items, problems = read_jsonl(_folder(tmp_path) / "items.jsonl")
    assert [li.line for li in items] == [1, 3, 5, 6]
    assert len(problems) == 1 and problems[0].split(":")[1] == "4"


def test_an_edit_that_keeps_the_mtime_is_never_served_stale(tmp_path):
    # `cp -p`, rsync and CI cache restores keep modification times; a cache keyed on path and
    # mtime (the datasets text builder) served the old content here
    good = [i.model_dump(mode="json", exclude_none=True) for i in qa_items(2)]
    folder = write_set(tmp_path / "s", good)
    path = folder / "items.jsonl"
    before = load_goldenset(folder)
    stat = os.stat(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["prompt"] = "一个全新的问题？ A brand-new question?"
    lines[0] = json.dumps(first, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = load_goldenset(folder)
    assert after.items[0].prompt == "一个全新的问题？ A brand-new question?"
    assert after.set_hash != before.set_hash


def test_a_file_that_is_not_utf8_names_the_file(tmp_path):
    folder = _folder(tmp_path)
    (folder / "items.jsonl").write_bytes("问题".encode("gb18030"))
    with pytest.raises(GoldenSetError, match=r"items\.jsonl: not UTF-8"):
        read_jsonl(folder / "items.jsonl")


def test_a_run_hashes_each_item_once_and_stores_the_same_hashes(tmp_path, monkeypatch, sim_factory):
    import evalkit as ek
    from evalkit.goldensets import GoldenItem
    from evalkit.sim import Persona
    from evalkit.store import Store

    items = qa_items(3)
    server = sim_factory([Persona(name="good")], items)
    gs = load_goldenset(write_set(tmp_path / "s", [i.model_dump(mode="json") for i in items]))
    calls: list[str] = []
    original = GoldenItem.content_hash.fget
    monkeypatch.setattr(
        GoldenItem, "content_hash", property(lambda item: calls.append(item.id) or original(item))
    )
    store = Store(":memory:")
    ek.run(f"sim:good@{server.url}", [gs], store=store)
    assert sorted(calls) == sorted(i.id for i in gs.items)  # the set hash and the items share
    stored = store.con.execute("SELECT item_id, content_hash FROM items").fetchall()
    assert dict(stored) == {i.id: original(i) for i in gs.items}

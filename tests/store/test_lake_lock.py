"""The SQLite catalog's open lock: processes creating one new catalog at once take turns."""

from __future__ import annotations

import threading
import time

from evalkit.store._lake import opening
from evalkit.store._spec import parse_store


def test_a_writer_holds_the_lock_and_a_reader_waits_for_it(tmp_path):
    spec = parse_store(f"ducklake:sqlite:{tmp_path / 'lake' / 'meta.sqlite'}")
    entered = threading.Event()
    order: list[str] = []

    def reader() -> None:
        entered.wait()
        with opening(spec, read_only=True):
            order.append("reader")

    thread = threading.Thread(target=reader)
    thread.start()
    with opening(spec, read_only=False):
        assert (tmp_path / "lake" / "meta.sqlite.lock").is_file()
        entered.set()
        time.sleep(0.3)  # the reader is blocked on the lock meanwhile
        order.append("writer done")
    thread.join(timeout=10)
    assert order == ["writer done", "reader"]


def test_a_reader_of_a_missing_catalog_creates_nothing(tmp_path):
    spec = parse_store(f"ducklake:sqlite:{tmp_path / 'none' / 'meta.sqlite'}")
    with opening(spec, read_only=True):
        pass
    assert not (tmp_path / "none").exists()


def test_other_catalogs_take_no_lock(tmp_path):
    spec = parse_store("ducklake:postgres:dbname=evalkit host=127.0.0.1")
    with opening(spec, read_only=False):
        pass
    assert list(tmp_path.iterdir()) == []

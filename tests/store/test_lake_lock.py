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


def test_an_internal_error_while_opening_is_retried_on_a_new_connection(tmp_path, monkeypatch):
    # DuckLake reading a SQLite catalog that another process is writing can fail with an
    # InternalException; the store opens a new connection, as for a FatalException
    import duckdb

    from evalkit.store import Store, _lake
    from tests.store.conftest import lake_missing

    reason = lake_missing()
    if reason:
        import pytest

        pytest.skip(reason)
    real, calls = _lake.attach, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise duckdb.InternalException("Calling GetValueInternal on a value that is NULL")
        return real(*args, **kwargs)

    monkeypatch.setattr(_lake, "attach", flaky)
    with Store(f"ducklake:sqlite:{tmp_path / 'meta.sqlite'}") as store:
        assert store.has_replies() is False
    assert len(calls) == 2

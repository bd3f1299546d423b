"""Store specs: one parser for every door; lakes need their extensions; secrets stay out."""

from __future__ import annotations

import pytest

from evalkit.errors import StoreError
from evalkit.store import DEFAULT_STORE, Store, parse_store
from tests.cli.test_cli import evalkit
from tests.store.conftest import lake_missing

PLANTED = "planted-Secret-0451"


@pytest.mark.parametrize(
    ("text", "catalog", "target"),
    [
        ("ducklake:sqlite:/data/meta.sqlite", "sqlite", "/data/meta.sqlite"),
        ("ducklake:duckdb:/data/meta.ducklake", "duckdb", "/data/meta.ducklake"),
        (
            "ducklake:postgres:dbname=evalkit host=db.internal port=5432 user=ci",
            "postgres",
            "dbname=evalkit host=db.internal port=5432 user=ci",
        ),
        ("runs/x.duckdb", None, ""),
        (":memory:", None, ""),
    ],
)
def test_every_spec_form_parses(text, catalog, target):
    spec = parse_store(text)
    assert (spec.catalog, spec.target, spec.text) == (catalog, target, text)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("ducklake:mysql:db", "catalog kind 'mysql' is not one of sqlite, postgres, duckdb"),
        ("ducklake:sqlite:", "give the catalog after ducklake:sqlite:"),
        ("ducklake:sqlite", "a DuckLake store is ducklake:sqlite:PATH"),
    ],
)
def test_a_bad_spec_says_what_is_wrong(text, needle):
    with pytest.raises(StoreError, match=needle):
        parse_store(text)


@pytest.mark.parametrize(
    "conninfo",
    [
        f"dbname=evalkit host=h user=ci password={PLANTED}",
        f"dbname=evalkit host=h user=ci PASSWORD = {PLANTED}",
        f"postgresql://ci:{PLANTED}@h/evalkit",
    ],
)
def test_a_password_in_the_spec_is_refused_without_being_echoed(conninfo):
    with pytest.raises(StoreError, match="set PGPASSWORD") as info:
        parse_store("ducklake:postgres:" + conninfo)
    assert PLANTED not in str(info.value)


def test_a_password_in_the_spec_is_refused_by_the_cli_exit_2(tmp_path):
    out = evalkit("runs", "--store", f"ducklake:postgres:dbname=x password={PLANTED}")
    assert out.returncode == 2
    assert "set PGPASSWORD" in out.stderr and PLANTED not in out.stderr + out.stdout


def test_store_and_data_path_resolve_flag_then_env_then_pyproject(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("EVALKIT_STORE", raising=False)
    monkeypatch.delenv("EVALKIT_DATA_PATH", raising=False)
    assert parse_store().text == DEFAULT_STORE
    (tmp_path / "pyproject.toml").write_text(
        "[tool.evalkit]\nstore = 'ducklake:sqlite:meta.sqlite'\ndata_path = 's3://b/p/'\n",
        encoding="utf-8",
    )
    assert (parse_store().catalog, parse_store().data_path) == ("sqlite", "s3://b/p/")
    monkeypatch.setenv("EVALKIT_STORE", "ducklake:duckdb:env.ducklake")
    monkeypatch.setenv("EVALKIT_DATA_PATH", "/env/data/")
    assert (parse_store().catalog, parse_store().data_path) == ("duckdb", "/env/data/")
    flag = parse_store("ducklake:sqlite:flag.sqlite", "/flag/data/")
    assert (flag.target, flag.data_path) == ("flag.sqlite", "/flag/data/")


def test_a_new_file_catalog_defaults_its_data_beside_itself():
    assert parse_store("ducklake:sqlite:/x/meta.sqlite").default_data_path() == (
        "/x/meta.sqlite.files/"
    )
    assert parse_store("ducklake:postgres:dbname=x").default_data_path() is None


def test_a_lake_without_its_extensions_names_what_to_install(tmp_path, monkeypatch):
    import evalkit.store._lake as lake

    monkeypatch.setattr(lake, "LAKE_DUCKDB", "0.0.1")  # as if DuckDB were another version
    with pytest.raises(StoreError, match=r"pip install 'evalkit\[lake\]'"):
        Store(f"ducklake:sqlite:{tmp_path / 'm.sqlite'}")
    assert not (tmp_path / "m.sqlite").exists()  # nothing is created on the way


@pytest.mark.skipif(lake_missing() is None, reason="the lake extensions are installed here")
def test_the_default_install_refuses_a_lake_with_the_install_hint_exit_2(tmp_path):
    out = evalkit("runs", "--store", f"ducklake:sqlite:{tmp_path / 'm.sqlite'}")
    assert out.returncode == 2
    assert "pip install 'evalkit[lake]'" in out.stderr


def test_no_secret_reaches_the_catalog_an_error_or_the_run_list(postgres, s3, tmp_path):
    env = {**s3.env, "AWS_SECRET_ACCESS_KEY": PLANTED + "-s3", "PGPASSWORD": PLANTED + "-pg"}
    bucket = s3.new_bucket()
    spec = "ducklake:postgres:" + postgres.conninfo(postgres.new_database())
    made = evalkit("run", "sim:x", "--store", spec, "--data-path", f"s3://{bucket}/e/",
                   "--limit", "1", "--sets", "factual_qa", "--no-progress",
                   env={**env, "EVALKIT_SIM_URL": "http://127.0.0.1:9"})  # fmt: skip
    listed = evalkit("runs", "--store", spec, env=env)
    assert made.returncode == 1, made.stderr  # every call refused: stored as failures
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.splitlines()) == 2  # the header and the run
    # a driver error that echoes what it was given: the database named like the secret
    failing = evalkit("runs", "--store", postgres_spec_named(postgres, PLANTED + "-pg"), env=env)
    assert failing.returncode == 2 and "[REDACTED]" in failing.stderr
    catalog = _catalog_text(spec, env)
    for out in (made, listed, failing):
        assert PLANTED not in out.stdout + out.stderr
    assert PLANTED not in catalog and "s3://" in catalog  # the data path is there, no secret


def postgres_spec_named(postgres, dbname: str) -> str:
    return "ducklake:postgres:" + postgres.conninfo(dbname)


def _catalog_text(spec: str, env: dict[str, str]) -> str:
    """Every string the lake's metadata tables hold, read through DuckDB's postgres scanner."""
    import os

    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        with Store(spec, read_only=True) as db:
            tables = db.con.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = "
                "'__ducklake_metadata_lake' AND starts_with(table_name, 'ducklake_')"
            ).fetchall()
            texts = [
                str(db.con.execute(f"SELECT CAST(COLUMNS(*) AS VARCHAR) FROM {name}").fetchall())
                for name in (f'__ducklake_metadata_lake."{s}"."{t}"' for s, t in tables)
            ]
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    assert len(texts) > 5
    return "\n".join(texts)


def test_a_file_that_is_no_sqlite_catalog_is_refused_unchanged(lake_ok, tmp_path):
    bad = tmp_path / "notes.sqlite"
    bad.write_text("笔记 notes, not a catalog\n" * 300, encoding="utf-8")
    before = bad.read_bytes()
    with pytest.raises(StoreError, match="is not a SQLite catalog"):
        Store(f"ducklake:sqlite:{bad}")
    assert bad.read_bytes() == before


def test_reading_a_missing_catalog_creates_nothing(lake_ok, tmp_path):
    with pytest.raises(StoreError, match="no store at"):
        Store(
            f"ducklake:sqlite:{tmp_path / 'meta.sqlite'}",
            read_only=True,
            data_path=str(tmp_path / "d"),
        )
    assert list(tmp_path.iterdir()) == []


def test_a_new_postgres_catalog_needs_a_data_path(postgres, monkeypatch):
    monkeypatch.delenv("EVALKIT_DATA_PATH", raising=False)
    spec = "ducklake:postgres:" + postgres.conninfo(postgres.new_database())
    with pytest.raises(StoreError, match="needs a data path: give --data-path"):
        Store(spec)

"""Many writers, one DuckLake: N concurrent `evalkit run --shard i/N --group G` processes and one
reader polling `evalkit runs`, on a PostgreSQL catalog with data on S3 (moto) and on a SQLite
catalog with data in a local folder; a DuckDB file with the shards run one after another is the
reference.

    python benchmarks/lake_writers.py --writers 4 --pairs 200 --runs 3

Needs the lake extra (``pip install -e ".[lake-dev]"``), PostgreSQL's server binaries and
``moto_server``. Every writer calls the bundled simulator (fixed 20 ms latency, concurrency 8).
Prints one JSON line per timed run (wall seconds from the first writer's start to the last
writer's exit, items/s, reader polls and failed polls, the exactly-once check) and the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from evalkit.sim import Persona, Rates, Simulator
from evalkit.sim._personas import Latency
from evalkit.store import Store, group_run_id
from tests._helpers import qa_items, write_set

EVALKIT = [sys.executable, "-m", "evalkit._cli.main"]
PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _pg(name: str) -> str:
    for folder in PG_BIN:
        if (folder / name).is_file():
            return str(folder / name)
    found = shutil.which(name)
    if not found:
        sys.exit(f"{name} not found: apt-get install postgresql")
    return found


@contextmanager
def postgres() -> Iterator[Callable[[], str]]:
    """A throw-away cluster; yields a function making a new database's conninfo."""
    folder = Path(tempfile.mkdtemp(prefix="evalkit-bench-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", _port()
    subprocess.run(
        _as_postgres([_pg("initdb"), "-D", str(data), "-U", "evalkit", "--auth=trust"]),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
    subprocess.run(
        _as_postgres(
            [
                _pg("pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(folder / "log"),
                "-w",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )

    def new_db() -> str:
        name = "bench_" + uuid.uuid4().hex[:8]
        subprocess.run(
            [_pg("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "evalkit", name], check=True
        )
        return f"dbname={name} host=127.0.0.1 port={port} user=evalkit"

    try:
        yield new_db
    finally:
        subprocess.run(
            _as_postgres([_pg("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def s3() -> Iterator[tuple[dict[str, str], Callable[[], str]]]:
    """A moto S3 server; yields the AWS_* environment and a function making a new bucket."""
    import boto3

    port = _port()
    server = Path(sys.executable).parent / "moto_server"
    proc = subprocess.Popen(
        [str(server), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env = {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench-secret",
        "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL_S3": f"http://127.0.0.1:{port}",
    }
    for _ in range(100):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    client = boto3.client(
        "s3",
        endpoint_url=env["AWS_ENDPOINT_URL_S3"],
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench-secret",
    )

    def new_bucket() -> str:
        name = "bench-" + uuid.uuid4().hex[:8]
        client.create_bucket(Bucket=name)
        return f"s3://{name}/evalkit/"

    try:
        yield env, new_bucket
    finally:
        proc.terminate()
        proc.wait()


def timed_run(
    spec: str, env: dict[str, str], writers: int, folder: Path, sim_url: str, concurrent: bool
) -> dict[str, object]:
    """N shard writers (at once, or one after another) and a reader polling `evalkit runs`."""
    group = "bench-" + uuid.uuid4().hex[:6]
    env = {**os.environ, **env, "EVALKIT_SIM_URL": sim_url}
    cmds = [
        [
            *EVALKIT,
            "run",
            "sim:bench",
            "--sets",
            str(folder),
            "--store",
            spec,
            "--shard",
            f"{i}/{writers}",
            "--group",
            group,
            "--no-progress",
            "--no-cache",
            "--concurrency",
            "8",
        ]
        for i in range(1, writers + 1)
    ]
    polls = failed = early = 0
    start = time.perf_counter()
    if concurrent:
        procs = [
            subprocess.Popen(
                c, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
            )
            for c in cmds
        ]
        while any(p.poll() is None for p in procs):
            out = subprocess.run(
                [*EVALKIT, "runs", "--store", spec], env=env, capture_output=True, text=True
            )
            polls += 1
            if out.returncode != 0 and out.stderr.strip():
                # before the first writer has created the lake's schema a reader finds none
                not_yet = "no store" in out.stderr or "schema version 0" in out.stderr
                early += not_yet
                failed += not not_yet
                if not not_yet:
                    print(out.stderr.strip().splitlines()[-1], file=sys.stderr)
        errors = [p.communicate()[1] for p in procs if p.returncode != 0]
    else:
        errors = [
            r.stderr
            for c in cmds
            if (r := subprocess.run(c, env=env, capture_output=True, text=True)).returncode
        ]
    wall = time.perf_counter() - start
    os.environ.update({k: v for k, v in env.items() if k.startswith("AWS_")})
    with Store(spec, read_only=True) as db:
        run_id = group_run_id(group, "bench")
        n, distinct = db.con.execute(
            "SELECT count(*), count(DISTINCT (item_id, repeat)) FROM responses WHERE run_id = ?",
            [run_id],
        ).fetchone() or (0, 0)
        status = db.run(run_id).status
    return {
        "wall_s": round(wall, 2),
        "items": n,
        "items_per_s": round(n / wall, 1),
        "exactly_once": n == distinct,
        "status": status,
        "writer_errors": len(errors),
        "reader_polls": polls,
        "reader_before_schema": early,
        "reader_failures": failed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--pairs", type=int, default=200, help="en/zh pairs (2 items each)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kinds", default="duckdb-file,sqlite-folder,postgres-s3")
    args = parser.parse_args()
    items = qa_items(args.pairs)
    tmp = Path(tempfile.mkdtemp(prefix="evalkit-bench-lake-"))
    folder = write_set(tmp / "qa", [i.model_dump(mode="json", exclude_none=True) for i in items])
    persona = Persona(
        name="bench", rates=Rates(accuracy=0.9, hallucination=0.05), latency=Latency(median_ms=20)
    )
    kinds = args.kinds.split(",")
    with Simulator([persona], items) as sim, postgres() as new_db, s3() as (s3_env, new_bucket):
        for kind in kinds:
            results = []
            for k in range(args.runs):
                if kind == "duckdb-file":
                    spec, env, concurrent = str(tmp / f"file{k}.duckdb"), {}, False
                elif kind == "sqlite-folder":
                    spec, env, concurrent = f"ducklake:sqlite:{tmp / f'lake{k}.sqlite'}", {}, True
                else:
                    spec = "ducklake:postgres:" + new_db()
                    env = {**s3_env, "EVALKIT_DATA_PATH": new_bucket()}
                    concurrent = True
                result = timed_run(spec, env, args.writers, folder, sim.url, concurrent)
                results.append(result)
                print(json.dumps({"kind": kind, "run": k, **result}), flush=True)
            walls = [float(r["wall_s"]) for r in results]  # type: ignore[arg-type]
            rates = [float(r["items_per_s"]) for r in results]  # type: ignore[arg-type]
            print(
                json.dumps(
                    {
                        "kind": kind,
                        "median_wall_s": statistics.median(walls),
                        "median_items_per_s": statistics.median(rates),
                        "all_exactly_once": all(r["exactly_once"] for r in results),
                        "writers": args.writers,
                        "items": len(items),
                    }
                ),
                flush=True,
            )
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

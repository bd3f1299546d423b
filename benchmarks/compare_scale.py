"""Compare at scale: `evalkit compare` of two synthetic N-item runs, whole process.

The runs are written through the store API (`Store.create_run`, `add_items`, `write_batch`):
the built-in golden sets (1,578 items, seven tasks, en/zh pairs) are replicated with new ids
until there are N items; every item gets a reply and its task's headline metrics plus two other
metrics (three or four score rows per item, as real runs have). The candidate agrees with the
baseline on most items and is 2 points worse on average.

    python benchmarks/compare_scale.py --items 10000 --repeats 3
    python benchmarks/compare_scale.py --items 100000 --repeats 3 --store /tmp/big.duckdb
    .venv-lake/bin/python benchmarks/compare_scale.py --items 10000 \
        --store ducklake:sqlite:/tmp/lake10k/meta.sqlite   # the same on a DuckLake store

Prints one JSON line per timed run (wall seconds, peak RSS of the compare process in MB, the
verdict) and the medians. The store is built once and kept (pass --store to reuse it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from evalkit.goldensets import load_goldensets
from evalkit.store import ResponseRow, RunRecord, ScoreRow, Store, utcnow
from evalkit.tasks import HEADLINE_METRICS

EXTRA_METRICS = ("abstained", "hallucinated")
SEED = 20261203
EVALKIT = str(Path(sys.executable).parent / "evalkit")


def build(path: str, n_items: int) -> None:
    """Write runs ``base`` and ``cand`` of ``n_items`` items into a new store at ``path``."""
    builtin = load_goldensets()
    per_copy = sum(len(gs) for gs in builtin)
    copies = -(-n_items // per_copy)
    sets = []
    left = n_items
    for k in range(copies):
        for gs in builtin:
            items = tuple(
                it.model_copy(update={"id": f"{it.id}~{k}", "pair_id": f"{it.pair_id}~{k}"})
                for it in gs.items[: max(left, 0)]
            )
            left -= len(items)
            if items:
                sets.append(replace(gs, name=f"{gs.name}~{k}", items=items))
    rng = np.random.default_rng(SEED)
    items = [it for gs in sets for it in gs.items]
    skill = rng.normal(0.0, 1.0, len(items))
    with Store(path) as store:
        for name, shift in (("base", 0.0), ("cand", 0.08)):
            run_id = f"bench-{name}"
            store.create_run(
                RunRecord(
                    run_id=run_id, name=name, target_name=name, target_kind="model",
                    target_json="{}", goldensets_json="{}", config_json="{}",
                    evalkit_version="bench", git_sha=None, git_branch=None, repeats=1,
                    status="finished", n_items=len(items), created_at=utcnow(),
                )
            )  # fmt: skip
            store.add_items(run_id, sets)
            noise = rng.normal(0.0, 1.0, len(items))
            passed = (0.6 * skill + 0.8 * noise - shift) > -0.9
            now = utcnow()
            responses, scores = [], []
            for it, ok in zip(items, passed, strict=True):
                responses.append(
                    ResponseRow(
                        run_id=run_id, item_id=it.id, repeat=0, request_hash=f"{name}:{it.id}",
                        target_name=name, text="ok" if ok else "no", cached=False, attempts=1,
                        created_at=now, latency_ms=100.0, cost=0.0001, currency="USD",
                    )
                )  # fmt: skip
                for metric in (*HEADLINE_METRICS[it.task], *EXTRA_METRICS):
                    if metric == "chrf":
                        row = ScoreRow(
                            run_id=run_id, item_id=it.id, repeat=0, metric=metric, kind="num",
                            signature="chrf|bench", value_num=80.0 if ok else 30.0,
                        )  # fmt: skip
                    else:
                        row = ScoreRow(
                            run_id=run_id, item_id=it.id, repeat=0, metric=metric, kind="bool",
                            signature=f"{metric}|bench", value_bool=bool(ok),
                        )  # fmt: skip
                    scores.append(row)
            store.write_batch(responses, [], scores)


def time_compare(path: str) -> dict[str, object]:
    """One whole-process `evalkit compare`: wall time and the child's peak RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    out = subprocess.run(
        [EVALKIT, "compare", "base", "cand", "--store", str(path), "--format", "json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if out.returncode not in (0, 1, 3):
        raise SystemExit(out.stderr)
    verdict = json.loads(out.stdout)["verdict"]
    # ru_maxrss of children is the max over all children so far: run each timing in a fresh
    # process of this script (see main) to read one compare's peak
    return {"wall_s": round(wall, 3), "peak_rss_mb": round(max(peak, before) / 1024, 1),
            "verdict": verdict}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3, help="timed compares")
    parser.add_argument("--store", default=None, help="a DuckDB file or a ducklake: spec")
    parser.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    path = args.store or f"/tmp/evalkit-compare-{args.items}.duckdb"
    if args.once:  # one timed compare in this fresh process (clean ru_maxrss of children)
        print(json.dumps(time_compare(path)))
        return
    tag = hashlib.sha256(path.encode()).hexdigest()[:12]
    built = Path(f"/tmp/evalkit-compare-{args.items}-{tag}.built")  # a lake has no single file
    if not (Path(path).exists() or built.exists()):
        start = time.perf_counter()
        build(path, args.items)
        built.touch()
        print(f"built {path} ({args.items} items per run) in {time.perf_counter() - start:.1f}s")
    results = []
    for _ in range(args.repeats):
        line = subprocess.run(
            [sys.executable, __file__, "--items", str(args.items), "--store", str(path), "--once"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        print(line)
        results.append(json.loads(line))
    print(
        json.dumps({
            "items": args.items,
            "median_wall_s": statistics.median(r["wall_s"] for r in results),
            "median_peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in results),
        })
    )  # fmt: skip


if __name__ == "__main__":
    main()

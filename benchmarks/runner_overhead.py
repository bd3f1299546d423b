"""Runner overhead: N items, concurrency C, against the simulator at a fixed latency.

The floor is N x latency / C (the time the simulated network alone needs). The simulator runs in a
separate process so the CPU figure is the runner's own (SDK, scoring, DuckDB ingest); with
``--workers N`` the calls are made in N worker processes, and the CPU figure adds theirs (and
``worker_cpu_s`` says how much of it was theirs).

    python benchmarks/runner_overhead.py --n 2000 --concurrency 50 --latency-ms 100 --runs 5
    python benchmarks/runner_overhead.py --n 2000 --concurrency 50 --latency-ms 100 --runs 3 \
        --workers 2
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests._helpers import qa_items, write_set  # noqa: E402


def start_sim(folder: Path, personas: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "evalkit._cli.main",
            "sim",
            "serve",
            "--port",
            str(port),
            "--personas",
            str(personas),
            "--sets",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("simulator did not start")


def one_run(
    folder: Path, port: int, n: int, concurrency: int, workers: int, db: Path
) -> tuple[float, float, float]:
    """(wall, CPU of this process and its workers, CPU of the workers alone) of one run."""
    import evalkit as ek
    from evalkit.goldensets import load_goldenset
    from evalkit.targets import parse_target

    spec = parse_target(f"sim:bench@http://127.0.0.1:{port}")
    sets = [load_goldenset(folder)]
    wall0, cpu0, kids0 = time.perf_counter(), time.process_time(), _children_cpu()
    result = ek.run(
        spec, sets, store=str(db), concurrency=concurrency, use_cache=False, progress=False,
        workers=workers,
    )  # fmt: skip
    wall, kids = time.perf_counter() - wall0, _children_cpu() - kids0
    cpu = time.process_time() - cpu0 + kids
    assert result.summary.called == n, result.summary
    result.store.close()
    return wall, cpu, kids


def _process_cpu(pid: int) -> float:
    """CPU seconds of a running process (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    """CPU seconds of this process's finished children (the workers; the simulator still runs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--latency-ms", type=float, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--workers", type=int, default=1, help="worker processes (1: in-process)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="evalkit-bench-"))
    items = qa_items(args.n // 2)
    folder = write_set(tmp / "bench", [i.model_dump(mode="json", exclude_none=True) for i in items])
    personas = tmp / "personas.yaml"
    personas.write_text(
        yaml.safe_dump(
            {
                "personas": [
                    {"name": "bench", "latency": {"dist": "fixed", "median_ms": args.latency_ms}}
                ]
            }
        )
    )
    sim = start_sim(folder, personas, args.port)
    floor = args.n * args.latency_ms / 1000 / args.concurrency
    walls, cpus, worker_cpus, sim_cpus = [], [], [], []
    try:
        for k in range(args.runs):
            db = tmp / f"b{k}.duckdb"
            sim0 = _process_cpu(sim.pid)
            wall, cpu, kids = one_run(folder, args.port, args.n, args.concurrency, args.workers, db)
            sim_cpus.append(_process_cpu(sim.pid) - sim0)
            walls.append(wall)
            cpus.append(cpu)
            worker_cpus.append(kids)
            print(
                f"run {k + 1}: wall {wall:.2f}s cpu {cpu:.2f}s (workers {kids:.2f}s) "
                f"simulator cpu {sim_cpus[-1]:.2f}s ratio {wall / floor:.2f}",
                flush=True,
            )
    finally:
        sim.terminate()
    out = {
        "n": args.n,
        "concurrency": args.concurrency,
        "latency_ms": args.latency_ms,
        "floor_s": floor,
        "median_wall_s": statistics.median(walls),
        "median_cpu_s": statistics.median(cpus),
        "median_worker_cpu_s": statistics.median(worker_cpus),
        "median_simulator_cpu_s": statistics.median(sim_cpus),
        "ratio": statistics.median(walls) / floor,
        "runs": args.runs,
        "workers": args.workers,
        "cores": os.cpu_count(),
        "load_avg_1m": os.getloadavg()[0],
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

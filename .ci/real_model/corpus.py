"""Ask a real local model (llama.cpp's OpenAI-compatible server) a stratified sample of the built-in
golden sets and store the replies, unlabelled, as a self-contained JSONL corpus.

No evalkit scoring runs here and no grade is stored: the corpus is labelled blind later. The
request for an item is built exactly as evalkit builds it (`GoldenItem.chat_messages()` in
evalkit/goldensets/_schema.py: the system message if any, then the messages, or the context and
the prompt joined by a blank line as one user turn); that logic is repeated here so the script
needs nothing but the standard library.

Sample (fixed seed): per task 24 pairs, stratified over (expected_behavior, category) with
proportional allocation, both languages of each pair (24 en + 24 zh); code_mixed has no pairs
(lang "mixed"): 24 items tagged matrix:en and 24 tagged matrix:zh, stratified over category.
Split: "dev" or "heldout" by a seeded hash of the pair_id, so en and zh of a pair share a split:
within each (task, expected_behavior) group of the sample (code_mixed: each matrix language) the
pairs are ordered by that hash and the first 60% are dev, so every behaviour has a held-out part.

    python3 .ci/real_model/corpus.py --url http://127.0.0.1:PORT/v1 \\
        --model-name qwen2.5-coder-0.5b-instruct-q4_k_m --server "llama-cpp-python 0.3.16" \\
        --out tests/data/real_replies/qwen2.5-coder-0.5b-instruct-q4_k_m.jsonl

Re-running continues where it stopped (ids already in --out are skipped).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SEED = 20261203
PER_LANG = 24
DEV_SHARE = 60  # percent
TASKS = (
    "factual_qa",
    "grounded_qa",
    "refusal",
    "code_mixed",
    "classification",
    "translation",
    "instruction_following",
)
PARAMS = {"temperature": 0.0, "max_tokens": 256, "seed": 0}


def load(task: str) -> tuple[list[dict], str]:
    folder = REPO / "goldensets" / task
    lines = (folder / "items.jsonl").read_text(encoding="utf-8").splitlines()
    version = "unknown"
    for line in (folder / "manifest.yaml").read_text(encoding="utf-8").splitlines():
        if line.startswith("version:"):
            version = line.split(":", 1)[1].strip()
    return [json.loads(line) for line in lines if line.strip()], version


def allocate(sizes: dict[tuple, int], n: int) -> dict[tuple, int]:
    """Proportional allocation of n over strata (largest remainder), capped by stratum size."""
    total = sum(sizes.values())
    n = min(n, total)
    quota = {k: n * v / total for k, v in sizes.items()}
    take = {k: min(sizes[k], int(q)) for k, q in quota.items()}
    order = sorted(sizes, key=lambda k: (-(quota[k] - int(quota[k])), k))
    while sum(take.values()) < n:
        for k in order:
            if sum(take.values()) < n and take[k] < sizes[k]:
                take[k] += 1
    return take


def stratified(units: list[list[dict]], rng: random.Random, n: int) -> list[list[dict]]:
    """n units (a pair, or one item) stratified over the first item's behaviour and category."""
    strata: dict[tuple, list[list[dict]]] = defaultdict(list)
    for unit in units:
        first = unit[0]
        strata[(first["expected_behavior"], first.get("category") or "")].append(unit)
    for key in sorted(strata):
        rng.shuffle(strata[key])
    take = allocate({k: len(v) for k, v in strata.items()}, n)
    chosen = [u for k in sorted(strata) for u in strata[k][: take[k]]]
    return sorted(chosen, key=lambda u: u[0]["id"])


def sample(task: str, items: list[dict]) -> list[dict]:
    rng = random.Random(f"{SEED}:{task}")
    if task == "code_mixed":
        out = []
        for frame in ("matrix:en", "matrix:zh"):
            units = [[i] for i in items if frame in i.get("tags", [])]
            out += [u[0] for u in stratified(units, rng, PER_LANG)]
        return out
    pairs: dict[str, list[dict]] = defaultdict(list)
    for item in items:
        pairs[item["pair_id"]].append(item)
    units = [sorted(p, key=lambda i: i["lang"]) for p in pairs.values() if len(p) == 2]
    return [i for u in stratified(units, rng, PER_LANG) for i in u]


def pair_hash(pair_id: str) -> str:
    return hashlib.sha256(f"{SEED}:{pair_id}".encode()).hexdigest()


def splits(chosen: list[tuple[str, str, dict]]) -> dict[str, str]:
    """pair_id -> "dev" | "heldout", 60/40 within each (task, behaviour, frame) group."""
    groups: dict[tuple, set[str]] = defaultdict(set)
    for task, _, item in chosen:
        frame = [t for t in item.get("tags", []) if t.startswith("matrix:")]
        groups[(task, item["expected_behavior"], *frame)].add(item["pair_id"])
    out = {}
    for pair_ids in groups.values():
        ranked = sorted(pair_ids, key=pair_hash)
        n_dev = round(len(ranked) * DEV_SHARE / 100)
        out.update({p: "dev" if i < n_dev else "heldout" for i, p in enumerate(ranked)})
    return out


def chat_messages(item: dict) -> list[dict[str, str]]:
    """Exactly `GoldenItem.chat_messages()`."""
    out = []
    if item.get("system"):
        out.append({"role": "system", "content": item["system"]})
    if item.get("messages") is not None:
        out.extend({"role": m["role"], "content": m["content"]} for m in item["messages"])
    else:
        user = item.get("prompt") or ""
        if item.get("context"):
            user = f"{item['context']}\n\n{user}"
        out.append({"role": "user", "content": user})
    return out


def ask(url: str, model: str, messages: list[dict], timeout: float) -> tuple[dict, float]:
    body = json.dumps({"model": model, "messages": messages, **PARAMS}).encode()
    req = urllib.request.Request(
        url.rstrip("/") + "/chat/completions",
        data=body,
        headers={"content-type": "application/json"},
    )
    start = time.perf_counter()
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        data = json.loads(resp.read())
    return data, (time.perf_counter() - start) * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", required=True, help="llama.cpp server base URL, ending in /v1")
    ap.add_argument("--model-name", required=True, help="stored as `model`, and sent")
    ap.add_argument("--server", required=True, help='stored as `server`: "llama-cpp-python X.Y.Z"')
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--dry-run", action="store_true", help="print the sample, ask nothing")
    args = ap.parse_args()

    chosen = []
    for task in TASKS:
        items, version = load(task)
        chosen += [(task, version, i) for i in sample(task, items)]
    split_of = splits(chosen)
    if args.dry_run:
        counts = defaultdict(int)
        for task, _, i in chosen:
            counts[(task, i["lang"], i["expected_behavior"], split_of[i["pair_id"]])] += 1
        for k in sorted(counts):
            print(*k, counts[k])
        print(len(chosen), "items")
        return 0

    prefix = args.model_name.split("-instruct")[0]
    done = set()
    if args.out.exists():
        done = {json.loads(line)["id"] for line in args.out.read_text(encoding="utf-8").splitlines()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with args.out.open("a", encoding="utf-8") as out:
        for n, (task, version, item) in enumerate(chosen, 1):
            cid = f"{prefix}:{item['id']}"
            if cid in done:
                continue
            messages = chat_messages(item)
            data, latency = ask(args.url, args.model_name, messages, args.timeout)
            choice = data["choices"][0]
            record = {
                "id": cid,
                "item": item,
                "set_version": version,
                "messages": messages,
                "model": args.model_name,
                "server": args.server,
                "params": PARAMS,
                "reply": choice["message"].get("content") or "",
                "finish_reason": choice.get("finish_reason"),
                "usage": data.get("usage"),
                "latency_ms": round(latency, 1),
                "split": split_of[item["pair_id"]],
                "label": "",
                "label_rationale": "",
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()
            el = time.perf_counter() - t0
            print(f"[{n}/{len(chosen)}] {cid} {record['finish_reason']} "
                  f"{(data.get('usage') or {}).get('completion_tokens')} tok {latency / 1000:.1f}s "
                  f"(elapsed {el:.0f}s)", file=sys.stderr, flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

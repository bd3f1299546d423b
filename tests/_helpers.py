from __future__ import annotations

import json
from pathlib import Path

import yaml

from evalkit.goldensets import GoldenItem, GoldenSet, Manifest


def make_set(items: list[GoldenItem], name: str = "tiny", task: str = "factual_qa") -> GoldenSet:
    manifest = Manifest(version="t1", name=name, task=task, description="test set")  # type: ignore[arg-type]
    return GoldenSet(name, "t1", manifest, tuple(items), Path("."))


def qa_items(n: int) -> list[GoldenItem]:
    """n en/zh pairs of simple factual items."""
    out = []
    for i in range(n):
        answers = [f"ans{i:03d}", f"答案{i:03d}"]
        out.append(
            GoldenItem(
                id=f"q-{i:04d}-en",
                pair_id=f"q-{i:04d}",
                task="factual_qa",
                lang="en",
                prompt=f"What is thing number {i}?",
                reference={"answers": answers},
            )
        )
        out.append(
            GoldenItem(
                id=f"q-{i:04d}-zh",
                pair_id=f"q-{i:04d}",
                task="factual_qa",
                lang="zh",
                prompt=f"第{i}号东西是什么？",
                reference={"answers": answers},
            )
        )
    return out


def write_set(
    folder: Path, lines: list[dict | str], task: str = "factual_qa", min_per_lang: int = 0
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {
        "version": "1",
        "name": folder.name,
        "task": task,
        "description": "d",
        "min_per_lang": min_per_lang,
    }
    (folder / "manifest.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
    with (folder / "items.jsonl").open("w", encoding="utf-8") as fh:
        for line in lines:
            fh.write(
                (line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n"
            )
    return folder

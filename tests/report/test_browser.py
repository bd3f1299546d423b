"""The report in a real headless Chromium: it draws its charts and never runs planted scripts."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from evalkit.comparison import compare_runs
from evalkit.report import write_html
from tests.report._png import Image, read_png

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
PWN = "<script>document.title='PWNED'</script><img src=x onerror=\"document.title='PWNED'\">"
RED, BLUE, ORANGE = (214, 39, 40), (31, 119, 180), (255, 127, 14)
GREEN = (44, 160, 44)  # the forest legend's "better" swatch
WEAK_CHIP, INCONCLUSIVE_BADGE = (255, 244, 214), (178, 106, 0)
BADGE_RIGHT_EDGE = 200  # the FAIL badge is red too; chart marks lie right of it


def _chromium() -> str:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", "chromium", "google-chrome"):
        found = candidate and shutil.which(candidate)
        if found:
            return found
    pytest.skip("no chromium binary (set CHROMIUM or `apt-get install -y chromium`)")


def _browse(tmp_path: Path, *args: str) -> str:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    cmd = [_chromium(), *FLAGS, f"--user-data-dir={profile}", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


def _colours(image: Image, x_min: int = 0) -> Counter[tuple[int, int, int]]:
    counts: Counter[tuple[int, int, int]] = Counter()
    for y in range(0, image.height, 2):
        for x in range(x_min, image.width, 2):
            counts[image.pixel(x, y)] += 1
    return counts


def _title(dom: str) -> str:
    match = re.search(r"<title>(.*?)</title>", dom, re.S)
    assert match, "dumped DOM has no title"
    return match.group(1)


def test_screenshot_shows_the_charts(pair, tmp_path):
    cmp, store = pair
    report = write_html(cmp, tmp_path / "report.html", store)
    png = tmp_path / "shot.png"
    _browse(tmp_path, f"--screenshot={png}", "--window-size=1400,2400", report.as_uri())
    assert png.exists() and png.stat().st_size > 20_000
    image = read_png(png)
    assert (image.width, image.height) == (1400, 2400)
    right = _colours(image, x_min=BADGE_RIGHT_EDGE)
    assert right[RED] > 50, "no failing slice drawn in red in the forest plot"
    assert right[BLUE] > 500 and right[ORANGE] > 500, "no latency bars for both runs"


def test_browser_detects_a_script_that_runs(tmp_path):
    """Control: an unescaped script does change the title, so the next test can see it."""
    page = tmp_path / "control.html"
    page.write_text(f"<!DOCTYPE html><html><head><title>ok</title></head><body>{PWN}</body></html>")
    assert _title(_browse(tmp_path, "--dump-dom", page.as_uri())) == "PWNED"


def test_planted_script_in_an_answer_never_runs(build, tmp_path):
    cmp, store = build(PWN)  # planted in a reply, the item's prompt and its reference
    report = write_html(cmp, tmp_path / "report.html", store, title="safe")
    dom = _browse(tmp_path, "--dump-dom", report.as_uri())
    assert _title(dom) == "safe"
    assert "<script" not in dom.lower() and "<img" not in dom.lower()
    assert dom.count("&lt;script&gt;document.title='PWNED'&lt;/script&gt;") >= 3
    # the Chinese of the prompt and both replies reaches the rendered page intact
    assert "第0号东西是什么？&lt;script&gt;" in dom
    assert "错误答案7" in dom and "北京是中国的首都。" in dom


def test_screenshot_shows_the_summary_strip_and_the_legend(pair, tmp_path):
    _, store = pair
    same = compare_runs(store, "base", "twin")  # INCONCLUSIVE: underpowered chips, no FAIL
    assert not same.warnings and len(same.underpowered)
    report = write_html(same, tmp_path / "strip.html", store)
    png = tmp_path / "strip.png"
    _browse(tmp_path, f"--screenshot={png}", "--window-size=1400,1400", report.as_uri())
    colours = _colours(read_png(png))
    assert colours[INCONCLUSIVE_BADGE] > 50, "no INCONCLUSIVE badge at the top"
    assert colours[WEAK_CHIP] > 200, "no underpowered chip in the summary strip"
    assert colours[GREEN] > 10, "no legend under the forest plot"

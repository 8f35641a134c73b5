"""The HTML report as a browser draws it: headless Chromium renders index.html to a PNG
(.ci/run installs Debian's `chromium` when it is missing), and the test reads the pixels
back (tests/png.py): the page is not blank, both heat maps are drawn in the band
colours, and the posture charts have their points.

Locally, without Chromium, the test is skipped with the reason; under CI (CI=true) a
missing Chromium fails it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from checker.report.svg import POINT, band_colours
from tests import png
from tests.commands.test_report import TODAY, history_repo
from tests.conftest import Cli

ROOT = Path(__file__).resolve().parents[1]
WINDOW = (1200, 2600)
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI") == "true":
        pytest.fail("Chromium is missing: .ci/run installs it (apt-get install chromium)")
    pytest.skip("Chromium is not installed (apt-get install chromium); CI runs this test")


def screenshot(html: Path, target: Path, window: tuple[int, int] = WINDOW) -> None:
    """index.html as Chromium draws it, at 1 CSS pixel per pixel."""
    done = subprocess.run(
        [
            browser(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--force-device-scale-factor=1", "--no-first-run", "--disable-extensions",
            f"--window-size={window[0]},{window[1]}", f"--screenshot={target}",
            html.resolve().as_uri(),
        ],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "HOME": str(target.parent)},
    )  # fmt: skip
    assert done.returncode == 0 and target.is_file(), done.stderr


def rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


@pytest.mark.slow
def test_chromium_draws_the_heat_maps_and_the_posture(tmp_path: Path, cli: Cli) -> None:
    repo = history_repo(tmp_path / "repo")
    out = tmp_path / "out"
    assert cli("report", str(repo.path), "--out", str(out), "--today", TODAY).code == 0
    shot = tmp_path / "page.png"
    screenshot(out / "index.html", shot)
    image = png.read(shot.read_bytes())
    assert (image.width, image.height) == WINDOW

    counts: Counter[tuple[int, int, int]] = Counter()
    columns: dict[tuple[int, int, int], set[int]] = {}
    point = rgb(POINT)
    for y in range(image.height):
        row = image.rows[y]
        for x in range(image.width):
            pixel = (row[3 * x], row[3 * x + 1], row[3 * x + 2])
            counts[pixel] += 1
            if pixel == point:
                columns.setdefault(pixel, set()).add(x // 20)

    white = counts[(255, 255, 255)]
    assert white < 0.97 * image.width * image.height, "the page is blank"

    # every band's colour fills at least three heat-map cells' worth of pixels (a cell is
    # 62 x 62 pixels; the small chips of the legend and tables stay far below that)
    cell = 62 * 62
    for band, colour in band_colours(["Low", "Medium", "High", "Critical"]).items():
        assert counts[rgb(colour)] >= 3 * cell, f"band {band}: {counts[rgb(colour)]} pixels"

    # the posture points (a colour nothing else uses) at several places on the time axis
    assert counts[point] >= 5 * 3 * 20, counts[point]
    assert len(columns.get(point, set())) >= 4


@pytest.mark.slow
def test_chromium_prints_it_on_a4(tmp_path: Path, cli: Cli) -> None:
    repo = history_repo(tmp_path / "repo")
    out = tmp_path / "out"
    assert cli("report", str(repo.path), "--out", str(out), "--today", TODAY).code == 0
    pdf = tmp_path / "page.pdf"
    done = subprocess.run(
        [browser(), "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", (out / "index.html").resolve().as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "HOME": str(tmp_path)},
    )  # fmt: skip
    assert done.returncode == 0 and pdf.is_file(), done.stderr
    data = pdf.read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert boxes and all(
        (round(float(w)), round(float(h))) == (595, 842) for w, h in boxes
    )  # A4 in points (the page's @page rule)
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 3  # sections start new pages


def test_the_readme_shows_the_example_report() -> None:
    picture = ROOT / "docs" / "report-example.png"
    image = png.read(picture.read_bytes())
    assert image.width >= 800 and image.height >= 800
    assert "docs/report-example.png" in (ROOT / "README.md").read_text(encoding="utf-8")


EXAMPLE_TODAY = "2026-12-02"


def main(argv: list[str]) -> int:
    """`python -m tests.test_report_render docs/report-example.png`: the README's picture,
    the example ISMS's report as Chromium draws it."""
    import tempfile

    from checker.main import main as isms_check

    target = Path(argv[0] if argv else ROOT / "docs" / "report-example.png")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report"
        args = ["report", str(ROOT / "examples"), "--out", str(out), "--format", "html"]
        code = isms_check([*args, "--today", EXAMPLE_TODAY, "--no-cache"])
        if code != 0:
            return code
        screenshot(out / "index.html", Path(tmp) / "page.png", (1200, 2400))
        shutil.copy(Path(tmp) / "page.png", target)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))

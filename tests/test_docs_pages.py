"""The docs pages that show commands with their output show what the commands print
(tests/docs_sessions.py runs them)."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest

from tests.docs_sessions import run_page

DOCS = Path(__file__).resolve().parents[1] / "docs"
TODAY = datetime.date(2026, 12, 1)
PAGES = ["getting-started.md", "waivers.md", "custom-rules.md"]


@pytest.mark.parametrize("name", PAGES)
def test_page_output_is_real(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    update = os.environ.get("ISMS_DOCS_UPDATE") == "1"
    problems = run_page(DOCS / name, tmp_path, monkeypatch, capsys, TODAY, update)
    assert not problems, "\n\n".join(problems) + (
        "\n\n(ISMS_DOCS_UPDATE=1 writes the outputs into the page)" if not update else ""
    )

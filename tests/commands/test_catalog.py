"""`isms-check catalog`: the built-in Annex A catalog, or an ISMS's own, in three formats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.conftest import Cli

ROOT = Path(__file__).resolve().parents[2]


def test_text_json_and_csv_agree(cli: Cli) -> None:
    text = cli("catalog")
    assert text.code == 0
    lines = text.out.splitlines()
    assert len(lines) == 93
    assert lines[0].split()[:2] == ["A.5.1", "Organizational"]
    rows = json.loads(cli("catalog", "--format", "json").out)
    assert rows[0] == {
        "id": "A.5.1",
        "theme": "Organizational",
        "title": "Policies for information security",
    }
    table = list(csv.DictReader(io.StringIO(cli("catalog", "--format", "csv").out)))
    assert table == rows
    assert {r["theme"] for r in rows} == {"Organizational", "People", "Physical", "Technological"}


def test_an_isms_with_its_own_catalog(cli: Cli) -> None:
    rows = json.loads(cli("catalog", str(ROOT / "tests/cases/base"), "--format", "json").out)
    assert rows and all(set(r) == {"id", "theme", "title"} for r in rows)
    assert cli("catalog", "/nonexistent").code == 2

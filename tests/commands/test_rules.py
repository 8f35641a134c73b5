"""`isms-check rules [PATH]`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from checker.commands import rules
from tests.conftest import Cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_lists_the_built_in_rules_sorted(cli: Cli) -> None:
    code, out, _ = cli("rules")
    assert code == 0
    ids = [line.split()[0] for line in out.splitlines()]
    assert "RT-002" in ids and "ISMS-PARSE" in ids and ids == sorted(ids)
    rt002 = next(line for line in out.splitlines() if line.startswith("RT-002 "))
    assert "error" in rt002 and "[ISO/IEC 27001:2022 6.1.3 e" in rt002


def test_rules_of_an_isms_include_its_own(cli: Cli) -> None:
    code, out, _ = cli("rules", str(EXAMPLES))
    assert code == 0 and "ORG-001" in out


def test_json(cli: Cli) -> None:
    code, out, _ = cli("rules", "--format", "json")
    rows = json.loads(out)
    assert code == 0
    assert list(rows[0]) == ["id", "severity", "title", "resource", "references", "source"]
    assert {r["id"] for r in rows} >= {"RT-002", "ISMS-PARSE"}


def test_parse_then_execute(capsys: pytest.CaptureFixture[str]) -> None:
    options = rules.parse(argparse.Namespace(path=str(EXAMPLES), format="text"))
    assert options == rules.RulesOptions(EXAMPLES, "text")
    assert rules.execute(options) == 0
    assert "ORG-001" in capsys.readouterr().out

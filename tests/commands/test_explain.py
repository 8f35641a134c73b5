"""`isms-check explain RULE [PATH]` (every built-in rule's page: tests/test_rule_docs.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.commands import explain
from tests.conftest import Cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_sections(cli: Cli) -> None:
    code, out, _ = cli("explain", "rt-002")
    assert code == 0
    for section in (
        "What it checks",
        "Expression (CEL)",
        "Why it matters",
        "How to fix it",
        "Example",
    ):
        assert section in out
    assert "6.1.3 e" in out
    assert out.startswith("RT-002: ")


def test_unknown_rule_exits_2(cli: Cli) -> None:
    code, out, err = cli("explain", "XX-1")
    assert code == 2 and out == ""
    assert "no rule XX-1" in err and "isms-check rules" in err


def test_an_isms_own_rule(cli: Cli) -> None:
    code, out, _ = cli("explain", "ORG-001", str(EXAMPLES))
    assert code == 0 and out.startswith("ORG-001: ")
    assert "defined in: examples/policies/org.yaml:" in out
    assert cli("explain", "ORG-001").code == 2  # not a built-in rule


def test_long_expressions_break_before_operators() -> None:
    expression = " && ".join(f"risk.field_{n} != null" for n in range(6))
    lines = explain._code("  check: ", expression).splitlines()
    assert lines[0].startswith("  check: risk.field_0")
    assert all(line.startswith("           && ") for line in lines[1:]) and len(lines) == 6


def test_execute_without_argparse(capsys: pytest.CaptureFixture[str]) -> None:
    assert explain.execute(explain.ExplainOptions("st-006")) == 0
    assert capsys.readouterr().out.startswith("ST-006: ")


def test_an_isms_own_rule_shows_its_tests_as_examples(cli: Cli, tmp_path: Path) -> None:
    import shutil

    isms = tmp_path / "isms"
    shutil.copytree(EXAMPLES, isms)
    (isms / "policies" / "tests").mkdir(exist_ok=True)  # the example has its own
    (isms / "policies" / "tests" / "org.test.yaml").write_text(
        "tests:\n"
        "  - name: an intern may not own a critical risk\n"
        "    rule: ORG-001\n"
        "    today: 2026-11-01\n"
        "    fail: []\n",
        encoding="utf-8",
    )
    code, out, _ = cli("explain", "org-001", str(isms))
    assert code == 0
    tests = out[out.index("Tests (1; `isms-check test` runs them)") :]
    assert "policies/tests/org.test.yaml:2" in tests
    assert "      - name: an intern may not own a critical risk" in tests

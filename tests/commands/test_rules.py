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
    assert list(rows[0]) == [
        "id", "severity", "title", "resource", "references", "source", "tests"
    ]  # fmt: skip
    assert {r["id"] for r in rows} >= {"RT-002", "ISMS-PARSE"}


def test_parse_then_execute(capsys: pytest.CaptureFixture[str]) -> None:
    options = rules.parse(argparse.Namespace(path=str(EXAMPLES), format="text"))
    assert options == rules.RulesOptions(EXAMPLES, "text")
    assert rules.execute(options) == 0
    assert "ORG-001" in capsys.readouterr().out


ROOT = Path(__file__).resolve().parents[2]


def test_the_rule_reference_in_the_docs_is_the_generated_one(cli: Cli) -> None:
    code, out, _ = cli("rules", "--format", "markdown")
    assert code == 0
    written = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert written == out, "regenerate it: isms-check rules --format markdown > docs/rules.md"


def test_markdown_has_a_row_and_a_section_per_rule(cli: Cli) -> None:
    from markdown_it import MarkdownIt

    _, out, _ = cli("rules", "--format", "markdown")
    _, js, _ = cli("rules", "--format", "json")
    ids = [r["id"] for r in json.loads(js)]
    tokens = MarkdownIt("commonmark").enable("table").parse(out)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert [h.split(":")[0] for h in headings[1:]] == ids
    rows = [t for t in tokens if t.type == "tr_open"]
    assert len(rows) == len(ids) + 1  # the header row


def test_counts_tests_per_rule(cli: Cli, tmp_path: Path) -> None:
    """The ISMS's own tests count for its rules, the built-in pack's for the built-in ones."""
    import shutil

    isms = tmp_path / "isms"
    shutil.copytree(EXAMPLES, isms)
    (isms / "policies" / "tests").mkdir(exist_ok=True)  # the example has its own
    (isms / "policies" / "tests" / "org.test.yaml").write_text(
        "tests:\n"
        "  - {name: one, rule: ORG-001, today: 2026-11-01, fail: [], pass: []}\n"
        "  - {name: two, rule: ORG-001, today: 2026-11-01, fail: [], pass: []}\n",
        encoding="utf-8",
    )
    _, out, _ = cli("rules", str(isms), "--format", "json")
    rows = {r["id"]: r for r in json.loads(out)}
    assert rows["ORG-001"]["tests"] == 2
    _, text, _ = cli("rules", str(isms))
    line = next(ln for ln in text.splitlines() if ln.startswith("ORG-001 "))
    assert line.endswith("(2 tests)")


def test_hostile_rule_texts_are_escaped(cli: Cli, tmp_path: Path) -> None:
    import shutil

    isms = tmp_path / "isms"
    shutil.copytree(EXAMPLES, isms)
    (isms / "policies" / "evil.yaml").write_text(
        "rules:\n"
        "  - id: EVIL-001\n"
        '    title: "x | y <script>alert(1)</script> ```\\n::error::pwned"\n'
        "    severity: info\n"
        "    resource: risk\n"
        '    check: "true"\n'
        '    example: "```\\n# closes the fence?"\n',
        encoding="utf-8",
    )
    code, md, _ = cli("rules", str(isms), "--format", "markdown")
    assert code == 0
    assert "<script>" not in md and "x \\| y" in md
    assert "\n````yaml\n```\n# closes the fence?\n````\n" in md
    _, text, _ = cli("rules", str(isms))
    assert not any(ln.lstrip().startswith("::") for ln in text.splitlines())

"""docs/format.md stays true to the code: its rules table lists every built-in rule with
the severity and references the checker uses, its option table lists every flag that
`isms-check check --help` prints, planned items are not yet in the tool, and its links
resolve. The document's tables are parsed, not grepped."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from checker import main as cli
from checker.policy import builtin_infos
from checker.structure import STRUCTURAL_RULES

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "format.md"
POLICIES = ROOT / "policies"
PLANNED = "(planned: not in this release yet)"
ISO = "ISO/IEC 27001:2022 "

Table = list[dict[str, str]]


def _lines() -> Iterator[tuple[bool, str]]:
    """The document's lines, each with whether it is outside a fenced code block."""
    fenced = False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            yield False, line
        else:
            yield not fenced, line


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")


def headings() -> list[str]:
    return [m.group(2) for prose, line in _lines() if prose and (m := _HEADING.match(line))]


def _title(heading: str) -> str:
    """A heading without its section number: `9. Built-in rules` -> `Built-in rules`."""
    return re.sub(r"^\d+\.\s+", "", heading)


def section(title: str) -> list[str]:
    """The lines under the heading `title` up to the next heading of any level."""
    out: list[str] | None = None
    for prose, line in _lines():
        m = _HEADING.match(line) if prose else None
        if m:
            if out is not None:
                return out
            if _title(m.group(2)) == title:
                out = []
        elif out is not None:
            out.append(line if prose else "")
    if out is None:
        raise AssertionError(f"docs/format.md has no heading {title!r}")
    return out


def _cells(row: str) -> list[str]:
    """A Markdown table row split at `|`, but not at `\\|` (an escaped bar in a cell)."""
    parts = re.split(r"(?<!\\)\|", row.strip())
    return [p.strip().replace("\\|", "|") for p in parts[1:-1]]


def tables(lines: list[str]) -> list[Table]:
    """The Markdown tables in `lines`, each as rows keyed by the header's cells."""
    found: list[Table] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if line.lstrip().startswith("|"):
            block.append(line)
            continue
        if len(block) >= 2 and re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", block[1].strip()):
            header = _cells(block[0])
            rows = []
            for raw in block[2:]:
                cells = _cells(raw)
                assert len(cells) == len(header), f"row has {len(cells)} cells: {raw}"
                rows.append(dict(zip(header, cells, strict=True)))
            found.append(rows)
        block = []
    return found


def _plain(cell: str) -> str:
    return cell.replace("`", "").replace("*", "").strip()


def rules_table(title: str) -> Table:
    found = tables(section(title))
    assert found, f"no table under {title!r}"
    table = found[0]
    assert table and {"Rule", "Severity"} <= set(table[0]), f"not a rules table: {title}"
    return table


def builtin_severities() -> dict[str, str]:
    """Every built-in rule and its severity, read from policies/*.yaml themselves plus
    the four structural rules of the checker."""
    out = {r.id: r.severity.value for r in STRUCTURAL_RULES}
    for path in sorted(POLICIES.glob("*.yaml")):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
            assert rule["id"] not in out, f"{rule['id']} defined twice"
            out[rule["id"]] = rule["severity"]
    return out


def test_rules_table_lists_every_builtin_rule_with_its_severity() -> None:
    documented = {_plain(r["Rule"]): _plain(r["Severity"]) for r in rules_table("Built-in rules")}
    expected = builtin_severities()
    assert {"ISMS-PARSE", "ISMS-SCHEMA", "ISMS-DUP", "ISMS-REF"} <= set(expected)
    missing = sorted(set(expected) - set(documented))
    extra = sorted(set(documented) - set(expected))
    assert not missing, f"built-in rules missing from the table: {missing}"
    assert not extra, f"rules in the table that the checker does not have: {extra}"
    wrong = {i: (documented[i], s) for i, s in expected.items() if documented[i] != s}
    assert not wrong, f"severity differs (docs, code): {wrong}"


def test_rules_table_rows_are_unique() -> None:
    ids = [_plain(r["Rule"]) for r in rules_table("Built-in rules")]
    assert len(ids) == len(set(ids))


def test_rules_table_references_match_the_rules() -> None:
    """The ISO column holds exactly the references `isms-check rules` prints."""
    table = {_plain(r["Rule"]): r for r in rules_table("Built-in rules")}
    column = next(k for k in next(iter(table.values())) if k.startswith("ISO/IEC 27001"))
    for info in builtin_infos():
        expected = {ref.removeprefix(ISO) for ref in info.references}
        cell = table[info.id][column]
        documented = {part.strip() for part in cell.split(";") if part.strip()}
        assert documented == expected, f"{info.id}: docs {documented}, code {expected}"


def test_planned_rules_are_marked_and_not_yet_built_in() -> None:
    if f"Planned rules {PLANNED}" not in [_title(h) for h in headings()]:
        return  # every rule the format names is built in
    planned = rules_table(f"Planned rules {PLANNED}")
    built_in = builtin_severities()
    assert planned
    for row in planned:
        rule = _plain(row["Rule"])
        assert _plain(row["Severity"]) in ("error", "warning", "info"), row
        assert rule not in built_in, (
            f"{rule} is built in now: move it to the built-in rules table in docs/format.md"
        )


def _help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert cli.main(argv) == 0
    return capsys.readouterr().out


_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def option_rows() -> Table:
    rows = [row for t in tables(section("isms-check check")) for row in t if "Option" in row]
    assert rows, "no option table under 'isms-check check'"
    return rows


def test_every_check_flag_is_documented(capsys: pytest.CaptureFixture[str]) -> None:
    flags = set(_FLAG.findall(_help(["check", "--help"], capsys)))
    assert {"--format", "--fail-on", "--base", "--new-only", "--policy-from"} <= flags
    documented = {f for row in option_rows() for f in _FLAG.findall(row["Option"])}
    missing = sorted(flags - documented)
    assert not missing, f"flags of `isms-check check --help` missing from docs/format.md: {missing}"


def test_documented_flags_exist_unless_planned(capsys: pytest.CaptureFixture[str]) -> None:
    known = set(_FLAG.findall(_help(["check", "--help"], capsys)))
    known |= set(_FLAG.findall(_help(["--help"], capsys)))  # --debug, --version
    for row in option_rows():
        if PLANNED in " ".join(row.values()):
            assert not set(_FLAG.findall(row["Option"])) <= known, (
                f"{row['Option']} exists now: drop its planned mark in docs/format.md"
            )
        else:
            unknown = set(_FLAG.findall(row["Option"])) - known
            assert not unknown, f"documented but not in the CLI: {unknown}"


def test_planned_commands_are_not_commands_yet() -> None:
    planned = [h for h in headings() if h.startswith("isms-check ") and PLANNED in h]
    for heading in planned:  # none today: every command of the format has shipped
        command = heading.split()[1]
        assert command not in cli.COMMANDS, f"`{command}` exists now: update docs/format.md"
    text = DOC.read_text(encoding="utf-8")
    for command in cli.COMMANDS:
        assert f"isms-check {command}" in text, f"command {command} is not documented"


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
    return text.replace(" ", "-")


def test_links_resolve() -> None:
    anchors: set[str] = set()
    for heading in headings():
        slug, n = _slug(heading), 1
        while slug in anchors:
            slug, n = f"{_slug(heading)}-{n}", n + 1
        anchors.add(slug)
    prose = "\n".join(line for outside, line in _lines() if outside)
    prose = re.sub(r"`[^`]*`", "", prose)  # code spans are not links
    for target in re.findall(r"\]\(([^)\s]+)\)", prose):
        if target.startswith(("http://", "https://")):
            continue
        path, _, anchor = target.partition("#")
        if path:
            assert (DOC.parent / path).exists(), f"link to a missing file: {target}"
        else:
            assert anchor in anchors, f"link to a missing heading: #{anchor}"

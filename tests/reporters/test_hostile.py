"""Every format against the same hostile text, in every field the ISMS files reach:
ids, titles, owners, messages of custom rules, waivers, file names and notices.

Two sources: a hand-made Report whose rule ids and titles are hostile too (the rule
schema stops that in real rule files), and a real ISMS folder (tests/cases/base plus
hostile files and a custom rule that builds its message from them) run through the CLI.
Each output is read back by what reads it in CI: xml.etree and junitparser, the SARIF
2.1.0 schema, json, a port of the Actions runner's command parser, a CommonMark + GFM
parser, and, for the text format, the rule that no control character reaches the
terminal.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from junitparser import JUnitXml
from markdown_it import MarkdownIt

from checker.findings import Location, Outcome, Report, Result, Severity, Waiver
from checker.reporters import REPORTERS, RenderOptions
from checker.reporters.safe import unicode_safe, visible
from tests.caselib import BASE, risk_yaml
from tests.conftest import Cli
from tests.report_samples import hostile
from tests.reporters.test_github import runner_commands
from tests.reporters.test_markdown import _Cells
from tests.reporters.test_sarif import validate

# What each output must survive: markup of each format, workflow commands, terminal
# control (CSI colours, OSC title/hyperlink, C1 CSI, cursor moves), bidi overrides,
# characters XML 1.0 forbids, lone surrogates, line and paragraph separators.
HOSTILE = (
    "</failure><script>alert(1)</script>&amp;\"' ]]> <!-- x",
    "a | b `code` [l](javascript:x) ![i](https://x.example/p.png) @octocat <b>x</b>",
    "x\n::error::injected\r::warning file=a::y\r\n  ::notice::z %0A%25 ::stop-commands::tok",
    "title:: with, commas,, and:: colons ##[error]v1",
    "\x1b[31mred\x1b[0m \x1b]0;pwned\x07 \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\"
    " \x9b2J \x1b[2K\r\x1b[1A",
    "\u202eevil\u202c \u2066x\u2069 \u2028sep\u2029 \x85nel",
    "nul\x00 \x01\x08\x0b\x0c\x0e\x1f del\x7f \ufffe\uffff",
    "lone \ud800 and \udcff surrogates",
)
EVERYTHING = "".join(HOSTILE)
FORBIDDEN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
OWN_COLOURS = re.compile(r"\x1b\[(31|33|36|0)m")
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def hostile_everywhere(text: str) -> Report:
    """report_samples.hostile, with the rules' ids and titles and a notice hostile too."""
    base = hostile(text)
    renamed = {info.id: f"{info.id}{text}" for info in base.rules}
    rules = tuple(
        dataclasses.replace(i, id=renamed[i.id], title=i.title + text) for i in base.rules
    )
    results = tuple(dataclasses.replace(r, rule=renamed[r.rule]) for r in base.results)
    return dataclasses.replace(base, rules=rules, results=results, notices=(f"notice {text}",))


# --- one check per consumer ----------------------------------------------------------------


def check_text(out: str, report: Report) -> None:
    out = OWN_COLOURS.sub("", out)  # --color: the checker's own codes, around the severity
    assert not RAW_CONTROL.search(out), "a control character reaches the terminal"
    assert all(ch.isprintable() for ch in out.replace("\n", ""))
    lines = [ln for ln in out.split("\n") if ln and ln not in ("Waived:",)]
    findings = [ln for ln in lines if not ln.startswith(("passed:", "failed:"))]
    assert len(findings) == len(report.findings) + len(report.resolved)
    for r in report.findings:
        assert any(visible(r.message) in ln for ln in findings)


def check_json(out: str, report: Report) -> None:
    assert not RAW_CONTROL.search(out.replace("\n", "").replace("  ", ""))
    out.encode("utf-8")
    document = json.loads(out)
    got = {(f["rule"], f["entity"], f["file"], f["message"]) for f in document["findings"]}
    meant = {
        (unicode_safe(r.rule), unicode_safe(r.entity or "") or None,
         unicode_safe(r.location.file), unicode_safe(r.message))
        for r in report.findings
    }  # fmt: skip
    assert got == meant


def check_sarif(out: str, report: Report) -> None:
    out.encode("utf-8")
    document = json.loads(out)
    validate(document)
    results = document["runs"][0]["results"]
    assert len(results) == len(report.findings)
    messages = {res["message"]["text"] for res in results}
    for r in report.findings:
        if r.outcome is not Outcome.ERROR:
            assert unicode_safe(r.message or r.rule) in messages


def check_junit(out: str, report: Report, tmp_path: Path) -> None:
    """`report` holds every result (a sample), or only the findings (read back from the
    JSON report of a CLI run: the JUnit report also has a testcase per pass)."""
    assert not FORBIDDEN_XML.search(out)
    data = out.encode("utf-8")
    root = ET.fromstring(data)
    assert root.tag == "testsuites"
    assert not root.findall(".//script")
    cases = root.findall(".//testcase")
    assert len(cases) == len(report.results) if report.rules else len(cases) > len(report.results)
    path = tmp_path / "hostile-junit.xml"
    path.write_bytes(data)
    suites = JUnitXml.fromfile(str(path))
    assert sum(len(list(suite)) for suite in suites) == len(cases)
    # attribute values: the parser turns tabs and line breaks into spaces
    rules = {" ".join(unicode_safe(visible(r.rule, keep="\t\n\r")).split()) for r in report.results}
    assert {" ".join((suite.name or "").split()) for suite in suites} >= rules


def check_github(out: str, report: Report) -> None:
    assert "\x1b" not in out and "\r" not in out
    commands = runner_commands(out)  # also: no line holds `##[`
    annotations = [c for c in commands if c[1]]
    meant = [r for r in report.findings if r.outcome is not Outcome.WAIVED]
    assert len(annotations) == min(len(meant), 10)  # one kind per severity here, < 10 each
    assert all(set(props) - {"col"} == {"file", "line", "title"} for _, props, _ in annotations)
    assert all(name in ("error", "warning", "notice") for name, _, _ in commands)
    data = {d for _, _, d in annotations}
    for r in meant:
        if r.outcome is Outcome.FAIL:
            assert visible(r.message, keep="\r\n") in data
    # only the checker's own lines; nothing from the ISMS starts one
    for line in out.splitlines():
        assert re.match(
            r"(::(error|warning|notice) file=|::notice::isms-check: |isms-check )", line
        )


def check_markdown(out: str, report: Report) -> None:
    out.encode("utf-8")
    html = MarkdownIt("commonmark").enable("table").render(out)
    parsed = _Cells()
    parsed.feed(html)
    assert set(parsed.tags) <= {"h2", "h3", "p", "em", "strong", "table", "thead", "tbody",
                                "tr", "th", "td", "a", "br", "blockquote"}  # fmt: skip
    assert "<script" not in html and "<b>" not in html and "<img" not in html
    assert not re.search(r"(?<![&#\w])@octocat", out), "an @mention would notify"
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert len(hrefs) == len(report.findings) + len(report.resolved)
    assert all(re.fullmatch(r"[A-Za-z0-9%/._~-]+#L[0-9]+", h) for h in hrefs), hrefs
    for table in parsed.tables:
        assert len({len(row) for row in table}) == 1, table  # every row whole
    assert sum(len(t) - 1 for t in parsed.tables[1:]) == len(report.findings)


def check_all(name: str, out: str, report: Report, tmp_path: Path) -> None:
    if name == "junit":
        check_junit(out, report, tmp_path)
    else:
        {
            "text": check_text,
            "json": check_json,
            "sarif": check_sarif,
            "github": check_github,
            "markdown": check_markdown,
        }[name](out, report)


# --- the hand-made report ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(REPORTERS))
@pytest.mark.parametrize(
    "text", [*HOSTILE, EVERYTHING], ids=[*map(str, range(len(HOSTILE))), "all"]
)
def test_hostile_sample_report(name: str, text: str, tmp_path: Path) -> None:
    report = hostile_everywhere(text)
    for options in (RenderOptions(), RenderOptions(fail_on="never", color=True)):
        check_all(name, REPORTERS[name].render(report, options), report, tmp_path)


def test_colour_codes_are_the_checker_s_own() -> None:
    out = REPORTERS["text"].render(hostile_everywhere(EVERYTHING), RenderOptions(color=True))
    codes = set(re.findall(r"\x1b\[[0-9;]*m", out))
    assert codes <= {"\x1b[31m", "\x1b[33m", "\x1b[36m", "\x1b[0m"}
    assert "\x1b" not in OWN_COLOURS.sub("", out)


# --- a real ISMS through the CLI -----------------------------------------------------------

POLICY = """\
rules:
  - id: ORG-950
    title: Hostile titles and owners reach the message
    severity: error
    resource: risk
    when: risk.id.startsWith('R-9')
    check: "false"
    message: "'title ' + risk.title + ' / owner ' + risk.owner + ' / id ' + risk.id"
"""


def _risk(rid: str, title: str, owner: str) -> str:
    return risk_yaml(rid, title, owner, "2026-05-01")


def hostile_isms(root: Path) -> Path:
    isms = root / "isms"
    shutil.copytree(BASE, isms)
    (isms / "policies").mkdir(exist_ok=True)
    (isms / "policies" / "hostile.yaml").write_text(POLICY, encoding="utf-8")
    # YAML refuses a lone surrogate even as an escape: those come only from file names
    texts = [re.sub("[\ud800-\udfff]", "", text) for text in HOSTILE]
    risks = "".join(
        _risk(f"R-9{n}", text, texts[(n + 1) % len(texts)]) for n, text in enumerate(texts)
    )
    (isms / "risks" / "hostile.yaml").write_text(risks, encoding="utf-8")
    # ids the schema refuses still reach the reports, as the entity of ISMS-SCHEMA findings
    risks = "".join(_risk(f"R-7{n}{text}", "x", "CISO") for n, text in enumerate(texts))
    (isms / "risks" / "hostile-ids.yaml").write_text(risks, encoding="utf-8")
    # file names carry the text a file system allows (no "/", no NUL) ...
    for n, text in enumerate(HOSTILE[:6]):
        name = re.sub("[/\x00\ud800-\udfff]", "_", text)[:60]
        (isms / "risks" / f"{n}{name}.yaml").write_text(
            _risk(f"R-80{n}", "x", "CISO"), encoding="utf-8"
        )
    return isms


def add_non_utf8_file_name(isms: Path) -> None:
    """A file whose name is not UTF-8 (Python decodes it with surrogateescape)."""
    weird = os.fsencode(isms / "risks") + b"/\xff\xfe-\x1b[31m.yaml"
    with open(weird, "wb") as f:
        f.write(_risk("R-870", "x", "CISO").encode())


@pytest.fixture(scope="module")
def isms_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_isms(tmp_path_factory.mktemp("hostile"))


def _report_of(document: dict[str, Any]) -> Report:
    """The findings of a JSON report, as Results the checks above can compare against."""

    def result(f: dict[str, Any]) -> Result:
        return Result(
            rule=f["rule"],
            severity=Severity(f["severity"]),
            kind=f["kind"],
            entity=f["entity"],
            location=Location(f["file"], f["line"], f["column"]),
            outcome={"open": Outcome.FAIL, "waived": Outcome.WAIVED, "error": Outcome.ERROR}[
                f["status"]
            ],
            message=f["message"],
            waiver=Waiver("", "", "") if f["status"] == "waived" else None,
        )

    return Report(
        today=datetime.date.fromisoformat(document["today"]),
        tool_version=document["tool"]["version"],
        rules=(),
        results=tuple(result(f) for f in document["findings"]),
    )


def test_hostile_isms_through_the_cli(isms_folder: Path, cli: Cli, tmp_path: Path) -> None:
    args = (str(isms_folder), "--today", "2026-06-01")
    run = cli(*args, "--format", "json")
    assert run.code == 1, run.err
    document = json.loads(run.out)
    found = document["findings"]
    messages = "".join(f["message"] for f in found if f["rule"] == "ORG-950")
    assert "\x1b[31mred" in messages and "::error::injected" in messages  # the text got through
    assert "\u202eevil" in messages and "nul\x00" in messages
    assert any(f["entity"] and "\x1b[31m" in f["entity"] for f in found)  # hostile ids
    files = {f["file"] for f in found}
    assert any("\x1b" in f for f in files), files  # hostile file names reached the report
    report = _report_of(document)
    for name in sorted(REPORTERS):
        run = cli(*args, "--format", name)
        assert run.code == 1, (name, run.err)
        if name == "junit":
            check_junit(run.out, report, tmp_path)
        elif name == "github":
            check_github_e2e(run.out)
        elif name == "text":
            assert not RAW_CONTROL.search(run.out) and not RAW_CONTROL.search(run.err)
            assert all(ch.isprintable() for ch in run.out.replace("\n", ""))
        elif name == "sarif":
            check_sarif(run.out, report)
        elif name == "markdown":
            check_markdown(run.out, report)
        else:
            check_json(run.out, report)
    # the files the CI reads, written next to stdout's text report
    junit, sarif_file = tmp_path / "out" / "junit.xml", tmp_path / "out" / "r.sarif"
    run = cli(*args, "--junit", str(junit), "--sarif", str(sarif_file))
    assert run.code == 1 and "\x1b[31m" not in run.out
    check_junit(junit.read_text(encoding="utf-8"), report, tmp_path)
    check_sarif(sarif_file.read_text(encoding="utf-8"), report)


def check_github_e2e(out: str) -> None:
    assert "\x1b" not in out and "\r" not in out
    commands = runner_commands(out)
    assert commands and all(name in ("error", "warning", "notice") for name, _, _ in commands)
    for _, props, data in commands:
        assert set(props) - {"col"} in ({"file", "line", "title"}, set()), props
        if not props:
            assert data.startswith("isms-check: ")
    for line in out.splitlines():
        assert re.match(
            r"(::(error|warning|notice) file=|::notice::isms-check: |isms-check )", line
        )


def test_file_name_that_is_not_utf8(cli: Cli, tmp_path: Path) -> None:
    isms = hostile_isms(tmp_path)
    add_non_utf8_file_name(isms)
    for name in ("text", "json", "sarif", "junit", "github", "markdown"):
        run = cli(str(isms), "--today", "2026-06-01", "--format", name)
        assert run.code == 1, run.err
        run.out.encode("utf-8")


def test_fatal_error_message_injects_nothing(cli: Cli, tmp_path: Path) -> None:
    isms = tmp_path / "isms"
    shutil.copytree(BASE, isms)
    with open(isms / "isms.yaml", "a", encoding="utf-8") as f:
        f.write('paths: {risks: "x\\n::error title=pwn::injected\\u001b[31m"}\n')
    run = cli(str(isms), "--format", "github")
    assert run.code == 2
    assert runner_commands(run.err) == []
    assert "\x1b" not in run.err


HOSTILE_RULE = """\
rules:
  - id: ORG-001
    title: "t\\e[31mred\\n::error::x"
    severity: error
    resource: risk
    check: "true"
    remediation: "r\\e]0;pwned\\a"
"""


@pytest.mark.parametrize("argv", [("rules",), ("explain", "ORG-001")])
def test_rules_and_explain_print_no_control_characters(
    argv: tuple[str, ...], cli: Cli, tmp_path: Path
) -> None:
    isms = tmp_path / "isms"
    shutil.copytree(BASE, isms)
    (isms / "policies").mkdir()
    (isms / "policies" / "org.yaml").write_text(HOSTILE_RULE, encoding="utf-8")
    run = cli(*argv, str(isms))
    assert run.code == 0, run.err
    assert "ORG-001" in run.out
    assert not RAW_CONTROL.search(run.out)
    assert runner_commands(run.out) == []

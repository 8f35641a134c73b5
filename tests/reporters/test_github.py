"""--format github: workflow-command annotations, read back the way the Actions runner
reads them (a port of actions/runner's ActionCommand.TryParseV2 and its unescaping)."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from checker.findings import Outcome, Report, Severity
from checker.reporters import RenderOptions, github
from tests.caselib import risk_yaml
from tests.report_samples import ERR, INFO, WARN, pr_report, report, result

ROOT = Path(__file__).resolve().parents[2]

# --- the runner's side -------------------------------------------------------------------

RUNNER_COMMANDS = {
    "add-mask", "add-matcher", "add-path", "debug", "echo", "endgroup", "error", "group",
    "notice", "remove-matcher", "save-state", "set-env", "set-output", "stop-commands",
    "warning",
}  # fmt: skip
_UNESCAPE_DATA = (("%0D", "\r"), ("%0A", "\n"), ("%25", "%"))
_UNESCAPE_PROPERTY = (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%"))

Command = tuple[str, dict[str, str], str]


def _unescape(text: str, mappings: tuple[tuple[str, str], ...]) -> str:
    for escaped, token in mappings:
        text = text.replace(escaped, token)
    return text


def parse_v2(line: str) -> Command | None:
    """ActionCommand.TryParseV2: `::name k=v,k=v::data` after leading whitespace."""
    message = line.lstrip()
    if not message.startswith("::"):
        return None
    end = message.find("::", 2)
    if end < 0:
        return None
    info = message[2:end]
    space = info.find(" ")
    name = info if space < 0 else info[:space]
    if name not in RUNNER_COMMANDS:
        return None
    properties: dict[str, str] = {}
    if space > 0:
        for item in info[space + 1 :].strip().split(","):
            pair = [p for p in item.split("=", 1) if p]
            if len(pair) == 2:
                properties[pair[0]] = _unescape(pair[1], _UNESCAPE_PROPERTY)
    return name, properties, _unescape(message[end + 2 :], _UNESCAPE_DATA)


def runner_commands(output: str) -> list[Command]:
    """Every command the runner would execute from this output. The runner reads lines
    split at CR, LF or CRLF; a line that is not a v2 command is still searched for the
    old `##[name]` syntax anywhere in it, which must never occur."""
    commands = []
    for line in re.split(r"\r\n|\r|\n", output):
        parsed = parse_v2(line)
        if parsed is not None:
            commands.append(parsed)
        else:
            assert "##[" not in line, f"a line the runner may read as a v1 command: {line!r}"
    return commands


# --- exact output ------------------------------------------------------------------------

SUMMARY = (
    "isms-check failed: 2 errors, 1 warnings, 1 info, 1 waived, 1 evaluation errors "
    "(7 checks of 6 rules, today 2026-11-27)"
)


def test_exact_output() -> None:
    assert github.render(report(), RenderOptions()).splitlines() == [
        "::error file=isms/risks/broken.yaml,line=4,col=7,title=ISMS-PARSE [-]::"
        "mapping values are not allowed here",
        "::error file=isms/risks/ransomware.yaml,line=2,title=RT-002 [R-001]::"
        "risk R-001 (level 20) is above appetite 8 without a plan",
        "::error file=isms/risks/third.yaml,line=5,col=3,title=ORG-900 [R-003]::"
        "evaluation error (the rule could not be judged): "
        "rule ORG-900: `check` failed on R-003: no such key: missing",
        "::warning file=isms/controls/org.yaml,line=10,col=3,title=ST-004 [A.5.1]::"
        "A.5.1 was last reviewed on 2025-01-01",
        "::notice file=isms/risks/ransomware.yaml,line=2,title=ORG-INFO [R-001]::"
        "risk R-001 names no assets",
        SUMMARY,
    ]


def test_pr_mode_puts_new_findings_first_and_marks_them() -> None:
    lines = github.render(pr_report(), RenderOptions()).splitlines()
    assert [ln.split("title=")[1].split("::")[0] for ln in lines[:3]] == [
        "RT-002 [R-001] (new)",
        "ORG-900 [R-003] (new)",
        "ISMS-PARSE [-]",
    ]
    assert "RT-001" not in "\n".join(lines)  # resolved findings are not annotated


def test_waived_findings_and_passes_are_not_annotated() -> None:
    commands = runner_commands(github.render(report(), RenderOptions()))
    titles = [props["title"] for _, props, _ in commands]
    assert not any("SOA-006" in t for t in titles)
    assert len(commands) == len([r for r in report().findings if r.outcome is not Outcome.WAIVED])


def test_clean_report_writes_only_the_summary_line() -> None:
    assert github.render(report(results=()), RenderOptions()) == (
        "isms-check passed: 0 errors, 0 warnings, 0 info, 0 waived, 0 evaluation errors "
        "(0 checks of 6 rules, today 2026-11-27)\n"
    )


# --- escaping ----------------------------------------------------------------------------


def test_escape_data_and_property() -> None:
    assert github.escape_data("a%b\r\nc:d,e") == "a%25b%0D%0Ac:d,e"
    assert github.escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"
    # `%` first, so that an escape sequence written in the ISMS comes back unchanged
    assert github.escape_data("%0A") == "%250A"


HOSTILE = (
    "x\n::error::injected",
    "%0A::warning::",
    "Breach:: of, the, data,, centre::",
    "\r::error file=a.yaml::cr",
    "\r\n  ::notice::indented",
    "##[error]v1 syntax",
    "::stop-commands::token",
    "<script>alert(1)</script> | `x`",
)


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_round_trips_and_injects_nothing(text: str) -> None:
    r = report()
    hostile = [
        result("RT-002", ERR, "risk", f"R-1{text}", (f"risks/{text}.yaml", 3, 1),
               message=f"risk {text} owned by {text}"),
        result("ST-004", WARN, "control", text, ("controls/a.yaml", 4, None), message=text),
        result("ORG-INFO", INFO, "risk", "R-2", (f"risks/,{text}:.yaml", 5, 2), message=text),
    ]  # fmt: skip
    r = dataclasses.replace(r, results=Report.ordered([*r.results, *hostile]))
    output = github.render(r, RenderOptions())
    commands = runner_commands(output)
    annotated = [x for x in r.findings if x.outcome is not Outcome.WAIVED]
    assert len(commands) == len(annotated)
    got = {(props["file"], props["title"], data) for _, props, data in commands}
    for x in hostile:
        assert (x.location.file, f"{x.rule} [{x.entity}]", x.message) in got
    assert all(set(props) <= {"file", "line", "col", "title"} for _, props, _ in commands)
    assert "\r" not in output


# --- limits ------------------------------------------------------------------------------


def _many(errors: int, warnings: int, infos: int) -> Report:
    results = [
        result(rule, severity, "risk", f"R-{n:03}", (f"risks/r{n:03}.yaml", 1, None),
               message=f"finding {n}")
        for rule, severity, count in (("RT-002", ERR, errors), ("ST-004", WARN, warnings),
                                      ("ORG-INFO", INFO, infos))
        for n in range(count)
    ]  # fmt: skip
    return report(results=Report.ordered(results), notices=())


def _kinds(output: str) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "notice": 0}
    for name, props, _ in runner_commands(output):
        if props:
            counts[name] += 1
    return counts


def test_at_most_ten_per_severity_then_one_notice() -> None:
    output = github.render(_many(25, 12, 3), RenderOptions())
    assert _kinds(output) == {"error": 10, "warning": 10, "notice": 3}
    notices = [c for c in runner_commands(output) if not c[1]]
    assert notices == [
        (
            "notice",
            {},
            "isms-check: 15 errors, 2 warnings not annotated (GitHub shows at most 10 "
            "annotations of each kind per step); the step summary and the text, JSON or SARIF "
            "reports list every finding.",
        )
    ]
    assert output.splitlines()[-2].startswith("::notice::")


def test_info_keeps_a_place_for_the_notice() -> None:
    output = github.render(_many(0, 0, 12), RenderOptions())
    assert _kinds(output) == {"error": 0, "warning": 0, "notice": 9}
    assert "3 info not annotated" in output
    # with no overflow there is no notice, and all ten info findings are shown
    output = github.render(_many(10, 10, 10), RenderOptions())
    assert _kinds(output) == {"error": 10, "warning": 10, "notice": 10}
    assert "not annotated" not in output


def test_new_findings_are_annotated_before_existing_ones() -> None:
    r = _many(12, 0, 0)
    last = r.findings[-1]
    results = tuple(
        dataclasses.replace(x, change="new" if x is last else "existing") for x in r.results
    )
    output = github.render(dataclasses.replace(r, results=results, pr_mode=True), RenderOptions())
    lines = output.splitlines()
    assert lines[0].startswith("::error file=risks/r011.yaml,line=1,title=RT-002 [R-011] (new)::")
    assert _kinds(output)["error"] == 10
    assert "2 errors not annotated" in output


# --- end to end: a hostile ISMS through the real checker ----------------------------------

HOSTILE_POLICY = """\
rules:
  - id: ORG-900
    title: "Hostile titles and owners reach the message"
    severity: error
    resource: risk
    when: risk.id.startsWith('R-9')
    check: "false"
    message: "risk.title + ' / owner: ' + risk.owner"
  - id: ORG-901
    title: "Warning copy"
    severity: warning
    resource: risk
    when: risk.id.startsWith('R-9')
    check: "false"
    message: "risk.owner + ' owns ' + risk.title"
  - id: ORG-902
    title: "Info copy"
    severity: info
    resource: risk
    when: risk.id.startsWith('R-9')
    check: "false"
    message: "risk.title"
"""


def _risk(rid: str, title: str, owner: str) -> str:
    return risk_yaml(rid, title, owner, "2026-11-01")


HOSTILE_IDS = ("R-999\n::error::id-injected,", "Breach:: of, the\r\n::warning::x,, centre::")


def _hostile_isms(tmp_path: Path) -> Path:
    isms = tmp_path / "isms"
    shutil.copytree(ROOT / "examples", isms)
    (isms / "policies" / "hostile.yaml").write_text(HOSTILE_POLICY, encoding="utf-8")
    risks = "".join(
        _risk(f"R-9{n:02}", HOSTILE[n % len(HOSTILE)], HOSTILE[(n + 1) % len(HOSTILE)])
        for n in range(11)
    )
    (isms / "risks" / "hostile.yaml").write_text(risks, encoding="utf-8")
    # ids reach the annotation's title; these files sort first, so they are annotated
    (isms / "risks" / "0-hostile-id.yaml").write_text(
        _risk(HOSTILE_IDS[0], "x", "CISO"), encoding="utf-8"
    )
    (isms / "controls" / "0-hostile-id.yaml").write_text(
        f"- id: {json.dumps(HOSTILE_IDS[1])}\n  custom: true\n  applicable: true\n"
        "  justification: x\n  status: planned\n",
        encoding="utf-8",
    )
    (isms / "risks" / "evil,name:x%0A.yaml").write_text(
        _risk("R-950", "x\n::error::injected", "%0A::warning::"), encoding="utf-8"
    )
    return isms


def _run(isms: Path, fmt: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "checker", str(isms), "--today", "2026-11-27", "--format", fmt],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    return done.stdout


def test_hostile_isms_injects_no_workflow_command(tmp_path: Path) -> None:
    isms = _hostile_isms(tmp_path)
    findings = json.loads(_run(isms, "json"))["findings"]
    summary_file = tmp_path / "summary.md"
    summary_file.write_text("previous step\n", encoding="utf-8")
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary_file)}
    output = _run(isms, "github", env)

    # every annotation the checker meant to write, decoded, as (command, file, title, message)
    meant: dict[str, set[tuple[str, str, str]]] = {
        "error": set(),
        "warning": set(),
        "notice": set(),
    }
    for f in findings:
        if f["status"] == "waived":
            continue
        kind = "error" if f["status"] == "error" else github._COMMANDS[Severity(f["severity"])]
        message = f["message"]
        if f["status"] == "error":
            message = f"evaluation error (the rule could not be judged): {message}"
        entity = f["entity"] if f["entity"] is not None else "-"
        meant[kind].add((f["file"], f"{f['rule']} [{entity}]", message))
    assert len(meant["error"]) > 10 and len(meant["warning"]) > 10 and len(meant["notice"]) > 9

    commands = runner_commands(output)
    annotations = [c for c in commands if c[1]]
    notices = [c for c in commands if not c[1]]
    assert len(annotations) == 10 + 10 + 9
    assert len(notices) == 1 and "not annotated" in notices[0][2]
    for name, props, data in annotations:
        assert (props["file"], props["title"], data) in meant[name]
        assert set(props) - {"col"} == {"file", "line", "title"}
    titles = "".join(props["title"] for _, props, _ in annotations)
    assert all(hostile_id in titles for hostile_id in HOSTILE_IDS)
    # the raw text of the ISMS never starts a line
    for line in output.splitlines():
        assert line.startswith(("::error file=", "::warning file=", "::notice file=",
                                "::notice::isms-check: ", "isms-check failed: "))  # fmt: skip

    # the step summary was appended, and its Markdown renders without the injected HTML
    summary = summary_file.read_text(encoding="utf-8")
    assert summary.startswith("previous step\n\n## ❌ isms-check failed\n")
    html = MarkdownIt("commonmark").enable("table").render(summary)
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; \\| &#96;x&#96;" in summary

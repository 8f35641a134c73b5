"""JUnit XML: a testsuite per rule, a testcase per (rule, entity), passes included.

Findings at or above --fail-on are <failure>, evaluation errors <error>, waived
findings <skipped>; findings below --fail-on (and, with --new-only, existing ones)
pass with their message in <system-out>, so the failure count equals the findings
that fail the build. Testcases carry `file` and `line` (read by GitLab and GitHub
report actions, although the Jenkins XSD does not list them).

Every string from the ISMS files goes through `safe.xml_safe` before junit_xml sees it:
characters XML 1.0 forbids (U+0000-U+0008, U+000B, U+000C, U+000E-U+001F, lone
surrogates, U+FFFE, U+FFFF), DEL and the C1 controls become visible escapes such as
`\\x1b` (junit_xml would drop some silently and write the others as character
references no parser accepts). ElementTree escapes markup, so the document stays
well-formed whatever the text.
"""

from __future__ import annotations

from junit_xml import TestCase, TestSuite, to_xml_report_string

from checker.findings import Outcome, Report, Result, natural_key
from checker.reporters.options import RenderOptions
from checker.reporters.safe import xml_safe as x


def _case(report: Report, r: Result, fail_on: str) -> TestCase:
    case = TestCase(
        name=x(r.case),
        classname=x(r.kind),
        file=x(r.location.file),
        line=r.location.line,
        elapsed_sec=0.0,
    )
    detail = f"{r.location.file}:{r.location.line}: {r.severity.value} {r.rule} [{r.entity or '-'}]"
    message = r.message
    if r.change:  # PR mode: whether the change introduced the finding
        detail += f" ({r.change})"
        message += f" ({r.change})"
    detail, message = x(detail), x(message)
    if r.outcome is Outcome.ERROR:
        case.add_error_info(message=message, output=detail, error_type="evaluation-error")
    elif r.outcome is Outcome.WAIVED and r.waiver is not None:
        w = r.waiver
        case.add_skipped_info(
            message=x(f"waived until {w.expires} (approved by {w.approved_by}): {w.reason}"),
            output=f"{detail} {x(r.message)}",
        )
    elif r.outcome is Outcome.FAIL and report.fails_build(r, fail_on):
        case.add_failure_info(message=message, output=detail, failure_type=r.severity.value)
    elif r.outcome is Outcome.FAIL:
        case.stdout = f"{detail} {message} (does not fail the build)"
    return case


def render(report: Report, options: RenderOptions) -> str:
    fail_on = options.fail_on
    by_rule: dict[str, list[Result]] = {i.id: [] for i in report.rules}
    for r in report.results:
        by_rule.setdefault(r.rule, []).append(r)
    infos = {i.id: i for i in report.rules}
    suites = []
    for rule_id in sorted(by_rule):
        info = infos.get(rule_id)
        properties = {"severity": info.severity.value if info else "error"}
        if info is not None:
            properties["title"] = x(info.title)
            properties["references"] = x("; ".join(info.references))
        ordered = sorted(by_rule[rule_id], key=lambda r: natural_key(r.case))
        cases = [_case(report, r, fail_on) for r in ordered]
        suites.append(TestSuite(x(rule_id), cases, properties=properties, package="isms-check"))
    xml: str = to_xml_report_string(suites, prettyprint=True, encoding="utf-8")
    return xml if xml.endswith("\n") else xml + "\n"

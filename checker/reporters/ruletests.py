"""The results of `isms-check test`: text for a terminal, JUnit XML for CI.

Text: one line per test, `STATUS  FILE:LINE  RULE  NAME`, its reasons indented below,
then a summary. JUnit: a testsuite per test file, a testcase per test (named by the
test, classname the rule, with `file` and `line`); a failed test is a <failure>, an
errored one an <error>. Test names and reasons come from the ISMS's files: the caller
passes the text through `safe.console`, and the XML goes through `safe.xml_safe`.
"""

from __future__ import annotations

from collections.abc import Sequence

from junit_xml import TestCase, TestSuite, to_xml_report_string

from checker.reporters.safe import visible
from checker.reporters.safe import xml_safe as x
from checker.ruletests import Status, TestResult


def summary(results: Sequence[TestResult]) -> str:
    counts = {s: sum(r.status is s for r in results) for s in Status}
    files = len({r.test.file for r in results})
    return (
        f"{len(results)} test{'s' * (len(results) != 1)} in {files} file{'s' * (files != 1)}: "
        f"{counts[Status.PASS]} passed, {counts[Status.FAIL]} failed, "
        f"{counts[Status.ERROR]} error{'s' * (counts[Status.ERROR] != 1)}"
    )


def text(results: Sequence[TestResult]) -> str:
    out: list[str] = []
    for r in results:
        t = r.test
        out.append(f"{r.status.value:<5}  {t.file}:{t.line}  {t.rule}  {visible(t.name)}")
        out += [f"       {visible(reason)}" for reason in r.reasons]
    out.append(summary(results))
    return "\n".join(out) + "\n"


def junit(results: Sequence[TestResult]) -> str:
    by_file: dict[str, list[TestResult]] = {}
    for r in results:
        by_file.setdefault(r.test.file, []).append(r)
    suites = []
    for file, rows in by_file.items():
        cases = []
        for r in rows:
            t = r.test
            case = TestCase(
                name=x(t.name), classname=x(t.rule), file=x(t.file), line=t.line, elapsed_sec=0.0
            )
            detail = x("\n".join(r.reasons))
            first = x(r.reasons[0]) if r.reasons else ""
            if r.status is Status.FAIL:
                case.add_failure_info(message=first, output=detail, failure_type="test-failed")
            elif r.status is Status.ERROR:
                case.add_error_info(message=first, output=detail, error_type="test-error")
            cases.append(case)
        suites.append(TestSuite(x(file), cases))
    xml: str = to_xml_report_string(suites, prettyprint=True, encoding="utf-8")
    return xml if xml.endswith("\n") else xml + "\n"

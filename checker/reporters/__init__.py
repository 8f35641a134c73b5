"""Reporters: one module per output format, each turning a Report into text.

REPORTERS drives `--format` choices, their help text and the extra-output flags.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from checker.findings import Report
from checker.reporters import github, json_report, junit, markdown, sarif, text

Render = Callable[[Report, str, bool], str]  # (report, fail_on, color) -> document


@dataclass(frozen=True)
class Reporter:
    render: Render
    help: str


REPORTERS: dict[str, Reporter] = {
    "text": Reporter(text.render, "one line per finding, then a summary (default)"),
    "json": Reporter(json_report.render, "one JSON document (schema_version 1)"),
    "junit": Reporter(junit.render, "JUnit XML: a testsuite per rule, a testcase per entity"),
    "sarif": Reporter(sarif.render, "SARIF 2.1.0 for GitHub code scanning and SARIF viewers"),
    "github": Reporter(github.render, "GitHub Actions annotations (workflow commands)"),
    "markdown": Reporter(markdown.render, "a Markdown summary for a pull request or CI step"),
}

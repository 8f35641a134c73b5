"""Reporters: one module per output format, each turning a Report into text.

The contract (like conftest's Outputter): a reporter module exposes

    render(report: Report, options: RenderOptions) -> str

and reads nothing else: no environment, no files, no clock. REPORTERS maps format names
to reporters; it drives the `--format` choices and their help text, and which formats
can also be written to a file (`--junit FILE`, ...). A reporter may add a GitHub step
summary (`step_summary`, same signature): the command appends it to
$GITHUB_STEP_SUMMARY when that format goes to stdout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from checker.findings import Report
from checker.reporters import github, json_report, junit, markdown, sarif, text
from checker.reporters.options import RenderOptions

__all__ = ["FILE_FORMATS", "REPORTERS", "Render", "RenderOptions", "Reporter"]

Render = Callable[[Report, RenderOptions], str]


@dataclass(frozen=True)
class Reporter:
    render: Render
    help: str
    to_file: bool = True  # `--NAME FILE` also writes this format to FILE
    step_summary: Render | None = None  # Markdown for $GITHUB_STEP_SUMMARY


REPORTERS: dict[str, Reporter] = {
    "text": Reporter(text.render, "one line per finding, then a summary (default)", False),
    "json": Reporter(json_report.render, "one JSON document (schema_version 1)"),
    "junit": Reporter(junit.render, "JUnit XML: a testsuite per rule, a testcase per entity"),
    "sarif": Reporter(sarif.render, "SARIF 2.1.0 for GitHub code scanning and SARIF viewers"),
    "github": Reporter(
        github.render,
        "GitHub Actions annotations (workflow commands), plus the step summary",
        False,
        github.step_summary,
    ),
    "markdown": Reporter(markdown.render, "a Markdown summary for a pull request or CI step"),
}

FILE_FORMATS = tuple(name for name, reporter in REPORTERS.items() if reporter.to_file)

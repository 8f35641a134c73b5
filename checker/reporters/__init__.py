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

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from checker.findings import Report
from checker.reporters.options import RenderOptions

__all__ = ["FILE_FORMATS", "REPORTERS", "Render", "RenderOptions", "Reporter"]

Render = Callable[[Report, RenderOptions], str]


@dataclass(frozen=True)
class Reporter:
    """A format: its module (imported when the format is used, so that a run pays only
    for the formats it writes), its help, whether `--NAME FILE` exists, and whether the
    module adds a step summary (`step_summary`, the same signature as `render`)."""

    module: str
    help: str
    to_file: bool = True  # `--NAME FILE` also writes this format to FILE
    has_step_summary: bool = False  # Markdown for $GITHUB_STEP_SUMMARY

    @property
    def render(self) -> Render:
        render: Render = importlib.import_module(f"checker.reporters.{self.module}").render
        return render

    @property
    def step_summary(self) -> Render | None:
        if not self.has_step_summary:
            return None
        summary: Render = importlib.import_module(f"checker.reporters.{self.module}").step_summary
        return summary


REPORTERS: dict[str, Reporter] = {
    "text": Reporter("text", "one line per finding, then a summary (default)", False),
    "json": Reporter("json_report", "one JSON document (schema_version 1)"),
    "junit": Reporter("junit", "JUnit XML: a testsuite per rule, a testcase per entity"),
    "sarif": Reporter("sarif", "SARIF 2.1.0 for GitHub code scanning and SARIF viewers"),
    "github": Reporter(
        "github",
        "GitHub Actions annotations (workflow commands), plus the step summary",
        False,
        True,
    ),
    "markdown": Reporter("markdown", "a Markdown summary for a pull request or CI step"),
}

FILE_FORMATS = tuple(name for name, reporter in REPORTERS.items() if reporter.to_file)

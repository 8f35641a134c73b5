"""What every reporter may be told besides the Report: one frozen record, so that a
renderer's signature never grows and nothing reaches it any other way (no environment,
no globals). Standard library only."""

from __future__ import annotations

from dataclasses import dataclass

from checker.findings import FAIL_ON_CHOICES


@dataclass(frozen=True)
class RenderOptions:
    """How to render one report.

    fail_on    the lowest severity that fails the build (error | warning | never): decides
               the verdict, JUnit failures, SARIF `failsBuild` and annotation order
    color      ANSI colours (the text format; the command decides: a TTY and no NO_COLOR)
    link_base  a URL prefix for Markdown location links, such as
               https://github.com/OWNER/REPO/blob/SHA/; "" for links relative to the
               repository root
    """

    fail_on: str = "error"
    color: bool = False
    link_base: str = ""

    def __post_init__(self) -> None:
        if self.fail_on not in FAIL_ON_CHOICES:
            raise ValueError(f"fail_on must be one of {', '.join(FAIL_ON_CHOICES)}")

"""The checker's results as plain data: what every reporter reads.

A rule applied to one entity gives one Result: a pass, a failure (a finding), a waived
finding or an evaluation error. The Report holds every Result of a run and decides the
exit code. Standard library only: reporters import this module and nothing else of ours.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]


class Outcome(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    WAIVED = "waived"
    ERROR = "error"

    @property
    def status(self) -> str:
        """The finding status of the JSON contract: open | waived | error."""
        return {"fail": "open", "waived": "waived", "error": "error", "pass": "pass"}[self.value]


FAIL_ON_CHOICES = ("error", "warning", "never")


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file: path with forward slashes, 1-based line, optional column."""

    file: str
    line: int
    column: int | None = None


@dataclass(frozen=True)
class RuleInfo:
    """A rule's metadata, as `rules`, `explain` and the reporters show it."""

    id: str
    title: str
    severity: Severity
    resource: str
    references: tuple[str, ...] = ()
    remediation: str = ""
    description: str = ""
    example: str = ""
    when: str = ""
    check: str = ""
    message: str = ""
    source: str = ""  # "file:line" of the rule's definition, or "built-in (python)"


@dataclass(frozen=True)
class Waiver:
    """The waiver that turned a finding into a waived one."""

    reason: str
    approved_by: str
    expires: str


@dataclass(frozen=True)
class Result:
    """One rule applied to one entity."""

    rule: str
    severity: Severity
    kind: str  # risk | control | plan | action | waiver | isms | file
    entity: str | None
    location: Location
    outcome: Outcome
    message: str = ""
    references: tuple[str, ...] = ()
    case: str = ""  # the JUnit testcase name, unique per run: RULE-ID::ENTITY-ID
    waiver: Waiver | None = None
    change: str | None = None  # new | existing in PR mode

    @staticmethod
    def of(
        info: RuleInfo,
        kind: str,
        entity: str | None,
        location: Location,
        outcome: Outcome,
        message: str = "",
        case: str = "",
    ) -> Result:
        """A rule's result on one entity; a finding without a message gets the title,
        and the testcase name defaults to RULE-ID::ENTITY-ID (the file for files)."""
        return Result(
            rule=info.id,
            severity=info.severity,
            kind=kind,
            entity=entity,
            location=location,
            outcome=outcome,
            message=message or (info.title if outcome is not Outcome.PASS else ""),
            references=info.references,
            case=case or f"{info.id}::{entity if entity is not None else location.file}",
        )

    @property
    def is_finding(self) -> bool:
        return self.outcome is not Outcome.PASS

    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (loc.file, loc.line, loc.column or 0, self.rule, self.case)


@dataclass(frozen=True)
class Report:
    """Everything a run found, in a deterministic order."""

    today: datetime.date
    tool_version: str
    rules: tuple[RuleInfo, ...]
    results: tuple[Result, ...]
    resolved: tuple[Result, ...] = ()
    notices: tuple[str, ...] = ()
    pr_mode: bool = False
    new_only: bool = False

    @staticmethod
    def ordered(results: Iterable[Result]) -> tuple[Result, ...]:
        return tuple(sorted(results, key=Result.sort_key))

    @property
    def findings(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.is_finding)

    def fails_build(self, result: Result, fail_on: str) -> bool:
        """Whether this result alone makes the run exit 1 under `fail_on`."""
        if fail_on == "never" or result.outcome in (Outcome.PASS, Outcome.WAIVED):
            return False
        if self.new_only and result.change == "existing":
            return False
        if result.outcome is Outcome.ERROR:
            return True
        threshold = Severity.WARNING if fail_on == "warning" else Severity.ERROR
        return result.severity.rank >= threshold.rank

    def exit_code(self, fail_on: str) -> int:
        return 1 if any(self.fails_build(r, fail_on) for r in self.results) else 0

    def summary(self) -> dict[str, int]:
        """Open findings per severity, plus waived findings and evaluation errors."""
        counts = {"error": 0, "warning": 0, "info": 0, "waived": 0, "errors": 0}
        for r in self.results:
            if r.outcome is Outcome.FAIL:
                counts[r.severity.value] += 1
            elif r.outcome is Outcome.WAIVED:
                counts["waived"] += 1
            elif r.outcome is Outcome.ERROR:
                counts["errors"] += 1
        return counts

    def summary_line(self, fail_on: str) -> str:
        """The one-line verdict with counts that the text and github formats end with."""
        c = self.summary()
        verdict = "failed" if self.exit_code(fail_on) else "passed"
        return (
            f"{verdict}: {c['error']} errors, {c['warning']} warnings, {c['info']} info, "
            f"{c['waived']} waived, {c['errors']} evaluation errors "
            f"({len(self.results)} checks of {len(self.rules)} rules, "
            f"today {self.today.isoformat()})"
        )

    def rule_counts(self) -> dict[str, dict[str, int]]:
        """Per rule: how many entities it was evaluated on, failed, waived, errored."""
        out: dict[str, dict[str, int]] = {
            r.id: {"evaluated": 0, "failed": 0, "waived": 0, "errors": 0} for r in self.rules
        }
        key = {Outcome.FAIL: "failed", Outcome.WAIVED: "waived", Outcome.ERROR: "errors"}
        for r in self.results:
            counts = out.setdefault(r.rule, {"evaluated": 0, "failed": 0, "waived": 0, "errors": 0})
            counts["evaluated"] += 1
            if r.outcome in key:
                counts[key[r.outcome]] += 1
        return out

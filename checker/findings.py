"""The checker's results as plain data: what every reporter reads.

A rule applied to one entity gives one Result: a pass, a failure (a finding), a waived
finding or an evaluation error. The Report holds every Result of a run and decides the
exit code. Standard library only: reporters import this module and nothing else of ours.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[str | int, ...]:
    """Sorts ids as people read them: A.5.2 before A.5.10, R-9 before R-10. Splitting
    on digit runs alternates text and numbers, so keys compare position by position."""
    return tuple(int(p) if i % 2 else p for i, p in enumerate(_DIGITS.split(text)))


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
    at: str = ""
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
    kind: str  # a kind of checker.kinds (risk, ..., corrective_action), isms, clause, file
    entity: str | None
    location: Location
    outcome: Outcome
    message: str = ""
    references: tuple[str, ...] = ()
    detail: str = ""  # what within the entity: the field path of an ISMS-SCHEMA violation
    field: str = ""  # the field the finding points at (a rule's `at:`), e.g. actions/0/due
    occurrence: int = 1  # the n-th result with this identity (an id used twice)
    waiver: Waiver | None = None
    change: str | None = None  # new | existing in PR mode

    @property
    def identity(self) -> str:
        """What this result is about, the same in every run and in base and head:
        `RULE-ID::ENTITY-ID`, the file for file-level results, ` at FIELD` for a schema
        violation. PR matching, JUnit names and SARIF fingerprints all derive from it."""
        subject = self.entity if self.entity is not None else self.location.file
        return f"{self.rule}::{subject}" + (f" at {self.detail}" if self.detail else "")

    @property
    def case(self) -> str:
        """The JUnit testcase name: the identity, made unique in a run (` #2`, ...)."""
        return self.identity + (f" #{self.occurrence}" if self.occurrence > 1 else "")

    @staticmethod
    def of(
        info: RuleInfo,
        kind: str,
        entity: str | None,
        location: Location,
        outcome: Outcome,
        message: str = "",
        detail: str = "",
    ) -> Result:
        """A rule's result on one entity; a finding without a message gets the title."""
        return Result(
            rule=info.id,
            severity=info.severity,
            kind=kind,
            entity=entity,
            location=location,
            outcome=outcome,
            message=message or (info.title if outcome is not Outcome.PASS else ""),
            references=info.references,
            detail=detail,
        )

    @property
    def is_finding(self) -> bool:
        return self.outcome is not Outcome.PASS

    def sort_key(self) -> tuple[Any, ...]:
        """File problems first (they explain findings that follow from them), then by
        place, rule and identity; ids sort naturally (A.5.2 before A.5.10)."""
        loc = self.location
        first = 0 if self.rule == "ISMS-PARSE" and self.outcome is not Outcome.PASS else 1
        return (first, loc.file, loc.line, loc.column or 0, self.rule, natural_key(self.case))


def number_occurrences(results: Iterable[Result]) -> list[Result]:
    """Numbers results that share an identity (an id used twice), in order, so that each
    testcase name is unique and base and head match occurrence by occurrence."""
    seen: dict[str, int] = {}
    out = []
    for r in results:
        n = seen.get(r.identity, 0) + 1
        seen[r.identity] = n
        out.append(r if n == r.occurrence else dataclasses.replace(r, occurrence=n))
    return out


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

    @property
    def new_findings(self) -> tuple[Result, ...]:
        """PR mode: the findings the change adds and that no waiver covers."""
        return tuple(
            r for r in self.findings if r.change == "new" and r.outcome is not Outcome.WAIVED
        )

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

"""Hand-made Reports for the reporter tests: no ISMS, no engine, every outcome once."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from checker.findings import Location, Outcome, Report, Result, RuleInfo, Severity, Waiver

TODAY = datetime.date(2026, 11, 27)

RULES = (
    RuleInfo(
        id="ISMS-PARSE",
        title="ISMS files are valid YAML",
        severity=Severity.ERROR,
        resource="file",
        references=("ISO/IEC 27001:2022 7.5.3",),
        remediation="Fix the YAML at the line shown.",
        source="built-in (python)",
    ),
    RuleInfo(
        id="ORG-900",
        title="Org rule that fails to evaluate",
        severity=Severity.WARNING,
        resource="risk",
        check="risk.missing > 1",
    ),
    RuleInfo(
        id="ORG-INFO",
        title="Risks name their assets",
        severity=Severity.INFO,
        resource="risk",
        check="size(risk.assets) > 0",
    ),
    RuleInfo(
        id="RT-002",
        title="Risks above appetite have a plan or a valid acceptance",
        severity=Severity.ERROR,
        resource="risk",
        references=("ISO/IEC 27001:2022 6.1.3 e", "ISO/IEC 27001:2022 8.3"),
        remediation="Add an approved or in-progress plan, or a valid acceptance.",
        description="A risk above appetite needs a treatment in force.",
        when="risk.level > isms.appetite",
        check="risk.plan_ids.size() > 0",
        source="(built-in) policies/treatment.yaml:12",
    ),
    RuleInfo(
        id="SOA-006",
        title="Implemented controls have an owner and evidence",
        severity=Severity.ERROR,
        resource="control",
        references=("ISO/IEC 27001:2022 7.5",),
    ),
    RuleInfo(
        id="ST-004",
        title="SoA entries are reviewed",
        severity=Severity.WARNING,
        resource="control",
        references=("ISO/IEC 27001:2022 6.1.3 d",),
    ),
)


def result(
    rule: str,
    severity: Severity,
    kind: str,
    entity: str | None,
    where: tuple[str, int, int | None],
    outcome: Outcome = Outcome.FAIL,
    message: str = "",
    **extra: Any,
) -> Result:
    return Result(
        rule=rule,
        severity=severity,
        kind=kind,
        entity=entity,
        location=Location(*where),
        outcome=outcome,
        message=message,
        references=next((i.references for i in RULES if i.id == rule), ()),
        **extra,
    )


ERR, WARN, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

RESULTS = (
    result("ISMS-PARSE", ERR, "file", None, ("isms/risks/broken.yaml", 4, 7),
           message="mapping values are not allowed here"),
    result("RT-002", ERR, "risk", "R-002", ("isms/risks/other.yaml", 2, 3), Outcome.PASS),
    result("ORG-INFO", INFO, "risk", "R-001", ("isms/risks/ransomware.yaml", 2, None),
           message="risk R-001 names no assets"),
    result("RT-002", ERR, "risk", "R-001", ("isms/risks/ransomware.yaml", 2, None),
           message="risk R-001 (level 20) is above appetite 8 without a plan"),
    result("ORG-900", WARN, "risk", "R-003", ("isms/risks/third.yaml", 5, 3), Outcome.ERROR,
           message="rule ORG-900: `check` failed on R-003: no such key: missing"),
    result("SOA-006", ERR, "control", "A.7.4", ("isms/controls/physical.yaml", 37, 3),
           Outcome.WAIVED, message="implemented control A.7.4 has no evidence",
           waiver=Waiver("Landlord holds the evidence", "CISO", "2027-01-31")),
    result("ST-004", WARN, "control", "A.5.1", ("isms/controls/org.yaml", 10, 3),
           message="A.5.1 was last reviewed on 2025-01-01"),
)  # fmt: skip


def report(**changes: Any) -> Report:
    base = Report(
        today=TODAY,
        tool_version="1.2.3",
        rules=RULES,
        results=Report.ordered(RESULTS),
        notices=("GIT-* rules skipped: not a git repository",),
    )
    return dataclasses.replace(base, **changes)


def pr_report() -> Report:
    """The same findings in PR mode: RT-002 and the evaluation error are new."""
    new = {("RT-002", "R-001"), ("ORG-900", "R-003")}
    results = tuple(
        r
        if not r.is_finding
        else dataclasses.replace(r, change="new" if (r.rule, r.entity) in new else "existing")
        for r in report().results
    )
    resolved = (
        result("RT-001", ERR, "risk", "R-009", ("isms/risks/old.yaml", 1, 1),
               message="risk R-009 has no treatment decision", change="existing"),
    )  # fmt: skip
    return report(results=results, resolved=resolved, pr_mode=True)


def hostile(text: str) -> Report:
    """One finding of each severity whose entity and message carry `text`, plus a waived
    one whose waiver carries it."""
    results = (
        result("RT-002", ERR, "risk", f"R-1{text}", (f"risks/{text}.yaml", 3, 1),
               message=f"risk title {text} owner {text}"),
        result("ST-004", WARN, "control", f"A.1{text}", ("controls/a.yaml", 4, None),
               message=text),
        result("ORG-INFO", INFO, "risk", text, ("risks/b.yaml", 5, 2), message=text),
        result("SOA-006", ERR, "control", "A.7.4", ("controls/p.yaml", 6, 3), Outcome.WAIVED,
               message=text, waiver=Waiver(text, text, "2027-01-31")),
    )  # fmt: skip
    return report(results=Report.ordered(results), notices=())

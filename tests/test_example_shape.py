"""The bundled example ISMS is judged by the checker itself (no test re-implements a
rule): it is clean, and it shows every kind of record and every built-in rule at work."""

from __future__ import annotations

import datetime
from pathlib import Path

from checker import engine
from checker.findings import Outcome
from checker.kinds import KINDS

EXAMPLE = Path(__file__).resolve().parents[1] / "examples"
TODAY = datetime.date(2026, 11, 27)


def test_the_example_is_clean_and_shows_every_kind_and_rule() -> None:
    report = engine.run(engine.Options(path=EXAMPLE, today=TODAY))
    assert report.exit_code("warning") == 0
    assert [r.rule for r in report.findings] == ["SOA-006"]  # waived, with its reason
    assert {k.name for k in KINDS} <= {r.kind for r in report.results}
    assert sum(1 for r in report.results if r.kind == "control" and r.rule == "SOA-001") == 93
    evaluated = {r.rule for r in report.results if r.outcome is Outcome.PASS}
    assert "ORG-001" in evaluated  # the organisation's own rule runs too
    # every rule is evaluated and passes somewhere but the two that need PR mode
    assert {i.id for i in report.rules} - evaluated == {"GIT-002", "GIT-003"}

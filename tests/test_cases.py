"""Runs every fixture case under tests/cases/ through the engine and compares the
findings exactly; then checks that every rule has a case where it fires and one where
it is evaluated and passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker import engine
from checker.errors import FatalError
from checker.findings import Outcome, Report
from tests.caselib import BASE, DEFAULT_TODAY, Case, all_cases

CASES = all_cases()
_reports: dict[str, Report] = {}


def run_case(case: Case, tmp_path: Path) -> Report:
    root = case.build(tmp_path / "isms")
    return engine.run(engine.Options(path=root, today=case.today))


def findings_of(report: Report) -> list[tuple[str, str, str]]:
    return sorted(
        (r.rule, r.entity if r.entity is not None else "-", r.outcome.status)
        for r in report.findings
    )


def test_base_is_clean(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(BASE, tmp_path / "isms")
    report = engine.run(engine.Options(path=tmp_path / "isms", today=DEFAULT_TODAY))
    assert findings_of(report) == []
    assert report.exit_code("warning") == 0
    _reports["base"] = report


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case, tmp_path: Path) -> None:
    if "fatal" in case.expect:
        with pytest.raises(FatalError) as info:
            run_case(case, tmp_path)
        assert case.expect["fatal"] in str(info.value)
        return
    report = run_case(case, tmp_path)
    _reports[case.name] = report
    assert findings_of(report) == case.expected(), case.expect.get("description", "")
    for r in report.findings:  # every finding has a location
        assert r.location.file and r.location.line >= 1


def test_every_rule_fires_and_passes_somewhere(tmp_path: Path) -> None:
    runnable = [c for c in CASES if "fatal" not in c.expect]
    reports = dict(_reports)
    if "base" not in reports:  # run alone: compute what the other tests would
        reports["base"] = run_case(Case("base", BASE, {}), tmp_path / "b")
    for i, case in enumerate(c for c in runnable if c.name not in reports):
        try:
            reports[case.name] = run_case(case, tmp_path / str(i))
        except Exception:  # a crash is test_case's failure, not a coverage gap
            continue
    fired: set[str] = set()
    passed: set[str] = set()
    for case in runnable:  # a rule fires only where the run really gives the expected finding
        if case.name in reports:
            actual = set(findings_of(reports[case.name]))
            fired.update(
                rule
                for rule, entity, status in case.expected()
                if status in ("open", "waived") and (rule, entity, status) in actual
            )
    for report in reports.values():
        passed.update(r.rule for r in report.results if r.outcome is Outcome.PASS)
    # GIT-* rules need git history, which fixture cases (plain folders) do not have:
    # outside git they are skipped with a notice; tests/test_git.py covers them
    rule_ids = {i.id for i in engine.builtin_infos() if not i.id.startswith(engine.GIT_RULE_PREFIX)}
    assert sorted(rule_ids - fired) == [], "rules without a case where they fire"
    assert sorted(rule_ids - passed) == [], "rules without a case where they pass"

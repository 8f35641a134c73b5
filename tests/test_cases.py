"""Runs every fixture case under tests/cases/ through the engine and compares the
findings exactly; checks that every rule has a case where it fires and one where it is
evaluated and passes, and that every finding points at the line of its field."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from checker import engine
from checker.errors import FatalError
from checker.evaluate import at_path
from checker.findings import Outcome, Report
from checker.loader import parse_yaml
from tests.caselib import BASE, DEFAULT_TODAY, Case, all_cases

CASES = all_cases()
RUNNABLE = [c for c in CASES if "fatal" not in c.expect]


def run_case(case: Case, tmp_path: Path) -> Report:
    root = case.build(tmp_path / "isms")
    return engine.run(engine.Options(path=root, today=case.today))


def findings_of(report: Report) -> list[tuple[str, str, str]]:
    return sorted(
        (r.rule, r.entity if r.entity is not None else "-", r.outcome.status)
        for r in report.findings
    )


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Report]]:
    """Every runnable case's report (and the base's), each run once for this module."""
    out: dict[str, Report] = {}
    root = tmp_path_factory.mktemp("cases")
    shutil.copytree(BASE, root / "base")
    out["base"] = engine.run(engine.Options(path=root / "base", today=DEFAULT_TODAY))
    for i, case in enumerate(RUNNABLE):
        try:
            out[case.name] = run_case(case, root / str(i))
        except Exception:  # a crash is test_case's failure, not a coverage gap
            continue
    yield out


def test_base_is_clean(reports: dict[str, Report]) -> None:
    assert findings_of(reports["base"]) == []
    assert reports["base"].exit_code("warning") == 0


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case, tmp_path: Path) -> None:
    if "fatal" in case.expect:
        with pytest.raises(FatalError) as info:
            run_case(case, tmp_path)
        assert case.expect["fatal"] in str(info.value)
        return
    report = run_case(case, tmp_path)
    assert findings_of(report) == case.expected(), case.expect.get("description", "")
    for r in report.findings:  # every finding has a location
        assert r.location.file and r.location.line >= 1


def test_every_rule_fires_and_passes_somewhere(reports: dict[str, Report]) -> None:
    fired: set[str] = set()
    passed: set[str] = set()
    for case in RUNNABLE:  # a rule fires only where the run really gives the expected finding
        if case.name in reports:
            actual = set(findings_of(reports[case.name]))
            fired.update(
                rule
                for rule, entity, status in case.expected()
                if status in ("open", "waived") and (rule, entity, status) in actual
            )
    for report in reports.values():
        passed.update(r.rule for r in report.results if r.outcome is Outcome.PASS)
    # GIT-* rules and SOA-009 need git history, which fixture cases (plain folders) do
    # not have: outside git they are skipped with a notice; tests/test_git.py and
    # tests/test_management_git.py cover them
    rule_ids = {i.id for i in engine.builtin_infos() if not engine.needs_git(i.id)}
    assert sorted(rule_ids - fired) == [], "rules without a case where they fire"
    assert sorted(rule_ids - passed) == [], "rules without a case where they pass"


def test_every_finding_points_at_its_field(reports: dict[str, Report], tmp_path: Path) -> None:
    """Issue 7: a finding of a rule with `at:` is reported at the line and column of the
    field it names, or, where that field is not written, at an enclosing node."""
    checked: set[str] = set()
    for case in RUNNABLE:
        if case.name not in reports:
            continue
        root = case.build(tmp_path / case.name)
        for r in reports[case.name].findings:
            if not r.field:
                continue
            text = (root / r.location.file).read_text(encoding="utf-8")
            positions = parse_yaml(text).positions
            reported = (r.location.line, r.location.column)
            field = at_path(r.field)
            written = [pos for path, pos in positions.items() if path[-len(field) :] == field]
            if written:
                assert reported in written, (case.name, r)
                checked.add(r.rule)
            else:
                enclosing = [
                    pos
                    for path, pos in positions.items()
                    if any(path[-n:] == field[:n] for n in range(1, len(field)))
                    or not path
                    or (len(path) == 1 and isinstance(path[0], int))
                ]
                assert reported in enclosing, (case.name, r)
    assert len(checked) >= 20, sorted(checked)

"""The engine end to end on real folders: notices, ordering, build-then-judge."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

from checker import engine
from tests.caselib import BASE

TODAY = datetime.date(2026, 6, 1)


def isms(tmp_path: Path) -> Path:
    root = tmp_path / "isms"
    shutil.copytree(BASE, root)
    return root


def rule_file(root: Path, *rules: str) -> None:
    """The ISMS's own rule file, policies/org.yaml, holding `rules` (YAML lines)."""
    (root / "policies").mkdir()
    (root / "policies" / "org.yaml").write_text("rules:\n" + "".join(rules), encoding="utf-8")


def test_files_not_read_are_named_in_a_notice(tmp_path: Path) -> None:
    root = isms(tmp_path)
    (root / "risks" / "r3.json").write_text('{"id": "R-3"}', encoding="utf-8")
    (root / "risks" / "more.yml.bak").write_text("id: R-4\n", encoding="utf-8")
    (root / "risks" / "README.md").write_text("# Our risks\n", encoding="utf-8")
    (root / "risks" / ".gitkeep").write_text("", encoding="utf-8")
    report = engine.run(engine.Options(path=root, today=TODAY))
    notices = [n for n in report.notices if "not read" in n]
    assert len(notices) == 1
    assert "risks/more.yml.bak" in notices[0] and "risks/r3.json" in notices[0]
    assert "README.md" not in notices[0] and ".gitkeep" not in notices[0]


def test_ids_sort_naturally(tmp_path: Path) -> None:
    root = isms(tmp_path)
    ids = ["C.1", "C.2", "C.3", "C.10", "C.11", "C.9"]
    lines = "".join(f"  - {{id: {i}, title: Control {i}, theme: Organizational}}\n" for i in ids)
    (root / "catalog.yaml").write_text(
        "id: fixture\ntitle: Catalog\ncontrols:\n" + lines, encoding="utf-8"
    )
    report = engine.run(engine.Options(path=root, today=TODAY, select=("SOA-001",)))
    missing = [r.entity for r in report.findings]
    assert missing == ["C.9", "C.10", "C.11"]


def test_parse_problems_are_listed_first(tmp_path: Path) -> None:
    root = isms(tmp_path)
    (root / "risks" / "zz.yaml").write_text("id: R-9\n\ttitle: tab\n", encoding="utf-8")
    (root / "controls" / "soa.yaml").write_text(
        (root / "controls" / "soa.yaml").read_text(encoding="utf-8").replace("C.3", "C.33"),
        encoding="utf-8",
    )
    report = engine.run(engine.Options(path=root, today=TODAY))
    rules = [r.rule for r in report.findings]
    assert rules[0] == "ISMS-PARSE" and len(rules) > 1


def test_select_still_reports_files_it_cannot_read(tmp_path: Path) -> None:
    root = isms(tmp_path)
    (root / "risks" / "zz.yaml").write_text("id: R-9\n\ttitle: tab\n", encoding="utf-8")
    selected = engine.run(engine.Options(path=root, today=TODAY, select=("RT-001",)))
    assert [r.rule for r in selected.findings] == ["ISMS-PARSE"]
    ignored = engine.run(
        engine.Options(path=root, today=TODAY, select=("RT-001",), ignore=("ISMS-PARSE",))
    )
    assert ignored.findings == ()


def test_a_rule_on_waivers_and_another_kind_judges_both(tmp_path: Path) -> None:
    root = isms(tmp_path)
    rule_file(
        root,
        "  - id: ORG-001\n"
        "    title: Owners and approvers are named in capitals\n"
        "    severity: warning\n"
        "    resource: [risk, waiver]\n"
        "    check: \"kind == 'risk' ? risk.owner == 'nobody' : waiver.approved_by == 'x'\"\n",
    )
    (root / "waivers.yaml").write_text(
        "- {rule: RT-001, target: R-1, reason: r, approved_by: CISO, date: 2026-05-01,"
        " expires: 2026-07-01}\n",
        encoding="utf-8",
    )
    report = engine.run(engine.Options(path=root, today=TODAY, select=("ORG-001",)))
    kinds = {r.kind for r in report.results if r.rule == "ORG-001"}
    assert kinds == {"risk", "waiver"}


def test_a_message_that_is_not_a_string_is_an_error_result(tmp_path: Path) -> None:
    root = isms(tmp_path)
    rule_file(
        root,
        "  - id: ORG-001\n"
        "    title: Every risk fails\n"
        "    severity: warning\n"
        "    resource: risk\n"
        "    check: 'false'\n"
        "    message: size(risk.controls)\n",
    )
    for name in ("native", "cel-python"):
        report = engine.run(
            engine.Options(path=root, today=TODAY, select=("ORG-001",), engine=name)
        )
        outcomes = {(r.outcome.value, r.message) for r in report.results if r.rule == "ORG-001"}
        assert ("error", "rule ORG-001: `message` gave int 1 on R-1, not a string") in outcomes
        assert {outcome for outcome, _ in outcomes} == {"error"}
        assert report.exit_code("never") == 0 and report.exit_code("error") == 1


def test_an_evaluation_over_budget_is_an_error_result_naming_the_rule(tmp_path: Path) -> None:
    root = isms(tmp_path)
    rule_file(
        root,
        "  - id: ORG-002\n"
        "    title: Quadratic\n"
        "    severity: info\n"
        "    resource: risk\n"
        '    check: "[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b,'
        " [1,2,3,4,5,6,7,8,9,10].all(c, [1,2,3,4,5,6,7,8,9,10].all(d,"
        ' [1,2,3,4,5,6,7,8,9,10].all(e, a + b + c + d + e > 0)))))"\n',
    )
    messages = set()
    for name in ("native", "cel-python"):  # the same budget, whatever the engine
        options = engine.Options(path=root, today=TODAY, select=("ORG-002",), engine=name)
        report = engine.run(options)
        (first, *_) = [r for r in report.results if r.rule == "ORG-002"]
        assert first.outcome.value == "error"
        assert "ORG-002" in first.message and "budget" in first.message
        messages.add(first.message)
    assert len(messages) == 1

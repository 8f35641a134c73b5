"""Text, JSON and JUnit reporters on hand-made Reports (no ISMS, no engine)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from junitparser import Error, Failure, JUnitXml, Skipped

from checker.reporters import json_report, junit, text
from tests.report_samples import hostile, pr_report, report


def test_text_exact() -> None:
    assert text.render(report(), "error") == (
        "isms/risks/broken.yaml:4: error ISMS-PARSE [-] mapping values are not allowed here\n"
        "isms/controls/org.yaml:10: warning ST-004 [A.5.1] A.5.1 was last reviewed on 2025-01-01\n"
        "isms/risks/ransomware.yaml:2: info ORG-INFO [R-001] risk R-001 names no assets\n"
        "isms/risks/ransomware.yaml:2: error RT-002 [R-001] risk R-001 (level 20) is above "
        "appetite 8 without a plan\n"
        "isms/risks/third.yaml:5: warning ORG-900 [R-003] rule ORG-900: `check` failed on R-003: "
        "no such key: missing (evaluation error)\n"
        "\n"
        "Waived:\n"
        "isms/controls/physical.yaml:37: error SOA-006 [A.7.4] implemented control A.7.4 has no "
        "evidence (waived by CISO until 2027-01-31: Landlord holds the evidence)\n"
        "\n"
        "failed: 2 errors, 1 warnings, 1 info, 1 waived, 1 evaluation errors "
        "(7 checks of 6 rules, today 2026-11-27)\n"
    )


def test_text_pr_mode_marks_new_and_lists_resolved() -> None:
    out = text.render(pr_report(), "error")
    assert "[R-001] risk R-001 (level 20) is above appetite 8 without a plan (new)" in out
    assert "A.5.1 was last reviewed on 2025-01-01 (existing)" in out
    assert "Resolved by this change:\nisms/risks/old.yaml:1: error RT-001 [R-009]" in out


def test_text_keeps_one_line_per_finding() -> None:
    out = text.render(hostile("x\n::error::injected\r\x1b[31m"), "error")
    body = [ln for ln in out.splitlines() if ln and not ln.startswith(("Waived", "failed"))]
    assert len(body) == 4
    assert "\x1b" not in out and "\r" not in out


def test_text_color_only_when_asked() -> None:
    assert "\033[" not in text.render(report(), "error", False)
    assert "\033[31merror\033[0m" in text.render(report(), "error", True)


def test_json_shape() -> None:
    doc = json.loads(json_report.render(report(), "error"))
    assert list(doc) == [
        "schema_version",
        "tool",
        "today",
        "findings",
        "resolved",
        "rules",
        "summary",
    ]
    assert doc["schema_version"] == 1
    assert doc["tool"] == {"name": "isms-check", "version": "1.2.3"}
    assert doc["today"] == "2026-11-27"
    assert doc["resolved"] == []
    keys = ["rule", "severity", "kind", "entity", "file", "line", "column", "message",
            "references", "status", "change"]  # fmt: skip
    assert all(list(f) == keys for f in doc["findings"])
    by_rule = {f["rule"]: f for f in doc["findings"]}
    assert by_rule["ISMS-PARSE"]["entity"] is None and by_rule["ISMS-PARSE"]["kind"] == "file"
    assert by_rule["SOA-006"]["status"] == "waived"
    assert by_rule["ORG-900"]["status"] == "error"
    assert by_rule["RT-002"] == {
        "rule": "RT-002", "severity": "error", "kind": "risk", "entity": "R-001",
        "file": "isms/risks/ransomware.yaml", "line": 2, "column": None,
        "message": "risk R-001 (level 20) is above appetite 8 without a plan",
        "references": ["ISO/IEC 27001:2022 6.1.3 e", "ISO/IEC 27001:2022 8.3"],
        "status": "open", "change": None,
    }  # fmt: skip
    assert doc["rules"]["RT-002"] == {"evaluated": 2, "failed": 1, "waived": 0, "errors": 0}
    assert doc["summary"] == {"error": 2, "warning": 1, "info": 1, "waived": 1, "errors": 1}


def test_json_pr_mode() -> None:
    doc = json.loads(json_report.render(pr_report(), "error"))
    assert {f["change"] for f in doc["findings"]} == {"new", "existing"}
    assert [(r["rule"], r["entity"]) for r in doc["resolved"]] == [("RT-001", "R-009")]


def _parse(xml: str, tmp_path: Path) -> JUnitXml:
    path = tmp_path / "junit.xml"
    path.write_text(xml, encoding="utf-8")
    return JUnitXml.fromfile(str(path))


def test_junit_structure(tmp_path: Path) -> None:
    xml = _parse(junit.render(report(), "error"), tmp_path)
    suites = {s.name: s for s in xml}
    assert sorted(suites) == ["ISMS-PARSE", "ORG-900", "ORG-INFO", "RT-002", "SOA-006", "ST-004"]
    rt = suites["RT-002"]
    assert [c.name for c in rt] == ["RT-002::R-001", "RT-002::R-002"]  # passes included
    assert {p.name: p.value for p in rt.properties()} == {
        "severity": "error",
        "title": "Risks above appetite have a plan or a valid acceptance",
        "references": "ISO/IEC 27001:2022 6.1.3 e; ISO/IEC 27001:2022 8.3",
    }
    failing, passing = list(rt)
    assert isinstance(failing.result[0], Failure) and passing.result == []
    assert failing.classname == "risk"
    assert failing._elem.get("file") == "isms/risks/ransomware.yaml"
    assert failing._elem.get("line") == "2"
    assert isinstance(next(iter(suites["ORG-900"])).result[0], Error)
    skipped = next(iter(suites["SOA-006"])).result[0]
    assert isinstance(skipped, Skipped)
    assert "2027-01-31" in (skipped.message or "") and "Landlord" in (skipped.message or "")
    assert next(iter(suites["ST-004"])).result == []  # a warning does not fail at --fail-on error


def test_junit_failure_count_equals_failing_findings(tmp_path: Path) -> None:
    for fail_on in ("error", "warning", "never"):
        rep = report()
        xml = _parse(junit.render(rep, fail_on), tmp_path)
        failures = sum(1 for s in xml for c in s for r in c.result if isinstance(r, Failure))
        errors = sum(1 for s in xml for c in s for r in c.result if isinstance(r, Error))
        expected = sum(
            1 for r in rep.results if rep.fails_build(r, fail_on) and r.outcome.value == "fail"
        )
        assert failures == expected
        assert errors == 1
        xml.update_statistics()
        assert xml.failures == expected


def test_junit_hostile_text_stays_well_formed(tmp_path: Path) -> None:
    nasty = "</failure><script>&amp;\"'\x00\x1b]]>"
    out = junit.render(hostile(nasty), "error")
    root = ET.fromstring(out.encode("utf-8"))  # well-formed
    assert not root.findall(".//script")
    assert "<script>" not in out


def test_outputs_are_deterministic() -> None:
    for render in (text.render, json_report.render, junit.render):
        assert render(report(), "error", False) == render(report(), "error", False)
    assert "timestamp" not in junit.render(report(), "error")

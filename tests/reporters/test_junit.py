"""--format junit, parsed back by a JUnit library (junitparser), on hand-made Reports."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from junitparser import Error, Failure, JUnitXml, Skipped

from checker.reporters import RenderOptions, junit
from tests.report_samples import hostile, report


def _parse(xml: str, tmp_path: Path) -> JUnitXml:
    path = tmp_path / "junit.xml"
    path.write_text(xml, encoding="utf-8")
    return JUnitXml.fromfile(str(path))


def test_junit_structure(tmp_path: Path) -> None:
    xml = _parse(junit.render(report(), RenderOptions()), tmp_path)
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
        xml = _parse(junit.render(rep, RenderOptions(fail_on=fail_on)), tmp_path)
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
    out = junit.render(hostile(nasty), RenderOptions())
    root = ET.fromstring(out.encode("utf-8"))  # well-formed
    assert not root.findall(".//script")
    assert "<script>" not in out


def test_no_timestamps() -> None:
    assert "timestamp" not in junit.render(report(), RenderOptions())


def test_testcases_sort_ids_naturally() -> None:
    from checker.findings import Outcome, Severity
    from tests.report_samples import report, result

    results = tuple(
        result("SOA-001", Severity.ERROR, "control", cid, ("isms/isms.yaml", 20, None),
               Outcome.FAIL, f"{cid} is missing")
        for cid in ("A.5.10", "A.5.2", "A.5.1")
    )  # fmt: skip
    xml = JUnitXml.fromstring(
        junit.render(report(results=results), RenderOptions()).encode("utf-8")
    )
    names = [case.name for suite in xml for case in suite if suite.name == "SOA-001"]
    assert names == ["SOA-001::A.5.1", "SOA-001::A.5.2", "SOA-001::A.5.10"]

"""--format json: the shape of spec section 6, on hand-made Reports."""

from __future__ import annotations

import json

from checker.reporters import RenderOptions, json_report
from tests.report_samples import pr_report, report


def test_json_shape() -> None:
    doc = json.loads(json_report.render(report(), RenderOptions()))
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
    doc = json.loads(json_report.render(pr_report(), RenderOptions()))
    assert {f["change"] for f in doc["findings"]} == {"new", "existing"}
    assert [(r["rule"], r["entity"]) for r in doc["resolved"]] == [("RT-001", "R-009")]


def test_the_options_do_not_change_the_document() -> None:
    plain = json_report.render(report(), RenderOptions())
    for options in (RenderOptions(fail_on="never"), RenderOptions(color=True, link_base="x/")):
        assert json_report.render(report(), options) == plain

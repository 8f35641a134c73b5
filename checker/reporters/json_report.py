"""JSON: one document in the shape docs/format.md section 13 defines (schema_version 1)."""

from __future__ import annotations

import json
from typing import Any

from checker.findings import Report, Result
from checker.reporters.options import RenderOptions


def finding(r: Result) -> dict[str, Any]:
    return {
        "rule": r.rule,
        "severity": r.severity.value,
        "kind": r.kind,
        "entity": r.entity,
        "file": r.location.file,
        "line": r.location.line,
        "column": r.location.column,
        "message": r.message,
        "references": list(r.references),
        "status": r.outcome.status,
        "change": r.change,
    }


def render(report: Report, options: RenderOptions) -> str:
    """The document does not depend on the options: the same run gives the same JSON."""
    document = {
        "schema_version": 1,
        "tool": {"name": "isms-check", "version": report.tool_version},
        "today": report.today.isoformat(),
        "findings": [finding(r) for r in report.findings],
        "resolved": [finding(r) for r in report.resolved],
        "rules": report.rule_counts(),
        "summary": report.summary(),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

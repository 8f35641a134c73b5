"""JSON: one document in the shape docs/format.md section 13 defines (schema_version 1).

Strings are JSON-escaped by the serialiser; `safe.json_text` also escapes DEL, the C1
controls and U+2028/U+2029, and turns lone surrogates into U+FFFD, so the document is
valid UTF-8 and sends no control character to a terminal that shows it."""

from __future__ import annotations

from typing import Any

from checker.findings import Report, Result
from checker.reporters.options import RenderOptions
from checker.reporters.safe import json_text


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
    return json_text(document)

"""SARIF 2.1.0 for GitHub code scanning (and any other SARIF viewer).

One run; `tool.driver.rules` holds every rule of the report (sorted by id) with its
descriptions, help and default level; each finding is a result pointing at its rule by
id and index. Choices a reader may look for:

- Levels: error → `error`, warning → `warning`, info → `note`; an evaluation error is
  always `error`, with a message that says so (`properties.status` is `error`).
- Waived findings stay in the log with an external, accepted `suppressions` entry that
  carries the waiver's reason, approver and expiry; code scanning shows them as
  dismissed instead of losing them.
- Locations are relative to the repository (`uriBaseId` `%SRCROOT%`), percent-encoded,
  forward slashes, with `startColumn` when the column is known.
- `partialFingerprints["isms/v1"]` is the SHA-256 of the finding's stable name (the
  JUnit testcase name, `RULE-ID::ENTITY-ID`), so an alert keeps its identity when lines
  move or messages change. Findings without an entity use the file instead, and
  ISMS-SCHEMA (one finding per violation) adds the path of the value inside the entity.
- In PR mode `baselineState` is `new` or `unchanged`.
- No timestamps, no absolute paths: the same report gives the same bytes.
- Text from the ISMS files is escaped by the JSON serialiser (`safe.json_text`: no raw
  control character, lone surrogates as U+FFFD); URIs are percent-encoded. Viewers
  render `message.text` as plain text; only the rules' `help.markdown` is Markdown, and
  it comes from rule files, which the ISMS's maintainers write (docs/security.md).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import quote

from checker.findings import Outcome, Report, Result, RuleInfo, Severity
from checker.reporters.options import RenderOptions
from checker.reporters.safe import json_text, unicode_safe

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://isms-check.dev/"
FINGERPRINT_KEY = "isms/v1"
SRCROOT = "%SRCROOT%"

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def level(r: Result) -> str:
    return "error" if r.outcome is Outcome.ERROR else _LEVELS[r.severity]


def fingerprint(r: Result) -> str:
    """SHA-256 of the finding's stable name: rule id and entity id, never a line."""
    name = r.case
    return hashlib.sha256(unicode_safe(name).encode("utf-8")).hexdigest()


def _rule_name(info: RuleInfo) -> str:
    """A PascalCase identifier from the title, as SARIF's `name` asks for."""
    words = re.findall(r"[A-Za-z0-9]+", info.title)
    return "".join(w[:1].upper() + w[1:] for w in words) or info.id.replace("-", "")


def _fence(code: str) -> str:
    """A Markdown code block that no backtick run inside `code` can close."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}\n{code.strip()}\n{ticks}"


def _help(info: RuleInfo) -> dict[str, str]:
    text = [info.title]
    md = [f"**{info.title}**"]
    if info.description:
        text.append(info.description.strip())
        md.append(info.description.strip())
    if info.remediation:
        text.append(f"How to fix: {info.remediation.strip()}")
        md.append(f"**How to fix:** {info.remediation.strip()}")
    if info.references:
        text.append("References: " + "; ".join(info.references))
        md.append("**References:**\n\n" + "\n".join(f"- {ref}" for ref in info.references))
    if info.check:
        expression = f"when: {info.when.strip()}\n" if info.when else ""
        expression += f"check: {info.check.strip()}"
        text.append("Expression (CEL):\n" + expression)
        md.append("**Expression (CEL):**\n\n" + _fence(expression))
    return {"text": "\n\n".join(text), "markdown": "\n\n".join(md)}


def _rule(info: RuleInfo) -> dict[str, Any]:
    resources = [part.strip() for part in info.resource.split(",") if part.strip()]
    properties: dict[str, Any] = {
        "tags": list(dict.fromkeys(["isms", "iso27001", *resources])),
        "references": list(info.references),
    }
    if info.source:
        properties["source"] = info.source
    return {
        "id": info.id,
        "name": _rule_name(info),
        "shortDescription": {"text": info.title},
        "fullDescription": {"text": (info.description or info.title).strip()},
        "help": _help(info),
        "defaultConfiguration": {"level": _LEVELS[info.severity]},
        "properties": properties,
    }


def _unknown_rule(r: Result) -> RuleInfo:
    """A findings' rule missing from report.rules still gets an entry (never a dangling
    ruleIndex)."""
    return RuleInfo(id=r.rule, title=r.rule, severity=r.severity, resource=r.kind)


def _location(r: Result) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": max(1, r.location.line)}
    if r.location.column:
        region["startColumn"] = max(1, r.location.column)
    return {
        "physicalLocation": {
            "artifactLocation": {
                "uri": quote(unicode_safe(r.location.file).replace("\\", "/"), safe="/"),
                "uriBaseId": SRCROOT,
            },
            "region": region,
        }
    }


def _result(report: Report, r: Result, index: int, fail_on: str) -> dict[str, Any]:
    message = r.message or r.rule
    if r.outcome is Outcome.ERROR:
        message = f"Evaluation error (the rule could not be judged): {message}"
    out: dict[str, Any] = {
        "ruleId": r.rule,
        "ruleIndex": index,
        "level": level(r),
        "message": {"text": message},
        "locations": [_location(r)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(r)},
    }
    if r.change is not None:
        out["baselineState"] = "new" if r.change == "new" else "unchanged"
    if r.outcome is Outcome.WAIVED:
        suppression: dict[str, Any] = {"kind": "external", "status": "accepted"}
        if r.waiver is not None:
            w = r.waiver
            suppression["justification"] = (
                f"waived until {w.expires} (approved by {w.approved_by}): {w.reason}"
            )
            suppression["properties"] = {
                "reason": w.reason,
                "approvedBy": w.approved_by,
                "expires": w.expires,
            }
        out["suppressions"] = [suppression]
    out["properties"] = {
        "kind": r.kind,
        "entity": r.entity,
        "status": r.outcome.status,
        "change": r.change,
        "failsBuild": report.fails_build(r, fail_on),
        "references": list(r.references),
    }
    return out


def document(report: Report, fail_on: str) -> dict[str, Any]:
    """The SARIF log as plain data."""
    infos = {i.id: i for i in report.rules}
    for r in report.findings:
        infos.setdefault(r.rule, _unknown_rule(r))
    ordered = sorted(infos.values(), key=lambda i: i.id)
    index = {info.id: n for n, info in enumerate(ordered)}
    invocation: dict[str, Any] = {
        "executionSuccessful": True,
        "exitCode": report.exit_code(fail_on),
    }
    if report.notices:
        invocation["toolExecutionNotifications"] = [
            {"level": "note", "message": {"text": notice}} for notice in report.notices
        ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "isms-check",
                "version": report.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(info) for info in ordered],
            }
        },
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": [_result(report, r, index[r.rule], fail_on) for r in report.findings],
        "properties": {"today": report.today.isoformat(), "summary": report.summary()},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report, options: RenderOptions) -> str:
    return json_text(document(report, options.fail_on))

"""Tests for the JSON Schemas in schemas/ (the shape contract of spec section 1 and 2).

Each schema is checked three ways:

* as a schema: valid draft 2020-12, the team conventions ($schema, $id, title,
  description on every property, closed objects that allow ``x-`` keys) and the
  on-disk formatting (2-space indent, trailing newline);
* with good sample instances, which must produce no error at all;
* with bad sample instances, each made from a good one by one change, which must
  produce an error of the expected keyword at the expected instance path (so a bad
  case cannot pass because of some unrelated error), as a top-level error: that is
  what checker/schema.py turns into a finding at the offending line.

Entities are validated against ``#/$defs/<kind>`` directly, as the checker does; the
file-level ``oneOf`` (one entity or a non-empty list) has its own tests.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
SCHEMA_NAMES = ("isms", "risk", "control", "plan", "waiver", "rules")
ENTITY_KINDS = ("risk", "control", "plan")
X_KEYS: dict[str, Any] = {"^x-": {}}

Path_ = tuple[str | int, ...]


def load_schema(name: str) -> dict[str, Any]:
    with (SCHEMA_DIR / f"{name}.schema.json").open(encoding="utf-8") as f:
        schema: dict[str, Any] = json.load(f)
    return schema


def make_validator(name: str, definition: str | None = None) -> Draft202012Validator:
    """A validator for the whole file, or for one ``$defs`` entry of it."""
    schema = load_schema(name)
    if definition is None:
        return Draft202012Validator(schema, format_checker=FormatChecker())
    registry: Registry[Any] = Registry().with_resource(
        schema["$id"], Resource.from_contents(schema)
    )
    return Draft202012Validator(
        {"$ref": f"{schema['$id']}#/$defs/{definition}"},
        registry=registry,
        format_checker=FormatChecker(),
    )


def error_list(name: str, instance: Any, definition: str | None = None) -> list[ValidationError]:
    return list(make_validator(name, definition).iter_errors(instance))


_DELETE = object()


def changed(base: Any, path: Path_, value: Any = _DELETE) -> Any:
    """A deep copy of base with the item at path set to value (or deleted)."""
    result = copy.deepcopy(base)
    parent = result
    for key in path[:-1]:
        parent = parent[key]
    if value is _DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return result


# --- good samples (from the spec's examples) ----------------------------------------

RISK: dict[str, Any] = {
    "id": "R-001",
    "title": "Ransomware encrypts file servers",
    "description": "Criminal groups encrypt the file servers and demand a ransom.",
    "owner": "CIO",
    "assets": ["file-servers"],
    "threats": ["ransomware"],
    "inherent": {"likelihood": 4, "impact": 5},
    "treatment": "mitigate",
    "controls": ["A.8.7", "A.8.13"],
    "plans": ["RTP-2026-01"],
    "residual": {"likelihood": 2, "impact": 4},
    "assessed": "2026-03-01",
    "review_days": 180,
    "acceptance": {
        "by": "CIO",
        "date": "2026-03-05",
        "expires": "2027-03-05",
        "rationale": "Cost of further treatment exceeds expected loss",
    },
    "status": "open",
}
RISK_MINIMAL: dict[str, Any] = {
    "id": "R-002",
    "title": "Laptop theft",
    "owner": "CISO",
    "inherent": {"likelihood": 3, "impact": 2},
    "treatment": "none",
    "assessed": "2026-01-15",
}

CONTROL: dict[str, Any] = {
    "id": "A.8.7",
    "title": "Protection against malware",
    "custom": False,
    "applicable": True,
    "justification": "Addresses R-001; contractual requirement",
    "status": "implemented",
    "owner": "IT Operations",
    "evidence": ["docs/edr-rollout.md", "https://intranet/edr"],
    "reviewed": "2026-02-01",
    "measurement": "EDR coverage >= 98%",
    "audited": "2026-05-01",
}
CONTROL_MINIMAL: dict[str, Any] = {"id": "A.7.4", "applicable": False}

PLAN: dict[str, Any] = {
    "id": "RTP-2026-01",
    "title": "Ransomware resilience",
    "risks": ["R-001", "R-007"],
    "owner": "CISO",
    "status": "in_progress",
    "approval": {"by": "CIO", "date": "2026-03-10"},
    "created": "2026-03-01",
    "due": "2026-09-30",
    "completed": None,
    "resources": "2 FTE, EUR 40k",
    "target_residual": {"likelihood": 2, "impact": 3},
    "actions": [
        {
            "id": "A1",
            "title": "Deploy EDR to all servers",
            "owner": "IT Operations",
            "due": "2026-06-30",
            "status": "done",
            "done": "2026-06-20",
            "controls": ["A.8.7"],
        },
        {"id": "A2", "title": "Offline backups", "due": "2026-08-31", "status": "open"},
    ],
}
PLAN_MINIMAL: dict[str, Any] = {
    "id": "RTP-2026-02",
    "title": "Phishing training",
    "risks": ["R-003"],
    "owner": "HR",
    "status": "draft",
    "created": "2026-04-01",
    "due": "2026-12-31",
    "actions": [{"id": "A1", "title": "Run a campaign", "due": "2026-06-30", "status": "open"}],
}

WAIVER: dict[str, Any] = {
    "rule": "SOA-006",
    "target": "A.7.4",
    "reason": "Evidence held by landlord; audit visit booked",
    "approved_by": "CISO",
    "date": "2026-11-02",
    "expires": "2027-01-31",
}

ISMS: dict[str, Any] = {
    "version": 1,
    "organization": "Example Ltd",
    "scales": {
        "likelihood": [
            {"value": 1, "label": "Rare"},
            {"value": 2, "label": "Unlikely"},
            {"value": 3, "label": "Possible"},
            {"value": 4, "label": "Likely"},
            {"value": 5, "label": "Almost certain"},
        ],
        "impact": [
            {"value": 1, "label": "Negligible"},
            {"value": 2, "label": "Minor"},
            {"value": 3, "label": "Moderate"},
            {"value": 4, "label": "Major"},
            {"value": 5, "label": "Severe"},
        ],
    },
    "levels": {
        "matrix": None,
        "bands": [
            {"name": "Low", "max": 4},
            {"name": "Medium", "max": 9},
            {"name": "High", "max": 16},
            {"name": "Critical", "max": 25},
        ],
    },
    "appetite": 8,
    "review": {
        "risk_days": 365,
        "by_band": {"Critical": 90, "High": 180},
        "control_days": 365,
        "audit_days": 365,
        "acceptance_max_days": 365,
        "warn_days": 30,
    },
    "catalog": "iso27001:2022",
    "paths": {
        "risks": "risks",
        "controls": "controls",
        "plans": "plans",
        "policies": "policies",
        "waivers": "waivers.yaml",
    },
}
ISMS_MINIMAL: dict[str, Any] = {
    "version": 1,
    "scales": {
        "likelihood": [{"value": 1, "label": "Low"}],
        "impact": [{"value": 1, "label": "Low"}],
    },
    "levels": {"bands": [{"name": "Low", "max": 1}]},
    "appetite": 1,
}

RULE: dict[str, Any] = {
    "id": "ORG-001",
    "title": "Critical risks are owned by an executive",
    "severity": "error",
    "resource": "risk",
    "when": "risk.level >= 20",
    "check": "risk.owner in ['CEO', 'CIO', 'CISO']",
    "message": "'risk ' + risk.id + ' is owned by ' + risk.owner",
    "references": ["ISO/IEC 27001:2022 6.1.2 c"],
    "remediation": "Assign the risk to a member of the executive board.",
    "description": "Risks at level 20 and above need an executive owner.",
    "example": "id: R-001\nowner: CIO\n",
}
RULES: dict[str, Any] = {"rules": [RULE]}

# (schema name, $defs entry or None for the whole file, instance)
GOOD: dict[str, tuple[str, str | None, Any]] = {
    "risk-full": ("risk", "risk", RISK),
    "risk-minimal": ("risk", "risk", RISK_MINIMAL),
    "risk-off-scale-inherent-left-to-RA-001": (
        "risk",
        "risk",
        changed(RISK, ("inherent",), {"likelihood": 0, "impact": 9}),
    ),
    "risk-off-scale-residual-left-to-RA-001": (
        "risk",
        "risk",
        changed(RISK, ("residual",), {"likelihood": -1, "impact": 0}),
    ),
    "risk-acceptance-null": ("risk", "risk", changed(RISK, ("acceptance",), None)),
    "risk-acceptance-empty": ("risk", "risk", changed(RISK, ("acceptance",), {})),
    "risk-acceptance-fields-null": (
        "risk",
        "risk",
        changed(
            RISK, ("acceptance",), {"by": None, "date": None, "expires": None, "rationale": None}
        ),
    ),
    "risk-accept-without-acceptance-left-to-RT-004": (
        "risk",
        "risk",
        changed(RISK_MINIMAL, ("treatment",), "accept"),
    ),
    "risk-description-null": ("risk", "risk", changed(RISK, ("description",), None)),
    "risk-closed": ("risk", "risk", changed(RISK, ("status",), "closed")),
    "risk-x-extension": ("risk", "risk", changed(RISK, ("x-jira",), {"key": "SEC-12"})),
    "risk-acceptance-x-extension": (
        "risk",
        "risk",
        changed(RISK, ("acceptance", "x-ticket"), "SEC-13"),
    ),
    "control-full": ("control", "control", CONTROL),
    "control-minimal-excluded": ("control", "control", CONTROL_MINIMAL),
    "control-no-justification-left-to-SOA-002": (
        "control",
        "control",
        changed(CONTROL_MINIMAL, ("justification",), None),
    ),
    "control-nulls": (
        "control",
        "control",
        {
            "id": "A.5.1",
            "applicable": True,
            "justification": "Policy required",
            "status": None,
            "owner": None,
            "evidence": None,
            "reviewed": None,
            "measurement": None,
            "audited": None,
        },
    ),
    "control-implemented-without-owner-left-to-SOA-006": (
        "control",
        "control",
        changed(CONTROL, ("owner",), None),
    ),
    "control-custom": (
        "control",
        "control",
        {
            "id": "ORG-BYOD",
            "custom": True,
            "applicable": True,
            "justification": "Own",
            "status": "planned",
        },
    ),
    "plan-full": ("plan", "plan", PLAN),
    "plan-minimal": ("plan", "plan", PLAN_MINIMAL),
    "plan-approval-null": ("plan", "plan", changed(PLAN, ("approval",), None)),
    "plan-approval-fields-null": (
        "plan",
        "plan",
        changed(PLAN, ("approval",), {"by": None, "date": None}),
    ),
    "plan-completed-without-date-left-to-RTP-004": (
        "plan",
        "plan",
        changed(PLAN, ("status",), "completed"),
    ),
    "plan-off-scale-target-left-to-RA-001": (
        "plan",
        "plan",
        changed(PLAN, ("target_residual",), {"likelihood": 0, "impact": 6}),
    ),
    "plan-x-extension-in-action": (
        "plan",
        "plan",
        changed(PLAN, ("actions", 1, "x-note"), "later"),
    ),
    "action-alone": ("plan", "action", PLAN["actions"][0]),
    "waivers-one": ("waiver", None, [WAIVER]),
    "waivers-empty-list": ("waiver", None, []),
    "waiver-action-target": ("waiver", "waiver", changed(WAIVER, ("target",), "RTP-2026-01/A1")),
    "waiver-x-extension": ("waiver", "waiver", changed(WAIVER, ("x-ticket",), "SEC-14")),
    "isms-full": ("isms", None, ISMS),
    "isms-minimal": ("isms", None, ISMS_MINIMAL),
    "isms-matrix": ("isms", None, changed(ISMS_MINIMAL, ("levels", "matrix"), [[1]])),
    "isms-warn-days-zero": ("isms", None, changed(ISMS, ("review", "warn_days"), 0)),
    "isms-x-extension": ("isms", None, changed(ISMS, ("x-owner",), "ISMS team")),
    "rules-full": ("rules", None, RULES),
    "rules-minimal": (
        "rules",
        None,
        {
            "rules": [
                {"id": "X1", "title": "t", "severity": "info", "resource": "isms", "check": "true"}
            ]
        },
    ),
    "rules-waiver-resource": ("rules", None, changed(RULES, ("rules", 0, "resource"), "waiver")),
    "rules-catalog-resource": ("rules", None, changed(RULES, ("rules", 0, "resource"), "catalog")),
    "rules-x-extensions": (
        "rules",
        None,
        changed(changed(RULES, ("x-pack",), "org"), ("rules", 0, "x-since"), "2026"),
    ),
}

# (schema name, $defs entry or None, instance, instance path of the error, keyword)
BAD: dict[str, tuple[str, str | None, Any, Path_, str]] = {
    # risk
    "risk-no-owner": ("risk", "risk", changed(RISK, ("owner",)), (), "required"),
    "risk-no-assessed": ("risk", "risk", changed(RISK, ("assessed",)), (), "required"),
    "risk-no-inherent": ("risk", "risk", changed(RISK, ("inherent",)), (), "required"),
    "risk-empty-title": ("risk", "risk", changed(RISK, ("title",), ""), ("title",), "minLength"),
    "risk-empty-owner": ("risk", "risk", changed(RISK, ("owner",), ""), ("owner",), "minLength"),
    "risk-bad-id": ("risk", "risk", changed(RISK, ("id",), "1-risk"), ("id",), "pattern"),
    "risk-id-with-space": ("risk", "risk", changed(RISK, ("id",), "R 001"), ("id",), "pattern"),
    "risk-numeric-id": ("risk", "risk", changed(RISK, ("id",), 1), ("id",), "type"),
    "risk-bad-treatment": (
        "risk",
        "risk",
        changed(RISK, ("treatment",), "reduce"),
        ("treatment",),
        "enum",
    ),
    "risk-string-rating": (
        "risk",
        "risk",
        changed(RISK, ("inherent", "likelihood"), "4"),
        ("inherent", "likelihood"),
        "type",
    ),
    "risk-boolean-rating": (
        "risk",
        "risk",
        changed(RISK, ("inherent", "impact"), True),
        ("inherent", "impact"),
        "type",
    ),
    "risk-rating-missing-impact": (
        "risk",
        "risk",
        changed(RISK, ("residual", "impact")),
        ("residual",),
        "required",
    ),
    "risk-rating-extra-key": (
        "risk",
        "risk",
        changed(RISK, ("residual", "level"), 8),
        ("residual",),
        "additionalProperties",
    ),
    "risk-impossible-date": (
        "risk",
        "risk",
        changed(RISK, ("assessed",), "2026-02-30"),
        ("assessed",),
        "format",
    ),
    "risk-non-iso-date": (
        "risk",
        "risk",
        changed(RISK, ("assessed",), "01.03.2026"),
        ("assessed",),
        "pattern",
    ),
    "risk-review-days-zero": (
        "risk",
        "risk",
        changed(RISK, ("review_days",), 0),
        ("review_days",),
        "minimum",
    ),
    "risk-unknown-key": (
        "risk",
        "risk",
        changed(RISK, ("severity",), "high"),
        (),
        "additionalProperties",
    ),
    "risk-bad-control-id": (
        "risk",
        "risk",
        changed(RISK, ("controls",), ["A 8.7"]),
        ("controls", 0),
        "pattern",
    ),
    "risk-controls-not-list": (
        "risk",
        "risk",
        changed(RISK, ("controls",), "A.8.7"),
        ("controls",),
        "type",
    ),
    "risk-bad-acceptance-expiry": (
        "risk",
        "risk",
        changed(RISK, ("acceptance", "expires"), "next year"),
        ("acceptance", "expires"),
        "pattern",
    ),
    "risk-acceptance-unknown-key": (
        "risk",
        "risk",
        changed(RISK, ("acceptance", "until"), "2027-01-01"),
        ("acceptance",),
        "additionalProperties",
    ),
    "risk-acceptance-not-a-mapping": (
        "risk",
        "risk",
        changed(RISK, ("acceptance",), "accepted by CIO"),
        ("acceptance",),
        "type",
    ),
    "risk-acceptance-date-not-a-string": (
        "risk",
        "risk",
        changed(RISK, ("acceptance", "date"), 20260305),
        ("acceptance", "date"),
        "type",
    ),
    "risk-bad-status": (
        "risk",
        "risk",
        changed(RISK, ("status",), "archived"),
        ("status",),
        "enum",
    ),
    # control
    "control-no-applicable": (
        "control",
        "control",
        changed(CONTROL, ("applicable",)),
        (),
        "required",
    ),
    "control-string-applicable": (
        "control",
        "control",
        changed(CONTROL, ("applicable",), "yes"),
        ("applicable",),
        "type",
    ),
    "control-bad-status": (
        "control",
        "control",
        changed(CONTROL, ("status",), "done"),
        ("status",),
        "enum",
    ),
    "control-evidence-not-list": (
        "control",
        "control",
        changed(CONTROL, ("evidence",), "docs/edr.md"),
        ("evidence",),
        "type",
    ),
    "control-bad-reviewed": (
        "control",
        "control",
        changed(CONTROL, ("reviewed",), "2026-13-01"),
        ("reviewed",),
        "format",
    ),
    "control-bad-id": ("control", "control", changed(CONTROL, ("id",), "8.7"), ("id",), "pattern"),
    "control-string-custom": (
        "control",
        "control",
        changed(CONTROL, ("custom",), "true"),
        ("custom",),
        "type",
    ),
    "control-unknown-key": (
        "control",
        "control",
        changed(CONTROL, ("implemented",), True),
        (),
        "additionalProperties",
    ),
    # plan and action
    "plan-no-risks": ("plan", "plan", changed(PLAN, ("risks",), []), ("risks",), "minItems"),
    "plan-no-actions": ("plan", "plan", changed(PLAN, ("actions",), []), ("actions",), "minItems"),
    "plan-missing-due": ("plan", "plan", changed(PLAN, ("due",)), (), "required"),
    "plan-missing-created": ("plan", "plan", changed(PLAN, ("created",)), (), "required"),
    "plan-bad-status": ("plan", "plan", changed(PLAN, ("status",), "open"), ("status",), "enum"),
    "plan-empty-owner": ("plan", "plan", changed(PLAN, ("owner",), ""), ("owner",), "minLength"),
    "plan-bad-risk-id": (
        "plan",
        "plan",
        changed(PLAN, ("risks", 1), "R 7"),
        ("risks", 1),
        "pattern",
    ),
    "plan-bad-approval-date": (
        "plan",
        "plan",
        changed(PLAN, ("approval", "date"), "2026-03-32"),
        ("approval", "date"),
        "format",
    ),
    "plan-impossible-due": (
        "plan",
        "plan",
        changed(PLAN, ("due",), "2026-09-31"),
        ("due",),
        "format",
    ),
    "action-impossible-due": (
        "plan",
        "action",
        changed(PLAN["actions"][0], ("due",), "2026-06-31"),
        ("due",),
        "format",
    ),
    "plan-approval-not-a-mapping": (
        "plan",
        "plan",
        changed(PLAN, ("approval",), ["CIO"]),
        ("approval",),
        "type",
    ),
    "plan-bad-created": (
        "plan",
        "plan",
        changed(PLAN, ("created",), "2026/03/01"),
        ("created",),
        "pattern",
    ),
    "plan-unknown-key": (
        "plan",
        "plan",
        changed(PLAN, ("budget",), 40000),
        (),
        "additionalProperties",
    ),
    "action-missing-status": (
        "plan",
        "plan",
        changed(PLAN, ("actions", 1, "status")),
        ("actions", 1),
        "required",
    ),
    "action-bad-status": (
        "plan",
        "plan",
        changed(PLAN, ("actions", 0, "status"), "finished"),
        ("actions", 0, "status"),
        "enum",
    ),
    "action-bad-done-date": (
        "plan",
        "plan",
        changed(PLAN, ("actions", 0, "done"), "yesterday"),
        ("actions", 0, "done"),
        "pattern",
    ),
    "action-bad-control-id": (
        "plan",
        "plan",
        changed(PLAN, ("actions", 0, "controls"), ["*"]),
        ("actions", 0, "controls", 0),
        "pattern",
    ),
    "action-alone-unknown-key": (
        "plan",
        "action",
        changed(PLAN["actions"][0], ("progress",), 50),
        (),
        "additionalProperties",
    ),
    # waiver
    "waivers-not-a-list": ("waiver", None, WAIVER, (), "type"),
    "waiver-wildcard-target": (
        "waiver",
        None,
        [changed(WAIVER, ("target",), "A.*")],
        (0, "target"),
        "pattern",
    ),
    "waiver-question-mark-target": (
        "waiver",
        "waiver",
        changed(WAIVER, ("target",), "R-00?"),
        ("target",),
        "pattern",
    ),
    "waiver-empty-target": (
        "waiver",
        "waiver",
        changed(WAIVER, ("target",), ""),
        ("target",),
        "minLength",
    ),
    "waiver-bad-rule-id": (
        "waiver",
        "waiver",
        changed(WAIVER, ("rule",), "soa-006"),
        ("rule",),
        "pattern",
    ),
    "waiver-no-expires": ("waiver", "waiver", changed(WAIVER, ("expires",)), (), "required"),
    "waiver-no-reason": ("waiver", "waiver", changed(WAIVER, ("reason",)), (), "required"),
    "waiver-empty-approver": (
        "waiver",
        "waiver",
        changed(WAIVER, ("approved_by",), ""),
        ("approved_by",),
        "minLength",
    ),
    "waiver-bad-date": (
        "waiver",
        "waiver",
        changed(WAIVER, ("date",), "2026-02-29"),
        ("date",),
        "format",
    ),
    "waiver-unknown-key": (
        "waiver",
        "waiver",
        changed(WAIVER, ("scope",), "all"),
        (),
        "additionalProperties",
    ),
    # isms.yaml
    "isms-no-appetite": ("isms", None, changed(ISMS, ("appetite",)), (), "required"),
    "isms-no-version": ("isms", None, changed(ISMS, ("version",)), (), "required"),
    "isms-no-levels": ("isms", None, changed(ISMS, ("levels",)), (), "required"),
    "isms-appetite-zero": ("isms", None, changed(ISMS, ("appetite",), 0), ("appetite",), "minimum"),
    "isms-string-version": ("isms", None, changed(ISMS, ("version",), "1"), ("version",), "type"),
    "isms-scales-no-impact": (
        "isms",
        None,
        changed(ISMS, ("scales", "impact")),
        ("scales",),
        "required",
    ),
    "isms-scale-empty": (
        "isms",
        None,
        changed(ISMS, ("scales", "impact"), []),
        ("scales", "impact"),
        "minItems",
    ),
    "isms-scale-value-zero": (
        "isms",
        None,
        changed(ISMS, ("scales", "likelihood", 0, "value"), 0),
        ("scales", "likelihood", 0, "value"),
        "minimum",
    ),
    "isms-scale-empty-label": (
        "isms",
        None,
        changed(ISMS, ("scales", "impact", 2, "label"), ""),
        ("scales", "impact", 2, "label"),
        "minLength",
    ),
    "isms-levels-no-bands": (
        "isms",
        None,
        changed(ISMS, ("levels", "bands")),
        ("levels",),
        "required",
    ),
    "isms-bands-empty": (
        "isms",
        None,
        changed(ISMS, ("levels", "bands"), []),
        ("levels", "bands"),
        "minItems",
    ),
    "isms-band-no-max": (
        "isms",
        None,
        changed(ISMS, ("levels", "bands", 1, "max")),
        ("levels", "bands", 1),
        "required",
    ),
    "isms-matrix-strings": (
        "isms",
        None,
        changed(ISMS, ("levels", "matrix"), [["low"]]),
        ("levels", "matrix", 0, 0),
        "type",
    ),
    "isms-risk-days-zero": (
        "isms",
        None,
        changed(ISMS, ("review", "risk_days"), 0),
        ("review", "risk_days"),
        "minimum",
    ),
    "isms-warn-days-negative": (
        "isms",
        None,
        changed(ISMS, ("review", "warn_days"), -1),
        ("review", "warn_days"),
        "minimum",
    ),
    "isms-by-band-zero": (
        "isms",
        None,
        changed(ISMS, ("review", "by_band", "High"), 0),
        ("review", "by_band", "High"),
        "minimum",
    ),
    "isms-empty-path": (
        "isms",
        None,
        changed(ISMS, ("paths", "risks"), ""),
        ("paths", "risks"),
        "minLength",
    ),
    "isms-unknown-path": (
        "isms",
        None,
        changed(ISMS, ("paths", "assets"), "assets"),
        ("paths",),
        "additionalProperties",
    ),
    "isms-misspelt-key": (
        "isms",
        None,
        changed(changed(ISMS, ("appetite",)), ("apetite",), 8),
        (),
        "additionalProperties",
    ),
    # rule files
    "rules-empty": ("rules", None, {"rules": []}, ("rules",), "minItems"),
    "rules-missing-key": ("rules", None, {}, (), "required"),
    "rules-unknown-top-key": (
        "rules",
        None,
        changed(RULES, ("policies",), []),
        (),
        "additionalProperties",
    ),
    "rule-no-check": (
        "rules",
        None,
        changed(RULES, ("rules", 0, "check")),
        ("rules", 0),
        "required",
    ),
    "rule-empty-check": (
        "rules",
        None,
        changed(RULES, ("rules", 0, "check"), ""),
        ("rules", 0, "check"),
        "minLength",
    ),
    "rule-bad-severity": (
        "rules",
        None,
        changed(RULES, ("rules", 0, "severity"), "critical"),
        ("rules", 0, "severity"),
        "enum",
    ),
    "rule-bad-resource": (
        "rules",
        None,
        changed(RULES, ("rules", 0, "resource"), "asset"),
        ("rules", 0, "resource"),
        "enum",
    ),
    "rule-lowercase-id": (
        "rules",
        None,
        changed(RULES, ("rules", 0, "id"), "org-001"),
        ("rules", 0, "id"),
        "pattern",
    ),
    "rule-double-dash-id": (
        "rules",
        None,
        changed(RULES, ("rules", 0, "id"), "ORG--1"),
        ("rules", 0, "id"),
        "pattern",
    ),
    "rule-unknown-key": (
        "rules",
        "rule",
        changed(RULE, ("expr",), "true"),
        (),
        "additionalProperties",
    ),
    "rule-references-not-list": (
        "rules",
        "rule",
        changed(RULE, ("references",), "ISO 27001"),
        ("references",),
        "type",
    ),
}


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    Draft202012Validator.check_schema(load_schema(name))


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_header(name: str) -> None:
    schema = load_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://isms-check.dev/schemas/{name}.schema.json"
    assert schema["title"]
    assert schema["description"]


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_file_is_pretty_printed(name: str) -> None:
    text = (SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


@pytest.mark.parametrize("name", ("risk", "control", "plan", "waiver"))
def test_date_definitions(name: str) -> None:
    defs = load_schema(name)["$defs"]
    date = defs["date"]
    assert (date["type"], date["format"], date["pattern"]) == ("string", "date", DATE_PATTERN)
    if "nullable_date" in defs:
        nullable = defs["nullable_date"]
        assert nullable["type"] == ["string", "null"]
        assert (nullable["format"], nullable["pattern"]) == ("date", DATE_PATTERN)


def _objects_with_properties(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if "properties" in node:
            yield path, node
        for key, value in node.items():
            yield from _objects_with_properties(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _objects_with_properties(value, f"{path}/{index}")


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_property_has_a_description(name: str) -> None:
    missing = [
        f"{path}/properties/{prop}"
        for path, node in _objects_with_properties(load_schema(name))
        for prop, sub in node["properties"].items()
        if not sub.get("description")
    ]
    assert missing == []


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_objects_are_closed_but_allow_x_keys(name: str) -> None:
    open_objects = [
        path
        for path, node in _objects_with_properties(load_schema(name))
        if node.get("additionalProperties") is not False or node.get("patternProperties") != X_KEYS
    ]
    assert open_objects == []


@pytest.mark.parametrize(("name", "definition", "instance"), GOOD.values(), ids=GOOD.keys())
def test_good_instance(name: str, definition: str | None, instance: Any) -> None:
    errors = error_list(name, instance, definition)
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors] == []


@pytest.mark.parametrize(
    ("name", "definition", "instance", "path", "keyword"), BAD.values(), ids=BAD.keys()
)
def test_bad_instance(
    name: str, definition: str | None, instance: Any, path: Path_, keyword: str
) -> None:
    errors = error_list(name, instance, definition)
    assert errors, "the instance should be invalid"
    # Only top-level errors count: the checker reports those, so a violation must not
    # hide inside an anyOf/oneOf branch (nullable fields are type unions for this reason).
    found = [(tuple(e.absolute_path), e.validator) for e in errors]
    assert (path, keyword) in found


@pytest.mark.parametrize("kind", ENTITY_KINDS)
def test_entity_file_accepts_one_entity_or_a_list(kind: str) -> None:
    good = {"risk": RISK, "control": CONTROL, "plan": PLAN}[kind]
    validator = make_validator(kind)
    assert list(validator.iter_errors(good)) == []
    assert list(validator.iter_errors([good, good])) == []


@pytest.mark.parametrize("kind", ENTITY_KINDS)
@pytest.mark.parametrize(
    "instance",
    [[], "text", 3, None, [{"id": "X1"}]],
    ids=["empty-list", "string", "number", "null", "list-with-incomplete-entity"],
)
def test_entity_file_rejects_other_shapes(kind: str, instance: Any) -> None:
    assert not make_validator(kind).is_valid(instance)


@pytest.mark.parametrize("kind", ENTITY_KINDS)
def test_entity_file_rejects_a_list_with_one_bad_entity(kind: str) -> None:
    good = {"risk": RISK, "control": CONTROL, "plan": PLAN}[kind]
    bad = changed(good, ("id",), "not an id")
    assert not make_validator(kind).is_valid([good, bad])

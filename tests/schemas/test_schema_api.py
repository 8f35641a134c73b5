"""checker.schema's two views besides `validate`: `bundled_schema` (one self-contained
document per file, for editors) and `field_types` (each field of a kind with a coarse
type, read from the schema so that the model need not restate field lists)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from checker import schema

# checker/model.py as of spec v1 (commit 6bfbf60) restated these by hand; field_types
# must give them back exactly, in order, plus what spec 1.1 added to a kind.
V1_FIELDS = {
    "risk": (
        "id", "title", "description", "owner", "assets", "threats", "inherent", "treatment",
        "controls", "plans", "residual", "assessed", "review_days", "acceptance", "status",
    ),
    "control": (
        "id", "title", "custom", "applicable", "justification", "status", "owner", "evidence",
        "reviewed", "measurement", "audited",
    ),
    "plan": (
        "id", "title", "risks", "owner", "status", "approval", "created", "due", "completed",
        "resources", "target_residual", "actions",
    ),
    "action": ("id", "title", "owner", "due", "status", "done", "controls"),
    "waiver": ("rule", "target", "reason", "approved_by", "date", "expires"),
    "acceptance": ("by", "date", "expires", "rationale"),
    "approval": ("by", "date"),
}  # fmt: skip
V1_LIST_FIELDS = {"assets", "threats", "controls", "plans", "risks", "evidence", "actions"}
V1_DATE_FIELDS = {
    "assessed", "reviewed", "audited", "created", "due", "completed", "done", "date", "expires",
}  # fmt: skip
ADDED_IN_1_1 = {"risk": ("residual_accepted",)}


def test_field_types_reproduce_the_models_v1_field_sets() -> None:
    types = {kind: schema.field_types(kind) for kind in V1_FIELDS}
    for kind, fields in V1_FIELDS.items():
        assert tuple(types[kind]) == fields + ADDED_IN_1_1.get(kind, ()), kind
    every = [(f, t) for kind in types for f, t in types[kind].items()]
    assert {f for f, t in every if t == "list"} == V1_LIST_FIELDS
    assert {f for f, t in every if t == "date"} == V1_DATE_FIELDS


def test_field_types_of_the_1_1_kinds() -> None:
    """The contract of spec 1.1 (section 8, residual_accepted, plan approval lists), as the
    model will read it."""
    expected: dict[str, dict[str, str]] = {
        "objective": {
            "id": "string", "title": "string", "owner": "string", "measure": "string",
            "target": "number|string", "due": "date", "status": "string", "created": "date",
            "results": "list",
        },
        "result": {"date": "date", "value": "number|string", "note": "string"},
        "audit": {
            "id": "string", "title": "string", "scope": "object", "auditor": "string",
            "status": "string", "planned": "date", "performed": "date", "report": "string",
            "nonconformities": "list",
        },
        "scope": {"clauses": "list", "controls": "list"},
        "review": {
            "id": "string", "date": "date", "chair": "string", "attendees": "list",
            "inputs": "object", "decisions": "list", "minutes": "string",
            "nonconformities": "list",
        },
        "decision": {
            "id": "string", "title": "string", "owner": "string", "due": "date",
            "status": "string", "done": "date",
        },
        "nonconformity": {
            "id": "string", "title": "string", "source": "string", "raised": "date",
            "requirement": "number|string", "severity": "string", "root_cause": "string",
            "actions": "list", "status": "string", "closed": "date", "effectiveness": "object",
        },
        "corrective_action": {
            "id": "string", "title": "string", "owner": "string", "due": "date",
            "status": "string", "done": "date",
        },
        "effectiveness": {"date": "date", "by": "string", "result": "string"},
        "residual_acceptance": {"by": "string", "date": "date", "note": "string"},
    }  # fmt: skip
    for kind, fields in expected.items():
        assert schema.field_types(kind) == fields, kind
    assert schema.field_types("plan")["approval"] == "list|object"
    assert schema.field_types("risk")["residual_accepted"] == "object"
    assert set(schema.field_types("inputs").values()) == {"list|string"}
    assert len(schema.field_types("inputs")) == 7  # 9.3.2 a) to g)
    isms = schema.field_types("isms")
    assert (isms["soa"], isms["established"], isms["appetite"]) == ("object", "date", "integer")
    assert schema.field_types("rule")["resource"] == "list|string"


@pytest.mark.parametrize("kind", ["common", "actions", "", "risk.schema.json"])
def test_unknown_kinds_are_key_errors(kind: str) -> None:
    with pytest.raises(KeyError):
        schema.field_types(kind)
    with pytest.raises(KeyError):
        schema.validate(kind, {})
    with pytest.raises(KeyError):
        schema.bundled_schema(kind)


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for v in node.values() for r in refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in refs(v)]
    return []


@pytest.mark.parametrize("name", schema.schema_names())
def test_bundled_schema_is_self_contained(name: str) -> None:
    before = copy.deepcopy(schema.load_schema(name))
    bundle = schema.bundled_schema(name)
    assert schema.load_schema(name) == before, "bundling leaves the file's schema alone"
    Draft202012Validator.check_schema(bundle)
    assert json.loads(json.dumps(bundle)) == bundle
    defs = bundle.get("$defs", {})
    for ref in refs(bundle):
        assert ref.startswith("#/$defs/"), ref
        assert ref.removeprefix("#/$defs/") in defs, ref
    assert bundle["$id"] == before["$id"]
    assert {k: v for k, v in bundle.items() if k != "$defs"} == {
        k: v for k, v in json.loads(json.dumps(before).replace("common.schema.json#", "#")).items()
        if k != "$defs"
    }  # fmt: skip


def test_bundled_schema_carries_only_what_it_uses() -> None:
    waiver = schema.bundled_schema("waiver")
    assert list(waiver["$defs"]) == ["waiver", "date", "rule_id", "text"]
    common = schema.load_schema("common")["$defs"]
    assert waiver["$defs"]["date"] == common["date"]
    plan = schema.bundled_schema("plan")
    used = {"plan", "action", "approval", "rating", "ids", "id", "action_status"}
    assert used <= set(plan["$defs"])
    assert "strings" not in plan["$defs"]
    assert plan["$defs"]["ids"]["items"] == {"$ref": "#/$defs/id"}


def test_entity_bundles_keep_their_entity_definition() -> None:
    """`isms-check schema risk` shows `$defs.risk` with its required fields."""
    for kind in ("risk", "control", "plan", "objective", "audit", "review", "nonconformity"):
        assert schema.bundled_schema(kind)["$defs"][kind]["required"]

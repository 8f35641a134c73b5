"""ISMS entities: the user's mappings normalised, linked, and given derived values.

Each entity's `values` is plain Python data (dates as `datetime.date`) with every field
the format defines present (absent ones as null, lists as []), so rules can test
`risk.acceptance == null` or `present(control.owner)` without guarding each access.
Derived values (spec section 1) are computed here, once, before any rule runs.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from checker.loader import Source
from checker.methodology import Methodology
from checker.tree import FileTree

RISK_FIELDS = (
    "id", "title", "description", "owner", "assets", "threats", "inherent", "treatment",
    "controls", "plans", "residual", "assessed", "review_days", "acceptance", "status",
)  # fmt: skip
CONTROL_FIELDS = (
    "id", "title", "custom", "applicable", "justification", "status", "owner", "evidence",
    "reviewed", "measurement", "audited",
)  # fmt: skip
PLAN_FIELDS = (
    "id", "title", "risks", "owner", "status", "approval", "created", "due", "completed",
    "resources", "target_residual", "actions",
)  # fmt: skip
ACTION_FIELDS = ("id", "title", "owner", "due", "status", "done", "controls")
WAIVER_FIELDS = ("rule", "target", "reason", "approved_by", "date", "expires")
ACCEPTANCE_FIELDS = ("by", "date", "expires", "rationale")
APPROVAL_FIELDS = ("by", "date")
LIST_FIELDS = {"assets", "threats", "controls", "plans", "risks", "evidence", "actions"}
DATE_FIELDS = {
    "assessed", "reviewed", "audited", "created", "due", "completed", "done", "date", "expires",
}  # fmt: skip
# The dates that record events (ST-006, GIT-001), as field paths, per kind.
RECORDED = {
    "risk": (("assessed",), ("acceptance", "date")),
    "control": (("reviewed",), ("audited",)),
    "plan": (("approval", "date"), ("completed",)),
    "action": (("done",),),
}
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def to_date(value: Any) -> datetime.date | None:
    """A schema-valid date string as a date; anything else as None."""
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _normalise(data: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in fields:
        value = data.get(name)
        if name in LIST_FIELDS and not isinstance(value, list):
            value = []  # absent (or, in a schema-invalid entity, not a list)
        elif name in DATE_FIELDS:
            value = to_date(value)
        out[name] = value
    for name, value in data.items():  # user extensions (x-...) stay readable
        out.setdefault(name, value)
    return out


def recorded(kind: str, values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The event dates an entity records, as [{field, date}], absent ones left out."""
    out = []
    for path in RECORDED.get(kind, ()):
        value: Any = values
        for part in path:
            value = value.get(part) if isinstance(value, Mapping) else None
        if isinstance(value, datetime.date):
            out.append({"field": ".".join(path), "date": value})
    return out


def _sub(value: Any, fields: Iterable[str]) -> dict[str, Any] | None:
    return _normalise(value, fields) if isinstance(value, Mapping) else None


@dataclass
class Entity:
    """One risk, control, plan, action or waiver; `values` is what rules see."""

    kind: str
    id: str
    source: Source
    values: dict[str, Any]
    valid: bool = True  # False once it breaks its schema: rules then leave it alone
    path: tuple[str | int, ...] = ()  # where inside the source (actions: ("actions", i))
    plan: Entity | None = None  # an action's plan

    @property
    def line(self) -> int:
        return self.source.position(self.path)[0]


def entity_id(kind: str, source: Source) -> str:
    """The id findings name: the entity's `id` (a waiver's is RULE:TARGET), or its file
    and position when it has none."""
    if kind == "waiver":
        return f"{source.data.get('rule')}:{source.data.get('target')}"
    value = source.data.get("id")
    if isinstance(value, str) and value:
        return value
    suffix = f"#{source.index + 1}" if source.index is not None else ""
    return f"{source.file}{suffix}"


def risk_values(data: Mapping[str, Any]) -> dict[str, Any]:
    v = _normalise(data, RISK_FIELDS)
    v["status"] = v["status"] or "open"
    v["acceptance"] = _sub(v["acceptance"], ACCEPTANCE_FIELDS)
    return v


def derive_risk(m: Methodology, v: dict[str, Any], plan_ids: list[str]) -> None:
    """Adds the derived values of spec section 1 to a risk's values."""

    def level_of(rating: Any) -> int | None:
        if not isinstance(rating, Mapping):
            return None
        return m.level(rating.get("likelihood"), rating.get("impact"))

    v["inherent_level"] = level_of(v["inherent"])
    v["residual_level"] = level_of(v["residual"]) if v["residual"] is not None else None
    v["level"] = v["residual_level"] if v["residual"] is not None else v["inherent_level"]
    v["band"] = m.band(v["level"])
    by_band = m.review["by_band"]
    own = v["review_days"] if type(v["review_days"]) is int else None
    days = own or by_band.get(v["band"]) or m.review["risk_days"]
    v["review_days_effective"] = days
    assessed = v["assessed"]
    v["next_review"] = assessed + datetime.timedelta(days=days) if assessed else None
    v["plan_ids"] = plan_ids


def control_values(
    tree: FileTree, data: Mapping[str, Any], catalog: Mapping[str, Mapping[str, str]]
) -> dict[str, Any]:
    v = _normalise(data, CONTROL_FIELDS)
    entry = catalog.get(v["id"]) if isinstance(v["id"], str) else None
    v["custom"] = bool(v["custom"])
    v["in_catalog"] = entry is not None
    v["theme"] = entry["theme"] if entry else None
    if not v["title"] and entry:
        v["title"] = entry["title"]
    v["missing_evidence"] = missing_evidence(tree, v["evidence"])
    return v


def missing_evidence(tree: FileTree, evidence: Any) -> list[str]:
    """Evidence entries that are neither a URL nor an existing file or folder inside the
    ISMS root (absolute paths and paths climbing out with .. count as missing)."""
    return [
        item
        for item in (evidence if isinstance(evidence, list) else [])
        if isinstance(item, str)
        and not _URL.match(item)
        and not (tree.is_file(item) or tree.is_dir(item))
    ]


def plan_values(data: Mapping[str, Any]) -> dict[str, Any]:
    v = _normalise(data, PLAN_FIELDS)
    v["approval"] = _sub(v["approval"], APPROVAL_FIELDS)
    v["actions"] = [
        _normalise(a, ACTION_FIELDS) if isinstance(a, Mapping) else a for a in v["actions"]
    ]
    return v


def waiver_values(data: Mapping[str, Any]) -> dict[str, Any]:
    v = _normalise(data, WAIVER_FIELDS)
    v["matches"] = None  # set once the other rules have run
    return v


@dataclass
class Model:
    """All entities of one ISMS, by kind, in file order."""

    methodology: Methodology
    risks: list[Entity] = field(default_factory=list)
    controls: list[Entity] = field(default_factory=list)
    plans: list[Entity] = field(default_factory=list)
    actions: list[Entity] = field(default_factory=list)
    waivers: list[Entity] = field(default_factory=list)
    change: dict[str, Any] | None = None  # PR mode: edits to methodology, policies, waivers

    def of_kind(self, kind: str) -> list[Entity]:
        return {
            "risk": self.risks,
            "control": self.controls,
            "plan": self.plans,
            "action": self.actions,
            "waiver": self.waivers,
        }[kind]

    def unique(self, kind: str) -> list[Entity]:
        """The entities rules run on: schema-valid, the first of any duplicated id, and
        for actions, those of a plan that is judged itself."""
        judged_plans = {id(p) for p in self.unique("plan")} if kind == "action" else set()
        seen: set[str] = set()
        out = []
        for e in self.of_kind(kind):
            if e.id not in seen:
                seen.add(e.id)
                if e.valid and (kind != "action" or id(e.plan) in judged_plans):
                    out.append(e)
        return out


def build_model(
    m: Methodology,
    tree: FileTree,
    risks: Iterable[tuple[Source, bool]],
    controls: Iterable[tuple[Source, bool]],
    plans: Iterable[tuple[Source, bool]],
    waivers: Iterable[tuple[Source, bool]],
    dates: Mapping[str, datetime.date] | None = None,
) -> Model:
    """Entities from schema-checked sources (`bool` = schema-valid), links resolved.
    `dates`: each file's last change (None outside git): the date of the last commit that
    changed it, or today for a file with uncommitted changes."""
    model = Model(m)
    catalog = {c.id: {"id": c.id, "title": c.title, "theme": c.theme} for c in m.catalog}
    for src, ok in risks:
        model.risks.append(Entity("risk", entity_id("risk", src), src, risk_values(src.data), ok))
    for src, ok in controls:
        values = control_values(tree, src.data, catalog)
        model.controls.append(Entity("control", entity_id("control", src), src, values, ok))
    for src, ok in plans:
        plan = Entity("plan", entity_id("plan", src), src, plan_values(src.data), ok)
        model.plans.append(plan)
        for i, action in enumerate(plan.values["actions"]):
            if isinstance(action, dict):
                aid = action["id"] if isinstance(action.get("id"), str) else f"#{i + 1}"
                model.actions.append(
                    Entity("action", f"{plan.id}/{aid}", src, action, ok, ("actions", i), plan)
                )
    for src, ok in waivers:
        values = waiver_values(src.data)
        values["id"] = entity_id("waiver", src)
        model.waivers.append(Entity("waiver", values["id"], src, values, ok))

    links: dict[str, set[str]] = {r.id: set() for r in model.risks}
    for r in model.risks:
        links[r.id].update(p for p in r.values["plans"] if isinstance(p, str))
    for p in model.plans:
        for rid in p.values["risks"]:
            if isinstance(rid, str) and rid in links:
                links[rid].add(p.id)
    for r in model.risks:
        derive_risk(m, r.values, sorted(links[r.id]))
    for e in (*model.risks, *model.controls, *model.plans, *model.actions):
        e.values["recorded"] = recorded(e.kind, e.values)
        e.values["committed"] = dates.get(e.source.file) if dates is not None else None
        e.values.setdefault("base", None)
    return model


def link_base(model: Model, base: Model) -> None:
    """PR mode: gives each risk `base`, its values at the base commit (null if new)."""
    before = {e.id: e.values for e in base.unique("risk")}
    for e in model.risks:
        old = before.get(e.id)
        e.values["base"] = {k: v for k, v in old.items() if k != "base"} if old else None

"""ISMS entities: the user's mappings normalised, linked, and given derived values.

Each entity's `values` is plain Python data (dates as `datetime.date`) with every field
the format defines present (absent ones as null, lists as []), so rules can test
`risk.acceptance == null` or `present(control.owner)` without guarding each access.
Derived values (docs/format.md, section 3) are computed here, once, before any rule runs.

Build, then judge: `build_model` receives everything the model holds (PR mode's base
model and policy change included) and nothing writes into a Model afterwards.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from checker.kinds import BY_NAME, KINDS, Kind, children
from checker.loader import JsonPath, Source
from checker.methodology import Methodology
from checker.schema import field_shapes
from checker.tree import FileTree

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def to_date(value: Any) -> datetime.date | None:
    """A schema-valid date string as a date; anything else as None."""
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def normalise(kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """A mapping of `kind` (an entity or nested definition) with every field its schema
    defines: absent ones null, lists [] (also when a schema-invalid entity holds a
    non-list), dates as dates, nested mappings normalised alike; user fields (x-...) kept."""
    out: dict[str, Any] = {}
    for name, shape in field_shapes(kind).items():
        value = data.get(name)
        if "date" in shape.types:
            value = to_date(value)
        elif isinstance(value, Mapping) and shape.nested and "object" in shape.types:
            value = normalise(shape.nested, value)
        elif "list" in shape.types and isinstance(value, list):
            if shape.nested:
                nested = shape.nested
                value = [normalise(nested, v) if isinstance(v, Mapping) else v for v in value]
        elif "string" in shape.types and isinstance(value, str):
            pass  # text where a field takes text or a list (a review input)
        elif "list" in shape.types and "object" not in shape.types:
            value = []  # absent (or, in a schema-invalid entity, not a list)
        elif shape.types == {"object"} and shape.nested:
            value = None  # a record that is not a mapping has none of its fields
        out[name] = value
    for name, value in data.items():  # user extensions (x-...) stay readable
        out.setdefault(name, value)
    return out


def recorded(kind: Kind, values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The event dates an entity records, as [{field, date}], absent ones left out. A
    path through a list covers each item: a plan's list of approvals gives
    `approval.0.date`, `approval.1.date`, an objective's results `results.0.date`, ..."""
    out = []
    for path in kind.recorded:
        found: list[tuple[str, Any]] = [("", values)]
        for part in path:
            step: list[tuple[str, Any]] = []
            for name, value in found:
                items = enumerate(value) if isinstance(value, list) else [(None, value)]
                for i, item in items:
                    prefix = name if i is None else f"{name}.{i}"
                    if isinstance(item, Mapping):
                        step.append((f"{prefix}.{part}" if prefix else part, item.get(part)))
            found = step
        out += [{"field": n, "date": v} for n, v in found if isinstance(v, datetime.date)]
    return out


@dataclass(frozen=True)
class Entity:
    """One record of a kind in KINDS; `values` is what rules see."""

    kind: str
    id: str
    source: Source
    values: Mapping[str, Any]
    valid: bool = True  # False once it breaks its schema: rules then leave it alone
    path: JsonPath = ()  # where inside the source (an action: ("actions", i))
    parent: Entity | None = None  # an action's plan

    @property
    def line(self) -> int:
        return self.source.position(self.path)[0]


@dataclass(frozen=True)
class PolicyChange:
    """PR mode: what the change does to what judges it (GIT-003 reads it as isms.change)."""

    methodology: tuple[str, ...]  # changed isms.yaml keys among the risk criteria
    policies: tuple[str, ...]  # changed rule files
    waivers: bool  # the waivers file changed

    def as_value(self) -> dict[str, Any]:
        return {
            "methodology": list(self.methodology),
            "policies": list(self.policies),
            "waivers": self.waivers,
        }


def entity_id(kind: str, source: Source, parent_id: str | None = None) -> str:
    """The id findings name: the kind's id (a waiver's is RULE:TARGET), or the file and
    position when the record has none."""
    found = BY_NAME[kind].entity_id(source.data, parent_id)
    if found is not None:
        return found
    suffix = f"#{source.index + 1}" if source.index is not None else ""
    return f"{source.file}{suffix}"


def risk_values(v: dict[str, Any]) -> dict[str, Any]:
    """A risk's values from its normalised mapping (as the other *_values below)."""
    v["status"] = v["status"] or "open"
    return v


def derive_risk(m: Methodology, v: dict[str, Any], plan_ids: list[str]) -> None:
    """Adds the derived values (docs/format.md, section 3) to a risk's values (while building)."""

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
    v["next_review"] = _add_days(assessed, days) if assessed else None
    v["plan_ids"] = plan_ids


def _add_days(date: datetime.date, days: Any) -> datetime.date | None:
    """`date` plus `days`, or None where that is no date (an interval past year 9999, as
    a schema-invalid `review_days: 10000000000` asks: ISMS-SCHEMA reports that)."""
    try:
        return date + datetime.timedelta(days=days)
    except (OverflowError, TypeError):
        return None


def control_values(
    tree: FileTree, v: dict[str, Any], catalog: Mapping[str, Mapping[str, str]]
) -> dict[str, Any]:
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


def plan_values(v: dict[str, Any]) -> dict[str, Any]:
    approval = v["approval"]
    # `approval` is one {by, date} or a list of them (one per risk owner): `approvals`
    # is always the list, so rules read one shape
    items = approval if isinstance(approval, list) else [approval] if approval else []
    v["approvals"] = [a for a in items if isinstance(a, Mapping)]
    return v


def objective_values(v: dict[str, Any]) -> dict[str, Any]:
    results = [r for r in v["results"] if isinstance(r, Mapping)]
    # results are written newest last: the last one's date, else the date it was set
    v["last_measured"] = results[-1]["date"] if results else v["created"]
    return v


def audit_values(tree: FileTree, v: dict[str, Any]) -> dict[str, Any]:
    v["missing_report"] = bool(missing_evidence(tree, [v["report"]]))
    return v


def review_values(tree: FileTree, v: dict[str, Any]) -> dict[str, Any]:
    v["missing_minutes"] = bool(missing_evidence(tree, [v["minutes"]]))
    return v


def nonconformity_values(v: dict[str, Any]) -> dict[str, Any]:
    # `source` names an audit or a review when written as one id, else it is free text
    # (an incident, a complaint): the same test ISMS-REF applies (kinds.Link)
    source = next(link for link in BY_NAME["nonconformity"].links if link.field == "source")
    v["source_id"] = v["source"] if source.names(v["source"]) else None
    return v


def waiver_values(v: dict[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    v["id"] = entity_id("waiver", Source("", data, {}, None))
    return v


class Normalised:
    """The normalised values of sources, remembered across the models of one run
    (posture over time builds a model per commit from mostly the same files). Each
    model gets its own copy of every dict that building writes to (`_writable`); the
    values below them are shared, read only, as every model's values are."""

    def __init__(self) -> None:
        # id(source) -> (source, kind, values); the source is held, so its id stays its own
        self._by_source: dict[int, tuple[Source, str, dict[str, Any]]] = {}
        # (id(source), kind) -> (source, the methodology and other inputs its values were
        # derived from, the values)
        self._built: dict[tuple[int, str], tuple[Source, Methodology, object, dict[str, Any]]] = {}
        self._entities: dict[int, Entity] = {}  # by id() of their values, which they hold
        # (id(source), kind, path) -> (source, its `recorded`), read from the fields the
        # schema defines, which no builder changes
        self._recorded: dict[tuple[int, str, JsonPath], tuple[Source, list[dict[str, Any]]]] = {}

    def of(self, kind: str, source: Source) -> dict[str, Any]:
        return _writable(kind, self.peek(kind, source))

    def peek(self, kind: str, source: Source) -> dict[str, Any]:
        """The normalised values of `source`, shared: to be read, never written."""
        found = self._by_source.get(id(source))
        if found is None or found[0] is not source or found[1] != kind:
            found = (source, kind, normalise(kind, source.data))
            self._by_source[id(source)] = found
        return found[2]

    def built(
        self, kind: str, source: Source, m: Methodology, inputs: object
    ) -> dict[str, Any] | None:
        """The values a model built for `source` with methodology `m` from equal other
        `inputs` (build_model), derived values and child items included; None if none."""
        found = self._built.get((id(source), kind))
        if found is None or found[0] is not source or found[1] is not m or found[2] != inputs:
            return None
        return found[3]

    def keep(
        self, kind: str, source: Source, m: Methodology, inputs: object, values: dict[str, Any]
    ) -> None:
        self._built[id(source), kind] = (source, m, inputs, values)

    def entity(self, made: Entity) -> Entity:
        """The Entity an earlier model made with the same values object and all else
        equal (its parent the same object), else `made`, remembered."""
        found = self._entities.get(id(made.values))
        if found is not None and found.values is made.values and _same_entity(found, made):
            return found
        self._entities[id(made.values)] = made
        return made

    def recorded(
        self, kind: Kind, source: Source, path: JsonPath, values: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """`recorded(kind, values)` of the entity at `path` of `source`."""
        key = (id(source), kind.name, path)
        found = self._recorded.get(key)
        if found is None or found[0] is not source:
            found = self._recorded[key] = (source, recorded(kind, values))
        return list(found[1])  # its own list; the {field, date} items are read only


def _same_entity(a: Entity, b: Entity) -> bool:
    return (
        a.kind == b.kind
        and a.id == b.id
        and a.source is b.source
        and a.valid == b.valid
        and a.path == b.path
        and a.parent is b.parent
    )


def _writable(kind: str, value: dict[str, Any]) -> dict[str, Any]:
    """A copy of `value` with its own copy of every dict building writes to: the mapping
    itself and the items of its child kinds' lists (an action gets its `recorded`,
    `committed` and `base` there). Deeper values are shared: nothing writes to them."""
    out = dict(value)
    for child in children(kind):
        items = out.get(child.field or "")
        if isinstance(items, list):
            out[child.field or ""] = [dict(i) if isinstance(i, dict) else i for i in items]
    return out


def _inputs(kind: str, tree: FileTree, values: Mapping[str, Any], plan_ids: Any) -> object:
    """What building an entity of `kind` reads besides its source, the methodology and
    its file's last change: its plans for a risk (derive_risk), the evidence, report or
    minutes found in the tree (control_values, audit_values, review_values). Keep this
    in step with the builders: a test holds models built with the memory equal to
    models built afresh, commit after commit."""
    if kind == "risk":
        return tuple(sorted(plan_ids or ()))
    if kind == "control":
        return tuple(missing_evidence(tree, values["evidence"]))
    if kind == "audit":
        return tuple(missing_evidence(tree, [values["report"]]))
    if kind == "review":
        return tuple(missing_evidence(tree, [values["minutes"]]))
    return ()


@dataclass(frozen=True)
class Model:
    """All entities of one ISMS, by kind, in file order. Never written after build."""

    methodology: Methodology
    entities: Mapping[str, tuple[Entity, ...]]  # every record, by kind name
    judged: Mapping[str, tuple[Entity, ...]]  # what rules run on, by kind name
    change: PolicyChange | None = None  # PR mode: edits to what judges the change

    def of_kind(self, kind: str) -> tuple[Entity, ...]:
        return self.entities[kind]

    def unique(self, kind: str) -> tuple[Entity, ...]:
        """Schema-valid entities, the first of any duplicated id, and for a child kind
        only those of a parent that is judged itself."""
        return self.judged[kind]


def _unique(entities: tuple[Entity, ...], parents: set[int]) -> tuple[Entity, ...]:
    seen: set[str] = set()
    out = []
    for e in entities:
        if e.id not in seen:
            seen.add(e.id)
            if e.valid and (e.parent is None or id(e.parent) in parents):
                out.append(e)
    return tuple(out)


def build_model(
    m: Methodology,
    tree: FileTree,
    sources: Mapping[str, list[tuple[Source, bool]]],
    dates: Mapping[str, datetime.date] | None = None,
    base: Model | None = None,
    change: PolicyChange | None = None,
    normalised: Normalised | None = None,
) -> Model:
    """Entities from schema-checked sources by kind (`bool` = schema-valid), links
    resolved and derived values computed. `dates`: each file's last change (None outside
    git): the date of the last commit that changed it, or today for a file with
    uncommitted changes. `base` (PR mode): the model of the base commit, whose risks
    become each risk's `base`; `change`: what the change does to the policy.
    `normalised`: the run's memory of normalised sources (posture over time)."""
    catalog = {c.id: {"id": c.id, "title": c.title, "theme": c.theme} for c in m.catalog}
    builders: dict[str, Callable[[dict[str, Any], Mapping[str, Any]], dict[str, Any]]] = {
        "risk": lambda v, data: risk_values(v),
        "control": lambda v, data: control_values(tree, v, catalog),
        "waiver": waiver_values,
        "plan": lambda v, data: plan_values(v),
        "objective": lambda v, data: objective_values(v),
        "audit": lambda v, data: audit_values(tree, v),
        "review": lambda v, data: review_values(tree, v),
        "nonconformity": lambda v, data: nonconformity_values(v),
    }

    def build(kind: str, src: Source) -> dict[str, Any]:
        """A kind's values: its schema's fields, and its builder's derived values (a
        kind with none needs no builder)."""
        v = normalised.of(kind, src) if normalised is not None else normalise(kind, src.data)
        builder = builders.get(kind)
        return builder(v, src.data) if builder is not None else v

    # With the run's memory (posture over time; not in PR mode, whose risks also get
    # their `base`), an entity built by an earlier model from the same source and the
    # same inputs gets that model's values, derived values and child items included;
    # nothing writes to them (a model is never written after build).
    memory = normalised if base is None else None
    raw: dict[str, list[tuple[str, Source, dict[str, Any], bool, JsonPath, int | None]]] = {
        k.name: [] for k in KINDS
    }
    for kind in KINDS:
        if kind.parent is not None:
            continue
        for src, ok in sources.get(kind.name, ()):
            read = memory.peek(kind.name, src) if memory is not None else build(kind.name, src)
            raw[kind.name].append((entity_id(kind.name, src), src, read, ok, (), None))

    links: dict[str, set[str]] = {rid: set() for rid, *_ in raw["risk"]}
    for rid, _, values, *_ in raw["risk"]:
        links[rid].update(p for p in values["plans"] if isinstance(p, str))
    for pid, _, values, *_ in raw["plan"]:
        for rid in values["risks"]:
            if isinstance(rid, str) and rid in links:
                links[rid].add(pid)

    kept: list[tuple[str, Source, object, dict[str, Any]]] = []
    for kind in KINDS:
        if kind.parent is not None or memory is None:
            continue
        entries = raw[kind.name]
        for at, (eid, src, read, ok, path, p_index) in enumerate(entries):
            committed = dates.get(src.file) if dates is not None else None
            inputs = (committed, _inputs(kind.name, tree, read, links.get(eid)))
            found = memory.built(kind.name, src, m, inputs)
            if found is None:
                found = build(kind.name, src)
                kept.append((kind.name, src, inputs, found))
            entries[at] = (eid, src, found, ok, path, p_index)
    for kind in KINDS:  # children: the items of their parent's list field
        if kind.parent is None or kind.field is None:
            continue
        for parent_at, (pid, src, values, ok, _, _) in enumerate(raw[kind.parent]):
            for i, item in enumerate(values.get(kind.field) or ()):
                if isinstance(item, dict):
                    own = kind.entity_id(item, pid) or f"{pid}/#{i + 1}"
                    raw[kind.name].append((own, src, item, ok, (kind.field, i), parent_at))
    fresh: set[int] = set()  # id() of the values built here (the others are remembered)
    if memory is not None:
        fresh = {id(values) for _, _, _, values in kept}
        fresh |= {
            id(item)
            for kind in KINDS
            if kind.parent is not None
            for _, _, item, _, _, p_index in raw[kind.name]
            if p_index is not None and id(raw[kind.parent][p_index][2]) in fresh
        }

    def new(values: dict[str, Any]) -> bool:
        return memory is None or id(values) in fresh

    for rid, _, values, *_ in raw["risk"]:
        if new(values):
            derive_risk(m, values, sorted(links[rid]))

    before = {e.id: e.values for e in base.unique("risk")} if base is not None else {}
    entities: dict[str, tuple[Entity, ...]] = {}
    judged: dict[str, tuple[Entity, ...]] = {}
    for kind in KINDS:
        parents = entities.get(kind.parent, ()) if kind.parent else ()
        built = []
        for eid, src, values, ok, path, p_index in raw[kind.name]:
            if kind.recorded and new(values):
                values["recorded"] = (
                    normalised.recorded(kind, src, path, values)
                    if normalised is not None
                    else recorded(kind, values)
                )
                values["committed"] = dates.get(src.file) if dates is not None else None
                old = before.get(eid) if kind.name == "risk" else None
                values["base"] = {k: v for k, v in old.items() if k != "base"} if old else None
            parent = parents[p_index] if p_index is not None else None
            made = Entity(kind.name, eid, src, values, ok, path, parent)
            built.append(memory.entity(made) if memory is not None else made)
        entities[kind.name] = tuple(built)
        parent_ids = {id(p) for p in judged.get(kind.parent, ())} if kind.parent else set()
        judged[kind.name] = _unique(entities[kind.name], parent_ids)
    if memory is not None:
        for kind_name, src, used, values in kept:
            memory.keep(kind_name, src, m, used, values)
    return Model(m, entities, judged, change)

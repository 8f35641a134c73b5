"""The columns of a kind's spreadsheet, derived from its schema (kinds.py, schema.py), and
the conversion of entities to rows and of rows back to entities.

Every field of the kind's schema is a column, in schema order (the order docs/format.md
shows):
- a scalar field (text, integer, boolean, date) is one column;
- a list of scalars is one column, the items separated by `; ` (a list whose items hold
  `;` or `,` is written as a YAML flow list, `[a, "b, c"]`, which import reads back);
- a mapping of scalars is one column per field, dotted (`inherent.likelihood`); a field
  that may also hold a list of such mappings (a plan's `approval`) writes each sub-column's
  items separated by `; `;
- anything deeper (an objective's `results`) is one column of JSON text;
- the kind's child records (a plan's actions) are rows: one row per child, the parent's
  columns repeated on each.
Other keys (`x-...`) get a column each, of JSON text.

Headings for export are labels such as "Risk ID", "Inherent likelihood", "Action due";
import matches a heading case-insensitively, ignoring spaces and punctuation, against the
field path, the label, the kind's name plus the field, and the synonyms in SYNONYMS.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from checker.kinds import BY_NAME, Kind, children
from checker.schema import field_shapes

SCALARS = {"string", "integer", "boolean", "date", "number"}
FieldPath = tuple[str, ...]

# Headings besides each column's own label and field path (docs/getting-started.md and
# docs/format.md list them). Keys are "kind:field.path".
SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "risk:id": ("Risk ID", "Risk Ref", "Risk Reference", "Risk No", "Ref", "ID"),
    "risk:title": ("Risk", "Risk Title", "Risk Name", "Name", "Risk Summary"),
    "risk:description": ("Risk Description", "Details", "Description"),
    "risk:owner": ("Risk Owner", "Owner"),
    "risk:assets": ("Asset", "Assets", "Affected Assets"),
    "risk:threats": ("Threat", "Threats"),
    "risk:inherent.likelihood": (
        "Likelihood",
        "Inherent Likelihood",
        "Probability",
        "Inherent Probability",
        "Gross Likelihood",
    ),
    "risk:inherent.impact": ("Impact", "Inherent Impact", "Consequence", "Gross Impact"),
    "risk:treatment": (
        "Treatment",
        "Treatment Option",
        "Treatment Decision",
        "Risk Treatment",
        "Risk Response",
    ),
    "risk:controls": ("Controls", "Annex A Controls", "Control IDs", "Mitigating Controls"),
    "risk:plans": ("Plans", "Treatment Plan", "Treatment Plans", "Plan IDs"),
    "risk:residual.likelihood": ("Residual Likelihood", "Residual Probability", "Net Likelihood"),
    "risk:residual.impact": ("Residual Impact", "Residual Consequence", "Net Impact"),
    "risk:assessed": (
        "Last Review Date",
        "Last Assessed",
        "Assessment Date",
        "Date Assessed",
        "Last Reviewed",
        "Assessed On",
    ),
    "risk:review_days": ("Review Interval", "Review Interval (days)"),
    "risk:acceptance.by": ("Accepted By",),
    "risk:acceptance.date": ("Acceptance Date", "Date Accepted"),
    "risk:acceptance.expires": ("Acceptance Expires", "Acceptance Expiry"),
    "risk:acceptance.rationale": ("Acceptance Rationale",),
    "risk:status": ("Status", "Risk Status"),
    "control:id": (
        "Control",
        "Control ID",
        "Control No",
        "Annex A",
        "Annex A Control",
        "Annex A Reference",
        "Ref",
        "ID",
    ),
    "control:title": ("Control Title", "Control Name", "Name", "Title"),
    "control:applicable": (
        "Applicable?",
        "Applicable",
        "Applicability",
        "Included",
        "Included?",
        "In Scope",
    ),
    "control:justification": (
        "Justification",
        "Justification for inclusion/exclusion",
        "Justification for inclusion",
        "Justification for exclusion",
        "Reason",
        "Rationale",
    ),
    "control:status": ("Implementation Status", "Status"),
    "control:owner": ("Control Owner", "Owner", "Responsible"),
    "control:evidence": ("Evidence", "Evidence Links"),
    "control:reviewed": ("Last Review Date", "Last Reviewed", "Review Date"),
    "control:measurement": ("Measurement", "Effectiveness Measure", "KPI"),
    "control:audited": ("Last Audit Date", "Last Audited", "Audit Date"),
    "plan:id": ("Plan ID", "Treatment Plan ID", "Treatment Plan", "Plan", "ID"),
    "plan:title": ("Plan Title", "Plan Name", "Title"),
    "plan:risks": ("Risks", "Risk IDs", "Risk ID", "Treats"),
    "plan:owner": ("Plan Owner", "Owner"),
    "plan:status": ("Plan Status", "Status"),
    "plan:approval.by": ("Approved By",),
    "plan:approval.date": ("Approval Date", "Date Approved"),
    "plan:created": ("Created", "Start Date"),
    "plan:due": ("Due", "Due Date", "Target Date"),
    "plan:completed": ("Completed", "Completion Date"),
    "plan:actions.id": ("Action ID", "Action No"),
    "plan:actions.title": ("Action", "Action Title", "Action Description"),
    "plan:actions.owner": ("Action Owner",),
    "plan:actions.due": ("Action Due", "Action Due Date"),
    "plan:actions.status": ("Action Status",),
    "plan:actions.done": ("Action Done", "Action Completed", "Date Done"),
    "plan:actions.controls": ("Action Controls",),
}

# Cell values besides each field's own values: "kind:field" -> {spoken: value}. The
# spoken forms are compared lower-case with runs of spaces, `-` and `_` as one `_`.
VALUE_SYNONYMS: Mapping[str, Mapping[str, str]] = {
    "risk:treatment": {
        "treat": "mitigate",
        "reduce": "mitigate",
        "modify": "mitigate",
        "mitigation": "mitigate",
        "reduction": "mitigate",
        "tolerate": "accept",
        "retain": "accept",
        "retention": "accept",
        "acceptance": "accept",
        "terminate": "avoid",
        "avoidance": "avoid",
        "share": "transfer",
        "sharing": "transfer",
        "insure": "transfer",
        "undecided": "none",
        "tbd": "none",
    },
    "risk:status": {"active": "open", "retired": "closed"},
    "control:status": {
        "in_place": "implemented",
        "implemented": "implemented",
        "done": "implemented",
        "complete": "implemented",
        "completed": "implemented",
        "fully_implemented": "implemented",
        "yes": "implemented",
        "partially_implemented": "partial",
        "partially": "partial",
        "in_progress": "partial",
        "not_started": "not_implemented",
        "not_in_place": "not_implemented",
        "missing": "not_implemented",
        "no": "not_implemented",
        "none": "not_implemented",
    },
    "plan:status": {
        "ongoing": "in_progress",
        "started": "in_progress",
        "complete": "completed",
        "done": "completed",
        "closed": "completed",
        "canceled": "cancelled",
    },
    "action:status": {
        "not_started": "open",
        "to_do": "open",
        "todo": "open",
        "ongoing": "in_progress",
        "started": "in_progress",
        "completed": "done",
        "complete": "done",
        "closed": "done",
        "canceled": "cancelled",
    },
}
TRUE_WORDS = {"yes", "y", "true", "1", "x", "applicable", "included", "include", "in_scope"}
FALSE_WORDS = {
    "no",
    "n",
    "false",
    "0",
    "not_applicable",
    "n/a",
    "na",
    "excluded",
    "exclude",
    "out_of_scope",
}


def norm(text: str) -> str:
    """A heading as matched: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


def spoken(text: str) -> str:
    """A cell value as matched against VALUE_SYNONYMS."""
    return re.sub(r"[\s_-]+", "_", text.strip().lower())


@dataclass(frozen=True)
class Column:
    path: FieldPath  # in the entity; a child's column starts with the parent's list field
    heading: str  # the export heading
    type: str  # string | integer | number | boolean | date | list | json
    child: bool = False  # a field of the child records (one row each)
    multi: bool = False  # a sub-field of a mapping that may also be a list of mappings
    keys: tuple[str, ...] = field(default=(), compare=False)  # normalised headings it matches

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


def _label(owner: Kind, path: FieldPath, child: bool) -> str:
    inner = path[1:] if child else path
    words = " ".join(p.replace("_", " ") for p in inner)
    if words == "id":
        words = "ID"
    if child or words == "ID":
        return f"{owner.name.replace('_', ' ').capitalize()} {words}"
    return words[:1].upper() + words[1:]


def _type(types: frozenset[str]) -> str:
    if "string" in types and types <= SCALARS:
        return "string"
    if len(types) == 1 and types <= SCALARS:
        return next(iter(types))
    return "json"


def _fields(kind: str, owner: Kind, prefix: FieldPath, child: bool) -> list[Column]:
    out: list[Column] = []
    for name, shape in field_shapes(kind).items():
        path = (*prefix, name)
        if shape.types <= SCALARS and shape.types:
            out.append(Column(path, _label(owner, path, child), _type(shape.types), child))
        elif shape.types == {"list"} and not shape.nested:
            out.append(Column(path, _label(owner, path, child), "list", child))
        elif "object" in shape.types and shape.nested and shape.types <= {"object", "list"}:
            sub = field_shapes(shape.nested)
            flat = all(
                (s.types <= SCALARS and s.types) or (s.types == {"list"} and not s.nested)
                for s in sub.values()
            )
            multi = "list" in shape.types
            if flat and not (multi and any(s.types == {"list"} for s in sub.values())):
                for sub_name, s in sub.items():
                    sub_path = (*path, sub_name)
                    kind_type = "list" if s.types == {"list"} else _type(s.types)
                    out.append(
                        Column(sub_path, _label(owner, sub_path, child), kind_type, child, multi)
                    )
            else:
                out.append(Column(path, _label(owner, path, child), "json", child))
        else:
            out.append(Column(path, _label(owner, path, child), "json", child))
    return out


def columns(kind: Kind, extra: Sequence[str] = ()) -> list[Column]:
    """The columns of `kind`'s sheet: its fields, its child records' fields (a plan's
    actions), then `extra` keys (x-...) as JSON columns."""
    kids = {k.field: k for k in children(kind.name)}
    cols: list[Column] = []
    for c in _fields(kind.name, kind, (), False):
        if c.path[0] not in kids:
            cols.append(c)
    for list_field, kid in kids.items():
        assert list_field is not None
        cols += _fields(kid.name, kid, (list_field,), True)
    cols += [Column((key,), key, "json") for key in extra]
    return [_with_keys(kind, c) for c in cols]


def _with_keys(kind: Kind, column: Column) -> Column:
    keys = [column.dotted, column.heading]
    if column.child:
        kid = BY_NAME[next(k.name for k in children(kind.name) if k.field == column.path[0])]
        keys += [f"{kid.name} {'.'.join(column.path[1:])}"]
    else:
        keys += [f"{kind.name} {column.dotted}"]
    keys += SYNONYMS.get(f"{kind.name}:{column.dotted}", ())
    return Column(
        column.path,
        column.heading,
        column.type,
        column.child,
        column.multi,
        tuple(dict.fromkeys(norm(k) for k in keys)),
    )


def extra_keys(kind: Kind, entities: Sequence[Mapping[str, Any]]) -> list[str]:
    known = set(field_shapes(kind.name))
    out: dict[str, None] = {}
    for entity in entities:
        out.update((k, None) for k in entity if k not in known)
    return list(out)


# ---- entities to rows --------------------------------------------------------------


def _get(data: Any, path: FieldPath) -> Any:
    for part in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(part)
    return data


def _list_text(items: list[Any]) -> str:
    texts = ["" if i is None else (json.dumps(i) if isinstance(i, bool) else str(i)) for i in items]
    plain = all(isinstance(i, str) for i in items) and not any(
        set(t) & set(";,[]") or t != t.strip() or not t for t in texts
    )
    if plain:
        return "; ".join(texts)
    return json.dumps(items, ensure_ascii=False, default=str)


def cell(column: Column, value: Any, dates: bool) -> Any:
    """One entity value as a cell; `dates`: dates as `datetime.date` (XLSX)."""
    if value is None or (value == [] and column.type == "list"):
        return None
    if column.type == "json":
        return json.dumps(value, ensure_ascii=False, default=str)
    if column.type == "list":
        return _list_text(value) if isinstance(value, list) else json.dumps(value, default=str)
    if column.type == "date" and isinstance(value, str) and dates:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def rows(
    kind: Kind, cols: Sequence[Column], entities: Sequence[Mapping[str, Any]], dates: bool
) -> list[list[Any]]:
    """The rows of `entities`: one each, or one per child record."""
    out: list[list[Any]] = []
    for entity in entities:
        own = [_own_cell(c, entity, dates) for c in cols if not c.child]
        child_cols = [c for c in cols if c.child]
        kids = _get(entity, child_cols[0].path[:1]) if child_cols else None
        if not child_cols:
            out.append(own)
            continue
        records: list[Mapping[str, Any] | None] = (
            [k for k in kids if isinstance(k, Mapping)] if isinstance(kids, list) else []
        )
        for record in records or [None]:
            out.append(own + [cell(c, _get(record, c.path[1:]), dates) for c in child_cols])
    return out


def _own_cell(column: Column, entity: Mapping[str, Any], dates: bool) -> Any:
    if column.multi:
        holder = _get(entity, column.path[:-1])
        if isinstance(holder, list):
            values = [_get(h, column.path[-1:]) for h in holder]
            return "; ".join("" if v is None else str(v) for v in values)
    return cell(column, _get(entity, column.path), dates)

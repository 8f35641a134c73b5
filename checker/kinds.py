"""The one table of entity kinds: what each kind is called, where its files live, which
schema judges it, the CEL variable rules see it as, how its id is formed, which of its
fields link other entities and which record events.

The loader, schemas, model, evaluator, rule-file validation and ISMS-REF are all driven
from KINDS; adding a kind is an entry here plus its schema under `schemas/`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

FieldPath = tuple[str, ...]

# The main clauses of ISO/IEC 27001:2022 that hold requirements: the `clause` resource
# (one target per clause: the audit programme must cover each, AUD-001).
CLAUSES: Mapping[str, str] = {
    "4": "Context of the organization",
    "5": "Leadership",
    "6": "Planning",
    "7": "Support",
    "8": "Operation",
    "9": "Performance evaluation",
    "10": "Improvement",
}

# An id as the schemas define it (common.schema.json#/$defs/id).
ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class Link:
    """A field that names other entities by id (ISMS-REF): one id or a list of ids, of
    any of `kinds`. With `free_text`, a value is a link only when it is written as one
    id (one word in the id pattern); text of several words is a description (a
    nonconformity's `source`: an audit or review id, or "customer complaint")."""

    field: str
    kinds: tuple[str, ...]
    free_text: bool = False

    def names(self, value: object) -> bool:
        """Whether `value` is meant as an id this link must resolve."""
        if not isinstance(value, str):
            return False
        return not self.free_text or ID_PATTERN.match(value) is not None


@dataclass(frozen=True)
class Kind:
    """One kind of ISMS record."""

    name: str  # risk: the `kind` of findings, the schema's $defs entry
    plural: str  # risks: the paths: key and default folder, the isms.<plural> map
    schema: str  # the schema file (schemas/<schema>.schema.json)
    parent: str | None = None  # a kind held in a list field of another (actions of plans)
    field: str | None = None  # that list field
    required_folder: bool = False  # the run stops when its folder is missing
    single_file: bool = False  # one file (waivers.yaml) instead of a folder
    # the event dates it records (ST-006, GIT-001); a path through a list covers each item
    recorded: tuple[FieldPath, ...] = ()
    links: tuple[Link, ...] = ()  # the fields naming other entities: ISMS-REF
    inactive: tuple[str, str] | None = None  # (field, value): only schema-checked then

    @property
    def default_path(self) -> str:
        """Where its records live unless isms.yaml's `paths:` says otherwise."""
        return f"{self.plural}.yaml" if self.single_file else self.plural

    @property
    def variable(self) -> str:
        """The CEL variable a rule on this kind reads the entity as."""
        return self.name

    def entity_id(self, data: Mapping[str, Any], parent_id: str | None) -> str | None:
        """The id findings name, or None when the record has no usable id."""
        if self.name == "waiver":
            return f"{data.get('rule')}:{data.get('target')}"
        value = data.get("id")
        if not isinstance(value, str) or not value:
            return None
        return f"{parent_id}/{value}" if parent_id is not None else value

    def is_active(self, values: Mapping[str, Any]) -> bool:
        return self.inactive is None or values.get(self.inactive[0]) != self.inactive[1]


KINDS: tuple[Kind, ...] = (
    Kind(
        "risk",
        "risks",
        "risk",
        required_folder=True,
        recorded=(("assessed",), ("acceptance", "date"), ("residual_accepted", "date")),
        links=(Link("controls", ("control",)), Link("plans", ("plan",))),
        inactive=("status", "closed"),
    ),
    Kind(
        "control",
        "controls",
        "control",
        required_folder=True,
        recorded=(("reviewed",), ("audited",)),
    ),
    Kind(
        "plan",
        "plans",
        "plan",
        recorded=(("approval", "date"), ("completed",)),
        links=(Link("risks", ("risk",)),),
    ),
    Kind(
        "action",
        "actions",
        "plan",
        parent="plan",
        field="actions",
        recorded=(("done",),),
        links=(Link("controls", ("control",)),),
    ),
    # the management-system records (docs/format.md, section 10); their folders are optional
    Kind(
        "objective",
        "objectives",
        "objective",
        recorded=(("created",), ("results", "date")),
    ),
    Kind(
        "audit",
        "audits",
        "audit",
        recorded=(("performed",),),
        links=(
            Link("scope.controls", ("control",)),
            Link("nonconformities", ("nonconformity",)),
        ),
    ),
    Kind(
        "review",
        "reviews",
        "review",
        recorded=(("date",),),
        links=(Link("nonconformities", ("nonconformity",)),),
    ),
    Kind(
        "decision",
        "decisions",
        "review",
        parent="review",
        field="decisions",
        recorded=(("done",),),
    ),
    Kind(
        "nonconformity",
        "nonconformities",
        "nonconformity",
        recorded=(("raised",), ("closed",), ("effectiveness", "date")),
        links=(Link("source", ("audit", "review"), free_text=True),),
    ),
    Kind(
        "corrective_action",
        "corrective_actions",
        "nonconformity",
        parent="nonconformity",
        field="actions",
        recorded=(("done",),),
    ),
    Kind("waiver", "waivers", "waiver", single_file=True),
)
BY_NAME: Mapping[str, Kind] = {k.name: k for k in KINDS}
FOLDER_KINDS: tuple[Kind, ...] = tuple(k for k in KINDS if k.parent is None and not k.single_file)

# Resources a rule may name: every kind, plus the methodology (evaluated once), the
# control catalog (one target per catalog control) and the clauses 4-10 (one target each).
EXTRA_RESOURCES = ("isms", "catalog", "clause")
RESOURCES: tuple[str, ...] = (*(k.name for k in KINDS), *EXTRA_RESOURCES)


def variables(resource: str) -> tuple[str, ...]:
    """The entity variables a rule on `resource` sees (an action also sees its plan)."""
    kind = BY_NAME.get(resource)
    if kind is None:
        return (resource,) if resource in ("catalog", "clause") else ()
    return (kind.variable,) + ((BY_NAME[kind.parent].variable,) if kind.parent else ())


@functools.cache
def children(parent: str) -> tuple[Kind, ...]:
    return tuple(k for k in KINDS if k.parent == parent)


# The documents that have a schema a user can ask for (`isms-check schema KIND`).
DOCUMENTS: tuple[str, ...] = (
    "isms",
    *(k.schema for k in KINDS if k.parent is None),
    "rules",
    "ruletests",
)

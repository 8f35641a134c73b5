"""The one table of entity kinds: what each kind is called, where its files live, which
schema judges it, the CEL variable rules see it as, how its id is formed, which of its
fields link other entities and which record events.

The loader, schemas, model, evaluator, rule-file validation and ISMS-REF are all driven
from KINDS; adding a kind is an entry here plus its schema under `schemas/`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

FieldPath = tuple[str, ...]


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
    recorded: tuple[FieldPath, ...] = ()  # the event dates it records (ST-006, GIT-001)
    links: tuple[tuple[str, str], ...] = ()  # (field, kind of the ids it names): ISMS-REF
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
        recorded=(("assessed",), ("acceptance", "date")),
        links=(("controls", "control"), ("plans", "plan")),
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
        links=(("risks", "risk"),),
    ),
    Kind(
        "action",
        "actions",
        "plan",
        parent="plan",
        field="actions",
        recorded=(("done",),),
        links=(("controls", "control"),),
    ),
    Kind("waiver", "waivers", "waiver", single_file=True),
)
BY_NAME: Mapping[str, Kind] = {k.name: k for k in KINDS}
FOLDER_KINDS: tuple[Kind, ...] = tuple(k for k in KINDS if k.parent is None and not k.single_file)

# Resources a rule may name: every kind, plus the methodology (evaluated once) and the
# control catalog (one target per catalog control).
EXTRA_RESOURCES = ("isms", "catalog")
RESOURCES: tuple[str, ...] = (*(k.name for k in KINDS), *EXTRA_RESOURCES)


def variables(resource: str) -> tuple[str, ...]:
    """The entity variables a rule on `resource` sees (an action also sees its plan)."""
    kind = BY_NAME.get(resource)
    if kind is None:
        return ("catalog",) if resource == "catalog" else ()
    return (kind.variable,) + ((BY_NAME[kind.parent].variable,) if kind.parent else ())


def children(parent: str) -> tuple[Kind, ...]:
    return tuple(k for k in KINDS if k.parent == parent)


# The documents that have a schema a user can ask for (`isms-check schema KIND`).
DOCUMENTS: tuple[str, ...] = (
    "isms",
    *(k.schema for k in KINDS if k.parent is None),
    "rules",
    "ruletests",
)

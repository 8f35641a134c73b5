"""The four structural rules, in Python: ISMS-PARSE, ISMS-SCHEMA, ISMS-DUP, ISMS-REF.

They judge the files and the links between entities, before any CEL rule can: an entity
that breaks its schema is reported here and left out of the CEL rules until it is fixed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from checker.findings import Location, Outcome, Result, RuleInfo, Severity
from checker.kinds import BY_NAME, CLAUSES, KINDS, Link
from checker.loader import ParsedFile, Source
from checker.model import Entity, Model
from checker.schema import Violation

if TYPE_CHECKING:
    from checker.carry import Carry

_SRC = "built-in (python)"
PARSE = RuleInfo(
    id="ISMS-PARSE",
    title="ISMS files are valid YAML holding a mapping or a list of mappings",
    severity=Severity.ERROR,
    resource="file",
    references=("ISO/IEC 27001:2022 7.5.3",),
    remediation="Fix the YAML at the line shown: each file holds one entity (a mapping) "
    "or a list of entities.",
    description="Every file under risks/, controls/, plans/ and the waivers file must parse "
    "as YAML and hold one mapping or a list of mappings. A broken file is reported, never "
    "skipped: the entities in it are invisible to every other rule until it is fixed.",
    example=(
        "# risks/ransomware.yaml: one mapping (one risk), or a list of mappings\n"
        "id: R-001\n"
        "title: Ransomware encrypts file servers\n"
        "# title: Ransomware: encrypts file servers   # fails: an unquoted ': ' inside a value\n"
        "# title: 'Ransomware: encrypts file servers' # quoting the value fixes it\n"
    ),
    source=_SRC,
)
SCHEMA = RuleInfo(
    id="ISMS-SCHEMA",
    title="Entities match their JSON Schema",
    severity=Severity.ERROR,
    resource=", ".join(k.name for k in KINDS if k.parent is None),
    references=("ISO/IEC 27001:2022 7.5.2",),
    remediation="Correct the field named in the message; `isms-check schema KIND` prints "
    "the schema, which editors can use for completion.",
    description="Each risk, control, plan, objective, audit, review, nonconformity and "
    "waiver is checked against its JSON Schema: "
    "types, enums, id patterns, date formats and required fields. One finding per "
    "violation, at its line. An entity that breaks its schema is not judged by the other "
    "rules until it is fixed.",
    example=(
        "id: R-001                              # ^[A-Za-z][A-Za-z0-9._-]*$\n"
        "title: Ransomware encrypts file servers\n"
        "owner: CIO\n"
        "inherent: {likelihood: 4, impact: 5}   # integers\n"
        "# inherent: {likelihood: high, impact: 5}   # fails: 'high' is not of type integer\n"
        "treatment: mitigate                    # none | mitigate | accept | avoid | transfer\n"
        "assessed: 2026-03-01                   # an ISO date\n"
    ),
    source=_SRC,
)
DUP = RuleInfo(
    id="ISMS-DUP",
    title="Entity ids are unique within their kind",
    severity=Severity.ERROR,
    resource=", ".join(k.name for k in KINDS),
    references=("ISO/IEC 27001:2022 7.5.2",),
    remediation="Give each entity its own id; the rules judge only the first one.",
    description="Two entities of one kind share an id: two risks, controls, plans, "
    "objectives, audits, reviews or nonconformities, two actions of one plan, two decisions "
    "of one review, two corrective actions of one nonconformity, or two waivers for the "
    "same rule and target. Links by id become ambiguous; only the "
    "first is judged by the other rules.",
    example=(
        "# risks/: every risk has its own id\n"
        "- id: R-001\n"
        "  title: Ransomware encrypts file servers\n"
        "- id: R-002                  # fails if this is R-001 again\n"
        "  title: Laptop stolen while travelling\n"
    ),
    source=_SRC,
)
REF = RuleInfo(
    id="ISMS-REF",
    title="Links name known ids",
    severity=Severity.ERROR,
    resource=", ".join(k.name for k in KINDS if k.links or k.name == "waiver"),
    references=("ISO/IEC 27001:2022 6.1.3",),
    remediation="Correct the id, or add the missing risk, control, plan, nonconformity, "
    "audit or review.",
    description="risk.controls, risk.plans, plan.risks, action.controls, "
    "audit.scope.controls, audit.nonconformities, review.nonconformities, waiver.rule and "
    "waiver.target must name ids that exist; so must a nonconformity's source when it is "
    "written as one id (an audit or a review; text of several words is a description). "
    "A waiver's target may also be a catalog control or a clause (4 to 10).",
    example=(
        "# risk R-001: every id it links exists\n"
        "controls: [A.8.7, A.8.13]    # SoA entries under controls/\n"
        "plans: [RTP-2026-01]         # a plan under plans/\n"
        "# controls: [A.8.77]         # fails: unknown id: controls 'A.8.77'\n"
    ),
    source=_SRC,
)
STRUCTURAL_RULES = (PARSE, SCHEMA, DUP, REF)
FILE_RULES = (PARSE, SCHEMA)  # what decides which entities the other rules can see


def parse_results(files: Iterable[ParsedFile], findings_only: bool = False) -> list[Result]:
    """`findings_only`: leave out the passes (as every function here does), for callers
    that only count findings (posture over time)."""
    out = []
    for f in files:
        if f.problem is None:
            if not findings_only:
                out.append(Result.of(PARSE, "file", None, Location(f.file, 1), Outcome.PASS))
        else:
            loc = Location(f.file, f.problem.line, f.problem.column)
            out.append(Result.of(PARSE, "file", None, loc, Outcome.FAIL, f.problem.message))
    return out


def schema_results(
    kind: str,
    source: Source,
    entity: str,
    violations: Sequence[Violation],
    findings_only: bool = False,
) -> list[Result]:
    """One entity's schema results: a pass, or one finding per violation."""
    if not violations:
        if findings_only:
            return []
        loc = Location(source.file, source.line, source.position(())[1])
        return [Result.of(SCHEMA, kind, entity, loc, Outcome.PASS)]
    out = []
    for v in violations:
        line, column = source.position(v.path)
        where = "/".join(str(p) for p in v.path)
        out.append(
            Result.of(
                SCHEMA,
                kind,
                entity,
                Location(source.file, line, column),
                Outcome.FAIL,
                v.message,
                where,
            )
        )
    return out


def _location(e: Entity, *field: str | int) -> Location:
    line, column = e.source.position((*e.path, *field))
    return Location(e.source.file, line, column)


def dup_results(model: Model, findings_only: bool = False) -> list[Result]:
    out = []
    for kind in KINDS:
        groups: dict[str, list[Entity]] = defaultdict(list)
        for e in model.of_kind(kind.name):
            groups[e.id].append(e)
        for eid, group in groups.items():
            if len(group) == 1:
                if not findings_only:
                    out.append(Result.of(DUP, kind.name, eid, _location(group[0]), Outcome.PASS))
                continue
            places = ", ".join(f"{e.source.file}:{e.line}" for e in group)
            message = (
                f"{kind.name} id {eid} is used {len(group)} times ({places}): ids must be unique"
            )
            loc = _location(group[1], "id")
            out.append(Result.of(DUP, kind.name, eid, loc, Outcome.FAIL, message))
    return out


def ref_results(
    model: Model, rule_ids: Sequence[str], findings_only: bool = False, carry: Carry | None = None
) -> list[Result]:
    """Checks every link of every judged entity (but inactive ones: closed risks); the
    finding points at the first unknown id. `carry` (findings_only, posture over time):
    the findings on entities unchanged since the point judged before (carry.py)."""
    known = {kind.name: {e.id for e in model.of_kind(kind.name)} for kind in KINDS}
    targets = (
        set().union(*known.values())
        | {c.id for c in model.methodology.catalog}
        | set(CLAUSES)
        | {"isms"}
    )
    linkable: dict[tuple[str, ...], set[str]] = {}  # ids of these kinds, made once

    def ids_of(kinds: tuple[str, ...]) -> set[str]:
        found = linkable.get(kinds)
        if found is None:
            found = linkable[kinds] = set().union(*(known[k] for k in kinds))
        return found

    def judge(
        e: Entity, checks: Sequence[tuple[tuple[str, ...], object, Link | None, set[str]]]
    ) -> Result | None:
        unknown: list[str] = []
        first: tuple[str | int, ...] = ()
        for field, values, link, ids in checks:
            items = values if isinstance(values, list) else [values]
            for i, v in enumerate(items):
                names = link.names(v) if link is not None else isinstance(v, str)
                if names and v not in ids:
                    shown = ".".join(field)
                    unknown.append(
                        f"{shown} '{v}'"
                        if link is None or not link.free_text
                        else f"{shown} '{v}' (no {' or '.join(link.kinds)} has this id; "
                        "write text that is not an id as more than one word)"
                    )
                    if not first:
                        first = (*field, i) if isinstance(values, list) else field
        if unknown:
            message = f"unknown id: {'; '.join(unknown)}"
            return Result.of(REF, e.kind, e.id, _location(e, *first), Outcome.FAIL, message)
        if not findings_only:
            return Result.of(REF, e.kind, e.id, _location(e), Outcome.PASS)
        return None

    rule_set = set(rule_ids)

    def judged(e: Entity) -> Result | None:
        if e.kind == "waiver":
            rule, target = e.values["rule"], e.values["target"]
            return judge(
                e, [(("rule",), rule, None, rule_set), (("target",), target, None, targets)]
            )
        return judge(
            e,
            [
                (
                    tuple(link.field.split(".")),
                    _value(e.values, link.field),
                    link,
                    ids_of(link.kinds),
                )
                for link in BY_NAME[e.kind].links
            ],
        )

    linked = [
        e
        for kind in KINDS
        for e in model.unique(kind.name)
        if kind.name == "waiver" or (kind.links and kind.is_active(e.values))
    ]
    if carry is not None:
        return carry.refs(linked, judged)
    return [r for r in map(judged, linked) if r is not None]


def _value(values: Mapping[str, Any], dotted: str) -> Any:
    """The value at a dotted field path (scope.controls), None where a step is missing."""
    value: Any = values
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value

"""Runs CEL rules over the model: each entity becomes its engine's value once (the
native engine reads the model's own data; cel-python's needs a conversion), then every
rule applicable to its resource runs against that one value."""

from __future__ import annotations

import dataclasses
import datetime
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from checker.carry import Carry
from checker.cel import Engine, EvalError
from checker.celnative.errors import BudgetError
from checker.findings import Location, Outcome, Result, RuleInfo
from checker.kinds import CLAUSES, FOLDER_KINDS, KINDS
from checker.loader import JsonPath
from checker.model import Entity, Model, normalise, to_date
from checker.rules import Rule


@dataclass(frozen=True)
class Target:
    """One thing a rule can judge, with the variables its expressions see."""

    kind: str
    id: str
    location: Location | None  # where its results point; None: where it is written
    activation: Mapping[str, Any]
    locate: Callable[[JsonPath], Location]  # where a field of the target is written
    plain: Mapping[str, Any]  # the activation in the model's own values (budget guards)

    @functools.cached_property
    def place(self) -> Location:
        """Where its results point, worked out once and only when a result needs it
        (posture over time judges many targets whose results are never placed)."""
        return self.location or self.locate(())


def isms_values(model: Model) -> dict[str, Any]:
    """The `isms` variable: the methodology plus maps of every judged entity by id."""
    m = model.methodology
    return {
        **m.data,
        "review": m.review,
        "paths": m.paths,
        "catalog_name": m.catalog_name,
        # PR mode: what the change does to the rules (GIT-003)
        "change": model.change.as_value() if model.change is not None else None,
        "catalog": {c.id: {"id": c.id, "title": c.title, "theme": c.theme} for c in m.catalog},
        "clauses": {n: {"id": n, "title": title} for n, title in CLAUSES.items()},
        # the management-system settings, present (null where not written), dates as dates
        "established": to_date(m.data.get("established")),
        "soa": soa_values(m.data.get("soa")),
        # every id written in the files, schema-valid or not (SOA-001 must not call a
        # control "missing" that is only broken: ISMS-SCHEMA reports that)
        "ids": {k.plural: [e.id for e in model.of_kind(k.name)] for k in FOLDER_KINDS},
    }


def soa_values(soa: Any) -> dict[str, Any]:
    """isms.yaml's `soa` block with every field present: {version, approved: {by, date}}
    (`version` as text, `approved` null when not written)."""
    soa = soa if isinstance(soa, Mapping) else {}
    version = soa.get("version")
    approved = soa.get("approved")
    return {
        **soa,
        "version": str(version) if version is not None and not isinstance(version, bool) else None,
        "approved": normalise("approval", approved) if isinstance(approved, Mapping) else None,
    }


def at_path(text: str) -> JsonPath:
    """A rule's `at:` value ('actions/2/due', or 'acceptance.date' as `recorded` names
    fields) as a path; numbers index lists."""
    parts = text.replace(".", "/").split("/")
    return tuple(int(p) if p.isdigit() else p for p in parts if p)


class Evaluator:
    """Holds the engine values of one model and evaluates rules against them."""

    def __init__(self, model: Model, today: datetime.date, engine: Engine) -> None:
        self.model = model
        self.engine = engine
        m = model.methodology
        plain = isms_values(model)
        for kind in FOLDER_KINDS:
            plain[kind.plural] = {e.id: e.values for e in model.unique(kind.name)}
        isms = engine.value(plain)
        self.common: dict[str, Any] = {"today": engine.value(today), "isms": isms}
        # the native engine reads the model's values; another also gets them, for the
        # native twins of its rules that hold it to the same budget (Rule.guard)
        self.native = engine.name == "native"
        self.plain_common: dict[str, Any] = {"today": today, "isms": plain}
        entity_values: dict[int, Any] = {}
        for kind in KINDS:
            for e in model.unique(kind.name):
                if kind in FOLDER_KINDS:  # the same value as in the isms.<plural> map
                    entity_values[id(e)] = isms[engine.value(kind.plural)][engine.value(e.id)]
                elif kind.parent is not None and e.parent is not None:
                    parent = entity_values[id(e.parent)]
                    entity_values[id(e)] = parent[engine.value(kind.field)][e.path[1]]
        self.entity_values = entity_values

        def locate_isms(path: JsonPath) -> Location:
            line, column = m.parsed.position(path)
            return Location(m.file, line, column)

        catalog_loc = locate_isms(("catalog",)) if "catalog" in m.data else Location(m.file, 1)
        # the entities rules judge, by kind; their targets are made when first needed
        # (posture over time judges few of them at each point, carry.py)
        self.active: dict[str, list[Entity]] = {
            kind.name: [e for e in model.unique(kind.name) if kind.is_active(e.values)]
            for kind in KINDS
            if kind.name != "waiver"
        }
        self._made: dict[int, Target] = {}
        targets: dict[str, list[Target]] = {}
        kind_isms, kind_catalog = engine.value("isms"), engine.value("catalog")
        targets["isms"] = [
            Target(
                "isms",
                "isms",
                Location(m.file, 1, 1),
                {**self.common, "kind": kind_isms, "entity": isms},
                locate_isms,
                {**self.plain_common, "kind": "isms", "entity": plain},
            )
        ]
        catalog = isms[kind_catalog]
        targets["catalog"] = [
            Target(
                "control",
                c.id,
                catalog_loc,
                {
                    **self.common,
                    "kind": kind_catalog,
                    "catalog": catalog[engine.value(c.id)],
                    "entity": catalog[engine.value(c.id)],
                },
                lambda path: catalog_loc,
                {
                    **self.plain_common,
                    "kind": "catalog",
                    "catalog": plain["catalog"][c.id],
                    "entity": plain["catalog"][c.id],
                },
            )
            for c in m.catalog
        ]
        # the clauses 4-10 (AUD-001: the audit programme covers each), at isms.yaml's
        # `established:` line (without one, where its settings start)
        clause_loc = locate_isms(("established",))
        clauses = isms[engine.value("clauses")]
        kind_clause = engine.value("clause")
        targets["clause"] = [
            Target(
                "clause",
                n,
                clause_loc,
                {
                    **self.common,
                    "kind": kind_clause,
                    "clause": clauses[engine.value(n)],
                    "entity": clauses[engine.value(n)],
                },
                lambda path: clause_loc,
                {
                    **self.plain_common,
                    "kind": "clause",
                    "clause": plain["clauses"][n],
                    "entity": plain["clauses"][n],
                },
            )
            for n in CLAUSES
        ]
        self.fixed = targets  # the targets that are not entities

    @functools.cached_property
    def targets(self) -> dict[str, list[Target]]:
        """Every target, by resource."""
        made = {kind: [self.target_of(e) for e in es] for kind, es in self.active.items()}
        return {**made, **self.fixed}

    def target_of(self, e: Entity) -> Target:
        found = self._made.get(id(e))
        if found is None:
            found = self._made[id(e)] = self._target(e)
        return found

    def _target(self, e: Entity, values: Mapping[str, Any] | None = None) -> Target:
        """The target of entity `e`; `values`: its values if not the model's own."""
        values = e.values if values is None else values
        value = self.entity_values[id(e)] if values is e.values else self.engine.value(values)
        activation = {
            **self.common, "kind": self.engine.value(e.kind), e.kind: value, "entity": value
        }  # fmt: skip
        if e.parent is not None:
            activation[e.parent.kind] = self.entity_values[id(e.parent)]
        plain = activation
        if not self.native:
            plain = {**self.plain_common, "kind": e.kind, e.kind: values, "entity": values}
            if e.parent is not None:
                plain[e.parent.kind] = e.parent.values

        def locate(path: JsonPath) -> Location:
            line, column = e.source.position((*e.path, *path))
            return Location(e.source.file, line, column)

        return Target(e.kind, e.id, None, activation, locate, plain)

    def waiver_targets(self, matches: Mapping[str, int | None]) -> list[Target]:
        """Waivers are judged last: `waiver.matches` counts the findings each waived
        (null when it was not in force or its rule did not run)."""
        return [
            self._target(e, {**e.values, "matches": matches.get(e.id)})
            for e in self.model.unique("waiver")
        ]

    def run(
        self,
        rules: Iterable[Rule],
        targets: Mapping[str, list[Target]] | None = None,
        findings_only: bool = False,
        carry: Carry | None = None,
    ) -> list[Result]:
        """Every result of `rules` on the targets; `findings_only`: no passes (posture
        over time only counts findings); `carry` (with findings_only, on this model's
        own targets), started for this model (snapshot.judge): findings of the point
        judged before are carried where nothing they read changed."""
        if carry is not None and targets is None and findings_only:
            return self._carried(rules, carry)
        targets = targets or self.targets
        out: list[Result] = []
        for rule in rules:
            for resource in rule.resources:
                for target in targets.get(resource, ()):
                    result = judge(rule, target, findings_only)
                    if result is not None:
                        out.append(result)
        return out

    def _carried(self, rules: Iterable[Rule], carry: Carry) -> list[Result]:
        out: list[Result] = []
        for rule in rules:
            for resource in rule.resources:
                if resource in self.active:  # a target made only for an entity judged
                    entities = self.active[resource]
                    out += carry.findings(rule, resource, entities, self._entity_finding)
                else:
                    out += carry.findings(rule, resource, self.fixed.get(resource, []), _finding)
        return out

    def _entity_finding(self, rule: Rule, e: Entity) -> Result | None:
        return judge(rule, self.target_of(e), findings_only=True)


def _finding(rule: Rule, target: Target) -> Result | None:
    return judge(rule, target, findings_only=True)


def judge(rule: Rule, target: Target, findings_only: bool = False) -> Result | None:
    """One rule on one target: None when `when` says it does not apply. `findings_only`
    (posture over time, which counts findings): None when it passes too, and a finding
    keeps the title and the entity's place, as `at` is not run, nor `message` when it
    can only give a text (a message that may not is run: it decides whether the result
    is a finding or an error)."""
    info = rule.info
    if rule.guard is not None:
        over = _over_budget(rule.guard, target.plain)
        if over is not None:
            field, error = over
            message = f"rule {info.id}: `{field}` failed on {target.id}: {error}"
            return _result(info, target, Outcome.ERROR, message)
    act = target.activation
    try:
        if rule.when is not None and not rule.when.run_bool(act):
            return None
    except EvalError as e:
        message = f"rule {info.id}: `when` failed on {target.id}: {e}"
        return _result(info, target, Outcome.ERROR, message)
    try:
        if rule.check.run_bool(act):
            return None if findings_only else _result(info, target, Outcome.PASS)
    except EvalError as e:
        message = f"rule {info.id}: `check` failed on {target.id}: {e}"
        return _result(info, target, Outcome.ERROR, message)
    message = info.title
    if findings_only and (rule.message is None or rule.message_is_text):
        return _result(info, target, Outcome.FAIL, message)
    if rule.message is not None:
        try:
            text = rule.message.run(act)
            if not isinstance(text, str):  # a rule bug, never a finding that reads oddly
                shown = rule.message.run_str(act)
                return _result(
                    info,
                    target,
                    Outcome.ERROR,
                    f"rule {info.id}: `message` gave {shown} on {target.id}, not a string",
                )
            message = str.__str__(text) or info.title
        except EvalError as e:
            message = f"{info.title} (the rule's message failed: {e})"
    result = _result(info, target, Outcome.FAIL, message)
    if rule.at is not None and not findings_only:
        try:
            path = at_path(rule.at.run_str(act))
        except EvalError:
            return result  # at the entity's own line: `at` only places the finding
        field = "/".join(str(p) for p in path)
        return dataclasses.replace(result, location=target.locate(path), field=field)
    return result


def _result(info: RuleInfo, target: Target, outcome: Outcome, message: str = "") -> Result:
    return Result.of(info, target.kind, target.id, target.place, outcome, message)


def _over_budget(guard: Rule, plain: Mapping[str, Any]) -> tuple[str, BudgetError] | None:
    """The field whose evaluation goes over the budget, run by the native twin of a rule
    on the model's values (another engine's evaluation would not be stopped); None when
    none does. Other errors are the real engine's to report."""
    steps = (("when", guard.when), ("check", guard.check), ("message", guard.message))
    for field, program in (*steps, ("at", guard.at)):
        if program is None:
            continue
        try:
            result = program.run(plain)
        except BudgetError as e:
            return field, e
        except EvalError:
            return None
        if field == "when" and result is False:
            return None
        if field == "check" and result is True:
            return None
    return None

"""Runs CEL rules over the model: each entity is converted to CEL once, then every rule
applicable to its resource runs against that one value."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from celpy import celtypes

from checker.cel import CelValue, EvalError, to_cel
from checker.findings import Location, Outcome, Result
from checker.model import Entity, Model
from checker.rules import Rule


@dataclass(frozen=True)
class Target:
    """One thing a rule can judge, with the variables its expressions see."""

    kind: str
    id: str
    location: Location
    activation: Mapping[str, CelValue]


def isms_values(model: Model) -> dict[str, Any]:
    """The `isms` variable: the methodology plus maps of every judged entity by id."""
    m = model.methodology
    return {
        **m.data,
        "review": m.review,
        "paths": m.paths,
        "catalog_name": m.catalog_name,
        "change": model.change,  # PR mode: what the change does to the rules (GIT-003)
        "catalog": {c.id: {"id": c.id, "title": c.title, "theme": c.theme} for c in m.catalog},
        # every id written in the files, schema-valid or not (SOA-001 must not call a
        # control "missing" that is only broken: ISMS-SCHEMA reports that)
        "ids": {
            name: [e.id for e in model.of_kind(kind)]
            for kind, name in (("risk", "risks"), ("control", "controls"), ("plan", "plans"))
        },
    }


class Evaluator:
    """Holds the CEL values of one model and evaluates rules against them."""

    def __init__(self, model: Model, today: datetime.date) -> None:
        self.model = model
        m = model.methodology
        common = {"today": to_cel(today)}
        entity_cel: dict[int, CelValue] = {}
        maps: dict[str, dict[str, CelValue]] = {}
        for kind, name in (("risk", "risks"), ("control", "controls"), ("plan", "plans")):
            maps[name] = {}
            for e in model.unique(kind):
                entity_cel[id(e)] = to_cel(e.values)
                maps[name][e.id] = entity_cel[id(e)]
        for e in model.unique("action"):
            assert e.plan is not None
            plan_cel = entity_cel[id(e.plan)]
            entity_cel[id(e)] = plan_cel["actions"][e.path[1]]
        isms = to_cel(isms_values(model))
        for name, by_id in maps.items():
            isms[to_cel(name)] = celtypes.MapType({to_cel(k): v for k, v in by_id.items()})
        common["isms"] = isms
        self.common = common
        self.entity_cel = entity_cel
        isms_loc = Location(m.file, 1, 1)
        catalog_loc = Location(m.file, m.line_of("catalog") if "catalog" in m.data else 1)
        self.targets: dict[str, list[Target]] = {
            "risk": [
                self._target(e, "risk")
                for e in model.unique("risk")
                if e.values["status"] != "closed"
            ],
            "control": [self._target(e, "control") for e in model.unique("control")],
            "plan": [self._target(e, "plan") for e in model.unique("plan")],
            "action": [self._target(e, "action") for e in model.unique("action")],
            "isms": [
                Target("isms", "isms", isms_loc, {**common, "kind": to_cel("isms"), "entity": isms})
            ],
            "catalog": [
                Target(
                    "control",
                    c.id,
                    catalog_loc,
                    {
                        **common,
                        "kind": to_cel("catalog"),
                        "catalog": isms["catalog"][to_cel(c.id)],
                        "entity": isms["catalog"][to_cel(c.id)],
                    },
                )
                for c in m.catalog
            ],
        }

    def _target(self, e: Entity, variable: str) -> Target:
        value = self.entity_cel[id(e)]
        activation = {**self.common, "kind": to_cel(variable), variable: value, "entity": value}
        if e.plan is not None:
            activation["plan"] = self.entity_cel[id(e.plan)]
        line, column = e.source.position(e.path)
        return Target(e.kind, e.id, Location(e.source.file, line, column), activation)

    def waiver_targets(self) -> list[Target]:
        """Waivers are judged last: `waiver.matches` needs the other rules' findings."""
        return [self._waiver_target(e) for e in self.model.unique("waiver")]

    def _waiver_target(self, e: Entity) -> Target:
        self.entity_cel[id(e)] = to_cel(e.values)
        return self._target(e, "waiver")

    def run(
        self, rules: Iterable[Rule], targets: Mapping[str, list[Target]] | None = None
    ) -> list[Result]:
        targets = targets or self.targets
        out: list[Result] = []
        for rule in rules:
            for resource in rule.resources:
                for target in targets.get(resource, ()):
                    result = judge(rule, target)
                    if result is not None:
                        out.append(result)
        return out


def judge(rule: Rule, target: Target) -> Result | None:
    """One rule on one target: None when `when` says it does not apply."""
    info = rule.info

    def make(outcome: Outcome, message: str = "") -> Result:
        return Result.of(info, target.kind, target.id, target.location, outcome, message)

    act = target.activation
    try:
        if rule.when is not None and not rule.when.run_bool(act):
            return None
    except EvalError as e:
        return make(Outcome.ERROR, f"rule {info.id}: `when` failed on {target.id}: {e}")
    try:
        if rule.check.run_bool(act):
            return make(Outcome.PASS)
    except EvalError as e:
        return make(Outcome.ERROR, f"rule {info.id}: `check` failed on {target.id}: {e}")
    message = info.title
    if rule.message is not None:
        try:
            message = rule.message.run_str(act) or info.title
        except EvalError as e:
            message = f"{info.title} (the rule's message failed: {e})"
    return make(Outcome.FAIL, message)

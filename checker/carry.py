"""Results carried from one point of a timeline to the next.

Posture over time (timeline.py) judges the ISMS of month after month, and from one to
the next most entities are the same. A rule's result on an entity depends on nothing
but what its expressions read: the entity (and its parent), `today`, and the parts of
`isms` they name. So a result is carried to the next point when, since the point it
was worked out at (or last carried to):

- the entity is the same: the same source (one parsed file content) at the same place,
  with equal values (derived values included: links, git dates, evidence found), and
  so is its parent;
- `today` is the same, or no expression of the rule reads `today`;
- each `isms.X` its expressions read is the same: an entity map (`isms.plans`) when
  none of its entities changed, the rest (the methodology's settings) when the policy
  is the same, `isms.ids` when it is equal; a rule that reads `isms` other than as
  `isms.X` needs all of it the same;
- the policy (isms.yaml's settings and the rules) is the same objects.

Which variables a rule reads is found in its expressions' parse trees, over-counted
rather than under: any identifier `today` or `isms` counts, even one a macro binds.
A rule that reads `today` or an entity map is run, with the native engine, as programs
that note what they read (celnative.tracking): its result on an entity is then carried
though `today` or the map moved, while each comparison with `today` comes out the same
and no key it read belongs to an entity that changed.

Only findings are carried (judge's `findings_only`, which posture uses); an evaluation
error is worked out again each time, and so are the targets that are not entities
(isms, the catalog's controls, the clauses) and waivers. ISMS-REF's findings
(structure.ref_results) are carried alike, while every kind's ids are the same.
"""

from __future__ import annotations

import dataclasses
import datetime
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from lark import Token, Tree

from checker.celnative import tracking
from checker.findings import Outcome, Result
from checker.kinds import FOLDER_KINDS, KINDS
from checker.model import Entity, Model
from checker.rules import Rule

ENTITY_KINDS = frozenset(k.name for k in KINDS if k.name != "waiver")  # judged last, apart


@dataclass(frozen=True)
class Reads:
    """What a rule's expressions may read beside their entity."""

    today: bool
    isms: frozenset[str] | None  # the X of each `isms.X`; None: `isms` as a whole


def reads(rule: Rule) -> Reads:
    """What `rule` may read when judged for its findings alone: its `when`, `check` and
    `message` (`at` only places a finding, which posture does not; nor is a message
    run that can only give a text, evaluate.judge)."""
    today, keys, whole = False, set[str](), False
    for program in _run(rule):
        named, isms_names = 0, 0
        for node in program.ast.iter_subtrees():
            if node.data == "ident" and node.children:
                name = str(node.children[0])
                today |= name == "today"
                isms_names += name == "isms"
            elif node.data == "member_dot" and _is_isms(node.children[0]):
                keys.add(str(node.children[1]))
                named += 1
        whole |= isms_names > named  # `isms` used otherwise than as `isms.X`
    return Reads(today, None if whole else frozenset(keys))


def _run(rule: Rule, named: bool = False) -> Iterator[Any]:
    """The programs of `rule` that judging it for its findings alone may run, or
    (`named`) (field, program) pairs."""
    fields = ("when", "check") if rule.message_is_text else ("when", "check", "message")
    for field in fields:
        program = getattr(rule, field)
        if program is not None:
            yield (field, program) if named else program


def _is_isms(node: object) -> bool:
    """Whether `node` is the bare identifier `isms` (as the `member` of `isms.X`)."""
    while isinstance(node, Tree) and node.data in ("member", "primary") and node.children:
        if len(node.children) != 1:
            return False
        node = node.children[0]
    if isinstance(node, Tree) and node.data == "ident" and len(node.children) == 1:
        child = node.children[0]
        return isinstance(child, Token) and str(child) == "isms"
    return False


Key = tuple[str, str]  # (kind, id) of an entity


class Judged(Protocol):
    """What a rule judges (an entity, or another target of evaluate.py), by its id."""

    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=Judged)


@dataclass(frozen=True)
class _Tracking:
    """A rule whose programs note what they read (celnative.tracking): each target's
    result is carried while its notes hold, though `today` or the maps moved."""

    rule: Rule  # with the noting programs
    today: bool  # every read of `today` is noted (else a new `today` judges it again)
    maps: frozenset[str]  # the entity maps of `isms` whose every read is noted by key


@dataclass
class _Held:
    """What a rule gave on the targets of one resource at a point."""

    point: int
    found: dict[str, Result]  # the findings, by target id
    failed: set[str]  # the targets whose evaluation failed: judged again each time
    # a rule whose programs note what they read (_Tracking): each target's notes
    notes: dict[str, list[tracking.Note]] | None


class Carry:
    """What one process remembers of the point it judged last: `start` each point,
    then take each rule's `findings` on the targets of each of its resources."""

    def __init__(self) -> None:
        self._point = 0
        self._policy: tuple[object, ...] = ()
        self._today: datetime.date | None = None
        self._entities: dict[Key, Entity] = {}
        self._ids: object = None
        self._refs: tuple[int, dict[Key, Result | None]] | None = None  # ISMS-REF's, by entity
        self._reads: dict[str, Reads] = {}
        self._tracked: dict[str, _Tracking | None] = {}  # by rule id: see _tracking
        self._held: dict[tuple[str, str], _Held] = {}  # by (rule id, resource)
        # this point's changes since the last, set by start
        self._changed: dict[str, set[str]] = {}  # kind -> ids
        self._changed_maps: dict[str, set[str]] = {}  # isms map (plans) -> ids
        self._changed_isms: set[str] = set()
        self._today_changed = True
        self.reused = self.judged = 0  # evaluations saved and made, for tests and bench

    def start(self, model: Model, today: datetime.date, rules: Iterable[Rule]) -> None:
        """A new point: `model` judged as of `today` by `rules`."""
        rules = tuple(rules)
        policy = (model.methodology, model.change, *rules)
        if len(policy) != len(self._policy) or not all(map(operator.is_, policy, self._policy)):
            self._held.clear()
            self._refs = None
            self._reads = {r.info.id: reads(r) for r in rules}
            self._tracked = {r.info.id: _tracking(r, self._reads[r.info.id]) for r in rules}
            self._entities = {}
        self._policy = policy
        entities = {(e.kind, e.id): e for kind in KINDS for e in model.unique(kind.name)}
        old = self._entities
        changed: dict[str, set[str]] = {}
        for key, e in entities.items():
            if not _same(old.get(key), e):
                changed.setdefault(key[0], set()).add(key[1])
        for key in old.keys() - entities.keys():
            changed.setdefault(key[0], set()).add(key[1])
        self._changed = changed
        self._changed_maps = {k.plural: changed[k.name] for k in FOLDER_KINDS if k.name in changed}
        self._changed_isms = set(self._changed_maps)
        ids = {k.name: [e.id for e in model.of_kind(k.name)] for k in KINDS}  # isms.ids, refs
        if ids != self._ids:
            self._changed_isms.add("ids")
        self._today_changed = today != self._today
        self._entities, self._ids, self._today = entities, ids, today
        self._point += 1

    def refs(
        self, entities: Iterable[Entity], judge: Callable[[Entity], Result | None]
    ) -> list[Result]:
        """ISMS-REF's findings (structure.ref_results) on `entities`: `judge(entity)` on
        those that changed, carried for the others while the ids of every kind are the
        same (the rule ids and catalog come with the policy)."""
        last = self._refs
        same = last is not None and last[0] == self._point - 1 and "ids" not in self._changed_isms
        found: dict[Key, Result | None] = {}
        for e in entities:
            key = (e.kind, e.id)
            if (
                same
                and last is not None
                and key in last[1]
                and e.id not in self._changed.get(e.kind, ())
            ):
                found[key] = last[1][key]
            else:
                found[key] = judge(e)
        self._refs = (self._point, found)
        return [r for r in found.values() if r is not None]

    def findings(
        self,
        rule: Rule,
        resource: str,
        targets: Sequence[T],
        judge: Callable[[Rule, T], Result | None],
    ) -> list[Result]:
        """The results `judge` gives for `rule` on `targets`, all of resource
        `resource`, in findings_only mode: the findings carried from the last point
        where nothing they read changed; the other targets judged."""
        if resource not in ENTITY_KINDS:
            self.judged += len(targets)
            return [r for r in (judge(rule, t) for t in targets) if r is not None]
        tracked = self._tracked.get(rule.info.id)
        last = self._held.get((rule.info.id, resource))
        todo: Sequence[T] = targets
        held = _Held(self._point, {}, set(), {} if tracked is not None else None)
        if last is not None and last.point == self._point - 1 and self._holds(rule, tracked):
            changed = self._changed.get(resource, set())
            held.found = {i: r for i, r in last.found.items() if i not in changed}
            redo = changed | last.failed
            if tracked is not None and last.notes is not None and held.notes is not None:
                held.notes = notes = {i: n for i, n in last.notes.items() if i not in changed}
                today = self._today if tracked.today and self._today_changed else None
                if today is not None or not tracked.maps.isdisjoint(self._changed_maps):
                    maps = self._changed_maps  # a target is judged again where a note fails
                    redo |= {i for i, n in notes.items() if not tracking.holds(n, today, maps)}
            todo = [t for t in targets if t.id in redo]
            self.reused += len(targets) - len(todo)
        self.judged += len(todo)
        errors: list[Result] = []
        rule_used = tracked.rule if tracked is not None else rule
        for target in todo:
            result = self._judged(judge, rule_used, target, held.notes)
            held.found.pop(target.id, None)
            if result is None:
                continue
            if result.outcome is Outcome.FAIL:
                held.found[target.id] = result
            else:  # an evaluation error: the only other result findings_only gives
                errors.append(result)
                held.failed.add(target.id)
        self._held[rule.info.id, resource] = held
        return [*held.found.values(), *errors]

    @staticmethod
    def _judged(
        judge: Callable[[Rule, T], Result | None],
        rule: Rule,
        target: T,
        notes: dict[str, list[tracking.Note]] | None,
    ) -> Result | None:
        """`judge(rule, target)`, what it reads noted into `notes` (if not None)."""
        if notes is None:
            return judge(rule, target)
        tracking.NOTES = notes[target.id] = []
        try:
            return judge(rule, target)
        finally:
            tracking.NOTES = None

    def _holds(self, rule: Rule, tracked: _Tracking | None) -> bool:
        """Whether what `rule` reads beside its targets is what it was, but for what a
        tracked rule notes (each target's notes then tell)."""
        r = self._reads[rule.info.id]
        if r.today and self._today_changed and (tracked is None or not tracked.today):
            return False
        if r.isms is None:
            return not self._changed and not self._changed_isms
        noted = tracked.maps if tracked is not None else frozenset()
        return (r.isms - noted).isdisjoint(self._changed_isms)


def _tracking(rule: Rule, reads: Reads) -> _Tracking | None:
    """`rule` with programs that note what they read (the native engine's,
    celnative.tracking), where it reads `today` or an entity map of `isms`; None where
    it reads neither, or its engine cannot note."""
    maps = frozenset(k.plural for k in FOLDER_KINDS)
    read_maps = maps if reads.isms is None else maps & reads.isms
    if not reads.today and not read_maps:
        return None
    programs: dict[str, Any] = {}
    today, keyed = True, read_maps
    for field, program in _run(rule, named=True):
        make = getattr(program, "tracked", None)
        if make is None:
            return None
        tracked = make(read_maps)
        programs[field] = tracked.program
        today, keyed = today and tracked.today, keyed & tracked.maps
    return _Tracking(dataclasses.replace(rule, **programs), today, keyed)


def _same(old: Entity | None, new: Entity) -> bool:
    """Whether an entity is what it was: the same source and place, equal values, and
    the same parent. Equal values from one source hold values of the same types (the
    same parsed data, derived the same way), so `==` cannot take 1 for true here."""
    if old is new:
        return True
    if old is None or old.source is not new.source or old.path != new.path:
        return False
    if (old.parent is None) != (new.parent is None):
        return False
    if old.parent is not None and new.parent is not None and not _same(old.parent, new.parent):
        return False
    return old.values is new.values or old.values == new.values

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
Only findings are carried (judge's `findings_only`, which posture uses); an evaluation
error is worked out again each time, and so are the targets that are not entities
(isms, the catalog's controls, the clauses) and waivers.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from lark import Token, Tree

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
    """What `rule`'s `when`, `check` and `message` may read (`at` only places a finding,
    which posture does not)."""
    today, keys, whole = False, set[str](), False
    for program in (rule.when, rule.check, rule.message):
        if program is None:
            continue
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
    """A target of evaluate.py: what a rule judges, by its id."""

    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=Judged)


class Carry:
    """What one process remembers of the point it judged last: `start` each point,
    then take each rule's `findings` on the targets of each of its resources."""

    def __init__(self) -> None:
        self._point = 0
        self._policy: tuple[object, ...] = ()
        self._today: datetime.date | None = None
        self._entities: dict[Key, Entity] = {}
        self._ids: object = None
        self._reads: dict[str, Reads] = {}
        # (rule id, resource) -> (the point they hold for, findings by target id, the
        # ids of targets whose evaluation failed: worked out again each time)
        self._found: dict[tuple[str, str], tuple[int, dict[str, Result], set[str]]] = {}
        # this point's changes since the last, set by start
        self._changed: dict[str, set[str]] = {}  # kind -> ids
        self._changed_isms: set[str] = set()
        self._today_changed = True
        self.reused = self.judged = 0  # evaluations saved and made, for tests and bench

    def start(
        self,
        model: Model,
        today: datetime.date,
        rules: Iterable[Rule],
        isms: Mapping[str, Any],
    ) -> None:
        """A new point: `model` judged as of `today` by `rules`, `isms` its variable."""
        rules = tuple(rules)
        policy = (model.methodology, model.change, *rules)
        if len(policy) != len(self._policy) or not all(map(operator.is_, policy, self._policy)):
            self._found.clear()
            self._reads = {r.info.id: reads(r) for r in rules}
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
        self._changed_isms = {k.plural for k in FOLDER_KINDS if k.name in changed}
        if isms.get("ids") != self._ids:
            self._changed_isms.add("ids")
        self._today_changed = today != self._today
        self._entities, self._ids, self._today = entities, isms.get("ids"), today
        self._point += 1

    def findings(
        self,
        rule: Rule,
        resource: str,
        targets: Sequence[T],
        judge: Callable[[T], Result | None],
    ) -> list[Result]:
        """The results `judge` gives for `rule` on `targets`, all of resource
        `resource`, in findings_only mode: the findings carried from the last point
        where nothing they read changed; the other targets judged."""
        if resource not in ENTITY_KINDS:
            self.judged += len(targets)
            return [r for r in map(judge, targets) if r is not None]
        last = self._found.get((rule.info.id, resource))
        todo: Sequence[T] = targets
        found: dict[str, Result] = {}
        if last is not None and last[0] == self._point - 1 and self._holds(rule):
            changed = self._changed.get(resource, set())
            found = {i: r for i, r in last[1].items() if i not in changed}
            redo = last[2]
            todo = [t for t in targets if t.id in changed or t.id in redo]
            self.reused += len(targets) - len(todo)
        self.judged += len(todo)
        errors: list[Result] = []
        for target in todo:
            result = judge(target)
            if result is None:
                continue
            if result.outcome is Outcome.FAIL:
                found[target.id] = result
            else:  # an evaluation error: the only other result findings_only gives
                errors.append(result)
        failed = {r.entity for r in errors if r.entity is not None}
        self._found[rule.info.id, resource] = (self._point, found, failed)
        return [*found.values(), *errors]

    def _holds(self, rule: Rule) -> bool:
        """Whether what `rule` reads beside its targets is what it was."""
        r = self._reads[rule.info.id]
        if r.today and self._today_changed:
            return False
        if r.isms is None:
            return not self._changed and not self._changed_isms
        return r.isms.isdisjoint(self._changed_isms)


def _same(old: Entity | None, new: Entity) -> bool:
    """Whether an entity is what it was: the same source and place, equal values, and
    the same parent. Equal values from one source hold values of the same types (the
    same parsed data, derived the same way), so `==` cannot take 1 for true here."""
    if old is None or old.source is not new.source or old.path != new.path:
        return False
    if (old.parent is None) != (new.parent is None):
        return False
    if old.parent is not None and new.parent is not None and not _same(old.parent, new.parent):
        return False
    return old.values == new.values

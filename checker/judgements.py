"""Rule results remembered across the snapshots of one run (posture over time judges
two dozen commits that share most of their entities).

A rule's result on a target is a function of what its expressions read: the target's
values (and an action's plan's), `today` if a rule names it, and the fields of `isms`
it selects (`isms.appetite`, `isms.plans`, ...), plus where the target is written (a
finding's location). The key holds exactly those: the target's source file object (the
same object for the same file content, documents.py), its path in it and a version
number of its values (equal values, compared with ==, share a number); `today` only for
rules that read it; a version number of each `isms` field the rule selects. A rule
that uses `isms` any other way (`isms[name]`, `isms` passed whole), or an engine other
than the native one (whose expressions are not analysed), is judged afresh every time.
Waivers are judged afresh too (their values carry the match counts).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from lark import Token, Tree

from checker.celnative import Program as NativeProgram
from checker.findings import Result
from checker.rules import Rule

Key = tuple[Any, ...]


def isms_fields(ast: Tree[Token]) -> frozenset[str] | None:
    """The fields of `isms` an expression selects (`isms.plans` → plans), or None when
    it uses `isms` in another way too."""
    fields: set[str] = set()
    selected = 0
    for node in ast.iter_subtrees():
        if node.data == "member_dot" and len(node.children) == 2:
            operand, field = node.children
            if isinstance(field, Token) and _is_isms(operand):
                fields.add(str(field))
                selected += 1
    used = sum(
        1
        for node in ast.iter_subtrees()
        if node.data == "ident" and node.children and str(node.children[0]) == "isms"
    )
    return frozenset(fields) if used == selected else None


def _is_isms(node: Any) -> bool:
    """`isms` as a bare operand: member → primary → ident isms."""
    while isinstance(node, Tree) and node.data in ("member", "primary") and len(node.children) == 1:
        node = node.children[0]
    return (
        isinstance(node, Tree)
        and node.data == "ident"
        and bool(node.children)
        and str(node.children[0]) == "isms"
    )


class Reads:
    """What a rule's expressions read, as far as the key needs it."""

    def __init__(self, rule: Rule) -> None:
        programs = [p for p in (rule.when, rule.check, rule.message, rule.at) if p is not None]
        self.memo = all(isinstance(p, NativeProgram) for p in programs)
        names: set[str] = set()
        fields: set[str] = set()
        for p in programs:
            if not isinstance(p, NativeProgram):
                continue
            names.update(name for name, _, _ in p.names)
            if any(name == "isms" for name, _, _ in p.names):
                selected = isms_fields(p.ast)
                if selected is None:
                    self.memo = False
                else:
                    fields |= selected
        self.today = "today" in names
        self.isms = tuple(sorted(fields))


class Judgements:
    """The run's memory of rule results, shared by the snapshots it judges."""

    def __init__(self) -> None:
        self._results: dict[Key, Result | None] = {}
        self._reads: dict[int, tuple[Rule, Reads]] = {}
        self._alive: dict[int, Any] = {}  # what ids in keys stand for, kept alive for the run
        self._versions: dict[Any, list[Any]] = {}  # distinct values seen, by what they are of
        self.hits = 0
        self.misses = 0

    def reads(self, rule: Rule) -> Reads:
        found = self._reads.get(id(rule))
        if found is None or found[0] is not rule:
            found = self._reads[id(rule)] = (rule, Reads(rule))
        return found[1]

    def version(self, of: Any, value: Any) -> int:
        """A number for `value` among the distinct values seen for `of` (compared with
        ==, in C, rather than serialised): equal values, equal numbers."""
        seen = self._versions.setdefault(of, [])
        for i, old in enumerate(reversed(seen)):
            if type(old) is type(value) and old == value:
                return len(seen) - 1 - i
        seen.append(value)
        return len(seen) - 1

    def bind(self, isms: Mapping[str, Any], today: Any) -> Bound:
        return Bound(self, isms, today)


class Bound:
    """The memory as one snapshot sees it: its `isms` value and its `today`."""

    def __init__(self, memo: Judgements, isms: Mapping[str, Any], today: Any) -> None:
        self.memo = memo
        self.isms = isms
        self.today = today
        self._fields: dict[str, int] = {}

    def field(self, name: str) -> int:
        found = self._fields.get(name)
        if found is None:
            found = self._fields[name] = self.memo.version(("isms", name), self.isms.get(name))
        return found

    def target_key(self, source: Any, path: Any, values: Any, parent: Any) -> Key:
        """The key part of one entity target; `source` is kept alive for the run."""
        self.memo._alive[id(source)] = source
        of = (id(source), path)
        return (*of, self.memo.version(of, (values, parent)))

    def judge(
        self, rule: Rule, kind: str, target_key: Key | None, run: Callable[[], Result | None]
    ) -> Result | None:
        reads = self.memo.reads(rule)
        if target_key is None or not reads.memo:
            return run()
        key = (
            id(rule),
            kind,
            target_key,
            self.today if reads.today else None,
            tuple([self.field(f) for f in reads.isms]),
        )
        results = self.memo._results
        if key in results:
            self.memo.hits += 1
            return results[key]
        self.memo.misses += 1
        result = results[key] = run()
        self.memo._alive[id(rule)] = rule
        return result

"""Compiled native programs: the generated function, its runtime and its budget."""

from __future__ import annotations

import marshal
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.celnative import bridge, operators, tracking
from checker.celnative.errors import (
    BudgetError,
    CelError,
    CompileError,
    EvalError,
    HostError,
    RaisedError,
)
from checker.celnative.functions import call_other
from checker.celnative.generated import Generated
from checker.celnative.values import PyBytes, PyInt, PyList, PyStr
from checker.errors import detached

if TYPE_CHECKING:  # lark, the parser and the generator load only when compiling
    from lark import Token, Tree

Name = tuple[str, int, int]  # a variable an expression reads, with its line and column


@dataclass(frozen=True)
class Budget:
    """What one evaluation may spend. Steps are macro iterations and function calls;
    sizes apply to the strings, bytes, lists and maps an expression builds
    (concatenation, `*`, map/filter results, join, string())."""

    steps: int = 100_000
    string_length: int = 1 << 20  # characters (or bytes, for bytes)
    items: int = 100_000  # list items or map entries


def over_steps(budget: Budget) -> None:
    raise BudgetError(
        f"evaluation budget exceeded: more than {budget.steps} steps "
        "(macro iterations and function calls)"
    )


def sized(value: Any, budget: Budget) -> None:
    """BudgetError if a value the expression built is over the size limits."""
    if isinstance(value, (str, bytes)):
        if len(value) > budget.string_length:
            kind = "string" if isinstance(value, str) else "bytes value"
            raise BudgetError(
                f"evaluation budget exceeded: a {kind} longer than {budget.string_length}"
            )
    elif isinstance(value, (list, tuple, dict)) and len(value) > budget.items:
        kind = "map" if isinstance(value, dict) else "list"
        raise BudgetError(f"evaluation budget exceeded: a {kind} of more than {budget.items} items")


def mul(a: Any, b: Any, budget: Budget) -> Any:
    """`a * b`. cel-python repeats a string, bytes or list by a bool or a plain int
    (`'ab' * (true + 1)`; an IntType count is refused): the size is checked against
    the budget before it is built."""
    for seq, count in ((a, b), (b, a)):
        if type(count) in (bool, PyInt) and isinstance(seq, (str, bytes, list, tuple)):
            limit = budget.items if isinstance(seq, (list, tuple)) else budget.string_length
            if len(seq) * count > limit:
                sized(seq * (limit // max(len(seq), 1) + 1), budget)
    return operators.mul(a, b)


def branch_error(error: Exception) -> None:
    """A `?:` branch raised: cel-python turns a TypeError into "no matching overload"
    for `_?_:_` (the caller does); anything else goes on."""
    if (type(error) is HostError and error.kind == "TypeError") or type(error) is TypeError:
        return
    raise error


def map_error(error: Exception) -> CelError:
    """A map literal's key or value raised a TypeError or ValueError: cel-python makes
    the literal an error with the exception's text."""
    if type(error) is HostError and error.kind in ("TypeError", "ValueError"):
        return CelError(error.detail)
    if type(error) in (TypeError, ValueError):
        return CelError(str(error.args[0]) if error.args else "")
    raise error


def undeclared(name: str) -> CelError:
    return CelError(f"undeclared reference to '{name}'")


def soft(error: EvalError) -> CelError:
    return detached(error) if type(error) is CelError else CelError(str(error))


def iterate(value: Any) -> Any:
    return operators.iterate(value)


def iterate_reduce(value: Any) -> Any:
    try:
        return operators.iterate(value)
    except HostError:
        raise HostError("TypeError", "reduce() arg 2 must support iteration") from None


def least(value: Any) -> Any:
    """`list.min()`, a cel-python extension: Python's min() over the values."""
    if type(value) in (list, tuple) and value:
        first = type(value[0])
        if first in (int, str, float) and all(type(v) is first for v in value):
            return min(value)
    try:
        result = min(bridge.to_celpy(value))
    except ValueError:
        raise CelError(
            "Attempt to reduce an empty sequence or a sequence with a None value"
        ) from None
    except TypeError as e:
        raise HostError("TypeError", str(e)) from None
    return bridge.from_celpy(result)


def make_map(items: tuple[Any, ...]) -> dict[Any, Any]:
    """A map literal from its evaluated keys and values (errors among the values stay
    in the map as values, as in cel-python)."""
    keys, values = items[0::2], items[1::2]
    if all(type(k) is str for k in keys) and len(set(keys)) == len(keys):
        return dict(zip(keys, values, strict=True))
    # cel-python's rules: a duplicate key, or a key that cannot be hashed, is an error
    seen: dict[Any, None] = {}
    try:
        for k in keys:
            wrapped = bridge.to_celpy(k)
            if wrapped in seen:
                raise ValueError(f"Duplicate key {wrapped!r}")
            seen[wrapped] = None
    except (ValueError, TypeError) as e:
        raise CelError(str(e.args[0])) from None
    return dict(zip(keys, values, strict=True))


@cache
def _static_namespace() -> dict[str, Any]:
    return {
        "_CelError": CelError,
        "_RaisedError": RaisedError,
        "_HostError": HostError,
        "_M": _MISSING,
        "_BUILT": frozenset({PyStr, PyList, PyBytes}),
        "_eq": operators.eq,
        "_ne": operators.ne,
        "_lt": operators.lt,
        "_le": operators.le,
        "_gt": operators.gt,
        "_ge": operators.ge,
        "_in": operators.in_,
        "_add": operators.add,
        "_sub": operators.sub,
        "_mul": mul,
        "_div": operators.div,
        "_mod": operators.mod,
        "_neg": operators.neg,
        "_not": operators.not_,
        "_and": operators.logical_and,
        "_or": operators.logical_or,
        "_all_fold": operators.all_fold,
        "_exists_fold": operators.exists_fold,
        "_cond_error": operators.condition_error,
        "_select": operators.select,
        "_index": operators.index,
        "_iterate": iterate,
        "_iterate_reduce": iterate_reduce,
        "_min": least,
        "_make_map": make_map,
        "_soft": soft,
        "_compared": tracking.compared,
        "_key_read": tracking.key_read,
        "_detached": detached,
        "_undeclared": undeclared,
        "_branch_error": branch_error,
        "_map_error": map_error,
        "_call_other": call_other,
        "_sized": sized,
        "_over_steps": over_steps,
    }


_MISSING = object()


@dataclass(frozen=True)
class Tracked:
    """A program that notes what it reads (Program.tracked): whether it notes every read
    of `today` (each is an operand of a comparison), and the maps of `isms` whose every
    read it notes by key (`isms.plans[p]`, not `size(isms.plans)`)."""

    program: Program
    today: bool
    maps: frozenset[str]


class Program:
    """A compiled expression; `run` evaluates it on plain Python values. The Python
    code is generated when the program is made (errors are compile errors then) and
    compiled by Python on first use: a rule's message often never runs."""

    def __init__(
        self,
        source: str,
        generated: Generated,
        names: tuple[Name, ...],
        calls: tuple[Name, ...],
        budget: Budget,
        ast: Tree[Token] | None = None,
        code: bytes | None = None,
    ) -> None:
        self.source = source
        self.generated = generated
        self.names = names  # the variables it reads, with their positions
        self.calls = calls  # the functions and methods it calls, with their positions
        self.python = generated.source  # the generated code, for debugging
        self._ast = ast
        self._budget = budget
        self._code = code  # the compiled code, marshalled (from the cache across runs)
        self._function: Any = None

    def code(self) -> bytes:
        """The generated code compiled by Python, marshalled (for the cache)."""
        if self._code is None:
            compiled = compile(self.generated.source, f"<cel {self.source[:40]!r}>", "exec")
            self._code = marshal.dumps(compiled)
        return self._code

    @property
    def ast(self) -> Tree[Token]:
        """The parse tree; a program from the cache parses its source again on demand."""
        if self._ast is None:
            from checker.celnative.parser import parse

            self._ast = parse(self.source)
        return self._ast

    def tracked(self, maps: frozenset[str]) -> Tracked:
        """This program generated again to note, as it runs, its comparisons with the
        variable `today` and its key reads of the maps `isms.M` for M in `maps`
        (tracking.py); with which of them it notes every read."""
        from checker.celnative.codegen import Codegen

        codegen = Codegen(track_today=True, track_maps=maps)
        generated = codegen.generate(self.ast)
        keyed = frozenset(m for m in maps if codegen.map_reads[m] == codegen.map_keyed[m])
        program = Program(self.source, generated, self.names, self.calls, self._budget, self.ast)
        return Tracked(program, codegen.today_reads == codegen.today_compared, keyed)

    @property
    def runner(self) -> Program:
        """Compatibility: `program.runner.ast`, as rules.py reads cel-python's."""
        return self

    def _compile(self) -> Any:
        namespace: dict[str, Any] = {
            **_static_namespace(),
            **self.generated.constants,
            "_BUDGET": self._budget,
            "_MAX_STEPS": self._budget.steps,
        }
        exec(marshal.loads(self.code()), namespace)
        self._function = namespace["_cel"]
        return self._function

    def run(self, activation: Mapping[str, Any]) -> Any:
        function = self._function or self._compile()
        try:
            return function(activation)
        except EvalError:
            raise
        except (TypeError, ValueError, ArithmeticError, KeyError, AttributeError) as e:
            # as checker.cel reports a Python error escaping cel-python
            raise HostError(type(e).__name__, str(e)) from e

    def run_bool(self, activation: Mapping[str, Any]) -> bool:
        result = self.run(activation)
        if type(result) is not bool:
            raise EvalError(f"expression gave {bridge.cel_repr(result)}, not true or false")
        return result

    def run_str(self, activation: Mapping[str, Any]) -> str:
        result = self.run(activation)
        if isinstance(result, str):
            return str.__str__(result)
        return bridge.cel_repr(result)


def compile_program(
    expression: str, budget: Budget | None = None, cache_dir: Path | None = None
) -> Program:
    """Parse (CompileError on a syntax error) and generate the Python function.
    `cache_dir`: where the parser's tables are kept across runs (None: built afresh)."""
    from checker.celnative.codegen import Codegen
    from checker.celnative.parser import called_functions, free_names, parse

    tree = parse(expression, cache_dir)
    try:
        generated = Codegen().generate(tree)
    except RecursionError:
        raise CompileError("the expression is nested too deeply", 1, 1) from None
    names, calls = free_names(tree), called_functions(tree)
    return Program(expression, generated, names, calls, budget or Budget(), tree)

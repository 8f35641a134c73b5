"""The CEL environment: the engines that compile and run expressions, the values they
work on, and the functions every rule can call.

Two engines implement `Engine`, and `engine(name)` picks one:
  native      checker.celnative: compiles each expression to a Python function that
              runs on plain Python values (dates as datetime.date); no conversion.
              The default ("auto").
  cel-python  cel-python's interpreter (checker.celpython), the reference: the native
              engine gives its results and error messages, which tests/celnative checks
              expression by expression. Imported only when chosen.

Why a native engine (measured in docs/performance.md): cel-python's interpreter takes
0.1-2 ms per evaluation, and both CEL runtimes on PyPI (cel-expr-python, C++;
common-expression-language, Rust) convert the large `isms` variable on every call.

Functions available to every rule, built-in or the organisation's own:
  present(x)   false for null, "", [] and {}; true otherwise ("missing" in
               docs/format.md, section 7)
  days(n)      a duration of n days: `risk.assessed + days(30) < today`
  isodate(t)   a timestamp as YYYY-MM-DD, for messages
  join(l, sep) the items of a list as one string, for messages
Dates from the ISMS files are timestamps at 00:00 UTC, and so is `today`.
`x == null` and `x != null` work for values of every type (cel-python only allows
them for some), as CEL's heterogeneous equality defines. (Both engines define these
functions, each on its own values: checker.celpython.FUNCTIONS,
checker.celnative.functions.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Protocol

from lark import Tree

from checker import celnative
from checker.cache import Cache, digest
from checker.celnative.errors import CompileError, EvalError
from checker.celnative.generated import GENERATION
from checker.options import ENGINES

__all__ = ["ENGINES", "CompileError", "Engine", "EvalError", "NativeEngine", "Program", "engine"]


class Program(Protocol):
    """A compiled expression, ready to run against activations of its engine's values."""

    @property
    def source(self) -> str:
        """The expression's text."""
        ...

    @property
    def ast(self) -> Tree[Any]:
        """The expression's parse tree (cel-python's grammar, for both engines)."""
        ...

    @property
    def names(self) -> tuple[tuple[str, int, int], ...]:
        """The variables it reads, with line and column (celnative.parser.free_names)."""
        ...

    @property
    def calls(self) -> tuple[tuple[str, int, int], ...]:
        """The functions and methods it calls, with line and column."""
        ...

    def run(self, activation: Mapping[str, Any]) -> Any:
        """The value (in the engine's values), or EvalError."""
        ...

    def run_bool(self, activation: Mapping[str, Any]) -> bool:
        """The result, EvalError unless it is true or false."""
        ...

    def run_str(self, activation: Mapping[str, Any]) -> str:
        """The result as text: a string as it is, other values as `int 5`, `null`."""
        ...


class Engine(Protocol):
    name: str  # "native" | "cel-python"

    def compile(self, expression: str) -> Program:
        """CompileError(message, line, column) if the expression does not parse."""
        ...

    def value(self, data: Any) -> Any:
        """Model data (plain Python, dates as datetime.date) as this engine's values."""
        ...


class NativeEngine:
    """The native engine (checker.celnative): each distinct expression compiles once
    per process and budget, and, with a cache (cache.py), once until the tool changes:
    the generated code is kept, so a warm run neither parses nor generates. `budget`
    limits what one evaluation may spend (steps, sizes of built values); the default is
    generous."""

    name = "native"
    _cache: ClassVar[dict[tuple[celnative.Budget, str], celnative.Program]] = {}

    def __init__(self, budget: celnative.Budget | None = None, cache: Cache | None = None) -> None:
        self.budget = budget or celnative.Budget()
        persistent = cache is not None and cache.folder is not None
        self.store = cache.store(f"cel native {GENERATION}") if persistent and cache else None
        self.parser_dir = cache.folder if cache is not None else None

    def value(self, data: Any) -> Any:
        return data

    def compile(self, expression: str) -> celnative.Program:
        key = (self.budget, expression)
        program = self._cache.get(key)
        if program is None:
            compiled = self.store.get(digest(expression)) if self.store is not None else None
            if isinstance(compiled, tuple) and len(compiled) == 4:  # else a miss
                generated, names, calls, code = compiled
                program = celnative.Program(
                    expression, generated, names, calls, self.budget, code=code
                )
            else:
                program = celnative.compile_program(expression, self.budget, self.parser_dir)
                if self.store is not None:
                    entry = (program.generated, program.names, program.calls, program.code())
                    self.store.put(digest(expression), entry)
            self._cache[key] = program
        return program


def engine(name: str = "auto", cache: Cache | None = None) -> Engine:
    """The engine called `name` ("native", "cel-python"); "auto" is native. `cache`:
    the run's cache across runs, if any."""
    if name in ("auto", "native"):
        return NativeEngine(cache=cache)
    if name == "cel-python":
        from checker.celpython import Compiler

        return Compiler()
    raise ValueError(f"unknown CEL engine {name!r}: use one of auto, {', '.join(ENGINES)}")

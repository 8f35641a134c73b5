"""The cel-python engine, the reference: cel-python's interpreter on cel-python's values.

Chosen with `--engine cel-python`; the native engine (checker.celnative) gives its
results and error messages, which tests/celnative checks expression by expression. Its
values are cel-python's classes: callers convert each entity once (`Engine.value`,
`to_cel`) and evaluate every rule against the same value. Imported only when chosen:
importing cel-python costs about 0.1 s.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import celpy
from celpy import celtypes, evaluation
from celpy.celparser import CELParseError
from celpy.evaluation import CELEvalError, CELUnsupportedError
from lark import Tree

from checker.celnative.bridge import format_celpy as _cel_repr
from checker.celnative.errors import CompileError, EvalError
from checker.celnative.parser import Name, called_functions, free_names

CelValue = Any


def to_cel(value: Any) -> CelValue:
    """Python data (as the model builds it) as CEL values; dates become timestamps."""
    if value is None:
        return None
    if isinstance(value, bool):
        return celtypes.BoolType(value)
    if isinstance(value, int):
        return celtypes.IntType(value)
    if isinstance(value, float):
        return celtypes.DoubleType(value)
    if isinstance(value, str):
        return celtypes.StringType(value)
    if isinstance(value, datetime.datetime):
        return celtypes.TimestampType(value.astimezone(datetime.timezone.utc))
    if isinstance(value, datetime.date):
        return celtypes.TimestampType(
            datetime.datetime(value.year, value.month, value.day, tzinfo=datetime.timezone.utc)
        )
    if isinstance(value, Mapping):
        return celtypes.MapType({celtypes.StringType(str(k)): to_cel(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return celtypes.ListType([to_cel(v) for v in value])
    raise TypeError(f"cannot convert {type(value).__name__} to CEL")


def _present(value: CelValue) -> celtypes.BoolType:
    if value is None:
        return celtypes.BoolType(False)
    if isinstance(value, (celtypes.StringType, celtypes.ListType, celtypes.MapType)):
        return celtypes.BoolType(len(value) > 0)
    return celtypes.BoolType(True)


def _days(n: CelValue) -> celtypes.DurationType:
    return celtypes.DurationType(seconds=int(n) * 86400)


def _isodate(ts: CelValue) -> celtypes.StringType:
    if ts is None:
        return celtypes.StringType("(no date)")
    return celtypes.StringType(ts.strftime("%Y-%m-%d"))


def _eq(a: CelValue, b: CelValue) -> CelValue:
    if isinstance(a, CELEvalError) or isinstance(b, CELEvalError):
        return a if isinstance(a, CELEvalError) else b
    if a is None or b is None:
        return celtypes.BoolType(a is None and b is None)
    return evaluation.bool_eq(a, b)


def _ne(a: CelValue, b: CelValue) -> CelValue:
    if isinstance(a, CELEvalError) or isinstance(b, CELEvalError):
        return a if isinstance(a, CELEvalError) else b
    if a is None or b is None:
        return celtypes.BoolType(not (a is None and b is None))
    return evaluation.bool_ne(a, b)


def _join(items: CelValue, separator: CelValue) -> celtypes.StringType:
    return celtypes.StringType(str(separator).join(str(i) for i in items))


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "present": _present,
    "join": _join,
    "days": _days,
    "isodate": _isodate,
    "_==_": _eq,
    "_!=_": _ne,
}


@dataclass(frozen=True)
class CelPythonProgram:
    """An expression compiled by cel-python, run by its interpreter."""

    source: str
    runner: Any

    @property
    def ast(self) -> Tree[Any]:
        tree: Tree[Any] = self.runner.ast
        return tree

    @property
    def names(self) -> tuple[Name, ...]:
        return free_names(self.ast)

    @property
    def calls(self) -> tuple[Name, ...]:
        return called_functions(self.ast)

    def run(self, activation: Mapping[str, CelValue]) -> CelValue:
        try:
            result = self.runner.evaluate(activation)
        except (CELEvalError, CELUnsupportedError) as e:
            raise EvalError(_eval_message(e)) from e
        except (TypeError, ValueError, ArithmeticError, KeyError, AttributeError) as e:
            raise EvalError(f"{type(e).__name__}: {e}") from e
        if isinstance(result, CELEvalError):
            raise EvalError(_eval_message(result))
        return result

    def run_bool(self, activation: Mapping[str, CelValue]) -> bool:
        result = self.run(activation)
        if not isinstance(result, celtypes.BoolType):
            raise EvalError(f"expression gave {_cel_repr(result)}, not true or false")
        return bool(result)

    def run_str(self, activation: Mapping[str, CelValue]) -> str:
        result = self.run(activation)
        if isinstance(result, str):
            return str(result)
        return _cel_repr(result)


def _eval_message(e: Exception) -> str:
    args = getattr(e, "args", ())
    text = str(args[0]) if args else str(e)
    return text.split(" (in activation", 1)[0]


class Compiler:
    """The cel-python engine: compiles CEL expressions, each distinct expression once
    per process (PR mode loads the built-in rules for the head and the base: they
    compile once)."""

    name = "cel-python"
    _cache: ClassVar[dict[str, CelPythonProgram]] = {}

    def __init__(self) -> None:
        self.env = celpy.Environment()

    def value(self, data: Any) -> CelValue:
        return to_cel(data)

    def compile(self, expression: str) -> CelPythonProgram:
        program = self._cache.get(expression)
        if program is None:
            program = self._compile(expression)
            self._cache[expression] = program
        return program

    def _compile(self, expression: str) -> CelPythonProgram:
        try:
            ast = self.env.compile(expression)
        except CELParseError as e:
            line = getattr(e, "line", None) or 1
            column = getattr(e, "column", None) or 1
            first = str(e.args[0]).splitlines()[0] if e.args else "syntax error"
            raise CompileError(first, line, column) from e
        except Exception as e:  # cel-python raises various errors for bad macros
            raise CompileError(f"{type(e).__name__}: {e}", 1, 1) from e
        return CelPythonProgram(expression, self.env.program(ast, functions=FUNCTIONS))

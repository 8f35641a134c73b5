"""Runs one expression through both engines and reduces each result to something
comparable: the value as cel-python shows it (its repr and `run_str`), the error
message, or the compile error."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from celpy import celtypes

from checker.cel import CompileError, EvalError, NativeEngine
from checker.celnative.bridge import to_celpy
from checker.celpython import Compiler, to_cel

Outcome = tuple[str, ...]
_REFERENCE = Compiler()
_NATIVE = NativeEngine()


def plain(value: Any) -> Any:
    """A cel-python value back as model data (timestamps at 00:00 UTC as dates)."""
    if value is None:
        return None
    if isinstance(value, celtypes.BoolType):
        return bool(value)
    if isinstance(value, celtypes.IntType):
        return int(value)
    if isinstance(value, celtypes.DoubleType):
        return float(value)
    if isinstance(value, celtypes.StringType):
        return str(value)
    if isinstance(value, celtypes.TimestampType):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return datetime.date(value.year, value.month, value.day)
        return datetime.datetime(
            value.year, value.month, value.day, value.hour, value.minute, value.second,
            value.microsecond, tzinfo=datetime.timezone.utc,
        )  # fmt: skip
    if isinstance(value, celtypes.MapType):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, celtypes.ListType):
        return [plain(v) for v in value]
    raise TypeError(f"unexpected {type(value).__name__}")


def reference(expression: str, activation: Mapping[str, Any], mode: str = "value") -> Outcome:
    """cel-python's outcome; `activation` holds cel-python values."""
    try:
        program = _REFERENCE.compile(expression)
    except CompileError as e:
        return ("compile", e.message, str(e.line), str(e.column))
    return outcome(program, activation, mode, lambda v: repr(v))


def native(expression: str, activation: Mapping[str, Any], mode: str = "value") -> Outcome:
    """The native engine's outcome; `activation` holds plain values."""
    try:
        program = _NATIVE.compile(expression)
    except CompileError as e:
        return ("compile", e.message, str(e.line), str(e.column))
    return outcome(program, activation, mode, lambda v: repr(to_celpy(v)))


def outcome(program: Any, activation: Mapping[str, Any], mode: str, show: Any) -> Outcome:
    try:
        if mode == "bool":
            return ("ok", str(program.run_bool(activation)))
        if mode == "str":
            return ("ok", program.run_str(activation))
        value = program.run(activation)
        return ("value", show(value), program.run_str(activation))
    except EvalError as e:
        return ("error", str(e))


def both(expression: str, data: Mapping[str, Any], mode: str = "value") -> tuple[Outcome, Outcome]:
    """(cel-python's outcome, the native engine's) on the same model data."""
    converted = {k: to_cel(v) for k, v in data.items()}
    return reference(expression, converted, mode), native(expression, data, mode)

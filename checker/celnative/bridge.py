"""The bridge to cel-python's value classes, for the corner cases.

The native engine computes the common cases itself (same-type arithmetic, comparison,
field selection, the functions rules use). Where cel-python's answer depends on the
quirks of its value classes (mixed-type arithmetic such as `1.5 + 1` = 2.5 but
`1 + 1.5` an error, conversions of odd values, the text of `string([1])`), the values
are wrapped in those classes and cel-python's own operator or function computes the
result, with the evaluator's mapping of Python exceptions to CEL errors. That keeps
the two engines' results identical by construction where no rule is likely to go.

cel-python is imported on first use: an evaluation that stays on the fast paths does
not pay for importing it.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable, Mapping
from functools import cache
from types import ModuleType
from typing import Any

from checker.celnative.errors import CelError
from checker.celnative.values import (
    UTC,
    PyBytes,
    PyFloat,
    PyInt,
    PyList,
    PyStr,
    PyTimedelta,
    Uint,
    py_timedelta,
)


@cache
def celtypes() -> ModuleType:
    from celpy import celtypes as module

    return module


@cache
def evaluation() -> ModuleType:
    from celpy import evaluation as module

    return module


def to_celpy(value: Any) -> Any:
    """A native value as cel-python holds it. Activation data converts as
    `checker.cel.to_cel` converts it, values computed by an expression as cel-python
    computes them."""
    ct = celtypes()
    t = type(value)
    if value is None:
        return None
    if t is bool:
        return ct.BoolType(value)
    if t is int:
        return int.__new__(ct.IntType, value)  # no range check: data may hold any int
    if t is str:
        return ct.StringType(value)
    if t is float:
        return ct.DoubleType(value)
    if t is list or t is tuple:
        return ct.ListType([to_celpy(v) for v in value])
    if t is dict:
        return ct.MapType({to_celpy(k): to_celpy(v) for k, v in value.items()})
    if t is datetime.date:
        return ct.TimestampType(datetime.datetime(value.year, value.month, value.day, tzinfo=UTC))
    if t is datetime.datetime:
        return ct.TimestampType(value)
    if t is datetime.timedelta:
        return datetime.timedelta.__new__(
            ct.DurationType, value.days, value.seconds, value.microseconds
        )
    if t is Uint:
        return int.__new__(ct.UintType, value)
    if t is PyStr:
        return str(value)
    if t is PyInt:
        return int(value)
    if t is PyFloat:
        return float(value)
    if t is PyList:
        return [to_celpy(v) for v in value]
    if t is PyBytes:
        return bytes(value)
    if t is PyTimedelta:
        return datetime.timedelta(value.days, value.seconds, value.microseconds)
    if t is bytes:
        return ct.BytesType(value)
    if t is CelError:
        return evaluation().CELEvalError(value.message)
    # subclasses in the caller's data, as checker.cel.to_cel converts them
    if isinstance(value, bool):
        return ct.BoolType(value)
    if isinstance(value, int):
        return int.__new__(ct.IntType, value)
    if isinstance(value, float):
        return ct.DoubleType(value)
    if isinstance(value, str):
        return ct.StringType(value)
    if isinstance(value, datetime.datetime):
        return ct.TimestampType(value.astimezone(UTC) if value.tzinfo else value)
    if isinstance(value, datetime.date):
        return to_celpy(datetime.date(value.year, value.month, value.day))
    if isinstance(value, datetime.timedelta):
        return to_celpy(datetime.timedelta(value.days, value.seconds, value.microseconds))
    if isinstance(value, Mapping):
        return ct.MapType({ct.StringType(str(k)): to_celpy(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return ct.ListType([to_celpy(v) for v in value])
    return value  # types (cel-python classes), functions


def from_celpy(value: Any) -> Any:
    """A cel-python result as a native value; an error value raises CelError."""
    ct = celtypes()
    t = type(value)
    if value is None:
        return None
    if t is ct.BoolType or t is bool:
        return bool(value)
    if t is ct.IntType:
        return int(value)
    if t is ct.StringType:
        return str(value)
    if t is ct.DoubleType:
        return float(value)
    if t is ct.ListType:
        return [from_celpy(v) for v in value]
    if t is ct.MapType:
        return {from_celpy(k): from_celpy(v) for k, v in value.items()}
    if t is ct.TimestampType:
        return datetime.datetime(
            value.year,
            value.month,
            value.day,
            value.hour,
            value.minute,
            value.second,
            value.microsecond,
            tzinfo=value.tzinfo,
        )
    if t is ct.DurationType:
        return datetime.timedelta(value.days, value.seconds, value.microseconds)
    if t is ct.UintType:
        return Uint(value)
    if t is ct.BytesType:
        return bytes(value)
    if t is str:
        return PyStr(value)
    if t is int:
        return PyInt(value)
    if t is float:
        return PyFloat(value)
    if t is list:
        return PyList(from_celpy(v) for v in value)
    if t is bytes:
        return PyBytes(value)
    if t is datetime.timedelta:
        return py_timedelta(value)
    if t is datetime.datetime:
        return value
    if isinstance(value, evaluation().CELEvalError):
        raise CelError(str(value.args[0]) if value.args else "")
    return value


def celpy_repr(value: Any) -> str:
    """`repr()` of the cel-python value: `StringType('a')`, `ListType([IntType(1)])`."""
    return repr(to_celpy(value))


def celpy_str(value: Any) -> str:
    """`str()` of the cel-python value: `True` for true, `2026-01-01T00:00:00Z`."""
    return str(to_celpy(value))


def format_celpy(value: Any) -> str:
    """A cel-python value as `checker.cel` shows a result that is not a string or not
    true/false: `int 5`, `list ListType([...])`, `null`."""
    if value is None:
        return "null"
    return f"{type(value).__name__.replace('Type', '').lower()} {value}"


def cel_repr(value: Any) -> str:
    """A native value as `checker.cel` shows the same cel-python result."""
    return format_celpy(to_celpy(value))


def overload(op: str, *operands: Any) -> CelError:
    """cel-python's "found no matching overload" error for an operator node; `op` is the
    rule name (`addition_add`), shown as lark shows it, or a literal (`_[_]`)."""

    def message() -> str:
        from checker.celnative.values import class_str

        name = op if op.startswith("_") else f"Token('RULE', '{op}')"
        types = ", ".join(class_str(o) for o in operands)
        return f"found no matching overload for {name} applied to '({types})'"

    return CelError(lazy=message)


# evaluator node -> operator function, as cel-python's base functions define them
_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "addition_add": operator.add,
    "addition_sub": operator.sub,
    "multiplication_mul": operator.mul,
    "multiplication_div": operator.truediv,
    "multiplication_mod": operator.mod,
}


def binary(op: str, a: Any, b: Any) -> Any:
    """`a <op> b` computed by cel-python's classes, errors as its evaluator maps them."""
    left, right = to_celpy(a), to_celpy(b)
    try:
        result = _BINARY[op](left, right)
    except TypeError:
        raise overload(op, a, b) from None
    except ZeroDivisionError:
        if op.startswith("addition"):
            raise
        raise CelError("modulus or divide by zero") from None
    except (ValueError, OverflowError):
        raise CelError("return error for overflow") from None
    return from_celpy(result)


def negate(a: Any) -> Any:
    try:
        result = operator.neg(to_celpy(a))
    except TypeError:
        raise overload("unary_neg", a) from None
    except ValueError:
        raise CelError("return error for overflow") from None
    return from_celpy(result)


def call(name: str, args: tuple[Any, ...]) -> Any:
    """A cel-python base function on native values, errors as `function_eval` maps
    them (other exceptions propagate, as they do out of cel-python)."""
    function = evaluation().base_functions[name]
    try:
        result = function(*(to_celpy(a) for a in args))
    except ValueError:
        raise CelError("return error for overflow") from None
    except (TypeError, AttributeError):
        raise CelError("no such overload") from None
    return from_celpy(result)


def type_of(value: Any) -> Any:
    """CEL `type()`: the cel-python class of the value."""
    return evaluation().base_functions["type"](to_celpy(value))


class Namespace(dict[str, Any]):
    """A package of names (`google.protobuf`): cel-python's NameContainer for the
    protobuf wrapper types it declares (`google.protobuf.Int32Value` is `int`)."""


@cache
def google() -> Namespace:
    from celpy import googleapis

    root = Namespace()
    for dotted, annotation in googleapis.items():
        *path, last = dotted.split(".")
        package = root
        for part in path:
            package = package.setdefault(part, Namespace())
        package[last] = annotation
    return root["google"]  # type: ignore[no-any-return]


def type_value(name: str) -> Any:
    """What a type name (`int`, `string`, `null_type`) evaluates to: the cel-python
    class, so that `type(1) == int`."""
    return evaluation().base_functions[name]

"""The operators of CEL on plain values, with cel-python's results and error messages.

Each function is what the generated code calls for one operator node. The common
cases (both operands of one type) are computed here; mixed types fall back to the
comparison rules in `compare` or to cel-python's own classes (`bridge`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from checker.celnative import bridge
from checker.celnative.compare import py_eq, py_ne, py_order
from checker.celnative.errors import CelError, HostError
from checker.celnative.values import (
    INT64_MAX,
    INT64_MIN,
    PyBytes,
    PyFloat,
    PyInt,
    PyList,
    PyStr,
    PyTimedelta,
    Uint,
    as_datetime,
    class_name,
    class_str,
    py_timedelta,
)

_DATE = datetime.date
_DATETIME = datetime.datetime
_TIMEDELTA = datetime.timedelta
_DAY = datetime.timedelta(days=1)
MAX_SECONDS = 315576000000  # cel-python's duration range
_SAME_TYPE_EQ = frozenset({str, int, bool, float, _DATE, _DATETIME, _TIMEDELTA, bytes, Uint})
_SAME_TYPE_ORDER = frozenset({str, int, float, _DATE, _TIMEDELTA, bytes, bool, Uint})


# equality: checker.cel's `_==_` and `_!=_` (null equals only null, for every type)


def eq(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    t = type(a)
    if t is type(b) and t in _SAME_TYPE_EQ:
        return bool(a == b)
    try:
        return py_eq(a, b)
    except TypeError:
        raise bridge.overload("relation_eq", a, b) from None


def ne(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return not (a is None and b is None)
    t = type(a)
    if t is type(b) and t in _SAME_TYPE_EQ:
        return bool(a != b)
    try:
        return py_ne(a, b)
    except TypeError:
        raise bridge.overload("relation_ne", a, b) from None


def _order(op: str, node: str, a: Any, b: Any) -> bool:
    try:
        return py_order(op, a, b)
    except TypeError:
        raise bridge.overload(node, a, b) from None


def lt(a: Any, b: Any) -> bool:
    t = type(a)
    if t is type(b) and t in _SAME_TYPE_ORDER:
        return bool(a < b)
    return _order("<", "relation_lt", a, b)


def le(a: Any, b: Any) -> bool:
    t = type(a)
    if t is type(b) and t in _SAME_TYPE_ORDER:
        return bool(a <= b)
    return _order("<=", "relation_le", a, b)


def gt(a: Any, b: Any) -> bool:
    t = type(a)
    if t is type(b) and t in _SAME_TYPE_ORDER:
        return bool(a > b)
    return _order(">", "relation_gt", a, b)


def ge(a: Any, b: Any) -> bool:
    t = type(a)
    if t is type(b) and t in _SAME_TYPE_ORDER:
        return bool(a >= b)
    return _order(">=", "relation_ge", a, b)


# `in`: cel-python's operator_in compares each element (each key of a map, each
# character of a string) with `==`, remembering a type error unless the item is found

# element types whose == with a string is false rather than a type error
_STR_SAFE = frozenset(
    {str, PyStr, type(None), bool, bytes, PyBytes, _DATE, _DATETIME, _TIMEDELTA,
     PyTimedelta, PyInt, PyFloat, PyList}
)  # fmt: skip


def in_(item: Any, container: Any) -> bool:
    tc, ti = type(container), type(item)
    if (ti is str or ti is PyStr) and (tc is list or tc is tuple or tc is dict):
        if item in container:
            return True
        if all(type(c) in _STR_SAFE for c in container):
            return False
    return _in_slow(item, container)


def _in_slow(item: Any, container: Any) -> bool:
    try:
        elements = iterate(container)
    except HostError:
        raise bridge.overload("relation_in", item, container) from None
    error = False
    for c in elements:
        try:
            if py_eq(c, item):
                return True
        except TypeError:
            error = True
    if error:
        raise CelError("no such overload")
    return False


def iterate(value: Any) -> Iterable[Any]:
    """What iterating the cel-python value gives: list elements, map keys, the
    characters of a string, the byte values of bytes."""
    t = type(value)
    if t is list or t is tuple or t is dict or t is PyList:
        return value  # type: ignore[no-any-return]
    if isinstance(value, (str, bytes)):
        return [PyStr(c) for c in value] if isinstance(value, str) else map(PyInt, value)
    if isinstance(value, (list, tuple, Mapping)):
        return value
    raise HostError("TypeError", f"'{class_name(value)}' object is not iterable")


# field selection and indexing


def select(value: Any, name: str) -> Any:
    """`value.name` where `value` is not a dict holding `name` (the generated code
    reads that case itself)."""
    if type(value) is bridge.Namespace:
        if name in value:
            return value[name]
        raise CelError(f"No {name!r} in bindings {sorted(value.keys())}")
    if isinstance(value, Mapping):
        try:
            found = value[name]
        except KeyError:
            raise CelError(f"no such member in mapping: {name!r}") from None
        if type(found) is CelError:  # a map literal's error value
            raise found.copy()
        return found

    def message() -> str:
        shown = bridge.celpy_repr(value)
        return f"{shown} with type: '{class_str(value)}' does not support field selection"

    raise CelError(lazy=message)


_INDEX = frozenset({int, bool, Uint, PyInt})


def index(value: Any, key: Any) -> Any:
    """`value[key]`; either may be an error value (cel-python then reports no
    matching overload for `_[_]`)."""
    tv, tk = type(value), type(key)
    if tv is dict:
        if tk is str or tk is PyStr:
            try:
                found = value[key]
            except KeyError:
                raise CelError("no such key") from None
        else:
            found = _map_index(value, key)
        if type(found) is CelError:
            raise found.copy()
        return found
    if tv is list or tv is tuple or tv is PyList:
        if tk in _INDEX:
            try:
                return value[key]
            except IndexError:
                raise CelError("invalid_argument") from None
    elif tv is str or tv is PyStr or tv is bytes or tv is PyBytes:
        if tk in _INDEX:
            try:
                found = value[key]
            except IndexError:
                raise CelError("invalid_argument") from None
            return PyStr(found) if isinstance(found, str) else PyInt(found)
    elif isinstance(value, Mapping) and tk is str:
        try:
            return value[key]
        except KeyError:
            raise CelError("no such key") from None
    raise bridge.overload("_[_]", value, key)


def _map_index(value: dict[Any, Any], key: Any) -> Any:
    """MapType.__getitem__ with a key that is not a string: only int, uint and bool
    keys are allowed, and the dict compares its keys with cel-python's `==`."""
    if type(key) not in (int, Uint, bool):
        raise bridge.overload("_[_]", value, key)
    h = hash(key)
    for k, v in value.items():
        if k is key:
            return v
        if hash(k) == h:
            try:
                if py_eq(k, key):
                    return v
            except TypeError:
                raise bridge.overload("_[_]", value, key) from None
    raise CelError("no such key")


# logic


def logical_and(x: Any, y: Any) -> Any:
    """cel-python's `_&&_` on values; errors are values (CelError objects) here."""
    xb, yb = type(x) is bool, type(y) is bool
    if xb and yb:
        return x and y
    if not xb and not yb:
        return bridge.overload("_&&_", x, y)
    if not xb:
        return x if y else y
    return y if x else x


def logical_or(x: Any, y: Any) -> Any:
    xb, yb = type(x) is bool, type(y) is bool
    if xb and yb:
        return x or y
    if not xb and not yb:
        return bridge.overload("_||_", x, y)
    if not xb:
        return y if y else x
    return x if x else y


def all_fold(acc: Any, value: Any) -> Any:
    """One step of the `all()` reduction (logical_and; two non-bools give "no such
    overload"); `value` is not a bool."""
    if type(acc) is bool:
        return value if acc else acc
    return CelError("no such overload")


def exists_fold(acc: Any, value: Any) -> Any:
    if type(acc) is bool:
        return acc if acc else value
    return CelError("no such overload")


def not_(value: Any) -> bool:
    if type(value) is bool:
        return not value
    raise bridge.overload("unary_not", value)


def condition_error(condition: Any, left: Any, right: Any) -> CelError:
    """`c ? a : b` with a condition that is not a bool: cel-python evaluates the branch
    the condition's truth picks, then fails; the other branch shows as a bool."""

    def message() -> str:
        types = ", ".join(class_str(v) for v in (condition, left, right))
        return f"found no matching overload for _?_:_ applied to '({types})'"

    return CelError(lazy=message)


def neg(value: Any) -> Any:
    t = type(value)
    if t is int:
        if value == INT64_MIN:
            raise CelError("return error for overflow")
        return -value
    if t is float:
        return -value
    return bridge.negate(value)


# arithmetic


def _int_result(r: int) -> int:
    if INT64_MIN <= r <= INT64_MAX:
        return r
    raise CelError("return error for overflow")


def _add_timestamp(ts: Any, d: datetime.timedelta) -> Any:
    try:
        if type(ts) is _DATE and not d.seconds and not d.microseconds:
            return ts + d  # whole days on a date stay a date (00:00 UTC)
        return as_datetime(ts) + d
    except OverflowError:
        raise CelError("return error for overflow") from None


def add(a: Any, b: Any) -> Any:
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return _int_result(a + b)
    if (ta is str or ta is PyStr) and (tb is str or tb is PyStr):
        return PyStr(a + b)
    if (ta is _DATE or ta is _DATETIME) and (tb is _TIMEDELTA or tb is PyTimedelta):
        return _add_timestamp(a, b)
    if ta is _TIMEDELTA and (tb is _DATE or tb is _DATETIME):
        return _add_timestamp(b, a)
    if ta is _TIMEDELTA and tb is _TIMEDELTA:
        r = a + b
        if abs(r.total_seconds()) > MAX_SECONDS:
            raise CelError("return error for overflow")
        return r
    if (ta is list or ta is tuple or ta is PyList) and (tb is list or tb is tuple or tb is PyList):
        return PyList([*a, *b])
    if ta is float and tb is float:
        return PyFloat(a + b)
    return bridge.binary("addition_add", a, b)


def sub(a: Any, b: Any) -> Any:
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return _int_result(a - b)
    if ta is _DATE or ta is _DATETIME:
        if tb is _TIMEDELTA or tb is PyTimedelta:
            return _add_timestamp(a, -b)
        if tb is _DATE or tb is _DATETIME:
            r = (a - b) if ta is tb else (as_datetime(a) - as_datetime(b))
            if abs(r.total_seconds()) > MAX_SECONDS:
                raise CelError("return error for overflow")
            return r
    if ta is _TIMEDELTA and tb is _TIMEDELTA:
        return py_timedelta(a - b)
    if ta is float and tb is float:
        return PyFloat(a - b)
    return bridge.binary("addition_sub", a, b)


def mul(a: Any, b: Any) -> Any:
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return _int_result(a * b)
    if ta is float and tb is float:
        return PyFloat(a * b)
    return bridge.binary("multiplication_mul", a, b)


def div(a: Any, b: Any) -> Any:
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        if b == 0:
            raise CelError("modulus or divide by zero")
        q = abs(a) // abs(b)  # truncates toward zero, as Go does
        return _int_result(-q if (a < 0) != (b < 0) else q)
    if ta is float and tb is float:
        return float("inf") if b == 0.0 else a / b  # cel-python: x / 0.0 is +inf
    return bridge.binary("multiplication_div", a, b)


def mod(a: Any, b: Any) -> Any:
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        if b == 0:
            raise CelError("modulus or divide by zero")
        r = abs(a) % abs(b)  # the sign of the dividend, as Go does
        return _int_result(-r if a < 0 else r)
    return bridge.binary("multiplication_mod", a, b)

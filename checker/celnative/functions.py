"""CEL's standard functions and checker.cel's own (present, days, isodate, join).

A function is also a method: `x.f(y)` calls `f(x, y)`, as in cel-python. Each entry
has a native implementation for its usual arity; any other arity gets cel-python's
answer (its conversion functions accept extra arguments; most answer "no such
overload").
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from checker.celnative import bridge
from checker.celnative.compare import py_eq
from checker.celnative.errors import CelError
from checker.celnative.literals import parse_int
from checker.celnative.operators import MAX_SECONDS, iterate
from checker.celnative.values import (
    INT64_MAX,
    INT64_MIN,
    UTC,
    PyList,
    PyStr,
    Uint,
    as_datetime,
)

_DATE = datetime.date
_DATETIME = datetime.datetime
_TIMEDELTA = datetime.timedelta
NO_OVERLOAD = "no such overload"
OVERFLOW = "return error for overflow"


@dataclass(frozen=True)
class Function:
    name: str
    impl: Callable[..., Any]
    arities: frozenset[int]  # the arities `impl` takes; others: `call_other`
    standard: bool  # a cel-python base function (else one of checker.cel's own)
    host: bool = False  # `impl` may raise a Python error, not a CEL error (codegen)

    def may_raise_host_error(self, arity: int) -> bool:
        return self.host or (self.standard and arity not in self.arities)


def _overload() -> CelError:
    return CelError(NO_OVERLOAD)


def call_other(name: str, args: tuple[Any, ...]) -> Any:
    """A function called with an arity the native implementation does not take."""
    if FUNCTIONS[name].standard:
        return bridge.call(name, args)
    raise _overload()


# size, contains, strings


def size(value: Any) -> int:
    t = type(value)
    if t is list or t is str or t is dict or t is tuple:
        return len(value)
    if value is None:
        return 0  # cel-python: size(null) is 0
    if isinstance(value, (str, bytes, list, tuple, Mapping)):
        return len(value)
    raise _overload()


def contains(container: Any, item: Any) -> bool:
    t, ti = type(container), type(item)
    if t is str:
        if ti is str or ti is PyStr:
            return item in container
        raise _overload()
    if t is list or t is tuple:  # list.__contains__: identity, then ==
        try:
            return any(c is item or py_eq(c, item) for c in container)
        except TypeError:
            raise _overload() from None
    if t is dict and (ti is str or ti is PyStr):
        return item in container
    return bool(bridge.call("contains", (container, item)))


def starts_with(text: Any, prefix: Any) -> bool:
    if type(text) in (str, PyStr) and type(prefix) in (str, PyStr):
        return text.startswith(prefix)  # type: ignore[no-any-return]
    return bool(bridge.call("startsWith", (text, prefix)))


def ends_with(text: Any, suffix: Any) -> bool:
    if type(text) in (str, PyStr) and type(suffix) in (str, PyStr):
        return text.endswith(suffix)  # type: ignore[no-any-return]
    return bool(bridge.call("endsWith", (text, suffix)))


@cache
def _regex(pattern: str) -> Any:
    import re2  # type: ignore[import-untyped]  # cel-python matches with RE2, as does this

    try:
        return re2.compile(pattern)
    except re2.error:
        return None


def matches(text: Any, pattern: Any) -> bool:
    if type(text) in (str, PyStr) and type(pattern) in (str, PyStr):
        compiled = _regex(str(pattern))
        if compiled is None:
            raise CelError("match error")
        return compiled.search(text) is not None
    return bool(bridge.call("matches", (text, pattern)))


# timestamp and duration accessors (in UTC without a time zone argument)


def _utc(value: Any) -> datetime.datetime:
    return as_datetime(value).astimezone(UTC)


def _accessor(
    name: str,
    on_date: Callable[[datetime.date], int],
    on_datetime: Callable[[datetime.datetime], int],
    on_duration: Callable[[datetime.timedelta], int] | None = None,
) -> Callable[[Any], int]:
    def accessor(value: Any) -> int:
        t = type(value)
        if t is _DATE:
            return on_date(value)
        if t is _DATETIME:
            return on_datetime(_utc(value))
        if t is _TIMEDELTA and on_duration is not None:
            return on_duration(value)
        return int(bridge.call(name, (value,)))

    accessor.__name__ = name
    return accessor


def _day_of_year(d: datetime.date) -> int:
    return d.toordinal() - datetime.date(d.year, 1, 1).toordinal()


def _zero(_: Any) -> int:
    return 0


_ACCESSORS: dict[str, Callable[[Any], int]] = {
    "getFullYear": _accessor("getFullYear", lambda d: d.year, lambda t: t.year),
    "getMonth": _accessor("getMonth", lambda d: d.month - 1, lambda t: t.month - 1),
    "getDate": _accessor("getDate", lambda d: d.day, lambda t: t.day),
    "getDayOfMonth": _accessor("getDayOfMonth", lambda d: d.day - 1, lambda t: t.day - 1),
    "getDayOfWeek": _accessor(
        "getDayOfWeek", lambda d: d.isoweekday() % 7, lambda t: t.isoweekday() % 7
    ),
    "getDayOfYear": _accessor("getDayOfYear", _day_of_year, lambda t: _day_of_year(t.date())),
    "getHours": _accessor(
        "getHours", _zero, lambda t: t.hour, lambda d: int(d.total_seconds() / 60 / 60)
    ),
    "getMinutes": _accessor(
        "getMinutes", _zero, lambda t: t.minute, lambda d: int(d.total_seconds() / 60)
    ),
    "getSeconds": _accessor(
        "getSeconds", _zero, lambda t: t.second, lambda d: int(d.total_seconds())
    ),
    "getMilliseconds": _accessor(
        "getMilliseconds",
        _zero,
        lambda t: t.microsecond // 1000,
        lambda d: int(d.total_seconds() * 1000),
    ),
}


# conversions


def _int64(value: int) -> int:
    if INT64_MIN <= value <= INT64_MAX:
        return value
    raise CelError(OVERFLOW)


def to_int(value: Any) -> int:
    t = type(value)
    if t is int:
        return value  # type: ignore[no-any-return]
    if t is bool or value is None:
        return int(bool(value))
    if t is float:
        try:
            return _int64(math.trunc(value))  # OverflowError for infinity, as cel-python
        except ValueError:  # NaN
            raise CelError(OVERFLOW) from None
    if t is str or t is PyStr:
        try:
            return parse_int(value)
        except ValueError:
            raise CelError(OVERFLOW) from None
    return int(bridge.call("int", (value,)))


def to_uint(value: Any) -> Uint:
    if type(value) is int and 0 <= value < 2**64:
        return Uint(value)
    if type(value) is Uint:
        return value
    result: Uint = bridge.call("uint", (value,))
    return result


def to_double(value: Any) -> float:
    t = type(value)
    if t is float:
        return value  # type: ignore[no-any-return]
    if t is int or t is bool:
        return float(value)
    if t is str:
        try:
            return float(value)
        except ValueError:
            raise CelError(OVERFLOW) from None
    result: float = bridge.call("double", (value,))
    return result


def timestamp_text(value: datetime.date) -> str:
    """str(TimestampType): RFC 3339 to the second, UTC as Z."""
    text = as_datetime(value).strftime("%Y-%m-%dT%H:%M:%S%z")
    if text.endswith("+0000"):
        return f"{text[:-5]}Z"
    return f"{text[:-2]}:{text[-2:]}"


def to_string(value: Any) -> str:
    t = type(value)
    if t is str:
        return value  # type: ignore[no-any-return]
    if t is PyStr or t is int or t is float:
        return str.__str__(value) if t is PyStr else str(value)
    if t is bool or value is None:
        return str(value)  # 'True', 'False', 'None': cel-python's str()
    if t is _DATE or t is _DATETIME:
        return timestamp_text(value)
    if t is _TIMEDELTA:
        return f"{int(value.total_seconds())}s"
    result: str = bridge.call("string", (value,))
    return result


def to_bool(value: Any) -> bool:
    if type(value) is bool:
        return value
    return bool(bridge.call("bool", (value,)))


def to_bytes(value: Any) -> bytes:
    t = type(value)
    if t is bytes:
        return value  # type: ignore[no-any-return]
    if t is str:
        return value.encode("utf-8")  # type: ignore[no-any-return]
    result: bytes = bridge.call("bytes", (value,))
    return result


_RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)", re.ASCII)


def to_timestamp(value: Any) -> Any:
    t = type(value)
    if t is _DATE or t is _DATETIME:
        return value
    if t is str and _RFC3339.fullmatch(value):
        try:
            return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass  # out of range: cel-python's parser gives the error
    return bridge.call("timestamp", (value,))  # other formats: pendulum, as cel-python


_DURATION = re.compile(r"^[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+$")
_DURATION_PART = re.compile(r"([0-9]*(\.[0-9]*)?)([a-z]+)")
_DURATION_SCALE = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0,
                   "h": 3600.0, "d": 86400.0}  # fmt: skip


def to_duration(value: Any) -> datetime.timedelta:
    """DurationType(value): "1h30m", "-1.5h", "2d" (cel-python accepts days), seconds."""
    t = type(value)
    if t is _TIMEDELTA:
        return value  # type: ignore[no-any-return]
    if t is int:
        if -MAX_SECONDS <= value <= MAX_SECONDS:
            return datetime.timedelta(seconds=value)
        raise CelError(OVERFLOW)
    if t is str and _DURATION.match(value):
        sign = -1.0 if value.startswith("-") else 1.0
        try:
            seconds = sign * math.fsum(
                float(m.group(1)) * _DURATION_SCALE[m.group(3)]
                for m in _DURATION_PART.finditer(value.lstrip("+-"))
            )
        except (KeyError, ValueError):
            raise CelError(OVERFLOW) from None
        if -MAX_SECONDS <= seconds <= MAX_SECONDS:
            return datetime.timedelta(seconds=seconds)
        raise CelError(OVERFLOW)
    result: datetime.timedelta = bridge.call("duration", (value,))
    return result


def type_of(value: Any) -> Any:
    return bridge.type_of(value)


# checker.cel's own functions


def present(value: Any) -> bool:
    """false for null, "", [] and {}; true otherwise. As checker.cel tests the cel-python
    classes, a string or list computed by Python's own + (PyStr, PyList) is present."""
    if value is None:
        return False
    t = type(value)
    if t is str or t is list or t is dict or t is tuple:
        return len(value) > 0
    if t is PyStr or t is PyList:
        return True
    if isinstance(value, (str, list, tuple, Mapping)):
        return len(value) > 0
    return True


def days(n: Any) -> datetime.timedelta:
    """A duration of n days: DurationType(seconds=int(n) * 86400)."""
    t = type(n)
    if t is int:
        count = n
    else:
        if n is None or isinstance(n, (datetime.date, datetime.timedelta, list, dict, tuple)):
            raise _overload()
        try:
            count = int(n)  # OverflowError for infinity, as cel-python
        except ValueError:
            raise CelError(OVERFLOW) from None
        except TypeError:
            raise _overload() from None
    if abs(count) * 86400 > MAX_SECONDS:
        raise CelError(OVERFLOW)
    return datetime.timedelta(days=count)


def isodate(value: Any) -> str:
    """A timestamp as YYYY-MM-DD (in its own zone), "(no date)" for null."""
    if value is None:
        return "(no date)"
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    raise _overload()


def _text(item: Any) -> str:
    t = type(item)
    if t is str or t is PyStr:
        return str.__str__(item)
    if t is int or t is bool or item is None:
        return str(item)
    return bridge.celpy_str(item)


def join(items: Any, separator: Any) -> str:
    """The items as one string: `str(sep).join(str(i) for i in items)`."""
    fast = type(items) in (list, tuple) and type(separator) is str
    if fast and all(type(i) is str for i in items):
        return separator.join(items)  # type: ignore[no-any-return]
    try:
        elements = iterate(items)
    except Exception:
        raise _overload() from None
    return _text(separator).join(_text(i) for i in elements)


def _functions() -> dict[str, Function]:
    one, two = frozenset({1}), frozenset({2})
    table = [
        Function("size", size, one, True),
        Function("contains", contains, two, True),
        Function("startsWith", starts_with, two, True),
        Function("endsWith", ends_with, two, True),
        Function("matches", matches, two, True),
        Function("int", to_int, one, True, host=True),
        Function("uint", to_uint, one, True, host=True),
        Function("double", to_double, one, True),
        Function("string", to_string, one, True),
        Function("bool", to_bool, one, True),
        Function("bytes", to_bytes, one, True),
        Function("timestamp", to_timestamp, one, True, host=True),
        Function("duration", to_duration, one, True),
        Function("type", type_of, one, True),
        Function("list", size, frozenset(), True),  # always cel-python's (call_other)
        Function("map", size, frozenset(), True),
        Function("null_type", size, frozenset(), True),
        Function("present", present, one, False),
        Function("days", days, one, False, host=True),
        Function("isodate", isodate, one, False),
        Function("join", join, two, False),
    ]
    # with a time zone argument (any other arity) they go to cel-python: host errors
    table += [Function(name, f, one, True) for name, f in _ACCESSORS.items()]
    return {f.name: f for f in table}


FUNCTIONS: dict[str, Function] = _functions()
TYPE_NAMES = frozenset(
    {"int", "uint", "double", "bool", "string", "bytes", "list", "map", "null_type", "type",
     "timestamp", "duration"}
)  # fmt: skip

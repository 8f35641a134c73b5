"""CEL values as plain Python values, and the names cel-python gives their types.

    null=None  bool  int (signed 64 bit)  uint=Uint  double=float  string=str  bytes
    list=list|tuple  map=dict  timestamp=datetime.datetime (aware) | datetime.date
    duration=datetime.timedelta  type=the cel-python class (`type(1) == int`)

A `datetime.date` is that day at 00:00 UTC: the model stores dates that way, and the
engine keeps whole-day arithmetic on dates (`date + days(30)` is a date) so that it
stays cheap; anything finer becomes an aware datetime.

cel-python computes some results with Python's own types rather than its CEL classes
(`'a' + 'b'` is a `str`, not a `StringType`; `1.5 + 1.5` a `float`, not a `DoubleType`),
and those show in its messages ("expression gave str ab"; "... applied to '(<class
'str'>, ...)'") and in `type()`. The marker classes below (`PyStr`, `PyFloat`, ...)
carry that difference so that the native engine's messages are the same; they behave
as their base types everywhere else.
"""

from __future__ import annotations

import datetime
from typing import Any

from checker.celnative.errors import CelError

UTC = datetime.timezone.utc
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


class Uint(int):
    """A CEL uint (`1u`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"{int(self)}u"


class PyInt(int):
    """An int that cel-python computes as a Python `int` (bool arithmetic)."""

    __slots__ = ()


class PyFloat(float):
    """A double that cel-python computes as a Python `float` (`1.5 + 1.5`)."""

    __slots__ = ()


class PyStr(str):
    """A string that cel-python computes as a Python `str` (concatenation)."""

    __slots__ = ()


class PyBytes(bytes):
    """Bytes that cel-python computes as Python `bytes` (concatenation)."""

    __slots__ = ()


class PyList(list[Any]):
    """A list that cel-python computes as a Python `list` (concatenation)."""

    __slots__ = ()


class PyTimedelta(datetime.timedelta):
    """A duration that cel-python computes as a `datetime.timedelta` (`d1 - d2`)."""

    __slots__ = ()


def py_timedelta(d: datetime.timedelta) -> PyTimedelta:
    return PyTimedelta(days=d.days, seconds=d.seconds, microseconds=d.microseconds)


# type -> (cel-python class name, `str()` of the class) for messages
_CELPY = "celpy.celtypes."
CLASS_NAMES: dict[type, tuple[str, str]] = {
    type(None): ("NoneType", "<class 'NoneType'>"),
    bool: ("BoolType", f"<class '{_CELPY}BoolType'>"),
    int: ("IntType", f"<class '{_CELPY}IntType'>"),
    Uint: ("UintType", f"<class '{_CELPY}UintType'>"),
    float: ("DoubleType", f"<class '{_CELPY}DoubleType'>"),
    str: ("StringType", f"<class '{_CELPY}StringType'>"),
    bytes: ("BytesType", f"<class '{_CELPY}BytesType'>"),
    list: ("ListType", f"<class '{_CELPY}ListType'>"),
    tuple: ("ListType", f"<class '{_CELPY}ListType'>"),
    dict: ("MapType", f"<class '{_CELPY}MapType'>"),
    datetime.date: ("TimestampType", f"<class '{_CELPY}TimestampType'>"),
    datetime.datetime: ("TimestampType", f"<class '{_CELPY}TimestampType'>"),
    datetime.timedelta: ("DurationType", f"<class '{_CELPY}DurationType'>"),
    CelError: ("CELEvalError", "<class 'celpy.evaluation.CELEvalError'>"),
    PyInt: ("int", "<class 'int'>"),
    PyFloat: ("float", "<class 'float'>"),
    PyStr: ("str", "<class 'str'>"),
    PyBytes: ("bytes", "<class 'bytes'>"),
    PyList: ("list", "<class 'list'>"),
    PyTimedelta: ("datetime.timedelta", "<class 'datetime.timedelta'>"),
}


def class_names(value: Any) -> tuple[str, str]:
    names = CLASS_NAMES.get(type(value))
    if names is not None:
        return names
    for base, found in CLASS_NAMES.items():  # subclasses from the caller's data
        if isinstance(value, base) and base not in (int, object):
            return found
    if isinstance(value, bool):
        return CLASS_NAMES[bool]
    if isinstance(value, int):
        return CLASS_NAMES[int]
    t = type(value)
    return t.__name__, str(t)


def class_str(value: Any) -> str:
    """`str(type(v))` for the cel-python value of `value`."""
    return class_names(value)[1]


def class_name(value: Any) -> str:
    """`type(v).__name__` for the cel-python value of `value`."""
    return class_names(value)[0]


def as_datetime(value: datetime.date) -> datetime.datetime:
    """A timestamp as an aware datetime: a date is 00:00 UTC that day; a naive datetime
    is taken as UTC."""
    if type(value) is datetime.date:
        return datetime.datetime(value.year, value.month, value.day, tzinfo=UTC)
    assert isinstance(value, datetime.datetime)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def is_timestamp(value: Any) -> bool:
    return isinstance(value, datetime.date)


def is_duration(value: Any) -> bool:
    return isinstance(value, datetime.timedelta)


def is_list(value: Any) -> bool:
    return isinstance(value, (list, tuple))


def is_int(value: Any) -> bool:
    """A CEL int (not bool, not uint, not cel-python's plain int)."""
    return type(value) is int

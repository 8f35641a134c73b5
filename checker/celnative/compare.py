"""Equality and ordering as cel-python computes them.

cel-python compares with Python's `==` and `<` on its value classes, so the result
follows Python's rules for mixed types: `IntType`, `UintType` and `DoubleType` refuse
another type (a TypeError: "no matching overload"), while `BoolType`, a plain `int`
subclass, compares with any int (`true == 1` is true, `1 == true` an error); a string
equals no number (false, or the number's refusal); a list is never equal to another
type but null. `py_eq`, `py_ne` and `py_order` replay those rules on plain values and
raise TypeError where Python would. The kinds below name the cel-python class of a
value.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable, Mapping
from types import NotImplementedType
from typing import Any

from checker.celnative.errors import CelError
from checker.celnative.values import (
    PyBytes,
    PyFloat,
    PyInt,
    PyList,
    PyStr,
    PyTimedelta,
    Uint,
    as_datetime,
)

_NI: NotImplementedType = NotImplemented

# the cel-python class of a value, as a kind
NULL, BOOL, INT, UINT, DOUBLE, PYINT, PYFLOAT, STR, BYTES = range(9)
LIST, PYLIST, MAP, TS, DUR, TYPE, ERR, OTHER = range(9, 17)

_KINDS: dict[type, int] = {
    type(None): NULL,
    bool: BOOL,
    int: INT,
    Uint: UINT,
    float: DOUBLE,
    PyInt: PYINT,
    PyFloat: PYFLOAT,
    str: STR,
    PyStr: STR,  # StringType's == and < are str's own
    bytes: BYTES,
    PyBytes: BYTES,
    list: LIST,
    tuple: LIST,
    PyList: PYLIST,
    dict: MAP,
    datetime.date: TS,
    datetime.datetime: TS,
    datetime.timedelta: DUR,
    PyTimedelta: DUR,
    CelError: ERR,
}


def kind(value: Any) -> int:
    k = _KINDS.get(type(value))
    if k is not None:
        return k
    if isinstance(value, type):
        return TYPE
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, float):
        return DOUBLE
    if isinstance(value, str):
        return STR
    if isinstance(value, datetime.date):
        return TS
    if isinstance(value, datetime.timedelta):
        return DUR
    if isinstance(value, Mapping):
        return MAP
    if isinstance(value, (list, tuple)):
        return LIST
    return OTHER


_INTLIKE = frozenset({BOOL, INT, UINT, PYINT})
_NUMERIC = _INTLIKE | {DOUBLE, PYFLOAT}
# classes that type-check the other operand of == and != (celtypes' type_matched)
_MATCHED = {INT: frozenset({INT, PYINT}), UINT: frozenset({UINT, PYINT}),
            DOUBLE: frozenset({DOUBLE, PYFLOAT})}  # fmt: skip
# a proper subclass overriding the reflected method goes first (Python's rule)
_SUBCLASS_FIRST_EQ = {(PYINT, INT), (PYINT, UINT), (PYFLOAT, DOUBLE), (PYLIST, LIST)}


def _plain(value: Any, k: int) -> Any:
    return as_datetime(value) if k == TS else value


def _eq_method(a: Any, ka: int, b: Any, kb: int) -> bool | NotImplementedType:
    """`a.__eq__(b)` for the cel-python class of `a`."""
    matched = _MATCHED.get(ka)
    if matched is not None:
        if kb not in matched:
            raise TypeError("no such overload")
        return bool(a == b)
    if ka in (BOOL, PYINT):
        return bool(a == b) if kb in _INTLIKE else _NI
    if ka == PYFLOAT:
        return bool(a == b) if kb in _NUMERIC else _NI
    if ka in (STR, BYTES, DUR):
        return bool(a == b) if kb == ka else _NI
    if ka == TS:
        return as_datetime(a) == as_datetime(b) if kb == TS else _NI
    if ka == NULL:
        return True if kb == NULL else _NI
    if ka == LIST:
        if kb == NULL:
            return False
        if kb not in (LIST, PYLIST):
            raise TypeError("no such overload")
        return _fold_eq(a, b)
    if ka == PYLIST:
        return _python_list_eq(a, b) if kb in (LIST, PYLIST) else _NI
    if ka == MAP:
        if kb == NULL:
            return False
        if kb != MAP:
            raise TypeError("no such overload")
        return _map_eq(a, b)
    if ka == ERR:
        return a.message == b.message if kb == ERR else _NI
    return True if a is b else _NI


def py_eq(a: Any, b: Any) -> bool:
    """Python's `a == b` on the cel-python values; TypeError where it raises."""
    ka, kb = kind(a), kind(b)
    if (ka, kb) in _SUBCLASS_FIRST_EQ:
        result = _eq_method(b, kb, a, ka)
        if result is not _NI:
            return result
    result = _eq_method(a, ka, b, kb)
    if result is _NI and ka != kb:
        result = _eq_method(b, kb, a, ka)
    if result is _NI:
        return a is b
    return result


def _ne_method(a: Any, ka: int, b: Any, kb: int) -> bool | NotImplementedType:
    """`a.__ne__(b)` for the cel-python class of `a`."""
    matched = _MATCHED.get(ka)
    if matched is not None:
        if kb not in matched:
            raise TypeError("no such overload")
        return bool(a != b)
    if ka == LIST:  # ListType.__ne__: no special case for null
        if kb not in (LIST, PYLIST):
            raise TypeError("no such overload")
        return _fold_ne(a, b)
    if ka == PYLIST:
        return (not _python_list_eq(a, b)) if kb in (LIST, PYLIST) else _NI
    if ka == MAP:
        if kb != MAP:
            raise TypeError("no such overload")
        return _map_ne(a, b)
    result = _eq_method(a, ka, b, kb)  # object.__ne__ inverts __eq__
    return result if result is _NI else not result


def py_ne(a: Any, b: Any) -> bool:
    """Python's `a != b` on the cel-python values; TypeError where it raises."""
    ka, kb = kind(a), kind(b)
    if (ka, kb) in _SUBCLASS_FIRST_EQ:
        result = _ne_method(b, kb, a, ka)
        if result is not _NI:
            return result
    result = _ne_method(a, ka, b, kb)
    if result is _NI and ka != kb:
        result = _ne_method(b, kb, a, ka)
    if result is _NI:
        return a is not b
    return result


def _logical(values: list[bool | TypeError], start: bool) -> bool:
    """`reduce(logical_and/or, values, start)` over comparison results, as ListType's
    and MapType's == and != fold them: an error is absorbed by a deciding bool."""
    acc: bool | TypeError = start
    for v in values:
        x_bool, y_bool = isinstance(acc, bool), isinstance(v, bool)
        if not x_bool and not y_bool:
            raise TypeError("no such overload")
        if not x_bool:
            if v is not start:  # deciding: false for and, true for or
                acc = v
        elif not y_bool:
            if acc is start:
                acc = v
        else:
            acc = (acc and v) if start else (acc or v)
    if isinstance(acc, TypeError):
        raise acc
    return acc


def _try(compare: Callable[[Any, Any], bool], a: Any, b: Any) -> bool | TypeError:
    try:
        return compare(a, b)
    except TypeError as e:
        return e


def _fold_eq(a: Any, b: Any) -> bool:
    if len(a) != len(b):
        return False
    return _logical([_try(py_eq, x, y) for x, y in zip(a, b, strict=False)], True)


def _fold_ne(a: Any, b: Any) -> bool:
    if len(a) != len(b):
        return True
    return _logical([_try(py_ne, x, y) for x, y in zip(a, b, strict=False)], False)


def _python_list_eq(a: Any, b: Any) -> bool:
    if len(a) != len(b):
        return False
    return all(x is y or py_eq(x, y) for x, y in zip(a, b, strict=False))


def _map_eq(a: Mapping[Any, Any], b: Mapping[Any, Any]) -> bool:
    if a.keys() != b.keys():
        return False
    return _logical([_try(py_eq, a[k], b[k]) for k in a], True)


def _map_ne(a: Mapping[Any, Any], b: Mapping[Any, Any]) -> bool:
    if len(a) == 1 and len(b) == 1 and a.keys() == b.keys():
        k = next(iter(a))
        return py_ne(a[k], b[k])
    if a.keys() != b.keys():
        return True
    return _logical([_try(py_ne, a[k], b[k]) for k in a], False)


# ordering: "<" is __lt__, reflected __gt__; "<=" is __le__, reflected __ge__
_REFLECTED = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}
_PYOP: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge,
}  # fmt: skip


def _order_method(op: str, a: Any, ka: int, b: Any, kb: int) -> bool | NotImplementedType:
    """`a.__lt__(b)` (or le, gt, ge) for the cel-python class of `a`."""
    if ka == INT:  # IntType type-checks all four
        if kb not in (INT, PYINT):
            raise TypeError("no such overload")
        return bool(_PYOP[op](a, b))
    if ka in (UINT, BOOL, PYINT):
        return bool(_PYOP[op](int(a), int(b))) if kb in _INTLIKE else _NI
    if ka in (DOUBLE, PYFLOAT):
        return bool(_PYOP[op](float(a), b)) if kb in _NUMERIC else _NI
    if ka in (STR, BYTES, DUR):
        return bool(_PYOP[op](a, b)) if kb == ka else _NI
    if ka == TS:
        return bool(_PYOP[op](as_datetime(a), as_datetime(b))) if kb == TS else _NI
    if ka == LIST:  # ListType refuses all four
        raise TypeError("no such overload")
    if ka == PYLIST and kb == PYLIST:
        return _python_list_order(op, a, b)
    other: bool | NotImplementedType = _NI  # (mypy takes a bare `return _NI` here for Any)
    return other


def _python_list_order(op: str, a: Any, b: Any) -> bool:
    for x, y in zip(a, b, strict=False):
        if not (x is y or py_eq(x, y)):
            return py_order(op, x, y)
    return bool(_PYOP[op](len(a), len(b)))


def py_order(op: str, a: Any, b: Any) -> bool:
    """Python's `a < b` (or <=, >, >=) on the cel-python values; TypeError where it
    raises."""
    ka, kb = kind(a), kind(b)
    reflected = _REFLECTED[op]
    if (ka, kb) in ((PYINT, INT), (PYLIST, LIST)):  # subclass overrides go first
        result = _order_method(reflected, b, kb, a, ka)
        if result is not _NI:
            return result
    result = _order_method(op, a, ka, b, kb)
    if result is _NI and ka != kb:
        result = _order_method(reflected, b, kb, a, ka)
    if result is _NI:
        raise TypeError(f"'{op}' not supported")
    return result

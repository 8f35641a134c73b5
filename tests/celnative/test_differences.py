"""Where the native engine knowingly differs from cel-python, pinned so that a change
is noticed (docs in checker/celnative/__init__.py)."""

from __future__ import annotations

import pytest

from checker.cel import CompileError, NativeEngine
from tests.celnative.corpus import DATA
from tests.celnative.harness import both

ENGINE = NativeEngine()


@pytest.mark.parametrize(
    "expression",
    ["[1, 2].all()", "has()", "dyn()", "[1].map(1, 2)", "[1].map(a + b, 2)", "int{}"],
)
def test_what_crashes_cel_python_does_not_compile(expression: str) -> None:
    """cel-python raises IndexError or CELSyntaxError out of its evaluator for these
    (or, for message construction, protobuf behaviour no rule needs)."""
    with pytest.raises(CompileError):
        ENGINE.compile(expression)


def test_an_error_kept_in_a_map_literal_shows_without_cel_pythons_details() -> None:
    reference, native = both("{'k': 1 / 0}", DATA)
    assert reference[0] == native[0] == "value"
    assert "modulus or divide by zero" in native[1]
    assert reference != native  # cel-python's repr adds the exception class and the tree


def test_bool_of_an_int_is_true() -> None:
    """cel-python's bool(5) is a BoolType holding 5, unequal to true."""
    reference, native = both("bool(5) == true", DATA)
    assert reference[1] == "BoolType(False)"
    assert native[1] == "BoolType(True)"

"""The errors of the native CEL engine.

cel-python, the reference engine, knows three kinds of failure, and the native engine
keeps them apart because CEL's logic treats them differently:

- `CelError`: a CEL error *value* (cel-python returns a `CELEvalError`). `&&`, `||`,
  `?:`, `has()` and the `all()`/`exists()` macros absorb it as CEL specifies.
- `RaisedError`: a CEL error that cel-python *raises* out of the body of `map()`,
  `filter()` or `exists_one()`. Only the body of an `all()` or `exists()` turns it back
  into a value; `&&` and `||` do not absorb it (a cel-python deviation from the spec).
- `HostError`: a Python exception escaping cel-python's evaluator (a macro over null:
  "TypeError: 'NoneType' object is not iterable"). Nothing absorbs it. `BudgetError`,
  an evaluation that exceeds its budget, is one too.

All are `EvalError`s: callers catch that one class; its text is the message that
cel-python gives for the same failure through `checker.cel`.
"""

from __future__ import annotations

from collections.abc import Callable


class CompileError(Exception):
    """An expression that does not compile; line and column are within the expression."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class EvalError(Exception):
    """An expression that failed on one entity; `str(e)` is the message."""


class CelError(EvalError):
    """A CEL error value. The message may be formatted lazily: most error values are
    absorbed by `&&` or `||` and never shown, and some messages print whole values."""

    def __init__(self, message: str = "", lazy: Callable[[], str] | None = None) -> None:
        super().__init__(message)
        self._lazy = lazy

    @property
    def message(self) -> str:
        if self._lazy is not None:
            self.args = (self._lazy(),)
            self._lazy = None
        return str(self.args[0]) if self.args else ""

    def __str__(self) -> str:
        return self.message

    def copy(self) -> CelError:
        """A fresh exception to raise again (raising one object twice grows its
        traceback)."""
        return CelError(self.message)


class RaisedError(EvalError):
    """A CEL error raised out of a `map()`, `filter()` or `exists_one()` body."""


class HostError(EvalError):
    """A Python error escaping cel-python's evaluator: `kind` is the exception class
    (TypeError, ValueError, ...) and `str(e)` is `kind: detail`, as checker.cel shows
    it. Two places in cel-python catch some of these on the way out: a `?:` branch
    (TypeError) and a map literal (TypeError, ValueError)."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


class BudgetError(EvalError):
    """The evaluation went over its budget of steps or sizes. Nothing absorbs it."""

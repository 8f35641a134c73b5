"""Fatal errors: the checker cannot run as asked (exit code 2).

Per-file problems in a user's risks, controls or plans are findings, not exceptions;
these classes are for an unusable configuration: bad arguments, an invalid isms.yaml,
a rule file that does not compile, a shallow clone.
"""

from __future__ import annotations

from typing import TypeVar

E = TypeVar("E", bound=BaseException)


class FatalError(Exception):
    """The run cannot go on; the message says what to fix. Exit code 2."""

    exit_code = 2


class ConfigError(FatalError):
    """isms.yaml is missing, unreadable or invalid."""


class RuleError(FatalError):
    """A rule file cannot be read or one of its expressions does not compile."""


class UsageError(FatalError):
    """The command line asks for something that cannot be done."""


def detached(error: E) -> E:
    """`error`, to be kept as a value, without its traceback and the exception it was
    raised while handling: their frames would hold what they reference (a CEL
    activation, and so a whole model) in a reference cycle that only Python's cyclic
    collector frees, after the run has paid for keeping it."""
    error.__traceback__ = error.__context__ = error.__cause__ = None
    return error

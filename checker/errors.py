"""Fatal errors: the checker cannot run as asked (exit code 2).

Per-file problems in a user's risks, controls or plans are findings, not exceptions;
these classes are for an unusable configuration: bad arguments, an invalid isms.yaml,
a rule file that does not compile, a shallow clone.
"""

from __future__ import annotations


class FatalError(Exception):
    """The run cannot go on; the message says what to fix. Exit code 2."""

    exit_code = 2


class ConfigError(FatalError):
    """isms.yaml is missing, unreadable or invalid."""


class RuleError(FatalError):
    """A rule file cannot be read or one of its expressions does not compile."""


class UsageError(FatalError):
    """The command line asks for something that cannot be done."""

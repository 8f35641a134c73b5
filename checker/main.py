"""`isms-check`: builds the parser from the COMMANDS table, dispatches, and is the one
place that maps exceptions to exit codes (pre-commit's main.py and error_handler.py).

Exit codes: what the command returns (0 clean, 1 findings); 2 when the checker cannot run
as asked (FatalError, bad arguments); 3 for an internal error (a bug: a short message,
the traceback with --debug); 130 on Ctrl-C; 1, silently, when the reader of stdout goes
away (`isms-check rules | head`), as Python's own recipe for SIGPIPE does.

`check` is the default command: `isms-check` alone checks `.`, and `isms-check PATH` (an
existing file or folder) means `isms-check check PATH`; any other first word that is not
a command is an error, not a path that does not exist.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from checker import __version__
from checker.commands import (
    Command,
    catalog,
    check,
    completion,
    explain,
    export,
    import_,
    init,
    report,
    rules,
    schema,
    test,
)
from checker.errors import FatalError, UsageError
from checker.reporters.safe import console

DEFAULT = check.COMMAND
COMMANDS: dict[str, Command[Any]] = {
    c.name: c
    for c in (
        check.COMMAND,
        rules.COMMAND,
        explain.COMMAND,
        schema.COMMAND,
        test.COMMAND,
        report.COMMAND,
        init.COMMAND,
        catalog.COMMAND,
        import_.COMMAND,
        export.COMMAND,
        completion.COMMAND,
    )
}
TOP_LEVEL_FLAGS = ("--debug",)  # options of isms-check itself that may come first
DESCRIPTION = """\
Check an ISO/IEC 27001 ISMS kept as YAML in git: risk treatment, the Statement of
Applicability, treatment plans, review intervals."""
USAGE = """\
isms-check [--debug] [check] [PATH] [options]
       isms-check [--debug] COMMAND [ARGS]"""


def _debug_option(parser: argparse.ArgumentParser, default: Any) -> None:
    parser.add_argument(
        "--debug", action="store_true", default=default, help="show tracebacks of internal errors"
    )


def _default_command_help(subparser: argparse.ArgumentParser) -> str:
    """The default command's help without its usage line, for the top-level help: its
    options can be given without naming it, so `isms-check --help` shows them."""
    body = subparser.format_help().split("\n\n", 1)[1]
    return (
        f"{DEFAULT.name}, the default command (`isms-check [PATH] [options]` means\n"
        f"`isms-check {DEFAULT.name} [PATH] [options]`):\n\n{body}"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="isms-check",
        usage=USAGE,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"isms-check {__version__}")
    _debug_option(parser, False)
    sub = parser.add_subparsers(
        dest="command", title="commands", metavar="COMMAND", prog="isms-check"
    )
    for command in COMMANDS.values():
        subparser = sub.add_parser(
            command.name,
            help=command.help,
            description=command.description or None,
            epilog=command.epilog or None,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.configure(subparser)
        _debug_option(subparser, argparse.SUPPRESS)  # `isms-check PATH --debug` too
        if command is DEFAULT:
            parser.epilog = _default_command_help(subparser)
    return parser


def with_command(argv: Sequence[str]) -> list[str]:
    """`argv` with the command named: `check` inserted where the user left it out."""
    args = list(argv)
    i = 0
    while i < len(args) and args[i] in TOP_LEVEL_FLAGS:
        i += 1
    first = args[i] if i < len(args) else None
    if first in COMMANDS or first in ("-h", "--help", "--version"):
        return args
    if first is None or first.startswith("-") or Path(first).exists():
        return [*args[:i], DEFAULT.name, *args[i:]]
    raise UsageError(
        f"'{first}' is neither a command nor an existing file or folder. "
        f"Commands: {', '.join(COMMANDS)} (`isms-check --help` describes them)"
    )


def dispatch(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(with_command(argv))
    command: Command[Any] = COMMANDS[args.command]
    code = command.run(args)
    sys.stdout.flush()  # a closed pipe shows here, inside the guard, not at exit
    return code


def guard(call: Callable[[], int], debug: bool = False) -> int:
    """Runs `call` and maps what it raises to an exit code, with a message on stderr."""
    try:
        return call()
    except FatalError as e:
        sys.stderr.write(console(f"isms-check: error: {e}") + "\n")
        return e.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("isms-check: interrupted\n")
        return 130
    except BrokenPipeError:  # `isms-check rules | head`: the reader has all it wanted
        _silence_stdout()
        return 1
    except SystemExit as e:  # argparse: --help, --version, bad arguments
        if e.code is None:
            return 0
        return e.code if isinstance(e.code, int) else 2
    except Exception as e:
        if debug:
            traceback.print_exc()
        sys.stderr.write(
            console(f"isms-check: internal error: {type(e).__name__}: {e}") + "\n"
            "This is a bug in isms-check; run again with --debug for the traceback and report it.\n"
        )
        return 3


def _silence_stdout() -> None:
    """Points stdout at /dev/null, so that flushing it at exit raises no second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (captured output)
        pass


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    return guard(lambda: dispatch(argv), debug="--debug" in argv)


if __name__ == "__main__":
    sys.exit(main())

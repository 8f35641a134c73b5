"""The commands of `isms-check`, one module each (pre-commit's layout).

A command is data: its name, its one-line help, a function that adds its arguments to
an argparse parser, one that turns the parsed arguments into an options object, and one
that executes the options and returns the exit code. Parsing and executing stay apart,
so a command can be run and tested without argparse: `execute(Options(...))`.

Adding a command (init, test, report, import, export, catalog): a new module here that
defines COMMAND, plus one line in checker/main.py's COMMANDS table.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

OptionsT = TypeVar("OptionsT")


@dataclass(frozen=True)
class Command(Generic[OptionsT]):
    name: str
    help: str  # one line, shown in `isms-check --help`
    configure: Callable[[argparse.ArgumentParser], None]  # adds the command's arguments
    parse: Callable[[argparse.Namespace], OptionsT]  # arguments → options (or UsageError)
    execute: Callable[[OptionsT], int]  # options → exit code; stdout: output, stderr: notices
    description: str = ""  # above the arguments in `isms-check NAME --help` (kept as written)
    epilog: str = ""  # below them (kept as written)

    def run(self, args: argparse.Namespace) -> int:
        return self.execute(self.parse(args))

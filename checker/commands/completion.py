"""`isms-check completion bash|zsh|fish`: the shell completion script, generated from
this version's own parser (completion.py)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from checker.commands import Command
from checker.completion import SHELLS


@dataclass(frozen=True)
class CompletionOptions:
    shell: str


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("shell", choices=SHELLS, metavar="SHELL", help=", ".join(SHELLS))


def parse(args: argparse.Namespace) -> CompletionOptions:
    return CompletionOptions(args.shell)


def execute(options: CompletionOptions) -> int:
    from checker.completion import script
    from checker.main import build_parser
    from checker.policy import builtin_infos

    ids = [i.id for i in builtin_infos()]
    sys.stdout.write(script(options.shell, build_parser(), ids))
    return 0


COMMAND = Command(
    name="completion",
    help="print the shell completion script for bash, zsh or fish",
    epilog="""\
bash:  echo 'source <(isms-check completion bash)' >> ~/.bashrc
zsh:   isms-check completion zsh > "${fpath[1]}/_isms-check"   (then restart zsh)
fish:  isms-check completion fish > ~/.config/fish/completions/isms-check.fish""",
    configure=configure,
    parse=parse,
    execute=execute,
)

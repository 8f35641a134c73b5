"""`isms-check rules [PATH]`: every rule with its id, severity, title and references."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from checker.commands import Command
from checker.findings import RuleInfo
from checker.reporters.safe import console, json_text


@dataclass(frozen=True)
class RulesOptions:
    path: Path | None = None  # an ISMS, to include its own rules; None: the built-in ones
    format: str = "text"  # text | json


def rule_infos(path: Path | None) -> list[RuleInfo]:
    """The built-in rules, or those that judge the ISMS at `path` (its own included)."""
    if path is not None:
        from checker.policy import prepare

        return list(prepare(path).infos)
    from checker.policy import builtin_infos

    return list(builtin_infos())


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path", nargs="?", default=None, metavar="PATH", help="an ISMS, to include its own rules"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")


def parse(args: argparse.Namespace) -> RulesOptions:
    return RulesOptions(Path(args.path) if args.path is not None else None, args.format)


def execute(options: RulesOptions) -> int:
    infos = rule_infos(options.path)
    if options.format == "json":
        rows = [
            {"id": i.id, "severity": i.severity.value, "title": i.title, "resource": i.resource,
             "references": list(i.references), "source": i.source}
            for i in infos
        ]  # fmt: skip
        sys.stdout.write(json_text(rows))
        return 0
    width = max(len(i.id) for i in infos)
    for i in infos:
        refs = f"  [{'; '.join(i.references)}]" if i.references else ""
        sys.stdout.write(console(f"{i.id:<{width}}  {i.severity.value:<7}  {i.title}{refs}") + "\n")
    return 0


COMMAND = Command(
    name="rules",
    help="list every rule: id, severity, title, references",
    configure=configure,
    parse=parse,
    execute=execute,
)

"""`isms-check schema [KIND]`: the JSON Schemas, for editors' YAML language servers.

Without a kind it lists the kinds, one per line with the schema's own description, so
that the first thing a user sees is what to ask for; with one it prints that schema as
one self-contained document (schema.bundled_schema: the shared definitions copied in),
which an editor can use without the network or a second file.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass

from checker.commands import Command
from checker.kinds import DOCUMENTS as KINDS


@dataclass(frozen=True)
class SchemaOptions:
    kind: str | None = None  # None: list the kinds


def kinds() -> str:
    from checker.schema import load_schema

    width = max(len(kind) for kind in KINDS)
    lines = [f"{kind:<{width}}  {load_schema(kind).get('description', '')}" for kind in KINDS]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "kind", nargs="?", choices=KINDS, metavar="KIND",
        help=f"one of {', '.join(KINDS)}; without it, the list of kinds",
    )  # fmt: skip


def parse(args: argparse.Namespace) -> SchemaOptions:
    return SchemaOptions(args.kind)


def execute(options: SchemaOptions) -> int:
    if options.kind is None:
        sys.stdout.write(kinds())
    else:
        from checker.schema import bundled_schema

        document = bundled_schema(options.kind)
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return 0


COMMAND = Command(
    name="schema",
    help="print a JSON Schema (for editors' YAML language servers); without KIND, the kinds",
    configure=configure,
    parse=parse,
    execute=execute,
)

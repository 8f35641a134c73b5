"""`isms-check catalog [PATH] [--format text|json|csv]`: the control catalog: each
control's id, theme and title. Without PATH the built-in ISO/IEC 27001:2022 Annex A
catalog; with PATH the catalog that ISMS's isms.yaml names (built-in or its own file)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from checker.commands import Command
from checker.reporters.safe import console, json_text

BUILTIN = "iso27001:2022"


@dataclass(frozen=True)
class CatalogOptions:
    path: Path | None = None
    format: str = "text"  # text | json | csv


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        nargs="?",
        default=None,
        metavar="PATH",
        help="an ISMS, for the catalog its isms.yaml names",
    )
    parser.add_argument("--format", choices=("text", "json", "csv"), default="text")


def parse(args: argparse.Namespace) -> CatalogOptions:
    return CatalogOptions(Path(args.path) if args.path is not None else None, args.format)


def execute(options: CatalogOptions) -> int:
    from checker.errors import ConfigError
    from checker.loader import DisplayPaths
    from checker.methodology import find_root, load_catalog, load_methodology
    from checker.tree import DiskTree

    if options.path is None:
        controls = load_catalog(DiskTree(Path(".")), BUILTIN, ConfigError)
    else:
        root = find_root(options.path)
        controls = load_methodology(DiskTree(root), DisplayPaths.for_root(root)).catalog
    if options.format == "json":
        entries = [{"id": c.id, "theme": c.theme, "title": c.title} for c in controls]
        sys.stdout.write(json_text(entries))
    elif options.format == "csv":
        from checker.tabular import csv_text, for_terminal

        text = csv_text(["id", "theme", "title"], [[c.id, c.theme, c.title] for c in controls])
        sys.stdout.write(for_terminal(text) if sys.stdout.isatty() else text)
    else:
        width = max((len(c.id) for c in controls), default=0)
        theme = max((len(c.theme) for c in controls), default=0)
        for c in controls:
            sys.stdout.write(console(f"{c.id:<{width}}  {c.theme:<{theme}}  {c.title}") + "\n")
    return 0


COMMAND = Command(
    name="catalog",
    help="list the control catalog: id, theme, title",
    configure=configure,
    parse=parse,
    execute=execute,
)

"""`isms-check init [DIR] [--organization NAME] [--force]`: a complete starting ISMS
(scaffold.py lays out the files; this command writes them, never over an existing file
unless --force)."""

from __future__ import annotations

import argparse
import datetime
import sys
from dataclasses import dataclass, field
from pathlib import Path

from checker.commands import Command
from checker.errors import UsageError
from checker.options import utc_today
from checker.reporters.safe import console

DEFAULT_ORGANIZATION = "Example Ltd"


@dataclass(frozen=True)
class InitOptions:
    folder: Path = Path(".")
    organization: str = DEFAULT_ORGANIZATION
    force: bool = False
    today: datetime.date = field(default_factory=utc_today)


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: write YYYY-MM-DD") from None


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folder",
        nargs="?",
        default=".",
        metavar="DIR",
        help="where to create the ISMS (default: .; created when missing)",
    )
    parser.add_argument(
        "--organization",
        default=DEFAULT_ORGANIZATION,
        metavar="NAME",
        help=f"the organisation's name (default: {DEFAULT_ORGANIZATION})",
    )
    parser.add_argument("--force", action="store_true", help="replace files that exist")
    parser.add_argument(
        "--today",
        type=_date,
        metavar="YYYY-MM-DD",
        help="the date written as `established` and in the examples (default: today, UTC)",
    )


def parse(args: argparse.Namespace) -> InitOptions:
    if not args.organization.strip() or any(ord(c) < 32 for c in args.organization):
        raise UsageError("--organization: give a name on one line")
    return InitOptions(
        Path(args.folder), args.organization.strip(), args.force, args.today or utc_today()
    )


def execute(options: InitOptions) -> int:
    from checker import scaffold
    from checker.errors import ConfigError
    from checker.methodology import load_catalog
    from checker.outputs import write_atomic
    from checker.tree import DiskTree

    folder = options.folder
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: not a folder")
    catalog = load_catalog(DiskTree(Path(".")), "iso27001:2022", ConfigError)
    planned = scaffold.files(options.organization, options.today, catalog)
    existing = [f.rel for f in planned if (folder / f.rel).exists()]
    if existing and not options.force:
        shown = ", ".join(existing[:10]) + (
            f" and {len(existing) - 10} more" if len(existing) > 10 else ""
        )
        raise UsageError(f"{folder}: these files exist already: {shown} (--force replaces them)")
    for f in planned:
        write_atomic(folder / f.rel, f.text)
    soa = [f for f in planned if f.rel.startswith("controls/")]
    rows = [
        ("isms.yaml", "methodology (5x5), appetite, review intervals, check settings"),
        ("controls/", f"the SoA: {len(catalog)} controls in {len(soa)} files, to complete"),
        ("risks/, plans/, objectives/", "one example each"),
        ("policies/", "a custom rule (org.yaml) and its test (org.test.yaml)"),
    ]
    out = sys.stdout
    out.write(console(f"Created an ISMS for {options.organization} in {folder}:") + "\n")
    out.writelines(f"  {name:<27} {what}\n" for name, what in rows)
    out.write("  .pre-commit-config.yaml, .github/workflows/isms.yml, README.md, .schemas/\n")
    where = f"{folder} " if str(folder) != "." else ""
    out.write(console(f"Next: isms-check {where}(exit 0), then replace the examples") + "\n")
    return 0


COMMAND = Command(
    name="init",
    help="create a new ISMS: isms.yaml, the full SoA, examples, CI and pre-commit set-up",
    configure=configure,
    parse=parse,
    execute=execute,
)

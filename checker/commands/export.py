"""`isms-check export KIND [PATH] --format csv|xlsx -o FILE`: one kind's records as a
spreadsheet (exporter.py builds the sheet, tabular.py writes it)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from checker.commands import Command
from checker.errors import UsageError
from checker.exporter import EXPORTABLE
from checker.reporters.safe import console


@dataclass(frozen=True)
class ExportOptions:
    kind: str
    path: Path = Path(".")
    format: str | None = None  # csv | xlsx; None: from the output file's suffix
    output: Path | None = None  # None: stdout (CSV only)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "kind", choices=EXPORTABLE, metavar="KIND", help=f"what to export: {', '.join(EXPORTABLE)}"
    )
    parser.add_argument(
        "path",
        nargs="?",
        default=".",
        metavar="PATH",
        help="the ISMS root or a folder in it (default: .)",
    )
    parser.add_argument(
        "--format",
        choices=("csv", "xlsx"),
        default=None,
        help="csv or xlsx (default: from the -o file's suffix, else csv)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write to FILE (atomically); without it, CSV to stdout",
    )


def parse(args: argparse.Namespace) -> ExportOptions:
    fmt = args.format
    if fmt is None and args.output is not None:
        suffix = args.output.suffix.lower()
        fmt = suffix[1:] if suffix in (".csv", ".xlsx") else "csv"
    fmt = fmt or "csv"
    if fmt == "xlsx" and args.output is None:
        raise UsageError("--format xlsx needs -o FILE: a workbook is not written to a terminal")
    if args.output is not None and args.output.suffix.lower() not in (f".{fmt}",):
        raise UsageError(f"-o {args.output}: a {fmt} file should end in .{fmt}")
    return ExportOptions(args.kind, Path(args.path), fmt, args.output)


def execute(options: ExportOptions) -> int:
    from checker import tabular
    from checker.exporter import kind_named, sheet

    table = sheet(options.path, options.kind, dates=options.format == "xlsx")
    if table.lossy:
        sys.stderr.write(
            console(
                "isms-check: notice: records the sheet cannot give back exactly (x- keys "
                f"inside a field, values of mixed shapes): {', '.join(table.lossy)}"
            )
            + "\n"
        )
    if table.invalid:
        sys.stderr.write(
            console(
                "isms-check: notice: records that break their schema (isms-check check "
                f"says how); values of the wrong shape may be missing: {', '.join(table.invalid)}"
            )
            + "\n"
        )
    if options.output is None:
        text = tabular.csv_text(table.headings, table.rows)
        sys.stdout.write(tabular.for_terminal(text) if sys.stdout.isatty() else text)
        return 0
    tabular.write(options.output, table.headings, table.rows)
    kind = kind_named(options.kind)
    noun = kind.plural if table.count != 1 else kind.name
    sys.stderr.write(console(f"isms-check: wrote {table.count} {noun} to {options.output}") + "\n")
    return 0


COMMAND = Command(
    name="export",
    help="write risks, controls, plans, actions, ... as a CSV or XLSX spreadsheet",
    description="""\
Write one kind of record as a spreadsheet: one row per record (a plan: one row per
action, the plan's columns repeated). `isms-check import` reads it back.""",
    configure=configure,
    parse=parse,
    execute=execute,
)

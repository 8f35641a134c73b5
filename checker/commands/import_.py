"""`isms-check import KIND FILE`: risks, controls or plans from a CSV or XLSX register,
written as YAML files of the ISMS (importer.py converts and validates, writing.py lays
out and writes)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from checker.commands import Command
from checker.errors import UsageError
from checker.reporters.safe import console

IMPORTABLE = ("risks", "controls", "plans")


@dataclass(frozen=True)
class ImportOptions:
    kind: str
    file: Path
    sheet: str | None = None
    maps: tuple[tuple[str, str], ...] = ()  # (field path, heading)
    out: Path | None = None  # the ISMS root; None: the one holding ., else .
    dry_run: bool = False
    skip_invalid: bool = False
    force: bool = False
    date_format: str | None = None


def _mapping(text: str) -> tuple[str, str]:
    path, sep, heading = text.partition("=")
    if not sep or not path.strip() or not heading.strip():
        raise argparse.ArgumentTypeError(f"'{text}' is not FIELD=HEADING (e.g. owner=Accountable)")
    return path.strip(), heading.strip()


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "kind",
        choices=IMPORTABLE,
        metavar="KIND",
        help=f"what the file holds: {', '.join(IMPORTABLE)}",
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="a .csv or .xlsx file")
    parser.add_argument("--sheet", metavar="NAME", help="the XLSX sheet (default: the first)")
    parser.add_argument(
        "--map",
        type=_mapping,
        action="append",
        default=[],
        dest="maps",
        metavar="FIELD=HEADING",
        help="read FIELD (e.g. inherent.likelihood) from the column HEADING",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="the ISMS root to write into (default: the ISMS holding ., else .)",
    )
    parser.add_argument(
        "--date-format",
        metavar="FORMAT",
        help="how text dates are written, as for strptime (e.g. %%d/%%m/%%Y)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="check every row and show what would be written; write nothing",
    )
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help="write the valid rows even when others are invalid",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace risk and plan files that exist; update the SoA entries with the "
        "imported ids in control files that exist",
    )


def parse(args: argparse.Namespace) -> ImportOptions:
    return ImportOptions(
        kind=args.kind,
        file=args.file,
        sheet=args.sheet,
        maps=tuple(args.maps),
        out=args.out,
        dry_run=args.dry_run,
        skip_invalid=args.skip_invalid,
        force=args.force,
        date_format=args.date_format,
    )


def execute(options: ImportOptions) -> int:
    from checker import importer, tabular, writing

    target = writing.target(options.out)
    kind = options.kind.rstrip("s")
    table = tabular.read(options.file, options.sheet, importer.heading_score(kind))
    settings = importer.Settings(
        maps=dict(options.maps),
        date_format=options.date_format,
        scales=target.scale_labels,
        scale_values=target.scale_values,
    )
    result = importer.convert(kind, table, settings)
    name = options.file.name
    for heading in result.ignored:
        note = f'isms-check: notice: column "{heading}" is not a field: ignored'
        sys.stderr.write(console(f"{note} (--map FIELD=HEADING reads it)") + "\n")
    for problem in result.problems:
        sys.stderr.write(console(f"isms-check: error: {problem.text(name)}") + "\n")
    bad_rows = len({p.row for p in result.problems})
    if result.problems and not options.skip_invalid:
        sys.stderr.write(
            f"isms-check: {bad_rows} invalid row{'s' if bad_rows != 1 else ''}: nothing written "
            "(fix them, or --skip-invalid writes the valid ones)\n"
        )
        return 1
    existing = [
        f.rel
        for f in writing.layout(target, options.kind, result.records, source=name)
        if (target.root / f.rel).exists()
    ]
    if existing and not options.force and not options.dry_run:
        how = (
            "replaces the entries with the same ids"
            if options.kind == "controls"
            else "replaces them"
        )
        raise UsageError(f"these files exist already: {', '.join(existing)} (--force {how})")
    files = writing.layout(target, options.kind, result.records, name, merge=result.fields)
    writing.check_duplicates(target, options.kind, files)
    for f in files:
        if options.dry_run:
            exists = f.rel in existing
            verb = "would replace" if exists else "would write"
            note = "; it exists: needs --force" if exists and not options.force else ""
            sys.stdout.write(console(f"{verb} {f.rel} ({f.summary}{note})") + "\n")
        else:
            writing.write(target.root / f.rel, f.text)
            sys.stdout.write(console(f"wrote {f.rel} ({f.summary})") + "\n")
    count = len(result.records)
    noun = options.kind if count != 1 else options.kind.rstrip("s")
    rows = ", ".join(str(r) for r in sorted({p.row for p in result.problems}))
    skipped = f"; skipped the records of rows {rows}" if result.problems else ""
    sys.stdout.write(f"{count} {noun} from {name}{skipped}\n")
    return 0


COMMAND = Command(
    name="import",
    help="read risks, controls or plans from a CSV or XLSX register into YAML files",
    description="""\
Read risks, controls or plans from a spreadsheet and write them as ISMS files: risks
and plans one per file, controls one file per catalog theme. Every row is validated as
`isms-check check` would; nothing is written unless every row converts.""",
    epilog="""\
The headings and values each field takes besides its own name are listed in
docs/format.md, "Spreadsheets: import and export".""",
    configure=configure,
    parse=parse,
    execute=execute,
)

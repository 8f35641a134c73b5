"""`isms-check report [PATH] --out DIR`: the register, the SoA, the plans, heat maps,
the management-system records, posture over time and the check's findings as documents
(docs/format.md, `report`). Exit 0 once the files are written, whatever the findings
(a report is not a gate: `isms-check check` is); 2 when it cannot run as asked.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from dataclasses import dataclass, field
from pathlib import Path

from checker import options as run_options
from checker.cache import default_dir
from checker.commands import Command
from checker.commands.check import parse_date
from checker.errors import UsageError
from checker.outputs import ProgressLine
from checker.reporters.safe import console

FORMATS = ("html", "md", "csv", "xlsx")  # checker.report.FORMATS, without importing it
BY = ("month", "commit")


@dataclass(frozen=True)
class ReportOptions:
    out: Path
    path: Path = Path(".")
    today: datetime.date = field(default_factory=run_options.utc_today)
    formats: tuple[str, ...] = FORMATS
    by: str = "month"
    engine: str = "auto"
    cache_dir: Path | None = None
    progress: ProgressLine | None = None


def _formats(text: str) -> tuple[str, ...]:
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"'{text}': write a comma-separated list of {', '.join(FORMATS)}"
        )
    return tuple(n for n in FORMATS if n in names)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path", nargs="?", default=".", metavar="PATH",
        help="the ISMS root or a folder in it (default: .)",
    )  # fmt: skip
    parser.add_argument(
        "--out", type=Path, required=True, metavar="DIR",
        help="the folder to write the report into (created if missing)",
    )  # fmt: skip
    parser.add_argument(
        "--today", type=parse_date, metavar="YYYY-MM-DD",
        help="the date to report as of (default: today, UTC); the same repository and "
        "date give the same bytes",
    )  # fmt: skip
    parser.add_argument(
        "--format", type=_formats, default=FORMATS, metavar="LIST",
        help="comma-separated: html (index.html), md (report.md), csv (one file per "
        "table), xlsx (report.xlsx); default: all",
    )  # fmt: skip
    parser.add_argument(
        "--by", choices=BY, default="month",
        help="posture over time: one point per month (default) or per commit",
    )  # fmt: skip
    parser.add_argument(
        "--engine", choices=("auto", *run_options.ENGINES), default="auto",
        help="the CEL engine (as for check)",
    )  # fmt: skip
    parser.add_argument(
        "--no-cache", action="store_true",
        help="do not use or update the cache of checked files and compiled rules",
    )  # fmt: skip


def parse(args: argparse.Namespace) -> ReportOptions:
    return ReportOptions(
        out=args.out,
        path=Path(args.path),
        today=args.today or run_options.utc_today(),
        formats=args.format,
        by=args.by,
        engine=args.engine,
        cache_dir=None if args.no_cache else default_dir(),
        progress=ProgressLine(sys.stderr) if sys.stderr.isatty() else None,
    )


def _notice(text: str) -> None:
    sys.stderr.write(console(f"isms-check: notice: {text}") + "\n")


def execute(options: ReportOptions) -> int:
    from checker import engine, report
    from checker.cache import Cache
    from checker.cel import engine as cel_engine
    from checker.documents import Documents
    from checker.history import History
    from checker.loader import DisplayPaths
    from checker.methodology import find_root
    from checker.report.data import build
    from checker.timeline import timeline

    if options.out.exists() and not options.out.is_dir():
        raise UsageError(f"--out {options.out}: not a folder")
    run = run_options.Options(
        path=options.path,
        today=options.today,
        allow_shallow=True,  # a shallow clone is reported on, without posture over time
        engine=options.engine,
        cache_dir=options.cache_dir,
        progress=options.progress,
    )
    try:
        root = find_root(options.path)
        cache = Cache(options.cache_dir)
        try:
            checked_files = Documents(cache.store(f"documents {root}", prune=True))
            checked, model = engine.judge(run, checked_files)
            if options.progress is not None:
                options.progress("reading the history")
            documents = Documents(cache.store(f"timeline documents {root}", prune=True))
            # the files the check read: those of the newest point (the working tree's, if
            # committed), and of older ones where a file has not changed since
            documents.adopt(checked_files.used)
            history = timeline(
                History.open(root),
                DisplayPaths.for_root(root),
                options.today,
                cel_engine(options.engine, cache),
                documents,
                options.by,
            )
        finally:
            cache.save()
    finally:
        if options.progress is not None:
            options.progress.clear()
    for notice in checked.notices:
        _notice(notice)
    if history.note:
        _notice(history.note)
    data = build(checked, model, history)
    written = report.write(data, options.out, options.formats)
    sys.stderr.write(console(f"isms-check: wrote {len(written)} files to {options.out}") + "\n")
    return 0


COMMAND = Command(
    name="report",
    help="write the register, SoA, plans, heat maps and posture as documents",
    description="""\
Write documents for auditors and management into DIR: index.html (one self-contained
page, printable on A4), report.md, the tables as CSV files and report.xlsx. Posture over
time is read from git history (one point per month, or per commit with --by commit).""",
    configure=configure,
    parse=parse,
    execute=execute,
)

"""`isms-check test [PATH]`: runs the rule tests (*_test.yaml, *.test.yaml) under PATH,
by default the ISMS's policies folder; `--builtin` runs the built-in pack's own.

One line per test (PASS, FAIL or ERROR, with the reasons under it), then a summary;
`--junit FILE` writes them as JUnit XML. Exit 0 when every test passes, 1 when one
failed or errored, 2 when the files cannot be used (docs/format.md, "Rule tests").
"""

from __future__ import annotations

import argparse
import datetime
import sys
from dataclasses import dataclass
from pathlib import Path

from checker.commands import Command
from checker.commands.check import parse_date
from checker.errors import UsageError
from checker.options import utc_today
from checker.reporters.safe import console


@dataclass(frozen=True)
class TestOptions:
    path: Path | None = None  # None: the ISMS's policies folder
    builtin: bool = False  # the built-in pack's tests instead
    junit: Path | None = None
    today: datetime.date | None = None  # for tests that give no `today`


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        nargs="?",
        default=None,
        metavar="PATH",
        help="a rule test file, or a folder to search (default: the ISMS's policies folder)",
    )
    parser.add_argument(
        "--builtin", action="store_true", help="run the built-in rules' own tests instead"
    )
    parser.add_argument("--junit", metavar="FILE", help="also write the results as JUnit XML")
    parser.add_argument(
        "--today",
        type=parse_date,
        metavar="YYYY-MM-DD",
        help="the date for tests that set no `today` (default: today, UTC)",
    )


def parse(args: argparse.Namespace) -> TestOptions:
    if args.builtin and args.path is not None:
        raise UsageError("test: give a PATH or --builtin, not both")
    return TestOptions(
        path=Path(args.path) if args.path is not None else None,
        builtin=args.builtin,
        junit=Path(args.junit) if args.junit else None,
        today=args.today,
    )


def execute(options: TestOptions) -> int:
    from checker import ruletests
    from checker.cache import Cache, default_dir
    from checker.outputs import write_atomic
    from checker.reporters.ruletests import junit, text

    cache = Cache(default_dir())
    try:
        if options.builtin:
            suite = ruletests.builtin_suite(cache)
        else:
            suite = ruletests.suite_at(options.path, cache=cache)
    finally:
        cache.save()
    if not suite.tests:
        where = "the built-in pack" if options.builtin else str(options.path or "policies/")
        raise UsageError(
            f"no rule tests (*_test.yaml, *.test.yaml) found in {where}: "
            "docs/format.md, 'Rule tests', shows how to write one"
        )
    results = ruletests.run_tests(suite.tests, suite.bench, options.today or utc_today())
    if options.junit is not None:
        write_atomic(options.junit, junit(results))
    sys.stdout.write(console(text(results)))
    return 0 if all(r.status is ruletests.Status.PASS for r in results) else 1


COMMAND = Command(
    name="test",
    help="run the rule tests: given entities, the ids a rule must fail and pass",
    configure=configure,
    parse=parse,
    execute=execute,
    description=__doc__ or "",
)

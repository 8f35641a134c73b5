"""`isms-check [check] [PATH]`: judge the ISMS, write the reports, exit 0 or 1.

Parse, then execute: `parse` turns the arguments and the environment (a terminal for
colour, NO_COLOR, the GitHub step-summary variables) into CheckOptions; `execute` runs
the engine and writes the reports (outputs.py) and reads nothing else.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from checker import options as run_options
from checker import settings
from checker.cache import default_dir
from checker.commands import Command
from checker.errors import UsageError
from checker.findings import FAIL_ON_CHOICES
from checker.outputs import (
    Outputs,
    ProgressLine,
    emit,
    github_link_base,
    step_summary_file,
)
from checker.reporters import FILE_FORMATS, REPORTERS, RenderOptions


@dataclass(frozen=True)
class CheckOptions:
    run: run_options.Options = field(default_factory=run_options.Options)
    outputs: Outputs = field(default_factory=Outputs)


def parse_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: write YYYY-MM-DD") from None


def _ids(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path", nargs="?", default=".", metavar="PATH",
        help="the ISMS root or a folder in it (default: .)",
    )  # fmt: skip
    parser.add_argument(
        "--format", choices=list(REPORTERS), default="text",
        help="what goes to stdout (default: text; see formats below)",
    )  # fmt: skip
    for name in FILE_FORMATS:
        parser.add_argument(
            f"--{name}", metavar="FILE", type=Path,
            help=f"also write the {name} report to FILE (atomically)",
        )  # fmt: skip
    parser.add_argument(
        "--fail-on", choices=FAIL_ON_CHOICES, default=None,
        help="lowest severity that fails the run (exit 1); default: isms.yaml's "
        "check.fail_on, else error",
    )  # fmt: skip
    parser.add_argument(
        "--today", type=parse_date, metavar="YYYY-MM-DD",
        help="the date to judge against (default: today, UTC)",
    )  # fmt: skip
    parser.add_argument(
        "--select", type=_ids, action="append", default=[], metavar="IDS",
        help="only these rule ids or prefixes, comma-separated (RT, SOA-00); "
        "replaces isms.yaml's check.select",
    )  # fmt: skip
    parser.add_argument(
        "--ignore", type=_ids, action="append", default=[], metavar="IDS",
        help="leave out these rule ids or prefixes; replaces isms.yaml's check.ignore",
    )  # fmt: skip
    parser.add_argument(
        "--base", metavar="REF",
        help="PR mode: also judge this commit; mark findings new or existing",
    )  # fmt: skip
    parser.add_argument(
        "--new-only", action="store_true", help="with --base: fail only on new findings"
    )
    parser.add_argument(
        "--policy-from", choices=("head", "base"), default=None,
        help="with --base: take rule files, waivers and the methodology from the base "
        "commit (base) or the checked tree (head); default: isms.yaml's check.policy_from, "
        "else base",
    )  # fmt: skip
    parser.add_argument(
        "--allow-shallow", action="store_true", help="run in a shallow clone, skipping GIT-* rules"
    )
    parser.add_argument(
        "--engine", choices=("auto", *run_options.ENGINES), default="auto",
        help="the CEL engine: native (compiled to Python; the default, auto) or "
        "cel-python (the reference interpreter, slower); both give the same findings",
    )  # fmt: skip
    parser.add_argument(
        "--no-cache", action="store_true",
        help="do not use or update the cache of checked files and compiled rules "
        "(kept in the user cache folder, never in the repository)",
    )  # fmt: skip


def parse(
    args: argparse.Namespace, env: Mapping[str, str] | None = None, tty: bool | None = None
) -> CheckOptions:
    """The options of a run; `env` and `tty` default to this process's environment and
    whether stdout is a terminal."""
    env = os.environ if env is None else env
    tty = sys.stdout.isatty() if tty is None else tty
    if (args.new_only or args.policy_from == "base") and not args.base:
        raise UsageError("--new-only and --policy-from base need --base REF (PR mode)")
    # flags, else isms.yaml's check: block, else the built-in defaults (settings.py)
    configured = settings.read(Path(args.path), args.base)
    select = tuple(i for group in args.select for i in group)
    ignore = tuple(i for group in args.ignore for i in group)
    policy_from = settings.choose(
        args.policy_from, configured.policy_from, settings.DEFAULT_POLICY_FROM
    )
    run = run_options.Options(
        path=Path(args.path),
        today=args.today or run_options.utc_today(),
        select=select or configured.select,
        ignore=ignore or configured.ignore,
        base=args.base,
        new_only=args.new_only,
        policy_from=policy_from if args.base else "head",
        allow_shallow=args.allow_shallow,
        engine=args.engine,
        cache_dir=None if args.no_cache else default_dir(),
        progress=ProgressLine(sys.stderr) if sys.stderr.isatty() else None,
    )
    outputs = Outputs(
        stdout=args.format,
        files=tuple((name, getattr(args, name)) for name in FILE_FORMATS if getattr(args, name)),
        render=RenderOptions(
            fail_on=settings.choose(args.fail_on, configured.fail_on, settings.DEFAULT_FAIL_ON),
            color=tty and not env.get("NO_COLOR"),
        ),
        step_summary=step_summary_file(env),
        summary_link_base=github_link_base(env),
    )
    return CheckOptions(run, outputs)


def execute(options: CheckOptions) -> int:
    from checker import engine

    try:
        report = engine.run(options.run)
    finally:
        if isinstance(options.run.progress, ProgressLine):
            options.run.progress.clear()
    emit(report, options.outputs)
    return report.exit_code(options.outputs.render.fail_on)


def formats() -> str:
    """The --format choices with their help, from the reporter registry."""
    width = max(len(name) for name in REPORTERS)
    return "formats:\n" + "".join(
        f"  {name:<{width}}  {reporter.help}\n" for name, reporter in REPORTERS.items()
    )


COMMAND = Command(
    name="check",
    help="check the ISMS at PATH (the default command)",
    description="""\
Check the ISMS at PATH (isms.yaml there or in a folder above). Exit 0 when no
finding reaches --fail-on, 1 when one does, 2 when the check cannot run as asked,
3 on an internal error.""",
    epilog=formats(),
    configure=configure,
    parse=parse,
    execute=execute,
)

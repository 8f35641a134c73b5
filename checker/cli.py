"""Command line: argparse → Options → engine → reporters. The one place that prints a
fatal error and chooses the exit code (0 clean, 1 findings, 2 cannot run, 3 bug, 130
interrupted)."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import tempfile
import textwrap
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from checker import __version__, engine
from checker.errors import FatalError, UsageError
from checker.findings import FAIL_ON_CHOICES, Report, RuleInfo
from checker.reporters import REPORTERS, markdown
from checker.schema import KINDS, load_schema

COMMANDS = ("check", "rules", "explain", "schema")
EXTRA_OUTPUTS = ("junit", "json", "sarif", "markdown")  # --junit FILE, --json FILE, ...


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: write YYYY-MM-DD") from None


def _ids(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="isms-check",
        description="Check an ISO/IEC 27001 ISMS kept as YAML files: risk treatment, "
        "Statement of Applicability, plans, review intervals.",
    )
    parser.add_argument("--version", action="version", version=f"isms-check {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command")

    check = sub.add_parser("check", help="check the ISMS at PATH (the default command)")
    check.add_argument("path", nargs="?", default=".", help="the ISMS root or a folder in it")
    formats = ", ".join(f"{name}: {r.help}" for name, r in REPORTERS.items())
    check.add_argument(
        "--format", choices=list(REPORTERS), default="text", help=f"stdout format ({formats})"
    )
    for name in EXTRA_OUTPUTS:
        check.add_argument(
            f"--{name}", metavar="FILE", type=Path, help=f"also write the {name} report to FILE"
        )
    check.add_argument(
        "--fail-on",
        choices=FAIL_ON_CHOICES,
        default="error",
        help="lowest severity that fails the run",
    )
    check.add_argument(
        "--today", type=_date, help="the date to judge against, YYYY-MM-DD (default: today, UTC)"
    )
    check.add_argument(
        "--select",
        type=_ids,
        action="append",
        default=[],
        help="only these rule ids or prefixes (comma-separated)",
    )
    check.add_argument(
        "--ignore",
        type=_ids,
        action="append",
        default=[],
        help="leave out these rule ids or prefixes",
    )
    check.add_argument(
        "--base",
        metavar="REF",
        help="PR mode: also evaluate this commit; mark findings new or existing",
    )
    check.add_argument(
        "--new-only", action="store_true", help="with --base: fail only on new findings"
    )
    check.add_argument(
        "--policy-from",
        choices=("head", "base"),
        default="head",
        help="with --base: take rule files, waivers and the methodology from the base commit",
    )
    check.add_argument(
        "--allow-shallow", action="store_true", help="run in a shallow clone, skipping GIT-* rules"
    )
    check.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )

    rules = sub.add_parser("rules", help="list every rule: id, severity, title, references")
    rules.add_argument("path", nargs="?", default=None, help="an ISMS, to include its own rules")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    explain = sub.add_parser(
        "explain", help="a rule's text, expression, references and remediation"
    )
    explain.add_argument("rule", help="a rule id, such as RT-002")
    explain.add_argument("path", nargs="?", default=None, help="an ISMS, to explain its own rules")
    schema = sub.add_parser(
        "schema", help="print a JSON Schema (for editors' YAML language servers)"
    )
    schema.add_argument(
        "kind", nargs="?", choices=KINDS, help="one kind; all of them when left out"
    )
    return parser


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    args = list(argv)
    first = next((a for a in args if not a.startswith("-")), None)
    if first not in COMMANDS and not any(a in ("-h", "--help", "--version") for a in args[:1]):
        args.insert(0, "check")
    return build_parser().parse_args(args)


def write_atomic(path: Path, text: str) -> None:
    """Writes via a temporary file in the same folder, so readers never see half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Outputs:
    stdout_format: str
    files: tuple[tuple[str, Path], ...]
    fail_on: str


def cmd_check(args: argparse.Namespace) -> int:
    if (args.new_only or args.policy_from == "base") and not args.base:
        raise UsageError("--new-only and --policy-from base need --base REF (PR mode)")
    options = engine.Options(
        path=Path(args.path),
        today=args.today or engine.utc_today(),
        select=tuple(i for group in args.select for i in group),
        ignore=tuple(i for group in args.ignore for i in group),
        base=args.base,
        new_only=args.new_only,
        policy_from=args.policy_from,
        allow_shallow=args.allow_shallow,
    )
    report = engine.run(options)
    for notice in report.notices:
        sys.stderr.write(f"isms-check: notice: {notice}\n")
    outputs = Outputs(
        args.format,
        tuple((name, getattr(args, name)) for name in EXTRA_OUTPUTS if getattr(args, name)),
        args.fail_on,
    )
    emit(report, outputs)
    return report.exit_code(args.fail_on)


def emit(report: Report, outputs: Outputs) -> None:
    for name, path in outputs.files:
        write_atomic(path, REPORTERS[name].render(report, outputs.fail_on, False))
    color = (
        outputs.stdout_format == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    )
    sys.stdout.write(REPORTERS[outputs.stdout_format].render(report, outputs.fail_on, color))
    if outputs.stdout_format == "github":
        append_step_summary(report, outputs.fail_on)


def _blob_url(env: Mapping[str, str]) -> str:
    """The URL prefix of the checked-out commit's files on GitHub, so that the step
    summary's links resolve (relative links do not on a run's summary page)."""
    parts = [env.get(k, "") for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA")]
    return f"{parts[0]}/{parts[1]}/blob/{parts[2]}/" if all(parts) else ""


def append_step_summary(report: Report, fail_on: str) -> None:
    """--format github: appends the Markdown summary to $GITHUB_STEP_SUMMARY when it is set
    (append, never truncate: other steps' tools write there too)."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    text = markdown.render(report, fail_on, False, link_base=_blob_url(os.environ))
    try:
        with open(target, "a", encoding="utf-8", newline="\n") as f:
            f.write(("\n" if f.tell() else "") + text)
    except OSError as e:
        sys.stderr.write(f"isms-check: warning: could not append the summary to {target}: {e}\n")


def _rule_infos(path: str | None) -> list[RuleInfo]:
    if path is not None:
        return list(engine.prepare(Path(path)).infos)
    return list(engine.builtin_infos())


def cmd_rules(args: argparse.Namespace) -> int:
    infos = _rule_infos(args.path)
    if args.format == "json":
        rows = [
            {"id": i.id, "severity": i.severity.value, "title": i.title, "resource": i.resource,
             "references": list(i.references), "source": i.source}
            for i in infos
        ]  # fmt: skip
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return 0
    width = max(len(i.id) for i in infos)
    for i in infos:
        refs = f"  [{'; '.join(i.references)}]" if i.references else ""
        sys.stdout.write(f"{i.id:<{width}}  {i.severity.value:<7}  {i.title}{refs}\n")
    return 0


def _prose(text: str) -> str:
    return textwrap.fill(
        " ".join(text.split()), width=88, initial_indent="  ", subsequent_indent="  "
    )


def _code(label: str, expression: str) -> str:
    """An expression under a label; long folded lines break before && and ||."""
    lines = []
    for line in expression.strip().splitlines():
        if len(line) > 80:
            line = line.replace(" && ", "\n  && ").replace(" || ", "\n  || ")
        lines += line.splitlines()
    return "\n".join([label + lines[0], *(" " * len(label) + ln for ln in lines[1:])])


def cmd_explain(args: argparse.Namespace) -> int:
    infos = {i.id: i for i in _rule_infos(args.path)}
    info = infos.get(args.rule.upper())
    if info is None:
        raise UsageError(f"no rule {args.rule}: `isms-check rules` lists them")
    sections = [
        f"{info.id}: {info.title}",
        f"severity: {info.severity.value}    resource: {info.resource}",
    ]
    sections += ["", "What it checks", _prose(info.description or info.title)]
    if info.check:
        sections += ["", "Expression (CEL)"]
        if info.when:
            sections.append(_code("  when:  ", info.when))
        sections.append(_code("  check: ", info.check))
    if info.references:
        sections += ["", "Why it matters", *(f"  {ref}" for ref in info.references)]
    if info.remediation:
        sections += ["", "How to fix it", _prose(info.remediation)]
    if info.example:
        sections += ["", "Example", *("  " + ln for ln in info.example.rstrip().splitlines())]
    sections += ["", f"defined in: {info.source}"]
    sys.stdout.write("\n".join(sections) + "\n")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    doc = load_schema(args.kind) if args.kind else {k: load_schema(k) for k in KINDS}
    sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    return 0


HANDLERS = {"check": cmd_check, "rules": cmd_rules, "explain": cmd_explain, "schema": cmd_schema}


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in argv
    try:
        args = parse_args(argv)
        return HANDLERS[args.command](args)
    except FatalError as e:
        sys.stderr.write(f"isms-check: error: {e}\n")
        return e.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("isms-check: interrupted\n")
        return 130
    except SystemExit as e:  # argparse: --help, --version, bad arguments
        return e.code if isinstance(e.code, int) else 2
    except Exception as e:
        if debug:
            traceback.print_exc()
        sys.stderr.write(
            f"isms-check: internal error: {type(e).__name__}: {e}\n"
            "This is a bug in isms-check; run again with --debug for the traceback and report it.\n"
        )
        return 3

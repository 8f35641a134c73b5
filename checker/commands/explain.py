"""`isms-check explain RULE [PATH]`: what a rule checks, why it matters (the ISO
clauses), its CEL expression, how to fix a finding, and an example (ruff's rule pages)."""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from checker.commands import Command
from checker.commands.rules import rule_set
from checker.errors import UsageError
from checker.findings import RuleInfo
from checker.reporters.safe import console
from checker.ruletests import RuleTest


@dataclass(frozen=True)
class ExplainOptions:
    rule: str
    path: Path | None = None  # an ISMS, to explain its own rules too


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


MAX_TESTS_SHOWN = 3


def _tests(tests: Sequence[RuleTest]) -> list[str]:
    """The rule's tests as examples: the first few as written, a line for the rest."""
    out = ["", f"Tests ({len(tests)}; `isms-check test` runs them)"]
    for t in tests[:MAX_TESTS_SHOWN]:
        out += [f"  {t.file}:{t.line}", *("    " + ln for ln in t.text.splitlines())]
    out += [f"  {t.file}:{t.line}  {t.name}" for t in tests[MAX_TESTS_SHOWN:]]
    return out


def page(info: RuleInfo, tests: Sequence[RuleTest] = ()) -> str:
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
        if info.at:
            sections.append(_code("  at:    ", info.at))
    if info.references:
        sections += ["", "Why it matters", *(f"  {ref}" for ref in info.references)]
    if info.remediation:
        sections += ["", "How to fix it", _prose(info.remediation)]
    if info.example:
        sections += ["", "Example", *("  " + ln for ln in info.example.rstrip().splitlines())]
    if tests:
        sections += _tests(tests)
    sections += ["", f"defined in: {info.source}"]
    return "\n".join(sections) + "\n"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rule", metavar="RULE", help="a rule id, such as RT-002")
    parser.add_argument(
        "path", nargs="?", default=None, metavar="PATH", help="an ISMS, to explain its own rules"
    )


def parse(args: argparse.Namespace) -> ExplainOptions:
    return ExplainOptions(args.rule, Path(args.path) if args.path is not None else None)


def execute(options: ExplainOptions) -> int:
    rules = rule_set(options.path)
    infos = {i.id: i for i in rules.infos}
    info = infos.get(options.rule.upper())
    if info is None:
        raise UsageError(f"no rule {options.rule}: `isms-check rules` lists them")
    sys.stdout.write(console(page(info, rules.tests.get(info.id, ()))))
    return 0


COMMAND = Command(
    name="explain",
    help="a rule's text, expression, references and remediation",
    configure=configure,
    parse=parse,
    execute=execute,
)

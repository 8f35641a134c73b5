"""`isms-check rules [PATH] [--format text|json|markdown]`: every rule (the built-in ones,
and with PATH the ISMS's own) with its id, severity, resource, title, references and how
many rule tests it has. `--format markdown` is the rule reference of docs/rules.md."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from checker.commands import Command
from checker.findings import RuleInfo

if TYPE_CHECKING:
    from checker.ruletests import RuleTest

FORMATS = ("text", "json", "markdown")


@dataclass(frozen=True)
class RulesOptions:
    path: Path | None = None  # an ISMS, to include its own rules; None: the built-in ones
    format: str = "text"  # text | json | markdown


@dataclass(frozen=True)
class RuleSet:
    """Rules, and the rule tests of each (the built-in pack's and the ISMS's own)."""

    infos: tuple[RuleInfo, ...]
    tests: Mapping[str, tuple[RuleTest, ...]]


def rule_set(path: Path | None) -> RuleSet:
    """The built-in rules, or those that judge the ISMS at `path` (its own included),
    with their tests."""
    from checker import ruletests

    tests = ruletests.builtin_tests()
    if path is not None:
        from checker.methodology import find_root
        from checker.policy import prepare

        root = find_root(path)
        policy = prepare(root)
        infos = policy.infos
        tests += ruletests.isms_tests(root, policy)
    else:
        from checker.policy import builtin_infos

        infos = builtin_infos()
    by_rule: dict[str, list[RuleTest]] = {}
    for t in tests:
        by_rule.setdefault(t.rule, []).append(t)
    return RuleSet(tuple(infos), {k: tuple(v) for k, v in by_rule.items()})


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path", nargs="?", default=None, metavar="PATH", help="an ISMS, to include its own rules"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default), json, or markdown (the rule reference of docs/rules.md)",
    )


def parse(args: argparse.Namespace) -> RulesOptions:
    return RulesOptions(Path(args.path) if args.path is not None else None, args.format)


def execute(options: RulesOptions) -> int:
    from checker.reporters import rulebook

    rules = rule_set(options.path)
    render = {"text": rulebook.text, "json": rulebook.json, "markdown": rulebook.markdown}
    sys.stdout.write(render[options.format](rules.infos, rules.tests))
    return 0


COMMAND = Command(
    name="rules",
    help="list every rule: id, severity, resource, title, references, tests",
    configure=configure,
    parse=parse,
    execute=execute,
)

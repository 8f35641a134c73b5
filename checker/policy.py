"""What judges an ISMS: its methodology, the built-in and organisation rules, and the
tree the rule files and waivers come from (the working tree, or the base commit's)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from checker.cel import Engine, engine
from checker.celtypes import TypeCheck, check
from checker.errors import UsageError
from checker.findings import RuleInfo
from checker.loader import DisplayPaths
from checker.methodology import Methodology, find_root, load_methodology
from checker.rules import Rule, builtin_rule_files, load_rules, org_rule_files
from checker.schema import Validate, validate_text
from checker.structure import FILE_RULES, STRUCTURAL_RULES
from checker.tree import DiskTree, FileTree


@dataclass(frozen=True)
class Policy:
    """What judges: the methodology, the rules, and where the waivers come from."""

    methodology: Methodology
    rules: tuple[Rule, ...]
    infos: tuple[RuleInfo, ...]  # every rule, structural ones included, sorted by id
    tree: FileTree  # the tree the rule files and waivers were read from
    engine: Engine  # the CEL engine the rules were compiled by, and run by


def _infos(rules: Sequence[Rule]) -> tuple[RuleInfo, ...]:
    return tuple(sorted([*STRUCTURAL_RULES, *(r.info for r in rules)], key=lambda i: i.id))


def builtin_infos() -> tuple[RuleInfo, ...]:
    """Every built-in rule, without an ISMS (for `rules` and `explain`)."""
    return _infos(load_rules(builtin_rule_files(), engine()))


def load_policy(
    tree: FileTree,
    display: DisplayPaths,
    origin: str = "",
    cel: Engine | None = None,
    validate: Validate = validate_text,
    typecheck: TypeCheck = check,
) -> Policy:
    """The methodology and rules of the ISMS in `tree`, compiled by `cel` (default: the
    native engine); `origin` names a commit in messages; `validate` checks isms.yaml
    and the rule files against their schemas (documents.py remembers its results)."""
    m = load_methodology(tree, display, origin, validate)
    files = [*builtin_rule_files(), *org_rule_files(tree, m.paths["policies"], display)]
    cel = cel or engine()
    rules = tuple(load_rules(files, cel, validate, typecheck))
    return Policy(m, rules, _infos(rules), tree, cel)


def prepare(path: Path, cel: Engine | None = None, typecheck: TypeCheck = check) -> Policy:
    """The working tree's policy (for `rules`, `explain` and `test` on an ISMS)."""
    root = find_root(path)
    display = DisplayPaths.for_root(root)
    return load_policy(DiskTree(root, boundary=display.top), display, cel=cel, typecheck=typecheck)


def select_rules(
    infos: Sequence[RuleInfo], select: Sequence[str], ignore: Sequence[str]
) -> set[str]:
    """Rule ids kept by --select and --ignore (ids or prefixes); unknown ones are errors.
    ISMS-PARSE and ISMS-SCHEMA stay with any --select: an entity they reject is invisible
    to the selected rules, so leaving them out would pass it silently. --ignore can still
    leave them out, by name."""
    ids = [i.id for i in infos]
    for flag, prefixes in (("--select", select), ("--ignore", ignore)):
        for prefix in prefixes:
            if not any(i.startswith(prefix) for i in ids):
                raise UsageError(
                    f"{flag} {prefix}: no rule id starts with '{prefix}' (see isms-check rules)"
                )
    kept = {i for i in ids if not select or any(i.startswith(p) for p in select)}
    kept |= {i.id for i in FILE_RULES}  # a narrowed run still says which files it could not read
    return {i for i in kept if not any(i.startswith(p) for p in ignore)}

"""Runs the steps of a check in order and returns a Report. Never prints, never exits.

files → documents (loader) → schema findings (structure) → entities (model)
→ CEL results (evaluate) → waivers → Report. In PR mode the base commit's tree is
evaluated the same way, from git objects, and each finding is marked new or existing.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker import __version__
from checker.cel import Compiler
from checker.errors import ConfigError, FatalError, UsageError
from checker.evaluate import Evaluator
from checker.findings import Report, Result, RuleInfo
from checker.history import SHALLOW_MESSAGE, History, ShallowCloneError
from checker.loader import (
    DisplayPaths,
    ParsedFile,
    Source,
    YamlProblem,
    entities_of,
    load_entity_files,
    load_file,
)
from checker.methodology import Methodology, find_root, isms_file, load_methodology
from checker.model import Model, build_model, entity_id, link_base
from checker.rules import Rule, builtin_rule_files, load_rules, org_rule_files
from checker.structure import (
    STRUCTURAL_RULES,
    dup_results,
    parse_results,
    ref_results,
    schema_results,
)
from checker.tree import DiskTree, FileTree
from checker.waivers import apply_waivers

ENTITY_FOLDERS = (("risk", "risks"), ("control", "controls"), ("plan", "plans"))
REQUIRED_FOLDERS = {"risks", "controls"}
GIT_RULE_PREFIX = "GIT-"  # rules that need git history
METHODOLOGY_KEYS = ("appetite", "scales", "levels", "review")  # GIT-003 watches these


def _today() -> datetime.date:
    return datetime.datetime.now(datetime.timezone.utc).date()


@dataclass(frozen=True)
class Options:
    path: Path = Path(".")
    today: datetime.date = field(default_factory=_today)
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    base: str | None = None  # PR mode: the base commit
    new_only: bool = False
    policy_from: str = "head"  # head | base
    allow_shallow: bool = False


@dataclass(frozen=True)
class Policy:
    """What judges: the methodology, the rules, and where the waivers come from."""

    methodology: Methodology
    rules: tuple[Rule, ...]
    infos: tuple[RuleInfo, ...]  # every rule, structural ones included, sorted by id
    tree: FileTree  # the tree the rule files and waivers were read from


def _infos(rules: Sequence[Rule]) -> tuple[RuleInfo, ...]:
    return tuple(sorted([*STRUCTURAL_RULES, *(r.info for r in rules)], key=lambda i: i.id))


def builtin_infos() -> tuple[RuleInfo, ...]:
    """Every built-in rule, without an ISMS (for `rules` and `explain`)."""
    return _infos(load_rules(builtin_rule_files(), Compiler()))


def load_policy(tree: FileTree, display: DisplayPaths, origin: str = "") -> Policy:
    m = load_methodology(tree, display, origin)
    files = [*builtin_rule_files(), *org_rule_files(tree, m.paths["policies"], display)]
    rules = tuple(load_rules(files, Compiler()))
    return Policy(m, rules, _infos(rules), tree)


def prepare(path: Path) -> Policy:
    """The working tree's policy (for `rules` and `explain` on an ISMS)."""
    root = find_root(path)
    return load_policy(DiskTree(root), DisplayPaths.for_root(root))


def select_rules(
    infos: Sequence[RuleInfo], select: Sequence[str], ignore: Sequence[str]
) -> set[str]:
    """Rule ids kept by --select and --ignore (ids or prefixes); unknown ones are errors."""
    ids = [i.id for i in infos]
    for flag, prefixes in (("--select", select), ("--ignore", ignore)):
        for prefix in prefixes:
            if not any(i.startswith(prefix) for i in ids):
                raise UsageError(
                    f"{flag} {prefix}: no rule id starts with '{prefix}' (see isms-check rules)"
                )
    kept = {i for i in ids if not select or any(i.startswith(p) for p in select)}
    return {i for i in kept if not any(i.startswith(p) for p in ignore)}


@dataclass(frozen=True)
class Snapshot:
    """One state of the ISMS to evaluate: the working tree, or a commit's tree."""

    tree: FileTree
    display: DisplayPaths
    dates: Mapping[str, datetime.date] | None  # last commit date per file; None: no git
    origin: str = ""  # names the commit in messages


def _load_files(
    snap: Snapshot, m: Methodology, waivers_tree: FileTree
) -> dict[str, list[ParsedFile]]:
    out: dict[str, list[ParsedFile]] = {}
    for kind, name in ENTITY_FOLDERS:
        folder = m.paths[name]
        if not snap.tree.is_dir(folder) and name in REQUIRED_FOLDERS:
            where = snap.display.of(folder) + (f" (at {snap.origin})" if snap.origin else "")
            raise ConfigError(
                f"{where}: the {name} folder does not exist: "
                f"create it, or set paths.{name} in {m.file}"
            )
        out[kind] = load_entity_files(snap.tree, snap.tree.yaml_files(folder), snap.display)
    rel = m.paths["waivers"]
    out["waiver"] = []
    if waivers_tree.is_file(rel):
        shown = snap.display.of(rel)
        try:
            parsed = load_file(waivers_tree, rel)
            # an empty list, or a file of comments, is an empty waiver register
            empty = parsed.data is None or parsed.data == []
            out["waiver"] = [ParsedFile(shown) if empty else entities_of(shown, parsed)]
        except YamlProblem as p:
            out["waiver"] = [ParsedFile(shown, problem=p)]
    return out


def evaluate(
    policy: Policy,
    snap: Snapshot,
    today: datetime.date,
    selected: set[str],
    base: Model | None = None,
    change: dict[str, Any] | None = None,
) -> tuple[list[Result], Model]:
    """Every result of the selected rules on one snapshot, waivers applied."""
    m = policy.methodology
    results: list[Result] = []
    sources: dict[str, list[tuple[Source, bool]]] = {}
    for kind, files in _load_files(snap, m, policy.tree).items():
        results += parse_results(files)
        sources[kind] = []
        for f in files:
            for src in f.sources:
                ok, schema_out = schema_results(kind, src, entity_id(kind, src))
                results += schema_out
                sources[kind].append((src, ok))
    model = build_model(
        m,
        snap.tree,
        sources["risk"],
        sources["control"],
        sources["plan"],
        sources["waiver"],
        snap.dates,
    )
    model.change = change
    if base is not None:
        link_base(model, base)
    results += dup_results(model)
    results += ref_results(model, [i.id for i in policy.infos])
    rules = [r for r in policy.rules if r.info.id in selected]
    evaluator = Evaluator(model, today)
    results += evaluator.run(r for r in rules if "waiver" not in r.resources)
    results = [r for r in results if r.rule in selected]
    results = apply_waivers(results, model, today, selected)
    waiver_rules = [r for r in rules if "waiver" in r.resources]
    results += evaluator.run(waiver_rules, {"waiver": evaluator.waiver_targets()})
    return _unique_cases(results), model


def _unique_cases(results: Sequence[Result]) -> list[Result]:
    """Makes JUnit testcase names unique (an id used twice gets ` #2`, ...)."""
    seen: dict[str, int] = {}
    out = []
    for r in results:
        n = seen.get(r.case, 0) + 1
        seen[r.case] = n
        out.append(r if n == 1 else dataclasses.replace(r, case=f"{r.case} #{n}"))
    return out


def _key(r: Result) -> tuple[str, str]:
    """Findings match between base and head by rule and entity (file for file-level)."""
    return (r.rule, r.entity if r.entity is not None else r.location.file)


def _policy_change(head: Policy, base: Policy) -> dict[str, Any]:
    """What a change does to the rules that judge it (GIT-003)."""
    hm, bm = head.methodology.data, base.methodology.data
    keys = [k for k in METHODOLOGY_KEYS if hm.get(k) != bm.get(k)]

    def policy_files(p: Policy) -> dict[str, bytes]:
        folder = p.methodology.paths["policies"]
        return {rel: p.tree.read_bytes(rel) for rel in p.tree.yaml_files(folder)}

    before, after = policy_files(base), policy_files(head)
    files = sorted(f for f in before.keys() | after.keys() if before.get(f) != after.get(f))

    def waivers(p: Policy) -> bytes | None:
        rel = p.methodology.paths["waivers"]
        return p.tree.read_bytes(rel) if p.tree.is_file(rel) else None

    return {"methodology": keys, "policies": files, "waivers": waivers(head) != waivers(base)}


def run(options: Options) -> Report:
    root = find_root(options.path)
    display = DisplayPaths.for_root(root)
    head_tree = DiskTree(root)
    notices: list[str] = []
    history, no_git = _history(root, options)
    head_dates: dict[str, datetime.date] | None = None
    if history is not None:
        dirty = history.uncommitted()  # files with uncommitted changes: exempt from GIT-001
        head_dates = {f: d for f, d in history.last_changes().items() if f not in dirty}
    head = Snapshot(head_tree, display, head_dates)
    head_policy = load_policy(head_tree, display)

    if not options.base:
        selected = _selection(head_policy, options, no_git, notices)
        results, _ = evaluate(head_policy, head, options.today, selected)
        return _report(options, head_policy, selected, results, (), notices, pr_mode=False)

    repo = History.open(root)
    if repo is None:
        raise UsageError(f"--base {options.base}: {root} is not inside a git repository")
    commit = repo.resolve(options.base)
    base_tree = repo.tree(commit)
    base_dates = repo.last_changes(commit.hexsha) if history is not None else None
    base = Snapshot(base_tree, display, base_dates, origin=f"base {options.base}")
    base_policy = _base_policy(base, options, notices)

    # policy-from base: the base's rules, methodology and waivers judge the change; the
    # folder paths are the head's own, so that a change may move files
    policy = head_policy
    if options.policy_from == "base" and base_policy is not None:
        m = dataclasses.replace(base_policy.methodology, paths=head_policy.methodology.paths)
        policy = dataclasses.replace(base_policy, methodology=m)
    selected = _selection(policy, options, no_git, notices)

    base_results: list[Result] = []
    base_model: Model | None = None
    if base_policy is not None:
        # the base is judged by the same rules as the head, with the base's own waivers
        judge = (
            base_policy
            if options.policy_from == "base"
            else dataclasses.replace(head_policy, tree=base_tree)
        )
        try:
            base_results, base_model = evaluate(judge, base, options.today, selected)
        except FatalError as e:
            notices.append(
                f"the base commit cannot be evaluated ({e}): every finding counts as new"
            )
    change = _policy_change(head_policy, base_policy) if base_policy is not None else None
    results, _ = evaluate(policy, head, options.today, selected, base_model, change)

    before = {_key(r) for r in base_results if r.is_finding}
    after = {_key(r) for r in results if r.is_finding}
    marked = [
        dataclasses.replace(r, change="existing" if _key(r) in before else "new")
        if r.is_finding
        else r
        for r in results
    ]
    resolved = [r for r in base_results if r.is_finding and _key(r) not in after]
    return _report(options, policy, selected, marked, resolved, notices, pr_mode=True)


def _history(root: Path, options: Options) -> tuple[History | None, str]:
    """The git history to judge GIT-* rules with, or None and the reason there is none."""
    history = History.open(root)
    if history is None:
        return None, "not a git repository"
    if history.is_shallow():
        if not options.allow_shallow:
            raise ShallowCloneError(SHALLOW_MESSAGE)
        return None, "shallow clone (--allow-shallow): history is incomplete"
    return history, ""


def _base_policy(base: Snapshot, options: Options, notices: list[str]) -> Policy | None:
    if isms_file(base.tree) is None:
        notices.append(
            f"{base.origin} has no isms.yaml at {base.display.prefix or '.'}: "
            "every finding counts as new"
        )
        return None
    try:
        return load_policy(base.tree, base.display, origin=base.origin)
    except FatalError as e:
        if options.policy_from == "base":
            raise ConfigError(
                f"cannot take the policy from the {base.origin}: {e} (use --policy-from head)"
            ) from e
        notices.append(f"the {base.origin} cannot be evaluated ({e}): every finding counts as new")
        return None


def _selection(policy: Policy, options: Options, no_git: str, notices: list[str]) -> set[str]:
    """The rules to run; without usable git history the GIT-* rules are skipped, with
    one notice that says why."""
    selected = select_rules(policy.infos, options.select, options.ignore)
    if no_git:
        skipped = sorted(i for i in selected if i.startswith(GIT_RULE_PREFIX))
        if skipped:
            notices.append(f"{no_git}: skipped {', '.join(skipped)}")
        selected -= set(skipped)
    return selected


def _report(
    options: Options,
    policy: Policy,
    selected: set[str],
    results: Sequence[Result],
    resolved: Sequence[Result],
    notices: Sequence[str],
    pr_mode: bool,
) -> Report:
    return Report(
        today=options.today,
        tool_version=__version__,
        rules=tuple(i for i in policy.infos if i.id in selected),
        results=Report.ordered(results),
        resolved=Report.ordered(dataclasses.replace(r, change=None) for r in resolved),
        notices=tuple(notices),
        pr_mode=pr_mode,
        new_only=options.new_only,
    )

"""Runs a check and returns a Report. Never prints, never exits.

The working tree is one Snapshot judged by a Policy (snapshot.py: files → documents →
schema findings → entities → CEL results → waivers). In PR mode the base commit's tree
is judged the same way, from git objects, and each finding is marked new or existing;
with --policy-from base the base's Policy judges both.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence
from pathlib import Path

from checker import __version__
from checker.cache import Cache
from checker.cel import Engine, engine
from checker.celtypes import TypeCheck, remembered
from checker.documents import Documents
from checker.errors import ConfigError, FatalError, UsageError
from checker.findings import Report, Result, RuleInfo
from checker.history import SHALLOW_MESSAGE, History, ShallowCloneError
from checker.loader import MAX_FILE_BYTES, DisplayPaths
from checker.methodology import find_root, isms_file
from checker.model import Model, PolicyChange
from checker.options import Options, utc_today
from checker.policy import Policy, builtin_infos, load_policy, prepare, select_rules
from checker.rules import rule_file_paths
from checker.snapshot import Snapshot, evaluate
from checker.tree import DiskTree

__all__ = ["Options", "Report", "RuleInfo", "builtin_infos", "prepare", "run", "utc_today"]

GIT_RULE_PREFIX = "GIT-"  # rules that need git history
# built-in rules outside GIT-* that also judge git history (SOA-009 reads the commit
# dates of the SoA files): skipped alike, with the same notice, where history is unusable
GIT_RULES = ("SOA-009",)


def needs_git(rule_id: str) -> bool:
    """Whether a rule judges git history (and is skipped, with a notice, without it)."""
    return rule_id.startswith(GIT_RULE_PREFIX) or rule_id in GIT_RULES


# GIT-003 watches these: the risk criteria, the intervals, `established`, which decides
# when AUD-001 and MR-001 start to apply, and `check:`, how the ISMS is judged
METHODOLOGY_KEYS = ("appetite", "scales", "levels", "review", "established", "check")


def _policy_change(head: Policy, base: Policy) -> PolicyChange:
    """What a change does to the rules that judge it (GIT-003)."""
    hm, bm = head.methodology.data, base.methodology.data
    keys = [k for k in METHODOLOGY_KEYS if hm.get(k) != bm.get(k)]

    def policy_files(p: Policy) -> dict[str, bytes]:
        folder = p.methodology.paths["policies"]
        return {
            rel: p.tree.read_bytes(rel, MAX_FILE_BYTES) for rel in rule_file_paths(p.tree, folder)
        }

    before, after = policy_files(base), policy_files(head)
    files = sorted(f for f in before.keys() | after.keys() if before.get(f) != after.get(f))

    def waivers(p: Policy) -> bytes | None:
        rel = p.methodology.paths["waivers"]
        return p.tree.read_bytes(rel, MAX_FILE_BYTES) if p.tree.is_file(rel) else None

    return PolicyChange(tuple(keys), tuple(files), waivers(head) != waivers(base))


def run(options: Options) -> Report:
    return judge(options)[0]


def judge(options: Options, documents: Documents | None = None) -> tuple[Report, Model]:
    """The Report of a check and the Model of the tree it judged (the working tree):
    what `isms-check report` needs besides the findings. `documents`: where the files
    checked are remembered (the report's posture over time then finds them there);
    None: the cache across runs' own."""
    cache = Cache(options.cache_dir)
    try:
        return _run(options, cache, documents)
    finally:
        cache.save()


def _run(options: Options, cache: Cache, documents: Documents | None) -> tuple[Report, Model]:
    def step(text: str) -> None:
        if options.progress is not None:
            options.progress(text)

    root = find_root(options.path)
    display = DisplayPaths.for_root(root)
    head_tree = DiskTree(root, boundary=display.top)
    notices: list[str] = []
    history, no_git = _history(root, options)
    head_dates: dict[str, datetime.date] | None = None
    if history is not None and not no_git:
        step("reading git history")
        # a file with uncommitted changes counts as changed today (docs/format.md: exempt from
        # GIT-001; a record dated after today is ST-006's)
        head_dates = {
            **history.last_changes(),
            **dict.fromkeys(history.uncommitted(), options.today),
        }
    head = Snapshot(head_tree, display, head_dates)
    # base and head share most files: each is checked once, and not again until it changes
    if documents is None:
        documents = Documents(cache.store(f"documents {root}", prune=True))
    cel = engine(options.engine, cache)
    typecheck = remembered(cache.store("rule types"))
    head_policy = load_policy(
        head_tree, display, cel=cel, validate=documents.validate, typecheck=typecheck
    )

    if not options.base:
        selected = _selection(head_policy, options, no_git, notices)
        step("checking the ISMS")
        judged = evaluate(head_policy, head, options.today, selected, documents=documents)
        notices += judged.notices
        report = _report(options, head_policy, selected, judged.results, (), notices, False)
        return report, judged.model

    if history is None:
        raise UsageError(f"--base {options.base}: {root} is not inside a git repository")
    commit = history.resolve(options.base)
    base_tree = history.tree(commit)
    base_dates = history.last_changes(commit.hexsha) if not no_git else None
    base = Snapshot(base_tree, display, base_dates, origin=f"base {options.base}")
    base_policy = _base_policy(base, options, notices, cel, documents, typecheck)

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
            step(f"checking the base commit ({options.base})")
            base_judged = evaluate(judge, base, options.today, selected, documents=documents)
            base_results, base_model = base_judged.results, base_judged.model
        except FatalError as e:
            notices.append(
                f"the base commit cannot be evaluated ({e}): every finding counts as new"
            )
    change = _policy_change(head_policy, base_policy) if base_policy is not None else None
    step("checking the working tree")
    judged = evaluate(policy, head, options.today, selected, base_model, change, documents)
    results = judged.results
    notices += judged.notices

    before = {r.case for r in base_results if r.is_finding}
    after = {r.case for r in results if r.is_finding}
    marked = [
        dataclasses.replace(r, change="existing" if r.case in before else "new")
        if r.is_finding
        else r
        for r in results
    ]
    resolved = [r for r in base_results if r.is_finding and r.case not in after]
    report = _report(options, policy, selected, marked, resolved, notices, pr_mode=True)
    return report, judged.model


def _history(root: Path, options: Options) -> tuple[History | None, str]:
    """The repository holding the ISMS (None outside git), and why its history cannot
    judge the GIT-* rules ("" when it can)."""
    history = History.open(root)
    if history is None:
        return None, "not a git repository"
    if history.is_shallow():
        if not options.allow_shallow:
            raise ShallowCloneError(SHALLOW_MESSAGE)
        return history, "shallow clone (--allow-shallow): history is incomplete"
    return history, ""


def _base_policy(
    base: Snapshot,
    options: Options,
    notices: list[str],
    cel: Engine,
    documents: Documents,
    typecheck: TypeCheck,
) -> Policy | None:
    if isms_file(base.tree) is None:
        notices.append(
            f"{base.origin} has no isms.yaml at {base.display.prefix or '.'}: "
            "every finding counts as new"
        )
        return None
    try:
        return load_policy(
            base.tree,
            base.display,
            origin=base.origin,
            cel=cel,
            validate=documents.validate,
            typecheck=typecheck,
        )
    except FatalError as e:
        if options.policy_from == "base":
            raise ConfigError(
                f"cannot take the policy from the {base.origin}: {e} (use --policy-from head)"
            ) from e
        notices.append(f"the {base.origin} cannot be evaluated ({e}): every finding counts as new")
        return None


def _selection(policy: Policy, options: Options, no_git: str, notices: list[str]) -> set[str]:
    """The rules to run; without usable git history the rules that judge it (GIT-*,
    SOA-009) are skipped, with one notice that says why."""
    selected = select_rules(policy.infos, options.select, options.ignore)
    if no_git:
        skipped = sorted(i for i in selected if needs_git(i))
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

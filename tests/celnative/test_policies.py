"""Every `when`, `check` and `message` of the built-in rules through both engines, on
the activations the evaluator builds from the fixture ISMS cases (tests/cases), and on
those activations with fields removed or of the wrong type."""

from __future__ import annotations

import datetime
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from checker.cel import NativeEngine
from checker.celpython import Compiler, to_cel
from checker.evaluate import Evaluator
from checker.loader import DisplayPaths
from checker.model import PolicyChange
from checker.policy import Policy, load_policy
from checker.rules import Rule
from checker.snapshot import Snapshot, evaluate
from checker.tree import DiskTree
from tests.caselib import BASE, CASES, DEFAULT_TODAY, Case
from tests.celnative.harness import outcome, plain

NATIVE = NativeEngine()
QUICK = [
    "base", "org-rules-read-every-variable", "rt-002-plans-all-completed",
    "rt-004-acceptance-empty-map", "rtp-003-approval-empty-map",
    "rtp-004-completed-with-open-action", "soa-005-completed-plan-control-not-implemented",
    "st-003-no-residual-after-plan", "wv-001-expired-waiver", "schema-wrong-type",
]  # fmt: skip
Target = tuple[str, dict[str, Any]]  # resource, activation (cel-python values)


def case_targets(folder: Path, tmp: Path) -> tuple[Policy, list[Target]]:
    """The policy and every (resource, activation) the evaluator judges for a case, in
    PR mode with git dates so that the GIT rules have something to read."""
    expect = yaml.safe_load((folder / "expect.yaml").read_text()) if folder != BASE else {}
    case = Case(folder.name, folder, expect or {})
    root = tmp / "isms"
    if folder == BASE:
        shutil.copytree(BASE, root)
    else:
        case.build(root)
    today = case.today if folder != BASE else DEFAULT_TODAY
    tree, display = DiskTree(root), DisplayPaths.for_root(root)
    policy = load_policy(tree, display, cel=Compiler())
    dates = {
        p.relative_to(root).as_posix(): datetime.date(2026, 5, 1) for p in root.rglob("*.y*ml")
    }
    snapshot = Snapshot(tree, display, dates)
    every = {i.id for i in policy.infos}
    base = evaluate(policy, snapshot, today, every).model
    change = PolicyChange(("appetite",), ("policies/own.yaml",), True)
    model = evaluate(policy, snapshot, today, every, base, change).model
    evaluator = Evaluator(model, today, policy.engine)
    matches = {w.id: 1 for w in model.unique("waiver")}
    targets = [(r, dict(t.activation)) for r, ts in evaluator.targets.items() for t in ts]
    targets += [("waiver", dict(t.activation)) for t in evaluator.waiver_targets(matches)]
    return policy, targets


def expressions(rule: Rule) -> Iterator[tuple[str, str, str]]:
    """(field, source, mode) of the rule's expressions."""
    fields = (("when", rule.when, "bool"), ("check", rule.check, "bool"))
    for field, program, mode in (*fields, ("message", rule.message, "str")):
        if program is not None:
            yield field, program.source, mode


def mismatches(policy: Policy, targets: list[Target]) -> list[str]:
    reference = Compiler()
    out = []
    for rule in policy.rules:
        for resource, activation in targets:
            if resource not in rule.resources:
                continue
            data = {k: plain(v) for k, v in activation.items()}
            for field, source, mode in expressions(rule):
                expected = outcome(reference.compile(source), activation, mode, repr)
                got = outcome(NATIVE.compile(source), data, mode, repr)
                if got != expected:
                    out.append(f"{rule.info.id} {field} on {resource}: {expected} != {got}")
    return out


def case_folders(quick: bool) -> list[Path]:
    folders = sorted(p for p in CASES.iterdir() if p.is_dir() and not p.name.startswith("fatal-"))
    return [p for p in folders if p.name in QUICK] if quick else folders


@pytest.mark.parametrize("folder", case_folders(quick=True), ids=lambda p: p.name)
def test_builtin_rules_on_cases(folder: Path, tmp_path: Path) -> None:
    policy, targets = case_targets(folder, tmp_path)
    assert targets
    assert mismatches(policy, targets) == []


@pytest.mark.slow
@pytest.mark.parametrize("folder", case_folders(quick=False), ids=lambda p: p.name)
def test_builtin_rules_on_every_case(folder: Path, tmp_path: Path) -> None:
    policy, targets = case_targets(folder, tmp_path)
    assert mismatches(policy, targets) == []


ALL_BREAKAGES = ("-", None, "text", 7, ["x"], {"k": 1})  # "-": the field removed


def perturbed(
    targets: list[Target], kinds: set[str], breakages: tuple[Any, ...] = ALL_BREAKAGES
) -> Iterator[Target]:
    """For the first target of each kind: each field of the entity removed, null, a
    string, a number, a list, a map (the entity variable and `entity` alike)."""
    done: set[str] = set()
    for resource, activation in targets:
        if resource in done or resource not in kinds or resource not in activation:
            continue
        done.add(resource)
        entity = plain(activation[resource])
        for key in list(entity):
            for replacement in breakages:
                changed = dict(entity)
                if replacement == "-":
                    del changed[key]
                else:
                    changed[key] = replacement
                new = to_cel(changed)
                yield resource, {**activation, resource: new, "entity": new}


@pytest.mark.parametrize("kinds", [{"risk"}, {"plan", "action"}])
def test_builtin_rules_on_broken_entities(kinds: set[str], tmp_path: Path) -> None:
    policy, targets = case_targets(BASE, tmp_path)
    assert mismatches(policy, list(perturbed(targets, kinds, ("-", None, 7)))) == []


@pytest.mark.slow
def test_builtin_rules_on_every_broken_entity(tmp_path: Path) -> None:
    policy, targets = case_targets(BASE, tmp_path)
    kinds = {"risk", "control", "plan", "action", "isms", "catalog", "waiver"}
    assert mismatches(policy, list(perturbed(targets, kinds))) == []

"""Every `when`, `check` and `message` of the built-in rules through both engines, on
the activations the evaluator builds from the fixture ISMS cases (tests/cases), and on
those activations with fields removed or of the wrong type."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from checker.cel import NativeEngine
from checker.celpython import Compiler, to_cel
from checker.policy import Policy
from checker.rules import Rule
from tests.caselib import BASE, CASES
from tests.celnative.harness import Target, case_targets, outcome, plain

NATIVE = NativeEngine()
QUICK = [
    "base", "org-rules-read-every-variable", "rt-002-plans-all-completed",
    "rt-004-acceptance-empty-map", "rtp-003-approval-empty-map",
    "rtp-004-completed-with-open-action", "soa-005-completed-plan-control-not-implemented",
    "st-003-no-residual-after-plan", "wv-001-expired-waiver", "schema-wrong-type",
]  # fmt: skip


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
    policy, targets, _ = case_targets(folder, tmp_path)
    assert targets
    assert mismatches(policy, targets) == []


@pytest.mark.slow
@pytest.mark.parametrize("folder", case_folders(quick=False), ids=lambda p: p.name)
def test_builtin_rules_on_every_case(folder: Path, tmp_path: Path) -> None:
    policy, targets, _ = case_targets(folder, tmp_path)
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
    policy, targets, _ = case_targets(BASE, tmp_path)
    assert mismatches(policy, list(perturbed(targets, kinds, ("-", None, 7)))) == []


@pytest.mark.slow
def test_builtin_rules_on_every_broken_entity(tmp_path: Path) -> None:
    policy, targets, _ = case_targets(BASE, tmp_path)
    kinds = {"risk", "control", "plan", "action", "isms", "catalog", "waiver"}
    assert mismatches(policy, list(perturbed(targets, kinds))) == []

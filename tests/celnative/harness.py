"""Runs one expression through both engines and reduces each result to something
comparable: the value as cel-python shows it (its repr and `run_str`), the error
message, or the compile error."""

from __future__ import annotations

import datetime
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from celpy import celtypes

from checker.cel import CompileError, EvalError, NativeEngine
from checker.celnative.bridge import to_celpy
from checker.celpython import Compiler, to_cel
from checker.evaluate import Evaluator
from checker.loader import DisplayPaths
from checker.model import Model, PolicyChange
from checker.policy import Policy, load_policy
from checker.snapshot import Snapshot, evaluate
from checker.tree import DiskTree
from tests.caselib import BASE, DEFAULT_TODAY, Case

Outcome = tuple[str, ...]
_REFERENCE = Compiler()
_NATIVE = NativeEngine()


def plain(value: Any) -> Any:
    """A cel-python value back as model data (timestamps at 00:00 UTC as dates)."""
    if value is None:
        return None
    if isinstance(value, celtypes.BoolType):
        return bool(value)
    if isinstance(value, celtypes.IntType):
        return int(value)
    if isinstance(value, celtypes.DoubleType):
        return float(value)
    if isinstance(value, celtypes.StringType):
        return str(value)
    if isinstance(value, celtypes.TimestampType):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return datetime.date(value.year, value.month, value.day)
        return datetime.datetime(
            value.year, value.month, value.day, value.hour, value.minute, value.second,
            value.microsecond, tzinfo=datetime.timezone.utc,
        )  # fmt: skip
    if isinstance(value, celtypes.MapType):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, celtypes.ListType):
        return [plain(v) for v in value]
    raise TypeError(f"unexpected {type(value).__name__}")


def reference(expression: str, activation: Mapping[str, Any], mode: str = "value") -> Outcome:
    """cel-python's outcome; `activation` holds cel-python values."""
    try:
        program = _REFERENCE.compile(expression)
    except CompileError as e:
        return ("compile", e.message, str(e.line), str(e.column))
    return outcome(program, activation, mode, lambda v: repr(v))


def native(expression: str, activation: Mapping[str, Any], mode: str = "value") -> Outcome:
    """The native engine's outcome; `activation` holds plain values."""
    try:
        program = _NATIVE.compile(expression)
    except CompileError as e:
        return ("compile", e.message, str(e.line), str(e.column))
    return outcome(program, activation, mode, lambda v: repr(to_celpy(v)))


def outcome(program: Any, activation: Mapping[str, Any], mode: str, show: Any) -> Outcome:
    try:
        if mode == "bool":
            return ("ok", str(program.run_bool(activation)))
        if mode == "str":
            return ("ok", program.run_str(activation))
        value = program.run(activation)
        return ("value", show(value), program.run_str(activation))
    except EvalError as e:
        return ("error", str(e))


def both(expression: str, data: Mapping[str, Any], mode: str = "value") -> tuple[Outcome, Outcome]:
    """(cel-python's outcome, the native engine's) on the same model data."""
    converted = {k: to_cel(v) for k, v in data.items()}
    return reference(expression, converted, mode), native(expression, data, mode)


Target = tuple[str, dict[str, Any]]  # resource, activation (cel-python values)


def case_targets(folder: Path, tmp: Path) -> tuple[Policy, list[Target], Model]:
    """The policy, every (resource, activation) the evaluator judges for a fixture case
    (tests/cases; cel-python values), and the model, in PR mode with git dates so that
    the GIT rules have something to read. The benchmark of the engines uses it too."""
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
    return policy, targets, model

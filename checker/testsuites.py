"""Finding rule tests and what judges them: the tests under a path (judged by the ISMS in
or above it, or by the built-in rules and a default methodology outside any ISMS), the
built-in pack's own, an ISMS's own (for `rules` and `explain`).
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from checker.cache import Cache
from checker.cel import Engine, engine
from checker.celtypes import TypeCheck, check, remembered
from checker.errors import ConfigError, UsageError
from checker.loader import DisplayPaths, parse_yaml, read_text
from checker.methodology import find_root, isms_file
from checker.policy import Policy, load_policy, prepare
from checker.resources import data_dir
from checker.rules import is_test_file
from checker.ruletests import Bench, RuleTest, load_file
from checker.tree import DiskTree, FileTree, MemoryTree

# The methodology of a test outside any ISMS: the 5x5 grid of docs/format.md.
DEFAULT_METHODOLOGY: Mapping[str, Any] = {
    "version": 1,
    "organization": "Rule tests",
    "scales": {
        "likelihood": [
            {"value": v, "label": label}
            for v, label in enumerate(
                ("Rare", "Unlikely", "Possible", "Likely", "Almost certain"), 1
            )
        ],
        "impact": [
            {"value": v, "label": label}
            for v, label in enumerate(("Negligible", "Minor", "Moderate", "Major", "Severe"), 1)
        ],
    },
    "levels": {
        "bands": [
            {"name": "Low", "max": 4},
            {"name": "Medium", "max": 9},
            {"name": "High", "max": 16},
            {"name": "Critical", "max": 25},
        ]
    },
    "appetite": 8,
    "review": {
        "risk_days": 365,
        "control_days": 365,
        "audit_days": 365,
        "acceptance_max_days": 365,
        "warn_days": 30,
    },
}


def isms_data(tree: FileTree) -> Mapping[str, Any]:
    """The isms.yaml data of an ISMS whose policy has loaded (so it is valid)."""
    rel = isms_file(tree)
    return parse_yaml(read_text(tree, rel)).data if rel is not None else DEFAULT_METHODOLOGY


def _walk(folder: Path) -> list[Path]:
    """The rule test files below `folder`, hidden folders (.git, .venv) left out."""
    found: list[Path] = []
    for top, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += (Path(top) / n for n in names if is_test_file(n))
    return sorted(found)


def _shown(path: Path, base: Path, prefix: str) -> str:
    try:
        rel = path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
    return posixpath.join(prefix, rel) if prefix else rel


@dataclass(frozen=True)
class Suite:
    """The tests found at a place, and what judges them."""

    tests: tuple[RuleTest, ...]
    bench: Bench
    files: tuple[str, ...]  # the test files, as shown


def _compilers(cache: Cache | None) -> tuple[Engine, TypeCheck]:
    """The CEL engine and type check, remembering their work in `cache` if there is one."""
    if cache is None:
        return engine(), check
    return engine("auto", cache), remembered(cache.store("rule types"))


def default_policy(cache: Cache | None = None) -> Policy:
    """The built-in rules with the default methodology: what judges tests outside an ISMS."""
    tree = MemoryTree({"isms.yaml": yaml.safe_dump(dict(DEFAULT_METHODOLOGY)).encode()})
    cel, typecheck = _compilers(cache)
    # an ISMS of an isms.yaml alone: the built-in rules judge
    return load_policy(tree, DisplayPaths(), "the default methodology", cel, typecheck=typecheck)


def builtin_tests() -> list[RuleTest]:
    """The built-in pack's own tests (policies/tests)."""
    folder = data_dir("policies") / "tests"
    return _tests(
        [
            (p, f"(built-in) policies/tests/{p.relative_to(folder).as_posix()}")
            for p in _walk(folder)
        ]
    )


def isms_tests(root: Path, policy: Policy) -> list[RuleTest]:
    """The tests in the policies folder of the ISMS at `root` (`policy` is its own)."""
    display = DisplayPaths.for_root(root)
    folder = root / policy.methodology.paths["policies"]
    return _tests([(p, _shown(p, root, display.prefix)) for p in _walk(folder)])


def builtin_suite(cache: Cache | None = None) -> Suite:
    """The built-in pack's own tests, judged by the built-in rules."""
    policy = default_policy(cache)
    bench = Bench(policy, DEFAULT_METHODOLOGY, policy.tree, DisplayPaths())
    tests = builtin_tests()
    return Suite(tuple(tests), bench, tuple(dict.fromkeys(t.file for t in tests)))


def suite_at(path: Path | None, isms: Path = Path("."), cache: Cache | None = None) -> Suite:
    """The tests under `path`, judged by the ISMS in or above it (its methodology, the
    built-in rules and its own), or, with no ISMS there, by the built-in rules and the
    default methodology. `path` None: the policies folder of the ISMS at `isms`."""
    start = path if path is not None else isms
    if not start.exists():
        raise UsageError(f"{start}: no such file or folder")
    try:
        root: Path | None = find_root(start)
    except ConfigError:
        if path is None:
            raise
        root = None
    if root is None:
        policy = default_policy(cache)
        bench = Bench(policy, DEFAULT_METHODOLOGY, policy.tree, DisplayPaths())
        base, prefix = Path("."), ""
    else:
        policy = prepare(root, *_compilers(cache))
        display = DisplayPaths.for_root(root)
        tree = DiskTree(root, boundary=display.top)
        bench = Bench(policy, isms_data(tree), tree, display)
        base, prefix = root, display.prefix
        if path is None:
            start = root / policy.methodology.paths["policies"]
    found = [start] if start.is_file() else (_walk(start) if start.is_dir() else [])
    return _suite([(p, _shown(p, base, prefix)) for p in found], bench)


def _tests(files: Sequence[tuple[Path, str]]) -> list[RuleTest]:
    tests: list[RuleTest] = []
    for path, shown in files:
        tests += load_file(DiskTree(path.parent), path.name, shown)
    return tests


def _suite(files: Sequence[tuple[Path, str]], bench: Bench) -> Suite:
    return Suite(tuple(_tests(files)), bench, tuple(shown for _, shown in files))

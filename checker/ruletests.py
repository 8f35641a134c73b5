"""Rule tests (`isms-check test`, docs/format.md "Rule tests"): a test gives entities as
the ISMS files would hold them, names a rule, and lists the ids it must fail and those it
must pass. Each test is judged by the same steps as a check (snapshot.judge), on its own
entities, with the fixture's own lines in every message.

Files → RuleTests (this module's `load_tests`, a TestFileError for a file that cannot be
used) → TestResults (`run_tests`) → the command's text or JUnit output.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import os
import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from checker import schema
from checker.cache import Cache
from checker.cel import Engine, engine
from checker.celtypes import TypeCheck, check, remembered
from checker.documents import Document
from checker.errors import ConfigError, FatalError, UsageError
from checker.findings import Outcome, Result
from checker.kinds import BY_NAME, FOLDER_KINDS, Kind
from checker.loader import (
    DisplayPaths,
    JsonPath,
    Parsed,
    YamlProblem,
    entities_of,
    parse_yaml,
    read_text,
)
from checker.methodology import Methodology, find_root, isms_file, load_methodology
from checker.model import Model, PolicyChange
from checker.policy import Policy, builtin_policy
from checker.resources import data_dir
from checker.rules import is_test_file
from checker.snapshot import Snapshot, judge
from checker.structure import PARSE, SCHEMA
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
FIXTURE_RULES = (PARSE.id, SCHEMA.id)  # their findings in a fixture make the test an error


class TestFileError(FatalError):
    """A test file that cannot be used: not YAML, or breaking the rule-test schema."""


class Status(enum.Enum):
    PASS = "PASS"
    FAIL = "FAIL"
    ERROR = "ERROR"


@dataclass(frozen=True)
class RuleTest:
    """One test as written, with where it is."""

    name: str
    rule: str
    file: str  # as messages show it
    line: int
    data: Mapping[str, Any]
    parsed: Parsed  # the whole test file, for the lines of its fixtures
    path: JsonPath  # the test's place in it: ("tests", i)
    text: str = ""  # the test as written (explain shows it as an example)

    def position(self, *field: str | int) -> tuple[int, int]:
        return self.parsed.position((*self.path, *field))

    @property
    def fail(self) -> tuple[str, ...]:
        return tuple(str(i) for i in self.data.get("fail") or ())

    @property
    def passing(self) -> tuple[str, ...]:
        return tuple(str(i) for i in self.data.get("pass") or ())


@dataclass(frozen=True)
class TestResult:
    test: RuleTest
    status: Status
    reasons: tuple[str, ...] = ()


def _load_file(tree: FileTree, rel: str, shown: str) -> list[RuleTest]:
    try:
        text = read_text(tree, rel)
        parsed = parse_yaml(text)
    except YamlProblem as p:
        raise TestFileError(f"{shown}:{p.line}:{p.column}: {p.message}") from p
    problems = [
        f"{shown}:{parsed.position(v.path)[0]}: {v.message}"
        for v in schema.validate("ruletests", parsed.data)
    ]
    if problems:
        raise TestFileError("rule test file is invalid:\n  " + "\n  ".join(problems))
    out: list[RuleTest] = []
    seen: dict[str, int] = {}
    lines = text.splitlines()
    starts = [parsed.position(("tests", i))[0] for i in range(len(parsed.data["tests"]))]
    for i, raw in enumerate(parsed.data["tests"]):
        path: JsonPath = ("tests", i)
        line = parsed.position(path)[0]
        name = raw["name"]
        if name in seen:
            raise TestFileError(
                f"{shown}:{parsed.position((*path, 'name'))[0]}: test name {name!r} is already "
                f"used at line {seen[name]}: names must be unique in a file"
            )
        seen[name] = line
        for group in ("given", "base"):
            for key in raw.get(group) or {}:
                if _kind_of(key) is None:
                    raise TestFileError(
                        f"{shown}:{parsed.position((*path, group, key))[0]}: {group}.{key} is "
                        f"not a kind of record: use {', '.join(_plurals())}"
                    )
        end = starts[i + 1] - 1 if i + 1 < len(starts) else len(lines)
        written = "\n".join(lines[line - 1 : end]).rstrip()
        out.append(RuleTest(name, raw["rule"], shown, line, raw, parsed, path, written))
    return out


def _plurals() -> list[str]:
    return [k.plural for k in (*FOLDER_KINDS, BY_NAME["waiver"])]


def _kind_of(plural: str) -> Kind | None:
    return next((k for k in (*FOLDER_KINDS, BY_NAME["waiver"]) if k.plural == plural), None)


def merged(base: Any, over: Any) -> Any:
    """`over` merged onto `base`: mappings key by key, any other value replaced."""
    if isinstance(base, Mapping) and isinstance(over, Mapping):
        out = dict(base)
        for key, value in over.items():
            out[key] = merged(base.get(key), value)
        return out
    return over


@dataclass(frozen=True)
class Bench:
    """What every test of a run shares: the ISMS's policy (or the built-in rules with the
    default methodology), its isms.yaml data, and the tree its catalog comes from."""

    policy: Policy
    isms: Mapping[str, Any]
    tree: FileTree
    display: DisplayPaths
    # the methodologies built so far, by isms.yaml text: tests that merge the same keys
    # (most merge none) share one
    methodologies: dict[str, Methodology] = field(default_factory=dict, compare=False)

    def methodology(self, text: str, build: Callable[[], Methodology]) -> Methodology:
        if text not in self.methodologies:
            self.methodologies[text] = build()
        return self.methodologies[text]


def isms_data(tree: FileTree) -> Mapping[str, Any]:
    """The isms.yaml data of an ISMS whose policy has loaded (so it is valid)."""
    rel = isms_file(tree)
    return parse_yaml(read_text(tree, rel)).data if rel is not None else DEFAULT_METHODOLOGY


def run_tests(tests: Sequence[RuleTest], bench: Bench, today: datetime.date) -> list[TestResult]:
    known = {i.id for i in bench.policy.infos}
    return [
        _run(test, bench, today) if test.rule in known else _unknown_rule(test, known)
        for test in tests
    ]


def _unknown_rule(test: RuleTest, known: set[str]) -> TestResult:
    import difflib

    near = difflib.get_close_matches(test.rule, sorted(known), n=1)
    hint = f" (did you mean {near[0]}?)" if near else ": `isms-check rules` lists them"
    return TestResult(test, Status.ERROR, (f"no rule {test.rule}{hint}",))


def _run(test: RuleTest, bench: Bench, default_today: datetime.date) -> TestResult:
    try:
        policy = _policy(test, bench)
    except ConfigError as e:
        line = test.position("isms")[0]
        # the messages name lines of the merged isms.yaml, which the test does not show
        what = re.sub(r"isms\.yaml(?: \(at [^)]*\))?:\d+: |isms\.yaml is invalid:", "", str(e))
        what = "; ".join(part.strip() for part in what.splitlines() if part.strip())
        reason = f"{test.file}:{line}: the methodology, with `isms:` merged, is invalid: {what}"
        return TestResult(test, Status.ERROR, (reason,))
    today = _date(test.data.get("today")) or default_today
    committed = _date(test.data.get("committed"))
    snap = Snapshot(policy.tree, bench.display, {test.file: committed} if committed else None)
    selected = {i.id for i in policy.infos}
    base: Model | None = None
    if test.data.get("base") is not None:
        base = judge(policy, snap, _documents(test, "base"), today, selected).model
    change = _change(test.data.get("change"))
    results = judge(policy, snap, _documents(test, "given"), today, selected, base, change).results
    return _verdict(test, results)


def _policy(test: RuleTest, bench: Bench) -> Policy:
    """The bench's policy with the test's methodology: isms.yaml with `isms:` merged, the
    catalog file it names, and the paths the test says exist."""
    data = merged(bench.isms, test.data.get("isms") or {})
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    m = bench.methodology(text, lambda: _methodology(data, text, bench))
    files = {"isms.yaml": text.encode(), **{path: b"" for path in test.data.get("files") or ()}}
    tree = MemoryTree(files)
    # findings on the methodology point at the test
    m = dataclasses.replace(m, file=test.file, parsed=Parsed(m.data, {(): (test.line, 1)}))
    return dataclasses.replace(bench.policy, methodology=m, tree=tree)


def _methodology(data: Any, text: str, bench: Bench) -> Methodology:
    """The methodology of a test's isms.yaml text (ConfigError when it is invalid)."""
    files = {"isms.yaml": text.encode()}
    catalog = data.get("catalog") if isinstance(data, Mapping) else None
    if isinstance(catalog, str) and bench.tree.is_file(catalog):
        files[catalog] = bench.tree.read_bytes(catalog)
    return load_methodology(MemoryTree(files), DisplayPaths(), origin="the test's methodology")


def _date(value: Any) -> datetime.date | None:
    if value is None:
        return None
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def _change(data: Mapping[str, Any] | None) -> PolicyChange | None:
    if data is None:
        return None
    return PolicyChange(
        tuple(data.get("methodology") or ()),
        tuple(data.get("policies") or ()),
        bool(data.get("waivers")),
    )


def _documents(test: RuleTest, group: str) -> dict[str, list[Document]]:
    """The test's entities of `group` (given, base) as the loader would give them, each
    pointing at its own line of the test file; every kind present, empty if not given."""
    given = test.data.get(group) or {}
    out: dict[str, list[Document]] = {k.name: [] for k in (*FOLDER_KINDS, BY_NAME["waiver"])}
    for plural, items in given.items():
        kind = _kind_of(plural)
        assert kind is not None  # load_tests checked the keys
        path = (*test.path, group, plural)
        positions = {
            p[len(path) :]: pos
            for p, pos in test.parsed.positions.items()
            if p[: len(path)] == path
        }
        if not items:
            continue
        parsed = entities_of(test.file, Parsed(list(items), positions))
        violations = tuple(tuple(schema.validate(kind.name, s.data)) for s in parsed.sources)
        out[kind.name] = [Document(parsed, violations)]
    return out


def _verdict(test: RuleTest, results: Sequence[Result]) -> TestResult:
    if not test.fail and not test.passing:
        return TestResult(
            test, Status.ERROR, ("lists no ids in `fail` or `pass`: it could never fail",)
        )
    fixture = [
        f"the fixture is not valid: {r.location.file}:{r.location.line}: {r.rule} {r.message}"
        for r in results
        if r.rule in FIXTURE_RULES and r.rule != test.rule and r.is_finding
    ]
    if fixture:
        return TestResult(test, Status.ERROR, tuple(fixture))
    mine = [r for r in results if r.rule == test.rule]
    errors = [
        f"{r.entity or r.kind}: evaluation error: {r.message}"
        for r in mine
        if r.outcome is Outcome.ERROR
    ]
    if errors:
        return TestResult(test, Status.ERROR, tuple(errors))
    # the methodology (`isms`) is always there, judged or not (GIT-003 outside PR mode)
    known = {r.entity for r in results if r.entity is not None} | {"isms"}
    unknown = [i for i in (*test.fail, *test.passing) if i not in known]
    if unknown:
        return TestResult(
            test,
            Status.ERROR,
            tuple(f"{i} names no entity of the test: check the id" for i in unknown),
        )
    found = {r.entity: r for r in mine if r.outcome in (Outcome.FAIL, Outcome.WAIVED)}
    judged = {r.entity for r in mine}
    reasons: list[str] = []
    for i in test.fail:
        if i not in found:
            why = "passed" if i in judged else "was not judged (the rule does not apply to it)"
            reasons.append(f"{i} should fail but {why}")
    for i in test.passing:
        if i in found:
            reasons.append(f"{i} should pass but failed: {found[i].message}")
    return TestResult(test, Status.FAIL if reasons else Status.PASS, tuple(reasons))


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
    return builtin_policy(tree, DisplayPaths(), "the default methodology", cel, typecheck)


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
    from checker.policy import prepare

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
        tests += _load_file(DiskTree(path.parent), path.name, shown)
    return tests


def _suite(files: Sequence[tuple[Path, str]], bench: Bench) -> Suite:
    return Suite(tuple(_tests(files)), bench, tuple(shown for _, shown in files))

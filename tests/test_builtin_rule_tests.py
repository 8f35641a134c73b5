"""The built-in rules' own rule tests (policies/tests/*.test.yaml, run by
`isms-check test --builtin`): they all pass, every built-in rule has a test that fails an
entity and one that passes one, and the tests can fail (each flipped, it fails)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from junitparser import Error, Failure, JUnitXml, Skipped

from checker.loader import parse_yaml
from checker.resources import data_dir
from tests.conftest import Cli

POLICIES = data_dir("policies")
TESTS = POLICIES / "tests"
# ISMS-PARSE judges files that do not load as YAML: a rule test, whose fixtures are YAML
# inside the test file, cannot give one (tests/cases/parse-* cover it; docs/decisions.md)
UNTESTABLE = {"ISMS-PARSE"}


def _test_files() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*") if p.name.endswith((".test.yaml", "_test.yaml")))


def _tests() -> list[dict[str, Any]]:
    """Every built-in test, read as the checker reads YAML (dates stay text)."""
    out: list[dict[str, Any]] = []
    for path in _test_files():
        out += parse_yaml(path.read_text(encoding="utf-8")).data["tests"]
    return out


def test_every_builtin_rule_test_passes(cli: Cli, tmp_path: Path) -> None:
    report = tmp_path / "rule-tests.xml"
    run = cli("test", "--builtin", "--junit", str(report))
    assert run.code == 0, run.out
    count, files = len(_tests()), len(_test_files())
    assert run.out.splitlines()[-1] == (
        f"{count} tests in {files} files: {count} passed, 0 failed, 0 errors"
    )
    lines = run.out.splitlines()[:-1]
    assert [line.split()[0] for line in lines] == ["PASS"] * count
    assert all(line.split(None, 1)[1].startswith("(built-in) policies/tests/") for line in lines)
    cases = [case for suite in JUnitXml.fromfile(str(report)) for case in suite]
    assert len(cases) == count
    assert all(case.is_passed and not case.result for case in cases)
    assert {c.name for c in cases} == {t["name"] for t in _tests()}


def _uncovered(rules: set[str], tests: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The rules without a test that must fail an entity, and those without one that must
    pass one."""
    failing = {t["rule"] for t in tests if t.get("fail")}
    passing = {t["rule"] for t in tests if t.get("pass")}
    return {"no fail": sorted(rules - failing), "no pass": sorted(rules - passing)}


def test_every_builtin_rule_has_a_failing_and_a_passing_test(cli: Cli) -> None:
    run = cli("rules", "--format", "json")
    assert run.code == 0
    rules = {r["id"] for r in json.loads(run.out)} - UNTESTABLE
    assert {"RT-001", "ISMS-SCHEMA", "ISMS-DUP", "ISMS-REF"} <= rules  # the list is real
    assert _uncovered(rules, _tests()) == {"no fail": [], "no pass": []}


def test_the_coverage_check_names_a_rule_without_tests() -> None:
    tests = [t for t in _tests() if t["rule"] != "RT-003"]
    tests += [{"name": "only fails", "rule": "XX-001", "fail": ["R-1"], "pass": []}]
    assert _uncovered({"RT-001", "RT-003", "XX-001"}, tests) == {
        "no fail": ["RT-003"],
        "no pass": ["RT-003", "XX-001"],
    }


def test_every_builtin_test_sets_its_day() -> None:
    """Built-in tests must not depend on the day they run."""
    assert [t["name"] for t in _tests() if "today" not in t] == []


def test_every_rule_file_has_its_test_file() -> None:
    rule_files = sorted(p.name.removesuffix(".yaml") for p in POLICIES.glob("*.yaml"))
    assert rule_files  # the pack is there
    missing = [f for f in rule_files if not (TESTS / f"{f}.test.yaml").is_file()]
    assert missing == []


def test_the_builtin_tests_can_fail(cli: Cli, tmp_path: Path) -> None:
    """Every built-in test with its fail and pass lists swapped fails (not errors), and
    names each id: the tests pin the rules' verdicts, they are not passing by default."""
    flipped = []
    for file in _test_files():  # one file for all: each name prefixed by its file's
        for test in parse_yaml(file.read_text(encoding="utf-8")).data["tests"]:
            test = dict(test, name=f"{file.name}: {test['name']}")
            test["fail"], test["pass"] = test.get("pass") or [], test.get("fail") or []
            flipped.append(test)
    path = tmp_path / "flipped.test.yaml"
    path.write_text(yaml.safe_dump({"tests": flipped}, sort_keys=False), encoding="utf-8")
    run = cli("test", str(path))
    assert run.code == 1
    count = len(flipped)
    assert run.out.splitlines()[-1] == (
        f"{count} tests in 1 file: 0 passed, {count} failed, 0 errors"
    )
    blocks = [b for b in re.split(r"^(?=\S)", run.out, flags=re.M) if b]
    by_name = {}
    for block in blocks[:-1]:
        head, *reasons = block.rstrip("\n").split("\n")
        status, _, _, name = head.split(None, 3)
        assert status == "FAIL", block
        by_name[name] = [r.strip() for r in reasons]
    for test in flipped:
        reasons = by_name[test["name"]]
        for i in test["fail"]:
            assert any(r.startswith(f"{i} should fail but ") for r in reasons), (test, reasons)
        for i in test["pass"]:
            assert any(r.startswith(f"{i} should pass but failed: ") for r in reasons), test
        assert len(reasons) == len(test["fail"]) + len(test["pass"])


def test_a_builtin_test_fails_when_its_rule_changes(cli: Cli, tmp_path: Path) -> None:
    """The RT-001 boundary test of the pack, judged with appetite 9 instead of 8, fails
    on the risk at level 9: the tests notice a change in what the rules decide."""
    test = next(t for t in _tests() if t["rule"] == "RT-001" and "R-9" in t.get("fail", []))
    path = tmp_path / "appetite.test.yaml"
    path.write_text(yaml.safe_dump({"tests": [{**test, "isms": {"appetite": 9}}]}), "utf-8")
    report = tmp_path / "appetite.xml"
    run = cli("test", str(path), "--junit", str(report))
    assert run.code == 1
    assert run.out.startswith("FAIL ")
    assert "R-9 should fail but was not judged (the rule does not apply to it)" in run.out
    (case,) = [case for suite in JUnitXml.fromfile(str(report)) for case in suite]
    assert [type(r) for r in case.result] == [Failure]
    assert not any(isinstance(r, (Error, Skipped)) for r in case.result)

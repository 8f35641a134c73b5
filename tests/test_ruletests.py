"""`isms-check test` (checker/ruletests.py, commands/test.py, reporters/ruletests.py): the
PASS/FAIL/ERROR verdicts and their reasons, the summary, JUnit, exit codes, the
methodology and rules a test is judged by, and hostile test names."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from junitparser import Attr, Error, Failure, IntAttr, JUnitXml, TestCase

from checker import ruletests
from tests.conftest import Cli

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EXAMPLE_TODAY = "2026-11-27"  # the example ISMS checks clean on this day


def risk(rid: str, likelihood: int, impact: int, treatment: str = "none", **more: str) -> str:
    """One risk as a YAML flow mapping, valid under the risk schema."""
    extra = "".join(f", {k}: {v}" for k, v in more.items())
    return (
        f"{{id: {rid}, title: T, owner: CISO, inherent: {{likelihood: {likelihood}, "
        f"impact: {impact}}}, treatment: {treatment}, assessed: 2026-05-01{extra}}}"
    )


def plan(pid: str, due: str, status: str = "in_progress") -> str:
    return (
        f"{{id: {pid}, title: T, risks: [R-1], owner: CISO, status: {status}, "
        "approval: {by: CISO, date: 2026-05-02}, created: 2026-05-01, "
        f"due: {due}, actions: [{{id: A1, title: T, due: 2026-09-30, status: open}}]}}"
    )


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# Three tests of RT-001: right, wrong and broken expectations (R-25 and R-M at level 25,
# with treatment none and mitigate; R-8 at the appetite, not judged).
THREE = f"""\
tests:
  - name: critical risk needs a decision
    rule: RT-001
    today: 2026-06-01
    given:
      risks:
        - {risk("R-25", 5, 5)}
        - {risk("R-8", 2, 4)}
    fail: [R-25]
    pass: [R-8]

  - name: wrong expectations
    rule: RT-001
    today: 2026-06-01
    given:
      risks:
        - {risk("R-25", 5, 5)}
        - {risk("R-M", 5, 5, "mitigate")}
    fail: [R-M]
    pass: [R-25]

  - name: an id that is no entity
    rule: RT-001
    today: 2026-06-01
    given:
      risks:
        - {risk("R-25", 5, 5)}
    fail: [R-99]
"""


class LocatedCase(TestCase):
    """A JUnit testcase with the file and line attributes our report writes."""

    file = Attr()
    line = IntAttr()


def cases(report: Path) -> list[LocatedCase]:
    return [c for suite in JUnitXml.fromfile(str(report)) for c in suite.iterchildren(LocatedCase)]


# --- verdicts, reasons, summary ----------------------------------------------------------


def test_pass_fail_and_error_lines_with_their_reasons(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "rt_test.yaml", THREE)
    run = cli("test", str(path))
    assert run.code == 1
    shown = str(path)
    assert run.out.splitlines() == [
        f"PASS   {shown}:2  RT-001  critical risk needs a decision",
        f"FAIL   {shown}:12  RT-001  wrong expectations",
        "       R-M should fail but passed",
        "       R-25 should pass but failed: risk level 25 (Critical) is above the appetite 8 "
        "but no treatment has been decided (treatment: none)",
        f"ERROR  {shown}:22  RT-001  an id that is no entity",
        "       R-99 names no entity of the test: check the id",
        "3 tests in 1 file: 1 passed, 1 failed, 1 error",
    ]


def test_a_rule_that_does_not_apply_is_named_so(cli: Cli, tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.test.yaml",
        f"tests:\n  - name: n\n    rule: RT-002\n    today: 2026-06-01\n"
        f"    given:\n      risks:\n        - {risk('R-1', 1, 1, 'mitigate')}\n    fail: [R-1]\n",
    )
    run = cli("test", str(path))
    assert run.code == 1
    assert "R-1 should fail but was not judged (the rule does not apply to it)" in run.out


def test_summary_counts_tests_and_files(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path / "tests" / "one.test.yaml", THREE)
    write(tmp_path / "tests" / "deeper" / "two_test.yaml", THREE)
    write(tmp_path / "tests" / "ignored.yaml", "not: a test file\n")
    write(tmp_path / "tests" / ".hidden" / "x.test.yaml", "not YAML: [\n")
    run = cli("test", str(tmp_path / "tests"))
    assert run.code == 1
    assert run.out.splitlines()[-1] == "6 tests in 2 files: 2 passed, 2 failed, 2 errors"
    one = write(tmp_path / "single.test.yaml", THREE.split("\n\n")[0] + "\n")
    run = cli("test", str(one))
    assert (run.code, run.out.splitlines()[-1]) == (
        0,
        "1 test in 1 file: 1 passed, 0 failed, 0 errors",
    )


def test_junit_has_file_line_and_failure_or_error(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "rt.test.yaml", THREE)
    report = tmp_path / "out" / "rule-tests.xml"
    report.parent.mkdir()
    run = cli("test", str(path), "--junit", str(report))
    assert run.code == 1
    (suite,) = list(JUnitXml.fromfile(str(report)))
    assert suite.name == str(path)
    got = cases(report)
    assert [(c.name, c.classname, c.file, c.line) for c in got] == [
        ("critical risk needs a decision", "RT-001", str(path), 2),
        ("wrong expectations", "RT-001", str(path), 12),
        ("an id that is no entity", "RT-001", str(path), 22),
    ]
    assert got[0].is_passed and not got[0].result
    (failure,) = got[1].result
    assert isinstance(failure, Failure)
    assert failure.message == "R-M should fail but passed"
    assert "R-25 should pass but failed" in (failure.text or "")
    (error,) = got[2].result
    assert isinstance(error, Error)
    assert error.message == "R-99 names no entity of the test: check the id"


# --- exit codes --------------------------------------------------------------------------


def test_exit_0_when_every_test_passes(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "ok.test.yaml", THREE.split("\n\n")[0] + "\n")
    assert cli("test", str(path)).code == 0


def test_exit_1_when_a_test_only_errors(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "e.test.yaml", "tests:\n  - {name: n, rule: NO-SUCH-RULE}\n")
    run = cli("test", str(path))
    assert run.code == 1
    assert run.out.startswith("ERROR  ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tests: [\n", "bad.test.yaml:2:1: invalid YAML"),
        ("tests:\n  - name: n\n", "bad.test.yaml:2: tests[0]: required field 'rule' is missing"),
        ("tests: []\n", "rule test file is invalid"),
        ("tests:\n  - {name: n, rule: RT-001, fial: [R-1]}\n", "rule test file is invalid"),
        (
            "tests:\n  - {name: same, rule: RT-001}\n  - {name: same, rule: RT-002}\n",
            "bad.test.yaml:3: test name 'same' is already used at line 2",
        ),
        (
            "tests:\n  - name: n\n    rule: RT-001\n    given:\n      risk: []\n",
            "bad.test.yaml:5: given.risk is not a kind of record: use risks, controls, plans",
        ),
        (
            "tests:\n  - name: n\n    rule: GIT-002\n    base:\n      assets: []\n",
            "bad.test.yaml:5: base.assets is not a kind of record",
        ),
    ],
    ids=["yaml", "no-rule", "no-tests", "unknown-key", "duplicate-name", "kind", "base-kind"],
)
def test_exit_2_for_a_test_file_that_cannot_be_used(
    cli: Cli, tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path / "bad.test.yaml", text)
    run = cli("test", str(path))
    assert run.code == 2
    assert run.out == ""
    assert expected in run.err
    assert "Traceback" not in run.err


def test_exit_2_when_no_test_file_is_found(cli: Cli, tmp_path: Path) -> None:
    write(tmp_path / "rules.yaml", "rules: []\n")
    run = cli("test", str(tmp_path))
    assert run.code == 2
    assert "no rule tests (*_test.yaml, *.test.yaml) found in" in run.err
    assert cli("test", str(tmp_path / "missing")).code == 2
    assert cli("test", str(tmp_path), "--builtin").code == 2  # PATH or --builtin


# --- errors, not passes ------------------------------------------------------------------


def test_an_unknown_rule_is_an_error_with_did_you_mean(cli: Cli, tmp_path: Path) -> None:
    path = write(
        tmp_path / "u.test.yaml",
        "tests:\n  - {name: typo, rule: RT-0001, fail: [R-1]}\n  - {name: far, rule: QQQ}\n",
    )
    run = cli("test", str(path))
    assert run.code == 1
    assert run.out.splitlines()[:4] == [
        f"ERROR  {path}:2  RT-0001  typo",
        "       no rule RT-0001 (did you mean RT-001?)",
        f"ERROR  {path}:3  QQQ  far",
        "       no rule QQQ: `isms-check rules` lists them",
    ]


def test_a_fixture_breaking_its_schema_is_an_error_at_its_line(cli: Cli, tmp_path: Path) -> None:
    text = (
        "tests:\n"
        "  - name: typo in the fixture\n"
        "    rule: RT-001\n"
        "    today: 2026-06-01\n"
        "    given:\n"
        "      risks:\n"
        f"        - {risk('R-1', 5, 5)}\n"
        "        - {id: R-2, title: T, owner: O, inherent: {likelihood: 5, impact: 5},\n"
        "           treatment: none, assesed: 2026-05-01}\n"
        "    pass: [R-1]\n"
    )
    path = write(tmp_path / "f.test.yaml", text)
    run = cli("test", str(path))
    assert run.code == 1
    lines = run.out.splitlines()
    assert lines[0] == f"ERROR  {path}:2  RT-001  typo in the fixture"
    assert lines[1:] == [
        f"       the fixture is not valid: {path}:8: ISMS-SCHEMA required field 'assessed' "
        "is missing",
        f"       the fixture is not valid: {path}:9: ISMS-SCHEMA assesed: unknown field "
        "'assesed' (did you mean 'assessed'? Prefix your own fields with 'x-'.)",
        "1 test in 1 file: 0 passed, 0 failed, 1 error",
    ]


def test_an_evaluation_error_is_an_error(cli: Cli, tmp_path: Path) -> None:
    root = tmp_path / "isms"
    shutil.copytree(EXAMPLES, root)
    write(
        root / "policies" / "broken.yaml",
        "rules:\n  - id: ORG-099\n    title: Divides by zero\n    severity: error\n"
        "    resource: risk\n    check: 1/0 == 1\n",
    )
    path = write(
        root / "policies" / "tests" / "broken.test.yaml",
        f"tests:\n  - name: zero\n    rule: ORG-099\n    today: 2026-06-01\n"
        f"    given:\n      risks:\n        - {risk('R-1', 1, 1)}\n    pass: [R-1]\n",
    )
    run = cli("test", str(path))
    assert run.code == 1
    assert run.out.splitlines()[0] == "ERROR  policies/tests/broken.test.yaml:2  ORG-099  zero"
    assert run.out.splitlines()[1].startswith("       R-1: evaluation error: ")
    assert "divide by zero" in run.out


def test_the_methodology_is_an_entity_of_every_test(cli: Cli, tmp_path: Path) -> None:
    """`isms` names the methodology even when no rule judged it (GIT-003 outside PR mode)."""
    path = write(
        tmp_path / "m.test.yaml",
        "tests:\n"
        "  - {name: no change, rule: GIT-003, today: 2026-06-01, pass: [isms]}\n"
        "  - {name: wrong, rule: GIT-003, today: 2026-06-01, fail: [isms]}\n"
        "  - name: a change\n    rule: GIT-003\n    today: 2026-06-01\n"
        "    change: {methodology: [appetite]}\n    fail: [isms]\n",
    )
    run = cli("test", str(path))
    assert [line.split()[0] for line in run.out.splitlines()] == [
        "PASS",
        "FAIL",
        "isms",
        "PASS",
        "3",
    ]
    assert "isms should fail but was not judged" in run.out


# --- the methodology and the day ---------------------------------------------------------


def test_isms_is_merged_key_by_key_into_mappings_and_replaces_lists() -> None:
    base = {"appetite": 8, "review": {"risk_days": 365, "warn_days": 30}, "scales": {"a": [1, 2]}}
    over = {"review": {"warn_days": 60}, "scales": {"a": [3]}}
    assert ruletests.merged(base, over) == {
        "appetite": 8,
        "review": {"risk_days": 365, "warn_days": 60},
        "scales": {"a": [3]},
    }
    assert base["review"] == {"risk_days": 365, "warn_days": 30}  # not modified


def test_isms_keeps_the_methodology_keys_it_does_not_name(cli: Cli, tmp_path: Path) -> None:
    """warn_days changed, acceptance_max_days (365) still in force: a 366-day acceptance
    fails RT-004 and a 45-day expiry warns under RT-005."""
    acceptance = "{by: CISO, date: 2026-06-01, expires: 2027-06-02, rationale: R}"
    soon = "{by: CISO, date: 2026-06-01, expires: 2026-07-16, rationale: R}"
    path = write(
        tmp_path / "i.test.yaml",
        "tests:\n"
        "  - name: max days kept\n    rule: RT-004\n    today: 2026-06-01\n"
        "    isms: {review: {warn_days: 60}}\n"
        "    given:\n      risks:\n"
        f"        - {risk('R-1', 3, 3, 'accept', acceptance=acceptance)}\n"
        "    fail: [R-1]\n"
        "  - name: warn days merged\n    rule: RT-005\n    today: 2026-06-01\n"
        "    isms: {review: {warn_days: 60}}\n"
        f"    given:\n      risks:\n        - {risk('R-1', 3, 3, 'accept', acceptance=soon)}\n"
        "    fail: [R-1]\n"
        "  - name: default warn days\n    rule: RT-005\n    today: 2026-06-01\n"
        f"    given:\n      risks:\n        - {risk('R-1', 3, 3, 'accept', acceptance=soon)}\n"
        "    pass: [R-1]\n",
    )
    run = cli("test", str(path))
    assert run.code == 0, run.out


def test_an_invalid_merged_methodology_is_an_error(cli: Cli, tmp_path: Path) -> None:
    path = write(
        tmp_path / "i.test.yaml",
        "tests:\n  - {name: zero appetite, rule: RT-001, today: 2026-06-01, isms: {appetite: 0}}\n",
    )
    run = cli("test", str(path))
    assert run.code == 1
    assert run.out.startswith(f"ERROR  {path}:2  RT-001  zero appetite\n")
    assert (
        f"       {path}:2: the methodology, with `isms:` merged, is invalid: "
        "appetite: 0 is less than the minimum of 1\n"
    ) in run.out


def test_today_option_for_tests_that_set_no_day(cli: Cli, tmp_path: Path) -> None:
    """P-1 is due 2026-06-01: overdue from 2026-06-02 on. A test's own `today` wins."""
    path = write(
        tmp_path / "d.test.yaml",
        "tests:\n"
        f"  - name: no day\n    rule: RTP-001\n    given:\n      plans:\n"
        f"        - {plan('P-1', '2026-06-01')}\n    fail: [P-1]\n"
        f"  - name: own day\n    rule: RTP-001\n    today: 2026-06-01\n    given:\n      plans:\n"
        f"        - {plan('P-1', '2026-06-01')}\n    pass: [P-1]\n",
    )
    later = cli("test", str(path), "--today", "2026-06-02")
    assert later.code == 0, later.out
    same = cli("test", str(path), "--today", "2026-06-01")
    assert same.code == 1
    assert same.out.splitlines()[:2] == [
        f"FAIL   {path}:2  RTP-001  no day",
        "       P-1 should fail but passed",
    ]
    assert f"PASS   {path}:8  RTP-001  own day" in same.out
    assert cli("test", str(path), "--today", "01.06.2026").code == 2


# --- tests inside an ISMS ----------------------------------------------------------------

# A High risk (16) assessed 181 days before 2026-06-01: stale under the example ISMS's
# review.by_band (High: 180), current under the default methodology (risk_days 365).
# ORG-001 is the example ISMS's own rule (critical risks are owned by an executive).
ISMS_TESTS = f"""\
tests:
  - name: by band
    rule: ST-001
    today: 2026-06-01
    given:
      risks:
        - {risk("R-1", 4, 4, "mitigate", plans="[P-1]").replace("2026-05-01", "2025-12-02")}
    fail: [R-1]
  - name: own rule
    rule: ORG-001
    today: 2026-06-01
    given:
      risks:
        - {risk("R-1", 5, 5, "mitigate").replace("CISO", "Intern")}
        - {risk("R-2", 5, 5, "mitigate")}
    fail: [R-1]
    pass: [R-2]
"""


def test_tests_in_an_isms_use_its_methodology_and_rules(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "isms"
    shutil.copytree(EXAMPLES, root)
    write(root / "policies" / "tests" / "more" / "mine.test.yaml", ISMS_TESTS)
    monkeypatch.chdir(root)
    run = cli("test")  # default: the ISMS's policies folder, the example's own tests too
    assert run.code == 0, run.out
    lines = run.out.splitlines()
    assert "PASS   policies/tests/more/mine.test.yaml:2  ST-001  by band" in lines
    assert "PASS   policies/tests/more/mine.test.yaml:9  ORG-001  own rule" in lines
    assert any(line.startswith("PASS   policies/tests/org.test.yaml:") for line in lines)
    assert lines[-1].endswith(
        " in 2 files: " + lines[-1].split()[0] + " passed, 0 failed, 0 errors"
    )
    run = cli("test", "policies/tests/more")
    assert run.out.splitlines()[-1] == "2 tests in 1 file: 2 passed, 0 failed, 0 errors"
    # the same tests outside any ISMS: the default methodology and the built-in rules
    outside = write(tmp_path / "alone" / "org.test.yaml", ISMS_TESTS)
    run = cli("test", str(outside))
    assert run.code == 1
    assert "R-1 should fail but passed" in run.out
    assert "no rule ORG-001" in run.out


def test_builtin_ignores_the_isms_it_runs_in(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "isms"
    shutil.copytree(EXAMPLES, root)
    write(
        root / "isms.yaml",
        (EXAMPLES / "isms.yaml").read_text().replace("appetite: 8", "appetite: 20"),
    )
    monkeypatch.chdir(root)
    assert cli("test", "--builtin").code == 0


def test_rule_files_under_policies_leave_test_files_alone(cli: Cli, tmp_path: Path) -> None:
    root = tmp_path / "isms"
    shutil.copytree(EXAMPLES, root)
    write(root / "policies" / "tests" / "mine.test.yaml", ISMS_TESTS)
    write(root / "policies" / "more_test.yaml", ISMS_TESTS)
    run = cli("check", str(root), "--today", EXAMPLE_TODAY)
    assert run.code == 0, run.out + run.err
    assert "test.yaml" not in run.out + run.err
    # the same file under another name is read as a rule file, and stops the check
    write(root / "policies" / "more.yaml", ISMS_TESTS)
    run = cli("check", str(root), "--today", EXAMPLE_TODAY)
    assert run.code == 2
    assert "more.yaml" in run.err


# --- hostile names -----------------------------------------------------------------------


HOSTILE = (
    "tests:\n"
    '  - name: "evil \\e[31mred\\u202e\\n::error::pwned ##[warning]x \\x7f\\x85 \\x00"\n'
    "    rule: RT-001\n"
    "    today: 2026-06-01\n"
    "    given:\n"
    "      risks:\n"
    f"        - {risk('R-1', 5, 5)}\n"
    "    pass: [R-1]\n"
)


def test_hostile_test_names_are_escaped_in_text(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "h.test.yaml", HOSTILE)
    run = cli("test", str(path))
    assert run.code == 1
    for raw in ("\x1b", "\u202e", "\x7f", "\x85", "\x00", "##["):
        assert raw not in run.out
    assert not [line for line in run.out.splitlines() if line.lstrip().startswith("::")]
    assert "\\x1b[31mred\\u202e" in run.out
    assert "\\n::error::pwned # #[warning]x \\x7f\\x85 \\x00" in run.out  # one line


def test_hostile_test_names_are_well_formed_in_junit(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "h.test.yaml", HOSTILE)
    report = tmp_path / "h.xml"
    assert cli("test", str(path), "--junit", str(report)).code == 1
    ET.parse(report)  # well-formed XML
    (case,) = cases(report)
    assert case.name.startswith("evil \\x1b[31mred\\u202e")
    assert "\\x7f\\x85 \\x00" in case.name
    assert (case.classname, case.line) == ("RT-001", 2)
    assert isinstance(case.result[0], Failure)


def test_a_test_without_ids_is_an_error(cli: Cli, tmp_path: Path) -> None:
    """Nothing listed in fail or pass: the test could never fail, so it does not pass."""
    path = write(
        tmp_path / "n.test.yaml",
        "tests:\n  - {name: says nothing, rule: RT-001, today: 2026-06-01, fail: [], pass: []}\n",
    )
    run = cli("test", str(path))
    assert run.code == 1
    assert "       lists no ids in `fail` or `pass`: it could never fail\n" in run.out

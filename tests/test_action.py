"""The composite action run as the runner would: each step's `run:` in bash, with its
`env:` expressions filled from the inputs, in a real repository with a base and a head
commit, a pull_request event at $GITHUB_EVENT_PATH, and files for $GITHUB_OUTPUT and
$GITHUB_STEP_SUMMARY (slow: it installs the package). Then the check step itself in
process, `checker.action.main(env)`: outputs, reports, inputs that cannot run."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from checker import action
from tests.gitrepo import isms_repo

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
EXPR = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")
UNTREATED = """id: R-9
title: "Untreated risk: x\\n::error::injected"
owner: CISO
inherent: {likelihood: 3, impact: 4}
treatment: none
assessed: 2026-05-25
"""


def _expression(expr: str, inputs: dict[str, str], steps: dict[str, dict[str, str]]) -> str:
    parts = expr.split(".")
    if parts[0] == "inputs":
        return inputs[parts[1]]
    if parts[0] == "steps" and parts[2] == "outputs":
        return steps.get(parts[1], {}).get(parts[3], "")
    raise AssertionError(f"the test runner does not know the expression {expr}")


def _condition(expr: str, inputs: dict[str, str], outcomes: dict[str, str]) -> bool:
    """A step's `if:` (the few forms action.yml uses: terms joined by &&); none means
    success(): every earlier step succeeded."""
    if not expr:
        return all(o == "success" for o in outcomes.values())
    ok = True
    for term in EXPR.sub(lambda m: m.group(1), expr).split("&&"):
        term = term.strip()
        if term in ("!cancelled()", "always()"):
            continue
        left, op, right = re.fullmatch(r"(\S+) (==|!=) '([^']*)'", term).groups()  # type: ignore[union-attr]
        parts = left.split(".")
        value = inputs[parts[1]] if parts[0] == "inputs" else outcomes.get(parts[1], "skipped")
        ok = ok and ((value == right) == (op == "=="))
    return ok


def _outputs(path: Path) -> dict[str, str]:
    pairs = (
        line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines() if "=" in line
    )
    return dict(pairs)


def run_action(
    workspace: Path, tmp: Path, given: dict[str, str], event: dict[str, Any]
) -> dict[str, Any]:
    inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    inputs.update(given)
    event_path = tmp / "event.json"
    event_path.write_text(json.dumps(event), encoding="utf-8")
    summary = tmp / "summary.md"
    summary.write_text("# Earlier step\n", encoding="utf-8")
    runner_temp = tmp / "runner-temp"
    runner_temp.mkdir()
    steps: dict[str, dict[str, str]] = {}
    outcomes: dict[str, str] = {}
    logs: dict[str, subprocess.CompletedProcess[str]] = {}
    uploads: list[dict[str, str]] = []  # `uses:` steps are recorded, not run
    for i, step in enumerate(ACTION["runs"]["steps"]):
        name = step.get("id", step["name"])
        if not _condition(str(step.get("if", "")), inputs, outcomes):
            outcomes[name] = "skipped"
            continue
        if "uses" in step:
            given = {k: EXPR.sub(lambda m: _expression(m.group(1), inputs, steps), str(v))
                     for k, v in step.get("with", {}).items()}  # fmt: skip
            uploads.append({"uses": step["uses"], **given})
            outcomes[name] = "success"
            continue
        assert "${{" not in step["run"], "inputs reach scripts only through env:"
        output_file = tmp / f"output-{i}"
        output_file.write_text("", encoding="utf-8")
        env = {
            **os.environ,
            "GITHUB_ACTION_PATH": str(ROOT),
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_EVENT_PATH": str(event_path),
            "GITHUB_OUTPUT": str(output_file),
            "GITHUB_STEP_SUMMARY": str(summary),
            "RUNNER_TEMP": str(runner_temp),
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_REPOSITORY": "o/r",
            "GITHUB_RUN_ID": "42",
        }
        for key, value in (step.get("env") or {}).items():
            env[key] = EXPR.sub(lambda m: _expression(m.group(1), inputs, steps), str(value))
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=workspace, env=env, capture_output=True, text=True,
        )  # fmt: skip
        logs[name] = done
        outcomes[name] = "success" if done.returncode == 0 else "failure"
        if "id" in step:
            steps[step["id"]] = _outputs(output_file)
    outputs = {
        name: EXPR.sub(lambda m: _expression(m.group(1), inputs, steps), spec["value"])
        for name, spec in ACTION["outputs"].items()
    }
    return {
        "logs": logs,
        "outputs": outputs,
        "summary": summary.read_text(encoding="utf-8"),
        "uploads": uploads,
    }


@pytest.mark.slow
def test_action_on_a_pull_request(tmp_path: Path) -> None:
    repo = isms_repo(tmp_path / "repo", date="2026-05-20")
    base = repo.git("rev-parse", "HEAD").strip()
    repo.write(
        "isms.yaml", (repo.path / "isms.yaml").read_text().replace("appetite: 8", "appetite: 16")
    )
    repo.write("risks/r9.yaml", UNTREATED)  # level 12: above the base's appetite 8
    head = repo.commit("raise appetite, add R-9", "2026-05-26")
    event = {"pull_request": {"base": {"sha": base}, "head": {"sha": head}, "number": 7}}

    result = run_action(repo.path, tmp_path, {"today": "2026-06-01"}, event)
    install, check = result["logs"]["install"], result["logs"]["check"]
    assert install.returncode == 0, install.stderr
    assert check.returncode == 1, check.stdout + check.stderr  # judged by the base's appetite
    tests = result["logs"]["Run the rule tests"]  # runs after a failed check too
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "::notice title=isms-check test::no rule tests in the ISMS" in tests.stdout

    out = result["outputs"]
    assert out["errors"] == "1" and out["warnings"] == "1" and out["new"] == "2"
    assert out["junit"] == "isms-check-junit.xml" and out["sarif"] == "isms-check.sarif"
    assert (repo.path / out["junit"]).is_file() and (repo.path / out["sarif"]).is_file()
    assert json.loads(Path(out["json"]).read_text())["summary"]["error"] == 1

    commands = [line for line in check.stdout.splitlines() if line.startswith("::")]
    assert commands[0].startswith("::error file=risks/r9.yaml,line=5,")
    assert "title=RT-001 [R-9] (new)::risk level 12 (High) is above the appetite 8" in commands[0]
    assert any(c.startswith("::warning file=isms.yaml") and "GIT-003" in c for c in commands)
    assert not any(c.startswith("::error::injected") for c in commands)

    summary = result["summary"]
    assert summary.startswith("# Earlier step\n")  # appended, not overwritten
    assert "RT-001" in summary and "GIT-003" in summary and "new" in summary.lower()
    assert repo.git("status", "--porcelain") == "?? isms-check-junit.xml\n?? isms-check.sarif\n"


@pytest.mark.slow
def test_action_outside_pull_requests_and_new_only(tmp_path: Path) -> None:
    repo = isms_repo(tmp_path / "repo", date="2026-05-20")
    repo.write("risks/r9.yaml", UNTREATED)
    base = repo.commit("R-9", "2026-05-26")
    repo.write("notes.md", "unrelated\n")
    repo.commit("unrelated change", "2026-05-27")
    event = {"pull_request": {"base": {"sha": base}}}
    result = run_action(repo.path, tmp_path, {"today": "2026-06-01", "new-only": "true"}, event)
    check = result["logs"]["check"]
    assert check.returncode == 0, check.stdout + check.stderr  # R-9 existed before the change
    assert result["outputs"]["new"] == "0" and result["outputs"]["errors"] == "1"


@pytest.mark.slow
def test_action_writes_the_report_and_uploads_it(tmp_path: Path) -> None:
    repo = isms_repo(tmp_path / "repo", date="2026-05-20")
    repo.write("risks/r9.yaml", UNTREATED)
    repo.commit("R-9", "2026-05-26")
    result = run_action(repo.path, tmp_path, {"today": "2026-06-01", "report": "true"}, {})
    check, report = result["logs"]["check"], result["logs"]["report"]
    assert check.returncode == 1  # a failed check still gets its report
    assert report.returncode == 0, report.stderr
    assert (repo.path / "isms-check-report" / "index.html").is_file()
    assert result["outputs"]["report"] == "isms-check-report"
    assert result["uploads"] == [
        {
            "uses": "actions/upload-artifact@v4",
            "name": "isms-check-report",
            "path": "isms-check-report",
            "if-no-files-found": "error",
        }
    ]
    assert (
        "[the run's artifacts](https://github.com/o/r/actions/runs/42#artifacts)"
        in (result["summary"])
    )


def test_report_step_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.report import github

    repo = isms_repo(tmp_path / "repo", date="2026-05-20")
    monkeypatch.chdir(repo.path)
    env = _env(tmp_path, today="2026-06-01", report_path="out/report")
    env.update(GITHUB_SERVER_URL="https://github.com", GITHUB_REPOSITORY="o/r", GITHUB_RUN_ID="7")
    assert github.main(env) == 0
    assert (repo.path / "out" / "report" / "report.md").is_file()
    assert _outputs(tmp_path / "output") == {"path": "out/report"}
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "https://github.com/o/r/actions/runs/7#artifacts" in summary
    assert "isms-check-report" in summary
    env["GITHUB_RUN_ID"] = "7)[x](javascript:alert(1)"  # not a run id: no link at all
    assert "](" not in github.summary(env)
    assert github.main({**env, "INPUT_REPORT_PATH": "a\nb"}) == 2


def test_report_input_is_off_by_default_and_uploads_the_same_folder() -> None:
    assert ACTION["inputs"]["report"]["default"] == "false"
    steps = {step.get("name"): step for step in ACTION["runs"]["steps"]}
    write, upload = steps["Write the report"], steps["Upload the report"]
    assert "inputs.report == 'true'" in write["if"] and write["if"] == upload["if"]
    folder = "${{ inputs.report-path }}"
    assert write["env"]["INPUT_REPORT_PATH"] == upload["with"]["path"] == folder
    assert re.fullmatch(r"actions/upload-artifact@v\d+", upload["uses"])  # a pinned major


# --- the step in process: checker.action.main(env) -----------------------------------------


def _env(tmp: Path, **inputs: str) -> dict[str, str]:
    """The environment the runner gives the step, with the action's default inputs."""
    env = {
        f"INPUT_{name.upper().replace('-', '_')}": str(spec.get("default", ""))
        for name, spec in ACTION["inputs"].items()
    }
    env.update({f"INPUT_{k.upper()}": v for k, v in inputs.items()})
    (tmp / "runner-temp").mkdir(exist_ok=True)
    for name in ("output", "summary.md"):
        (tmp / name).write_text("", encoding="utf-8")
    env.update(
        GITHUB_EVENT_NAME="push",
        GITHUB_OUTPUT=str(tmp / "output"),
        GITHUB_STEP_SUMMARY=str(tmp / "summary.md"),
        RUNNER_TEMP=str(tmp / "runner-temp"),
    )
    return env


def test_step_in_process_pr_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = isms_repo(tmp_path / "repo", date="2026-05-20")
    base = repo.git("rev-parse", "HEAD").strip()
    repo.write("risks/r9.yaml", UNTREATED)
    repo.commit("add R-9", "2026-05-26")
    monkeypatch.chdir(repo.path)
    env = _env(tmp_path, today="2026-06-01", base=base, junit="out/junit.xml")
    env.update(GITHUB_SERVER_URL="https://github.com", GITHUB_REPOSITORY="o/r", GITHUB_SHA="f00")

    assert action.main(env) == 1
    out = capsys.readouterr().out
    assert out.startswith("::error file=risks/r9.yaml,line=5,")
    assert out.splitlines()[-1].startswith("isms-check failed: 1 errors")
    assert _outputs(tmp_path / "output") == {
        "errors": "1", "warnings": "0", "new": "1", "junit": "out/junit.xml",
        "sarif": "isms-check.sarif", "json": str(tmp_path / "runner-temp" / "isms-check.json"),
    }  # fmt: skip
    report = json.loads((tmp_path / "runner-temp" / "isms-check.json").read_text())
    assert [(f["rule"], f["change"]) for f in report["findings"]] == [("RT-001", "new")]
    assert (repo.path / "out" / "junit.xml").is_file()
    assert (repo.path / "isms-check.sarif").is_file()
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("## ❌ isms-check failed")
    assert "](https://github.com/o/r/blob/f00/risks/r9.yaml#L5)" in summary


def test_step_in_process_outside_pr_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = isms_repo(tmp_path / "repo", date="2026-05-20")
    monkeypatch.chdir(repo.path)
    env = _env(tmp_path, today="2026-06-01", **{"new_only": "true", "junit": "", "sarif": ""})
    assert action.main(env) == 0  # new-only and policy-from (base) do not apply
    assert _outputs(tmp_path / "output")["new"] == "0"
    assert repo.git("status", "--porcelain") == ""  # no report files asked for, none written
    assert "isms-check passed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"fail_on": "errors"}, "input fail-on: 'errors' is not one of error, warning, never"),
        ({"policy_from": "main"}, "input policy-from: 'main' is not one of head, base"),
        ({"today": "1.6.2026"}, "input today: '1.6.2026' is not a date"),
        ({"junit": "a\nb=c"}, "input junit: a path cannot contain a line break"),
        ({"path": "no-isms-here"}, "no isms.yaml found"),
    ],
)
def test_step_that_cannot_run_says_so_as_an_annotation(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    inputs: dict[str, str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "no-isms-here").mkdir()
    assert action.main(_env(tmp_path, **inputs)) == 2
    out, err = capsys.readouterr()
    assert out.startswith("::error title=isms-check::") and message in out
    assert out.count("\n") == 1  # one command line: the message's own breaks are escaped
    assert message in err
    assert (tmp_path / "output").read_text() == ""  # no outputs for a run that did not happen


def test_pull_request_base_from_the_event(tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"base": {"sha": "abc123"}}}), encoding="utf-8")
    env = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event)}
    assert action.pr_base(env) == "abc123"
    assert action.pr_base({**env, "INPUT_BASE": " main "}) == "main"
    assert action.pr_base({**env, "GITHUB_EVENT_NAME": "push"}) == ""
    assert action.pr_base({**env, "GITHUB_EVENT_PATH": str(tmp_path / "missing")}) == ""


def _example(tmp_path: Path) -> Path:
    import shutil

    shutil.copytree(ROOT / "examples", tmp_path / "isms")
    return tmp_path / "isms"


def test_rule_tests_step_runs_the_isms_tests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from checker import action_tests

    isms = _example(tmp_path)
    junit = tmp_path / "tests.xml"
    env = {"INPUT_PATH": str(isms), "INPUT_RULE_TESTS_JUNIT": str(junit)}
    assert action_tests.main(env) == 0
    out = capsys.readouterr().out
    assert "2 tests in 1 file: 2 passed, 0 failed, 0 errors" in out
    assert "::error" not in out and junit.is_file()

    test_file = isms / "policies" / "tests" / "org.test.yaml"
    test_file.write_text(
        test_file.read_text(encoding="utf-8").replace("pass: [R-2]", "pass: [R-1]"),
        encoding="utf-8",
    )
    assert action_tests.main(env) == 1
    errors = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("::error")]
    assert errors == [
        "::error file=policies/tests/org.test.yaml,line=5,title=FAIL ORG-001%3A a Critical risk "
        "owned by an engineer fails%2C one owned by the CISO passes::R-1 should pass but failed: "
        "Risk R-1 has a Critical inherent level (20) but is owned by Platform engineer, not by "
        "an executive"
    ]


def test_rule_tests_step_modes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from checker import action_tests

    isms = _example(tmp_path)
    import shutil

    shutil.rmtree(isms / "policies" / "tests")
    assert action_tests.main({"INPUT_PATH": str(isms)}) == 0  # auto: none is fine
    assert "no rule tests in the ISMS" in capsys.readouterr().out
    assert action_tests.main({"INPUT_PATH": str(isms), "INPUT_RULE_TESTS": "true"}) == 1
    assert capsys.readouterr().out.startswith("::error title=isms-check test::rule-tests: true")
    assert action_tests.main({"INPUT_PATH": str(isms), "INPUT_RULE_TESTS": "false"}) == 0
    assert capsys.readouterr().out == ""
    assert action_tests.main({"INPUT_PATH": str(isms), "INPUT_RULE_TESTS": "maybe"}) == 2
    assert "input rule-tests: 'maybe' is not one of auto, true, false" in capsys.readouterr().err

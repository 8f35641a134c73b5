"""The composite action run as the runner would: each step's `run:` in bash, with its
`env:` expressions filled from the inputs, in a real repository with a base and a head
commit, a pull_request event at $GITHUB_EVENT_PATH, and files for $GITHUB_OUTPUT and
$GITHUB_STEP_SUMMARY."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

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
    logs = []
    for i, step in enumerate(ACTION["runs"]["steps"]):
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
        }
        for key, value in (step.get("env") or {}).items():
            env[key] = EXPR.sub(lambda m: _expression(m.group(1), inputs, steps), str(value))
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=workspace, env=env, capture_output=True, text=True,
        )  # fmt: skip
        logs.append(done)
        if "id" in step:
            steps[step["id"]] = _outputs(output_file)
        if done.returncode != 0:
            break
    outputs = {
        name: EXPR.sub(lambda m: _expression(m.group(1), inputs, steps), spec["value"])
        for name, spec in ACTION["outputs"].items()
    }
    return {"logs": logs, "outputs": outputs, "summary": summary.read_text(encoding="utf-8")}


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
    install, check = result["logs"]
    assert install.returncode == 0, install.stderr
    assert check.returncode == 1, check.stdout + check.stderr  # judged by the base's appetite

    out = result["outputs"]
    assert out["errors"] == "1" and out["warnings"] == "1" and out["new"] == "2"
    assert out["junit"] == "isms-check-junit.xml" and out["sarif"] == "isms-check.sarif"
    assert (repo.path / out["junit"]).is_file() and (repo.path / out["sarif"]).is_file()
    assert json.loads(Path(out["json"]).read_text())["summary"]["error"] == 1

    commands = [line for line in check.stdout.splitlines() if line.startswith("::")]
    assert commands[0].startswith("::error file=risks/r9.yaml,line=1,")
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
    check = result["logs"][1]
    assert check.returncode == 0, check.stdout + check.stderr  # R-9 existed before the change
    assert result["outputs"]["new"] == "0" and result["outputs"]["errors"] == "1"

"""GitHub workflow files, checked by a real consumer: check-jsonschema's vendored
GitHub schemas (offline), run as a subprocess like a user would run it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))


def check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_there_are_workflows() -> None:
    assert "ci.yml" in [p.name for p in WORKFLOWS]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_github_schema(path: Path) -> None:
    done = check_jsonschema("vendor.github-workflows", path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_schema_check_rejects_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "name: broken\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps: echo hi\n",
        encoding="utf-8",
    )
    done = check_jsonschema("vendor.github-workflows", broken)
    assert done.returncode == 1
    assert "jobs.build" in done.stdout


@pytest.mark.skipif(not (ROOT / "action.yml").exists(), reason="action.yml not written yet")
def test_action_matches_github_schema() -> None:
    done = check_jsonschema("vendor.github-actions", ROOT / "action.yml")
    assert done.returncode == 0, done.stdout + done.stderr


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_expressions_inside_run_scripts(path: Path) -> None:
    """`${{ }}` in `run:` is pasted into the script before it runs (script injection);
    values reach scripts through `env:` instead."""
    for step in _steps(_load(path)):
        assert "${{" not in step.get("run", ""), step


def test_ci_runs_ci_script_on_every_python_and_the_action_on_examples() -> None:
    ci = _load(ROOT / ".github" / "workflows" / "ci.yml")
    # PyYAML reads the `on` key as the boolean True (YAML 1.1)
    assert set(ci[True]) == {"push", "pull_request"}  # type: ignore[index]
    test = ci["jobs"]["test"]
    assert test["strategy"]["matrix"]["python-version"] == ["3.10", "3.11", "3.12", "3.13"]
    assert any(s.get("run") == "bash .ci/run" for s in test["steps"])
    [checkout] = [s for s in test["steps"] if str(s.get("uses", "")).startswith("actions/checkout")]
    assert checkout["with"]["fetch-depth"] == 0

    action = ci["jobs"]["action"]
    [own] = [s for s in action["steps"] if s.get("uses") == "./"]
    assert own["with"] == {"path": "examples", "today": "2026-11-27"}
    [checkout] = [
        s for s in action["steps"] if str(s.get("uses", "")).startswith("actions/checkout")
    ]
    assert checkout["with"]["fetch-depth"] == 0

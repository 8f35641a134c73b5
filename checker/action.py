"""The GitHub Action's runner step: `python -m checker.action`.

Reads the action's inputs from INPUT_* environment variables (action.yml passes them
through `env:`, never through `${{ }}` inside `run:`), works out PR mode from the event
payload at $GITHUB_EVENT_PATH, runs one check that writes the annotations (stdout), the
step summary, JUnit, SARIF and JSON, then writes the step outputs to $GITHUB_OUTPUT.
Exits with the checker's exit code, after the outputs are written.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from checker import cli


def _flag(value: str) -> bool:
    return value.strip().lower() in ("true", "yes", "1", "on")


def pr_base(env: Mapping[str, str]) -> str:
    """The base commit: the `base` input, else the pull request's base commit."""
    if env.get("INPUT_BASE", "").strip():
        return env["INPUT_BASE"].strip()
    if env.get("GITHUB_EVENT_NAME") not in ("pull_request", "pull_request_target"):
        return ""
    event_path = env.get("GITHUB_EVENT_PATH", "")
    if not event_path or not Path(event_path).is_file():
        return ""
    event = json.loads(Path(event_path).read_text(encoding="utf-8"))
    sha = event.get("pull_request", {}).get("base", {}).get("sha", "")
    return sha if isinstance(sha, str) else ""


def build_argv(env: Mapping[str, str], json_path: Path) -> list[str]:
    argv = ["check", env.get("INPUT_PATH") or ".", "--format", "github"]
    argv += ["--fail-on", env.get("INPUT_FAIL_ON") or "error", "--json", str(json_path)]
    for name in ("junit", "sarif"):
        if env.get(f"INPUT_{name.upper()}", "").strip():
            argv += [f"--{name}", env[f"INPUT_{name.upper()}"].strip()]
    if env.get("INPUT_TODAY", "").strip():
        argv += ["--today", env["INPUT_TODAY"].strip()]
    base = pr_base(env)
    if base:
        argv += ["--base", base, "--policy-from", env.get("INPUT_POLICY_FROM") or "base"]
        if _flag(env.get("INPUT_NEW_ONLY", "")):
            argv.append("--new-only")
    return argv


def outputs(json_path: Path, env: Mapping[str, str]) -> dict[str, str]:
    out = {"junit": env.get("INPUT_JUNIT", "").strip(), "sarif": env.get("INPUT_SARIF", "").strip()}
    out["json"] = str(json_path)
    if json_path.is_file():
        doc = json.loads(json_path.read_text(encoding="utf-8"))
        summary = doc["summary"]
        out["errors"] = str(summary["error"])
        out["warnings"] = str(summary["warning"])
        out["new"] = str(sum(1 for f in doc["findings"] if f["change"] == "new"))
    return out


def main() -> int:
    env = os.environ
    temp = Path(env.get("RUNNER_TEMP") or ".")
    json_path = temp / "isms-check.json"
    code = cli.main(build_argv(env, json_path))
    if env.get("GITHUB_OUTPUT"):
        with open(env["GITHUB_OUTPUT"], "a", encoding="utf-8") as f:
            for key, value in outputs(json_path, env).items():
                f.write(f"{key}={value}\n")
    return code


if __name__ == "__main__":
    sys.exit(main())

"""The GitHub Action's runner step: `python -m checker.action`.

Reads the action's inputs from INPUT_* environment variables (action.yml passes them
through `env:`, never through `${{ }}` inside `run:`), works out PR mode from the event
payload at $GITHUB_EVENT_PATH, runs the engine once and hands the Report to the
reporters: annotations on stdout, the step summary appended to $GITHUB_STEP_SUMMARY,
JUnit, SARIF and JSON files written atomically (outputs.py, as `isms-check check` writes
them). The step outputs (finding counts and report paths) come from the same Report and
go to $GITHUB_OUTPUT; then the step exits with the check's exit code.

When the check cannot run (exit 2: a shallow clone, an invalid isms.yaml, a bad input)
the message is also an `::error` annotation, so that it shows on the run's page and not
only in the log; no step outputs are written. RUNNER_DEBUG=1 (re-running a job with
debug logging) shows the traceback of an internal error, like --debug.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from checker import engine, settings
from checker.cache import default_dir
from checker.errors import FatalError, UsageError
from checker.findings import FAIL_ON_CHOICES, Report
from checker.main import guard
from checker.outputs import Outputs, emit, github_link_base, step_summary_file
from checker.reporters import RenderOptions
from checker.reporters.github import escape_data

JSON_NAME = "isms-check.json"  # in $RUNNER_TEMP


@dataclass(frozen=True)
class Inputs:
    """The action's inputs, checked. `base` is the commit PR mode compares with: the
    `base` input, else the pull request's base commit, else "" (PR mode off)."""

    path: str = "."
    base: str = ""
    fail_on: str = ""  # "": isms.yaml's check.fail_on, else error
    new_only: bool = False
    policy_from: str = ""  # "": isms.yaml's check.policy_from, else base
    junit: str = ""
    sarif: str = ""
    today: datetime.date | None = None


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


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env.get(f"INPUT_{name.upper().replace('-', '_')}", "").strip() or default
    if value and value not in choices:
        raise UsageError(f"input {name}: '{value}' is not one of {', '.join(choices)}")
    return value


def _path(env: Mapping[str, str], name: str, default: str = "") -> str:
    value = env.get(f"INPUT_{name.upper()}", "").strip() or default
    if "\n" in value or "\r" in value:
        raise UsageError(f"input {name}: a path cannot contain a line break")
    return value


def read_inputs(env: Mapping[str, str]) -> Inputs:
    today_text = env.get("INPUT_TODAY", "").strip()
    try:
        today = datetime.date.fromisoformat(today_text) if today_text else None
    except ValueError:
        raise UsageError(f"input today: '{today_text}' is not a date: write YYYY-MM-DD") from None
    return Inputs(
        path=_path(env, "path", "."),
        base=pr_base(env),
        fail_on=_choice(env, "fail-on", "", FAIL_ON_CHOICES),
        new_only=_flag(env.get("INPUT_NEW_ONLY", "")),
        policy_from=_choice(env, "policy-from", "", settings.POLICY_FROM_CHOICES),
        junit=_path(env, "junit"),
        sarif=_path(env, "sarif"),
        today=today,
    )


def plan(inputs: Inputs, env: Mapping[str, str]) -> tuple[engine.Options, Outputs]:
    """What to run and where its reports go: inputs, else isms.yaml's `check:` block,
    else the built-in defaults, as for a local run (settings.py). Outside PR mode
    `new-only` and `policy-from` do not apply."""
    pr_mode = bool(inputs.base)
    configured = settings.read(Path(inputs.path), inputs.base or None)
    policy_from = settings.choose(
        inputs.policy_from, configured.policy_from, settings.DEFAULT_POLICY_FROM
    )
    options = engine.Options(
        path=Path(inputs.path),
        today=inputs.today or engine.utc_today(),
        select=configured.select,
        ignore=configured.ignore,
        base=inputs.base or None,
        new_only=inputs.new_only and pr_mode,
        policy_from=policy_from if pr_mode else "head",
        cache_dir=default_dir(),
    )
    files = [("json", json_path(env))]
    for name, value in (("junit", inputs.junit), ("sarif", inputs.sarif)):
        if value:
            files.append((name, Path(value)))
    outputs = Outputs(
        stdout="github",
        files=tuple(files),
        render=RenderOptions(
            fail_on=settings.choose(inputs.fail_on, configured.fail_on, settings.DEFAULT_FAIL_ON)
        ),
        step_summary=step_summary_file(env),
        summary_link_base=github_link_base(env),
    )
    return options, outputs


def json_path(env: Mapping[str, str]) -> Path:
    return Path(env.get("RUNNER_TEMP") or ".") / JSON_NAME


def step_outputs(report: Report, inputs: Inputs, env: Mapping[str, str]) -> dict[str, str]:
    """The action's outputs (action.yml), from the Report itself."""
    summary = report.summary()
    return {
        "errors": str(summary["error"]),
        "warnings": str(summary["warning"]),
        "new": str(len(report.new_findings)),
        "junit": inputs.junit,
        "sarif": inputs.sarif,
        "json": str(json_path(env)),
    }


def write_step_outputs(env: Mapping[str, str], values: Mapping[str, str]) -> None:
    target = env.get("GITHUB_OUTPUT", "")
    if target:
        with open(target, "a", encoding="utf-8", newline="\n") as f:
            f.writelines(f"{key}={value}\n" for key, value in values.items())


def run(env: Mapping[str, str]) -> int:
    try:
        inputs = read_inputs(env)
        options, outputs = plan(inputs, env)
        report = engine.run(options)
        emit(report, outputs)
    except FatalError as e:
        sys.stdout.write(f"::error title=isms-check::{escape_data(str(e))}\n")
        raise
    write_step_outputs(env, step_outputs(report, inputs, env))
    return report.exit_code(outputs.render.fail_on)


def main(env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    return guard(lambda: run(env), debug=env.get("RUNNER_DEBUG") == "1")


if __name__ == "__main__":
    sys.exit(main())

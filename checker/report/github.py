"""The GitHub Action's report step: `python -m checker.report.github`.

Runs when the action's `report` input is true (action.yml), after the check step
(whether it passed or failed): writes `isms-check report` into the `report-path` input's
folder, sets the step output `path`, and appends to the step summary a link to the
run's artifacts, where the next step (actions/upload-artifact) puts the folder as the
artifact ARTIFACT. Inputs come through `env:` (INPUT_PATH, INPUT_REPORT_PATH,
INPUT_TODAY); the link is built from the runner's GITHUB_SERVER_URL, GITHUB_REPOSITORY
and GITHUB_RUN_ID.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from checker.errors import UsageError
from checker.main import guard
from checker.main import main as isms_check
from checker.outputs import append_step_summary, step_summary_file

ARTIFACT = "isms-check-report"
DEFAULT_PATH = "isms-check-report"


def artifacts_url(env: Mapping[str, str]) -> str:
    """The run's page, at its artifacts ("" unless the runner's variables are set)."""
    server, repository, run_id = (
        env.get(name, "") for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")
    )
    if not (server and repository and run_id.isdigit()):
        return ""
    return f"{server}/{repository}/actions/runs/{run_id}#artifacts"


def summary(env: Mapping[str, str]) -> str:
    url = artifacts_url(env)
    where = f"[the run's artifacts]({url})" if url else "the run's artifacts"
    return (
        "### isms-check report\n\n"
        f"The register, SoA, plans, heat maps and posture over time (`index.html`, "
        f"`report.md`, CSV and XLSX) are the build artifact `{ARTIFACT}`: download it from "
        f"{where}.\n"
    )


def run(env: Mapping[str, str]) -> int:
    out = env.get("INPUT_REPORT_PATH", "").strip() or DEFAULT_PATH
    if "\n" in out or "\r" in out:
        raise UsageError("input report-path: a path cannot contain a line break")
    args = ["report", env.get("INPUT_PATH", "").strip() or ".", "--out", out]
    today = env.get("INPUT_TODAY", "").strip()
    if today:
        args += ["--today", today]
    code = isms_check(args)
    if code != 0:
        return code
    target = env.get("GITHUB_OUTPUT", "")
    if target:
        with open(target, "a", encoding="utf-8", newline="\n") as f:
            f.write(f"path={out}\n")
    summary_file = step_summary_file(env)
    if summary_file is not None:
        append_step_summary(summary_file, summary(env))
    return 0


def main(env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    return guard(lambda: run(env), debug=env.get("RUNNER_DEBUG") == "1")


if __name__ == "__main__":
    sys.exit(main())

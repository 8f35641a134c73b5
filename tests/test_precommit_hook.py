"""The pre-commit hook, run by real `pre-commit try-repo` against a sample ISMS repo.

pre-commit installs this checkout into its own virtualenv (pip, from PyPI for the
dependencies) and runs `isms-check` in the ISMS repo, where the hook takes no --today:
the sample is the example ISMS with every date moved by the same number of days, so it
is as fresh today as the example is on 2026-11-27 (every interval the rules measure stays
the same).

`try-repo` takes the hook repo's HEAD plus changes to tracked files, not untracked ones;
the test therefore hands it a snapshot of this work tree (tracked and untracked files,
without ignored ones) committed in tmp_path, so that it checks exactly what is on disk,
in a fresh CI clone and in a work tree with new files alike.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.gitrepo import GitRepo

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_TODAY = datetime.date(2026, 11, 27)
_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


def test_manifest() -> None:
    hook, tests = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert tests["id"] == "isms-check-test" and tests["entry"] == "isms-check test"
    assert tests["pass_filenames"] is False and tests["files"] == hook["files"]
    assert hook["id"] == "isms-check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert hook["entry"] == "isms-check"
    files = re.compile(hook["files"])
    for path in ("isms.yaml", "risks/r1.yaml", "controls/soa.yml", "policies/org.yaml",
                 "waivers.yaml", "isms/plans/RTP-1.yaml"):  # fmt: skip
        assert files.search(path), path
    assert not files.search("evidence/report.md")


def _snapshot(dest: Path) -> Path:
    """This work tree (without ignored files) as a one-commit git repo."""
    if not (ROOT / ".git").exists():
        pytest.skip("needs the checker's git work tree (not an unpacked sdist)")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    repo = GitRepo(dest)
    for rel in filter(None, listed.split("\0")):
        source = ROOT / rel
        if source.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)
    repo.commit("snapshot", "2026-01-01")
    return dest


def _shift_dates(folder: Path, days: int) -> None:
    def shift(m: re.Match[str]) -> str:
        moved = datetime.date.fromisoformat(m.group(1)) + datetime.timedelta(days=days)
        return moved.isoformat()

    for path in folder.rglob("*.y*ml"):
        path.write_text(_DATE.sub(shift, path.read_text(encoding="utf-8")), encoding="utf-8")


def _try_repo(
    hook_repo: Path, isms: Path, hook: str = "isms-check"
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_SYSTEM=os.devnull, NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), hook,
         "--all-files", "--color", "never", "--verbose"],
        cwd=isms,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )  # fmt: skip


@pytest.mark.slow
def test_try_repo_passes_clean_isms_and_fails_broken_risk(tmp_path: Path) -> None:
    today = datetime.datetime.now(datetime.timezone.utc).date()
    hook_repo = _snapshot(tmp_path / "isms-check")

    isms = GitRepo(tmp_path / "isms")
    shutil.copytree(ROOT / "examples", isms.path, dirs_exist_ok=True)
    _shift_dates(isms.path, (today - EXAMPLE_TODAY).days)
    isms.commit("ISMS", today.isoformat())

    clean = _try_repo(hook_repo, isms.path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert re.search(r"^isms-check\.+Passed$", clean.stdout, re.M), clean.stdout
    assert "passed: 0 errors" in clean.stdout

    risk = isms.path / "risks" / "ransomware.yaml"
    risk.write_text(
        risk.read_text(encoding="utf-8").replace("owner: CTO", "owner: [CTO"), encoding="utf-8"
    )
    isms.commit("break a risk", today.isoformat())

    broken = _try_repo(hook_repo, isms.path)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert re.search(r"^isms-check\.+Failed$", broken.stdout, re.M), broken.stdout
    assert "risks/ransomware.yaml:" in broken.stdout
    assert "error ISMS-PARSE" in broken.stdout


@pytest.mark.slow
def test_try_repo_runs_the_rule_tests(tmp_path: Path) -> None:
    """The second hook runs the example's rule tests; a test that no longer holds fails it."""
    hook_repo = _snapshot(tmp_path / "isms-check")
    isms = GitRepo(tmp_path / "isms")
    shutil.copytree(ROOT / "examples", isms.path, dirs_exist_ok=True)
    isms.commit("ISMS", "2026-11-27")

    clean = _try_repo(hook_repo, isms.path, "isms-check-test")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert re.search(r"^isms-check rule tests\.+Passed$", clean.stdout, re.M), clean.stdout

    test_file = isms.path / "policies" / "tests" / "org.test.yaml"
    text = test_file.read_text(encoding="utf-8")
    test_file.write_text(text.replace("fail: [R-1]", "fail: [R-2]"), encoding="utf-8")
    isms.commit("a wrong test", "2026-11-27")
    broken = _try_repo(hook_repo, isms.path, "isms-check-test")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "R-2 should fail but passed" in broken.stdout
    assert "R-1 should pass" not in broken.stdout  # R-1 is in neither list now

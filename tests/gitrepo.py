"""Real git repositories for tests, with fixed commit dates (no mocks of git)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.caselib import BASE


class GitRepo:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.email", "isms@example.com")
        self.git("config", "user.name", "ISMS Tester")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, date: str | None = None) -> str:
        env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
        if date is not None:
            stamp = f"{date}T12:00:00+00:00"
            env.update(GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
        done = subprocess.run(
            ["git", *args], cwd=self.path, env=env, capture_output=True, text=True, check=True
        )
        return done.stdout

    def write(self, rel: str, text: str) -> None:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def commit(self, message: str, date: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, date=date)
        return self.git("rev-parse", "HEAD").strip()

    def state(self) -> tuple[str, str, str]:
        """HEAD, `git status --porcelain` and the index's content: what must not change."""
        return (
            self.git("rev-parse", "HEAD"),
            self.git("status", "--porcelain", "--untracked-files=all"),
            self.git("ls-files", "--stage"),
        )


def isms_repo(path: Path, date: str = "2026-05-20", subdir: str = "") -> GitRepo:
    """A repository whose (sub)folder holds the clean fixture ISMS, committed on `date`."""
    repo = GitRepo(path)
    shutil.copytree(BASE, path / subdir if subdir else path, dirs_exist_ok=True)
    repo.commit("ISMS", date)
    return repo

"""Writing a whole git history in one `git fast-import` stream: thousands of commits with
fixed dates in a second or two, byte-identical (same commit ids) for the same input."""

from __future__ import annotations

import datetime
import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

AUTHOR = "ISMS Bench <bench@example.com>"


def git_env() -> dict[str, str]:
    """The environment for the harness's own git calls: no user or system config, so that
    a hook, a signing key or a default branch name cannot change what is written."""
    return {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}


def git(repo: Path, *args: str, stdin: bytes | None = None) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, input=stdin, capture_output=True, check=True, env=git_env()
    )
    return done.stdout.decode("utf-8", "replace")


def timestamp(when: datetime.datetime) -> int:
    """Seconds since the epoch of a UTC datetime (naive ones count as UTC)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return int(when.timestamp())


class FastImport:
    """Collects commits on one branch, then writes them with `git fast-import`."""

    def __init__(self, branch: str = "main") -> None:
        self.branch = branch
        self.chunks: list[bytes] = []
        self.commits = 0

    def commit(self, when: int, message: str, files: Iterable[tuple[str, bytes]]) -> None:
        """One commit at `when` (epoch seconds, UTC) writing each (path, content)."""
        msg = message.encode("utf-8")
        self.chunks.append(f"commit refs/heads/{self.branch}\n".encode())
        self.chunks.append(f"author {AUTHOR} {when} +0000\n".encode())
        self.chunks.append(f"committer {AUTHOR} {when} +0000\n".encode())
        self.chunks.append(b"data %d\n%s\n" % (len(msg), msg))
        for path, data in files:
            self.chunks.append(f"M 100644 inline {path}\n".encode())
            self.chunks.append(b"data %d\n%s\n" % (len(data), data))
        self.commits += 1

    def write(self, repo: Path) -> None:
        """Creates the repository at `repo` (which must not hold one), imports the
        commits and checks the branch out into the working tree."""
        repo.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["git", "init", "-q", "-b", self.branch, str(repo)], check=True, env=git_env()
        )
        git(repo, "fast-import", "--quiet", stdin=b"".join(self.chunks))
        git(repo, "reset", "-q", "--hard", self.branch)

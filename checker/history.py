"""Git: one pass over the log for every file's last change, shallow-clone detection,
uncommitted changes, and commits' trees for PR mode. Read-only: no checkout, no stash,
and `git status` runs with --no-optional-locks so that not even the index is rewritten.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import git

from checker.errors import FatalError, UsageError
from checker.tree import GitTree

SHALLOW_MESSAGE = (
    "this is a shallow clone: git history is cut off, so history-based checks would be "
    "wrong. With actions/checkout set `fetch-depth: 0`; elsewhere run `git fetch --unshallow`. "
    "Or pass --allow-shallow to skip the GIT-* rules."
)


class ShallowCloneError(FatalError):
    """History is truncated (exit 2)."""


@dataclass(frozen=True)
class History:
    repo: Any  # git.Repo
    top: Path
    prefix: str  # the ISMS root relative to the work tree's top ("" at the top)

    @staticmethod
    def open(root: Path) -> History | None:
        """The repository holding `root`, or None outside git."""
        try:
            repo = git.Repo(root, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            return None
        if repo.bare or repo.working_tree_dir is None:
            return None
        top = Path(repo.working_tree_dir).resolve()
        rel = root.resolve().relative_to(top).as_posix()
        return History(repo, top, "" if rel == "." else rel)

    def _git(self, *args: str) -> str:
        out: str = self.repo.git.execute(
            ["git", "--no-optional-locks", "-c", "core.quotepath=off", *args],
            with_extended_output=False,
        )
        return out

    def is_shallow(self) -> bool:
        return self._git("rev-parse", "--is-shallow-repository").strip() == "true"

    def has_commits(self) -> bool:
        try:
            self.repo.head.commit  # noqa: B018
        except ValueError:
            return False
        return True

    def resolve(self, ref: str) -> Any:
        """The commit `ref` names; exit 2 with a hint when it is unknown."""
        try:
            return self.repo.commit(ref)
        except (git.BadName, ValueError, git.GitCommandError) as e:
            raise UsageError(
                f"--base {ref}: no such commit in this repository. Fetch it first "
                f"(e.g. `git fetch origin {ref}`), with actions/checkout use fetch-depth: 0"
            ) from e

    def last_changes(self, rev: str = "HEAD") -> dict[str, datetime.date]:
        """For each file under the ISMS root, the UTC date of the last commit (committer
        date) reachable from `rev` that changed it; keys are work-tree-relative paths.
        One `git log` call for the whole repository."""
        if rev == "HEAD" and not self.has_commits():
            return {}
        # no pathspec: git log filters paths more slowly than this loop does
        out = self._git("log", rev, "--format=%x1e%ct", "--name-only", "--no-renames")
        under = self.prefix + "/" if self.prefix else ""
        dates: dict[str, datetime.date] = {}
        for chunk in out.split("\x1e"):
            lines = chunk.strip("\n").split("\n")
            if not lines or not lines[0].strip():
                continue
            when = datetime.datetime.fromtimestamp(int(lines[0]), tz=datetime.timezone.utc).date()
            for name in lines[1:]:
                if name and name.startswith(under):
                    dates.setdefault(name, when)  # newest first: the first date is the last change
        return dates

    def uncommitted(self) -> set[str]:
        """Work-tree-relative paths with staged, unstaged or untracked changes."""
        out = self._git(
            "status", "--porcelain", "-z", "--untracked-files=all", "--", self.prefix or "."
        )
        paths: set[str] = set()
        entries = out.split("\0")
        i = 0
        while i < len(entries):
            entry = entries[i]
            i += 1
            if len(entry) < 4:
                continue
            paths.add(entry[3:])
            if entry[0] in "RC":  # a rename or copy: the next entry is the source
                paths.add(entries[i])
                i += 1
        return paths

    def tree(self, commit: Any) -> GitTree:
        return GitTree(commit, self.prefix)

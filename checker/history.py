"""Git: one pass over the log for every file's last change, shallow-clone detection,
uncommitted changes, and commits' trees for PR mode. Read-only: no checkout, no stash,
and `git status` runs with --no-optional-locks so that not even the index is rewritten.
"""

from __future__ import annotations

import datetime
import functools
import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.errors import FatalError, UsageError
from checker.tree import GitTree

SHALLOW_MESSAGE = (
    "this is a shallow clone: git history is cut off, so history-based checks would be "
    "wrong. With actions/checkout set `fetch-depth: 0`; elsewhere run `git fetch --unshallow` "
    "(in PR mode the base branch too, e.g. `git fetch origin main` for --base origin/main). "
    "Or pass --allow-shallow to skip the GIT-* rules."
)
CHECKOUT_HINT = "with actions/checkout set `fetch-depth: 0` to fetch the whole history"
_SHA = re.compile(r"[0-9a-fA-F]{7,64}")
_EXPRESSION = re.compile(r"[~^:@{}\s]|\.\.")  # HEAD~3, main^, @{u}, a..b: no name to fetch


def _maps(refspec: str, ref: str) -> str | None:
    """Where a fetch refspec (`+refs/heads/*:refs/remotes/origin/*`) stores `ref`."""
    source, _, destination = refspec.lstrip("+").partition(":")
    if "*" not in source:
        return destination if source == ref else None
    head, _, tail = source.partition("*")
    if ref.startswith(head) and ref.endswith(tail) and len(ref) >= len(head) + len(tail):
        return destination.replace("*", ref[len(head) : len(ref) - len(tail)], 1)
    return None


def fetch_hint(ref: str, remotes: Mapping[str, Sequence[str]], tracked: Sequence[str] = ()) -> str:
    """How to get `ref` into this clone, for the error that says it is not there.
    `remotes` maps each remote's name to its fetch refspecs.

    `origin/main` is branch main of remote origin: `git fetch origin main` (not `git fetch
    origin origin/main`, a branch the remote does not have). That updates origin/main only
    when the remote's refspecs cover the branch, which a single-branch or `--depth` clone's
    do not; then the hint spells the destination out. A commit id is fetched by id, a
    plain name into a branch of that name, unless `tracked` (remote-tracking refs that
    exist, such as origin/main for main) shows what the user meant. In CI the usual cause
    is a shallow or single-branch checkout, hence the actions/checkout hint.
    """
    if tracked:
        return f"did you mean --base {tracked[0]}?"
    if not remotes:
        return "this repository has no remote to fetch it from: check the name (git log)"
    name = ref.removeprefix("refs/remotes/")
    for remote in sorted(remotes, key=len, reverse=True):  # the longest: names may hold "/"
        branch = name[len(remote) + 1 :]
        if name.startswith(remote + "/") and branch:
            target = f"refs/remotes/{remote}/{branch}"
            covered = any(_maps(s, f"refs/heads/{branch}") == target for s in remotes[remote])
            what = branch if covered else f"{branch}:{target}"
            return f"fetch it first: `git fetch {remote} {what}`; {CHECKOUT_HINT}"
    if _EXPRESSION.search(ref):
        return f"the history may be too short: {CHECKOUT_HINT} (elsewhere `git fetch --unshallow`)"
    remote = "origin" if "origin" in remotes else next(iter(remotes))
    what = ref if _SHA.fullmatch(ref) else f"{ref}:{ref}"
    return f"fetch it first: `git fetch {remote} {what}`; {CHECKOUT_HINT}"


class ShallowCloneError(FatalError):
    """History is truncated (exit 2)."""


class GitFailed(Exception):
    """A git command that exited non-zero."""


@dataclass(frozen=True)
class History:
    """The git repository holding the ISMS. Plain checks run git itself (a log, a
    status); PR mode reads commits and trees through GitPython (`repo`), imported only
    then: importing it costs more than a small check."""

    top: Path
    prefix: str  # the ISMS root relative to the work tree's top ("" at the top)

    @staticmethod
    def open(root: Path) -> History | None:
        """The repository holding `root`, or None outside git (or without git)."""
        try:
            done = subprocess.run(
                ["git", "rev-parse", "--show-toplevel"],
                cwd=root, capture_output=True, text=True, check=False,
            )  # fmt: skip
        except OSError:
            return None
        if done.returncode != 0 or not done.stdout.strip():
            return None  # not a repository, or a bare one
        top = Path(done.stdout.strip()).resolve()
        rel = root.resolve().relative_to(top).as_posix()
        return History(top, "" if rel == "." else rel)

    @functools.cached_property
    def repo(self) -> Any:  # git.Repo
        import git

        return git.Repo(self.top)

    def _git(self, *args: str) -> str:
        done = subprocess.run(
            ["git", "--no-optional-locks", "-c", "core.quotepath=off", *args],
            cwd=self.top, capture_output=True, text=True, encoding="utf-8",
            errors="surrogateescape", check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise GitFailed(done.stderr.strip())
        return done.stdout

    def log(self, *args: str) -> str:
        """The output of `git log ARGS` (read-only), for a caller that reads its own
        format (the report's timeline)."""
        return self._git("log", *args)

    def is_shallow(self) -> bool:
        return self._git("rev-parse", "--is-shallow-repository").strip() == "true"

    def has_commits(self) -> bool:
        try:
            self._git("rev-parse", "--verify", "--quiet", "HEAD")
        except GitFailed:
            return False
        return True

    def resolve(self, ref: str) -> Any:
        """The commit `ref` names; exit 2 with a hint when it is unknown."""
        import git

        try:
            return self.repo.commit(ref)
        except (git.BadName, ValueError, git.GitCommandError) as e:
            remotes = {r.name: self._refspecs(r.name) for r in self.repo.remotes}
            tracked = [f"{r}/{ref}" for r in remotes if self._exists(f"refs/remotes/{r}/{ref}")]
            hint = fetch_hint(ref, remotes, tracked)
            raise UsageError(f"--base {ref}: no such commit in this repository; {hint}") from e

    def _refspecs(self, remote: str) -> list[str]:
        try:
            return self._git("config", "--get-all", f"remote.{remote}.fetch").split()
        except GitFailed:  # none configured
            return []

    def _exists(self, ref: str) -> bool:
        try:
            self._git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        except GitFailed:
            return False
        return True

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

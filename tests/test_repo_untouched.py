"""Nothing is written into the checked repository: not its files, not `.git`.

A real git repository (tests/gitrepo.py: fixed dates, no mocks of git) with an
organisation rule, a base commit and a pull-request commit that loosens the appetite,
plus an untracked file. The whole tree, `.git` included, is hashed (every path, its
mode, and a file's bytes or a link's target, in sorted order) before and after each
command: `check` in text and every other format, with `--junit`/`--sarif` written
outside the repository, PR mode with `--policy-from base`, `rules`, `explain` and
`report` (posture over time reads every commit), both
with a cold and a warm cache, and from inside the repository with no path at all.

The cache across runs goes to ISMS_CHECK_CACHE_DIR, which tests/conftest.py points at a
temporary folder outside the repository; the test checks that it is used.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.gitrepo import GitRepo, isms_repo

TODAY = "2026-06-01"

ORG_RULES = """\
rules:
  - id: ORG-001
    title: Risks have an owner other than the CEO
    severity: warning
    resource: risk
    check: risk.owner != 'CEO'
"""

UNTREATED = """\
id: R-9
title: Untreated risk added in the pull request
owner: CEO
inherent: {likelihood: 3, impact: 4}
treatment: none
assessed: 2026-05-25
"""


def tree_hash(root: Path) -> str:
    """SHA-256 over every entry under `root`, `.git` included, in sorted order: its path,
    its mode, and a file's bytes or a symbolic link's target. Directories count too, so
    an empty folder left behind changes the hash."""
    h = hashlib.sha256()
    entries: list[Path] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        entries += [Path(folder, name) for name in (*dirs, *files)]
    for path in sorted(entries, key=lambda p: os.fsencode(p.relative_to(root))):
        info = path.lstat()
        h.update(os.fsencode(path.relative_to(root)) + b"\0")
        h.update(f"{info.st_mode:o}\0".encode())
        if stat.S_ISLNK(info.st_mode):
            h.update(os.fsencode(os.readlink(path)))
        elif stat.S_ISREG(info.st_mode):
            h.update(hashlib.sha256(path.read_bytes()).digest())
        h.update(b"\0")
    return h.hexdigest()


def pr_repo(root: Path) -> tuple[GitRepo, str]:
    """A base commit, then a change that adds an untreated risk and raises the appetite
    (GIT-003 under --policy-from base), and an untracked file."""
    repo = isms_repo(root, date="2026-05-20")
    repo.write("policies/org.yaml", ORG_RULES)
    base = repo.commit("organisation rule", "2026-05-21")
    isms = (repo.path / "isms.yaml").read_text(encoding="utf-8")
    repo.write("isms.yaml", isms.replace("appetite: 8", "appetite: 16"))
    repo.write("risks/r9.yaml", UNTREATED)
    repo.commit("raise appetite, add R-9", "2026-05-26")
    repo.write("scratch.txt", "untracked, uncommitted\n")
    return repo, base


@pytest.fixture
def repo(tmp_path: Path) -> tuple[GitRepo, str]:
    return pr_repo(tmp_path / "repo")


def test_the_tree_hash_sees_any_change(repo: tuple[GitRepo, str]) -> None:
    git, _ = repo
    before = tree_hash(git.path)
    (git.path / ".git" / "isms-check").mkdir()
    assert tree_hash(git.path) != before
    (git.path / ".git" / "isms-check").rmdir()
    assert tree_hash(git.path) == before
    os.chmod(git.path / "scratch.txt", 0o600)
    assert tree_hash(git.path) != before


def test_no_command_writes_into_the_repository(
    repo: tuple[GitRepo, str], cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git, base = repo
    path = str(git.path)
    out = tmp_path / "reports"  # outside the repository
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    cache = Path(os.environ["ISMS_CHECK_CACHE_DIR"])
    assert not cache.resolve().is_relative_to(git.path.resolve())
    before = tree_hash(git.path)

    runs = [
        ("check", path, "--today", TODAY),
        ("check", path, "--today", TODAY, "--format", "json",
         "--junit", str(out / "a.xml"), "--sarif", str(out / "a.sarif")),
        *(("check", path, "--today", TODAY, "--format", fmt)
          for fmt in ("junit", "sarif", "github", "markdown")),
        (path, "--today", TODAY, "--base", base),
        (path, "--today", TODAY, "--base", base, "--policy-from", "base",
         "--junit", str(out / "pr.xml"), "--sarif", str(out / "pr.sarif")),
        (path, "--today", TODAY, "--base", base, "--policy-from", "base", "--new-only",
         "--format", "github"),
        ("rules", path),
        ("rules", path, "--format", "json"),
        ("explain", "RT-002", path),
        ("explain", "ORG-001", path),
        ("report", path, "--today", TODAY, "--out", str(out / "report")),
        ("report", path, "--today", TODAY, "--out", str(out / "report"), "--by", "commit"),
    ]  # fmt: skip
    for _ in ("cold cache", "warm cache"):
        for argv in runs:
            run = cli(*argv)
            assert run.code in (0, 1), (argv, run.err)
            assert tree_hash(git.path) == before, f"{argv} wrote into the repository"

    # the runs did what they were asked to, where they were told to
    assert {p.name for p in out.iterdir()} == {"a.xml", "a.sarif", "pr.xml", "pr.sarif", "report"}
    assert (out / "report" / "index.html").is_file()
    assert "GIT-003" in (out / "pr.sarif").read_text(encoding="utf-8")
    assert summary.read_text(encoding="utf-8").count("isms-check") >= 2
    assert any(cache.rglob("*")), "the cache folder was not used"

    # from inside the repository, with no path: the default is the current folder
    monkeypatch.chdir(git.path)
    for argv in [("--today", TODAY), ("--today", TODAY, "--base", base), ("rules",)]:
        run = cli(*argv)
        assert run.code in (0, 1), (argv, run.err)
        assert tree_hash(git.path) == before, f"{argv} (in the repository) wrote into it"

"""Posture over time: which commits stand for which days, each file's last change as of a
commit, and git objects read through one process (real repositories, fixed dates)."""

from __future__ import annotations

import datetime
import os
import shutil
from pathlib import Path

import pytest

from checker.cache import Store
from checker.cel import engine
from checker.documents import Documents
from checker.gitobjects import GitObjects, GitObjectsError, SnapshotTree
from checker.history import History
from checker.loader import DisplayPaths
from checker.timeline import choose, last_changes, read_log, timeline
from tests.caselib import BASE
from tests.gitrepo import GitRepo, isms_repo

D = datetime.date


def test_months_weeks_and_commits(tmp_path: Path) -> None:
    repo = isms_repo(tmp_path / "repo", date="2026-01-20")
    repo.write("notes.md", "march\n")
    march = repo.commit("march", "2026-03-02")
    repo.write("notes.md", "later\n")
    repo.commit("after today", "2026-05-05")
    history = History.open(repo.path)
    assert history is not None
    commits = read_log(history)
    assert [c.date for c in commits] == [D(2026, 5, 5), D(2026, 3, 2), D(2026, 1, 20)]

    points = choose(commits, D(2026, 4, 10), "month")
    assert [(label, day) for label, day, _ in points] == [
        ("2026-01", D(2026, 1, 31)), ("2026-02", D(2026, 2, 28)),
        ("2026-03", D(2026, 3, 31)), ("2026-04", D(2026, 4, 10)),
    ]  # fmt: skip
    first = commits[-1].sha
    assert [c.sha for _, _, c in points] == [first, first, march, march]  # May's is after today

    by_commit = choose(commits, D(2026, 4, 10), "commit")
    assert [(label, day) for label, day, _ in by_commit] == [
        (first[:12], D(2026, 1, 20)), (march[:12], D(2026, 3, 2)),
    ]  # fmt: skip

    dates = last_changes(commits, march, "")
    assert dates["notes.md"] == D(2026, 3, 2) and dates["isms.yaml"] == D(2026, 1, 20)
    assert last_changes(commits, first, "")["isms.yaml"] == D(2026, 1, 20)
    assert "notes.md" not in last_changes(commits, first, "")


def test_objects_are_read_once_through_one_process(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("isms/risks/r1.yaml", "id: R-1\n")
    repo.write("isms/risks/link.yaml", "")
    (repo.path / "isms/risks/link.yaml").unlink()
    (repo.path / "isms/risks/link.yaml").symlink_to("r1.yaml")
    (repo.path / "isms/risks/out.yaml").symlink_to("../../outside.yaml")
    repo.write("outside.yaml", "id: X\n")
    sha = repo.commit("one", "2026-01-05")
    with GitObjects(repo.path) as objects:
        found = objects.read(f"{sha}:isms")
        assert found is not None and found[1] == "tree"
        tree = SnapshotTree(objects, found[0])
        again = SnapshotTree(objects, found[0])
        assert tree.files("risks") == ["risks/link.yaml", "risks/r1.yaml"]
        assert tree.read_bytes("risks/link.yaml") == b"id: R-1\n"  # a link inside: its file
        assert tree.outside("risks") == ["risks/out.yaml"]  # a link out of the ISMS folder
        with pytest.raises(OSError):
            tree.read_bytes("risks/out.yaml")
        assert again.read_bytes("risks/r1.yaml") == b"id: R-1\n"
        read = objects.objects_read
        SnapshotTree(objects, found[0]).read_bytes("risks/r1.yaml")
        assert objects.objects_read == read  # nothing read twice
        assert objects.read(f"{sha}:nowhere") is None
        objects._process.kill()
        objects._process.wait()
        with pytest.raises(GitObjectsError):
            objects.read(f"{sha}:isms/risks")


def _months_repo(tmp_path: Path) -> GitRepo:
    """Eight months of an ISMS in a subfolder: none yet, the fixture ISMS, a risk added
    and changed, an isms.yaml that cannot be read, fixed again."""
    repo = GitRepo(tmp_path / "repo")
    repo.write("README.md", "before the ISMS\n")
    repo.commit("start", "2026-01-05")
    shutil.copytree(BASE, repo.path / "isms")
    repo.commit("ISMS", "2026-02-10")
    risk = "id: R-9\ntitle: Added\nowner: CISO\ninherent: {likelihood: 3, impact: 4}\n"
    repo.write("isms/risks/r9.yaml", risk + "treatment: none\nassessed: 2026-03-12\n")
    repo.commit("R-9", "2026-03-12")
    good = (repo.path / "isms" / "isms.yaml").read_text(encoding="utf-8")
    repo.write("isms/isms.yaml", good.replace("appetite: 8", "appetite: [8]"))
    repo.commit("broken isms.yaml", "2026-04-03")
    repo.write("isms/isms.yaml", good)
    repo.write("isms/risks/r9.yaml", risk + "treatment: accept\nassessed: 2026-05-02\n")
    repo.commit("fixed", "2026-05-04")
    repo.write("isms/risks/r9.yaml", "id: R-9\ntitle: [broken\n")
    repo.commit("broken risk file", "2026-07-14")
    return repo


def test_two_workers_give_what_one_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Judged in a forked worker or in this process, the points, the objects read and
    the policies loaded are the same; the documents the worker checked come back to
    this process's cache store."""
    forks = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    repo = _months_repo(tmp_path)
    history = History.open(repo.path / "isms")
    assert history is not None
    display = DisplayPaths.for_root(repo.path / "isms")
    today = D(2026, 9, 10)
    runs = {}
    for workers in (1, 2):
        store = Store(tmp_path / f"cache-{workers}", "documents", prune=True)
        documents = Documents(store)
        found = timeline(history, display, today, engine(), documents, workers=workers)
        store.save()
        saved = set(Store(tmp_path / f"cache-{workers}", "documents", prune=True)._load())
        runs[workers] = (found, set(documents.used), saved)
    (one, used_one, saved_one), (two, used_two, saved_two) = runs[1], runs[2]
    assert len(forks) == 1  # the second run forked a worker (and this is the parent)
    assert len(one.points) == 9 and one.points == two.points
    assert [p.evaluated for p in one.points] == [
        False,
        True,
        True,
        False,
        True,
        True,
        True,
        True,
        True,
    ]
    assert "not judged: isms.yaml is invalid" in one.points[3].note
    assert one.points[6].findings != one.points[5].findings  # the broken risk file
    assert (one.objects_read, one.policies_loaded) == (two.objects_read, two.policies_loaded)
    assert used_one == used_two == saved_one == saved_two and used_one


def test_a_forked_worker_reads_through_its_own_process(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("isms/risks/r1.yaml", "id: R-1\n")
    sha = repo.commit("one", "2026-01-05")
    with GitObjects(repo.path) as objects:
        parent = objects._process
        objects.forked()  # as a worker does after os.fork: the parent's pipes let go
        assert parent.stdin is not None and parent.stdin.closed
        assert parent.wait(timeout=10) == 0  # no copy of its pipe keeps it alive
        found = objects.read(f"{sha}:isms/risks/r1.yaml")
        assert found is not None and found[2] == b"id: R-1\n"
        assert objects._process is not parent

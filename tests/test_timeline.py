"""Posture over time: which commits stand for which days, each file's last change as of a
commit, and git objects read through one process (real repositories, fixed dates)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from checker.gitobjects import GitObjects, GitObjectsError, SnapshotTree
from checker.history import History
from checker.timeline import choose, last_changes, read_log
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

"""Nothing outside the repository is read: symbolic links, `..`, absolute and Windows
paths (issue 9), on real folders and real git commits."""

from __future__ import annotations

import datetime
import os
import shutil
from pathlib import Path

import pytest

from checker import engine
from checker.findings import Report
from checker.tree import DiskTree, inside
from tests.caselib import BASE
from tests.gitrepo import isms_repo

TODAY = datetime.date(2026, 6, 1)
SECRET = "id: R-SECRET\ntitle: read from outside\n"


def check(root: Path, **kw: object) -> Report:
    return engine.run(engine.Options(path=root, today=TODAY, **kw))  # type: ignore[arg-type]


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """An ISMS at tmp/isms and a folder beside it that it must never read."""
    root = tmp_path / "isms"
    shutil.copytree(BASE, root)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.yaml").write_text(SECRET, encoding="utf-8")
    return root, elsewhere


def texts(report: Report) -> str:
    return "\n".join(f"{r.rule} {r.location.file} {r.message}" for r in report.findings)


def test_linked_file_and_folder_outside_are_findings_at_the_link(
    layout: tuple[Path, Path],
) -> None:
    root, elsewhere = layout
    os.symlink(elsewhere / "secret.yaml", root / "risks" / "linked.yaml")
    os.symlink(elsewhere, root / "plans" / "shared")
    report = check(root)
    found = texts(report)
    assert "ISMS-PARSE risks/linked.yaml" in found and "symbolic link" in found
    assert "ISMS-PARSE plans/shared" in found
    assert "R-SECRET" not in found and all(r.entity != "R-SECRET" for r in report.results)


def test_links_inside_are_followed_and_loops_end(layout: tuple[Path, Path]) -> None:
    root, _ = layout
    os.symlink(root / "risks" / "r1.yaml", root / "controls" / "not-a-control.yaml")
    os.symlink(root / "risks", root / "risks" / "again")  # a loop
    os.symlink("b.yaml", root / "risks" / "a.yaml")  # a loop of two broken links
    os.symlink("a.yaml", root / "risks" / "b.yaml")
    report = check(root)
    assert any(r.entity == "R-1" and r.kind == "control" for r in report.results)
    assert report.exit_code("error") == 1  # and it ended


def test_evidence_that_escapes_is_missing_and_never_opened(layout: tuple[Path, Path]) -> None:
    root, elsewhere = layout
    (root / "docs" / "link.md").symlink_to(elsewhere / "secret.yaml")
    soa = root / "controls" / "soa.yaml"
    text = soa.read_text(encoding="utf-8")
    assert "evidence: [docs/c1.md," in text
    evidence = (
        "[docs/link.md, ../elsewhere/secret.yaml, /etc/hostname, 'C:\\boot.ini', '\\\\srv\\x',"
    )
    soa.write_text(text.replace("[docs/c1.md,", evidence), encoding="utf-8")
    report = check(root, select=("SOA-006",))
    (finding,) = [r for r in report.findings if r.rule == "SOA-006"]
    for item in ("docs/link.md", "../elsewhere/secret.yaml", "/etc/hostname", "C:", "srv"):
        assert item in finding.message


@pytest.mark.parametrize(
    "rel", ["../x", "/etc/passwd", "C:/x", "c:x", "\\\\server\\share", "a/../../x", ""]
)
def test_paths_that_escape_are_never_resolved(rel: str) -> None:
    assert inside(rel) is None


def test_disk_tree_refuses_to_read_through_a_link_out(layout: tuple[Path, Path]) -> None:
    root, elsewhere = layout
    os.symlink(elsewhere / "secret.yaml", root / "link.yaml")
    tree = DiskTree(root)
    assert not tree.is_file("link.yaml")
    with pytest.raises(OSError, match="outside the repository"):
        tree.read_bytes("link.yaml")


def test_a_link_in_the_base_commit_that_leads_out_is_a_finding(tmp_path: Path) -> None:
    repo = isms_repo(tmp_path / "r")
    os.symlink("/etc/hostname", repo.path / "risks" / "host.yaml")
    os.symlink("r1.yaml", repo.path / "risks" / "same.yaml")
    base = repo.commit("links", "2026-05-21")
    report = check(repo.path, base=base)
    found = texts(report)
    assert "ISMS-PARSE risks/host.yaml" in found and "symbolic link" in found
    # the link inside is followed in the base as in the working tree: a duplicate R-1,
    # the same finding in both, so not new
    dups = [r for r in report.findings if r.rule == "ISMS-DUP"]
    assert dups and all(r.change == "existing" for r in dups)


def test_reads_stop_past_the_limit(tmp_path: Path) -> None:
    (tmp_path / "big.yaml").write_bytes(b"x" * 10_000)
    tree = DiskTree(tmp_path)
    assert len(tree.read_bytes("big.yaml", limit=100)) == 101
    assert len(tree.read_bytes("big.yaml")) == 10_000

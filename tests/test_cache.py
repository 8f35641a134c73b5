"""The cache across runs (issue 8): outside the repository, keyed so that any change to
what a result depends on is seen, and off with --no-cache."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from checker import cache
from tests.caselib import BASE
from tests.conftest import Cli


def tree_hash(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        h.update(path.relative_to(root).as_posix().encode())
        if path.is_file() and not path.is_symlink():
            h.update(path.read_bytes())
        h.update(oct(path.lstat().st_mode).encode())
    return h.hexdigest()


@pytest.fixture
def isms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "isms"
    shutil.copytree(BASE, root)
    monkeypatch.setenv("ISMS_CHECK_CACHE_DIR", str(tmp_path / "cache"))
    return root


def entries(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "cache"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def check(cli: Cli, root: Path, *extra: str) -> tuple[int, str]:
    code, out, _ = cli("check", str(root), "--today", "2026-06-01", *extra)
    return code, out


def test_the_cache_is_outside_the_repo_and_used(cli: Cli, isms: Path, tmp_path: Path) -> None:
    before = tree_hash(isms)
    first = check(cli, isms)
    assert entries(tmp_path), "the run wrote its cache"
    stamps = [p.stat().st_mtime_ns for p in entries(tmp_path)]
    assert check(cli, isms) == first  # a warm run gives the same report...
    assert [p.stat().st_mtime_ns for p in entries(tmp_path)] == stamps  # ...and adds nothing
    assert tree_hash(isms) == before


def test_no_cache_writes_none(cli: Cli, isms: Path, tmp_path: Path) -> None:
    check(cli, isms, "--no-cache")
    assert entries(tmp_path) == []


@pytest.mark.parametrize(
    ("change", "finding"),
    [
        # a file: the cached document of the old bytes is not used for the new ones
        (
            lambda root: (root / "risks/r1.yaml").write_text(
                (root / "risks/r1.yaml")
                .read_text()
                .replace("treatment: mitigate", "treatment: none")
            ),
            "RT-001",
        ),
        # the methodology
        (
            lambda root: (root / "isms.yaml").write_text(
                (root / "isms.yaml").read_text().replace("appetite: 8", "appetite: 1")
            ),
            "RT-002",
        ),
        # a rule file
        (
            lambda root: (
                (root / "policies").mkdir(),
                (root / "policies/org.yaml").write_text(
                    "rules:\n  - {id: ORG-1, title: No risk, severity: error, resource: risk,"
                    " check: 'false'}\n"
                ),
            ),
            "ORG-1",
        ),
    ],
)
def test_a_change_is_seen_through_a_warm_cache(
    cli: Cli, isms: Path, change: object, finding: str
) -> None:
    code, out = check(cli, isms)
    assert finding not in out
    change(isms)  # type: ignore[operator]
    code, out = check(cli, isms)
    assert finding in out and code == 1


def test_today_is_seen_through_a_warm_cache(cli: Cli, isms: Path) -> None:
    assert check(cli, isms)[0] == 0
    code, out, _ = cli("check", str(isms), "--today", "2031-01-01")
    assert code == 1 and "ST-001" in out


def test_the_tool_version_names_the_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    one = cache.Store(tmp_path, "documents").path
    monkeypatch.setattr(cache, "__version__", "9.9.9")
    assert cache.Store(tmp_path, "documents").path != one
    assert (
        cache.Store(tmp_path, "rules native 1").path
        != cache.Store(tmp_path, "rules cel-python 1").path
    )


def test_a_broken_cache_file_is_ignored(cli: Cli, isms: Path, tmp_path: Path) -> None:
    first = check(cli, isms)
    for path in entries(tmp_path):
        path.write_bytes(b"not a pickle")
    assert check(cli, isms) == first


def test_an_unwritable_cache_folder_only_slows_the_run(
    cli: Cli, isms: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("ISMS_CHECK_CACHE_DIR", str(blocked / "cache"))
    assert check(cli, isms)[0] == 0
    assert os.path.isfile(blocked)


def test_each_isms_keeps_only_its_current_files(cli: Cli, isms: Path, tmp_path: Path) -> None:
    import pickle

    def documents() -> list[int]:
        sizes = []
        for path in entries(tmp_path):
            with path.open("rb") as f:
                loaded = pickle.load(f)
            sizes.append(len(loaded))
        return sorted(sizes)

    check(cli, isms)
    before = documents()
    r1 = isms / "risks" / "r1.yaml"
    for n in range(3):  # three edits: three versions of the file, one kept
        r1.write_text(r1.read_text(encoding="utf-8") + f"# edit {n}\n", encoding="utf-8")
        check(cli, isms)
    assert documents() == before
    other = tmp_path / "other"
    shutil.copytree(BASE, other)
    check(cli, other)  # another ISMS: a namespace of its own
    assert len(documents()) == len(before) + 1

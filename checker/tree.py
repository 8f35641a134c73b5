"""Read-only views of an ISMS's files: the working tree on disk, or a commit's tree read
from git objects (PR mode evaluates the base commit without checking it out).

Paths are POSIX strings relative to the ISMS root.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any, Protocol

YAML_SUFFIXES = (".yaml", ".yml")


class FileTree(Protocol):
    def is_file(self, rel: str) -> bool: ...

    def is_dir(self, rel: str) -> bool: ...

    def read_bytes(self, rel: str) -> bytes: ...

    def files(self, folder: str) -> list[str]:
        """Every file under `folder`, recursively, sorted."""
        ...

    def yaml_files(self, folder: str) -> list[str]:
        """The .yaml/.yml files under `folder`, recursively, sorted."""
        ...


def inside(rel: str) -> str | None:
    """`rel` normalised, or None when it is absolute or climbs out of the root."""
    if not rel or rel.startswith("/") or posixpath.isabs(rel) or "\\" in rel:
        return None
    norm = posixpath.normpath(rel)
    if norm == ".." or norm.startswith("../"):
        return None
    return norm


class DiskTree:
    """The files on disk below `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, rel: str) -> Path | None:
        norm = inside(rel)
        return None if norm is None else self.root / norm

    def is_file(self, rel: str) -> bool:
        path = self._path(rel)
        return path is not None and path.is_file()

    def is_dir(self, rel: str) -> bool:
        path = self._path(rel)
        return path is not None and path.is_dir()

    def read_bytes(self, rel: str) -> bytes:
        path = self._path(rel)
        if path is None:
            raise FileNotFoundError(rel)
        return path.read_bytes()

    def files(self, folder: str) -> list[str]:
        base = self._path(folder)
        if base is None or not base.is_dir():
            return []
        return sorted(p.relative_to(self.root).as_posix() for p in base.rglob("*") if p.is_file())

    def yaml_files(self, folder: str) -> list[str]:
        return [f for f in self.files(folder) if f.endswith(YAML_SUFFIXES)]


class GitTree:
    """The files of one commit below `prefix` (the ISMS root inside the repository),
    read from git objects: the working tree, index and HEAD are never touched."""

    def __init__(self, commit: Any, prefix: str) -> None:
        self.blobs: dict[str, Any] = {}
        self.dirs: set[str] = {"."}
        try:
            tree = commit.tree / prefix if prefix not in ("", ".") else commit.tree
        except KeyError:
            return  # the ISMS root does not exist in this commit
        for item in tree.traverse():
            rel = posixpath.relpath(item.path, prefix) if prefix not in ("", ".") else item.path
            if item.type == "blob":
                self.blobs[rel] = item
            elif item.type == "tree":
                self.dirs.add(rel)

    def is_file(self, rel: str) -> bool:
        norm = inside(rel)
        return norm is not None and norm in self.blobs

    def is_dir(self, rel: str) -> bool:
        norm = inside(rel)
        return norm is not None and norm in self.dirs

    def read_bytes(self, rel: str) -> bytes:
        norm = inside(rel)
        if norm is None or norm not in self.blobs:
            raise FileNotFoundError(rel)
        data: bytes = self.blobs[norm].data_stream.read()
        return data

    def files(self, folder: str) -> list[str]:
        norm = inside(folder)
        if norm is None:
            return []
        prefix = "" if norm == "." else norm + "/"
        return sorted(p for p in self.blobs if p.startswith(prefix))

    def yaml_files(self, folder: str) -> list[str]:
        return [f for f in self.files(folder) if f.endswith(YAML_SUFFIXES)]

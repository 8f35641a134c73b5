"""Read-only views of an ISMS's files: the working tree on disk, or a commit's tree read
from git objects (PR mode evaluates the base commit without checking it out).

Paths are POSIX strings relative to the ISMS root. Nothing outside the boundary (the git
work tree holding the ISMS, or the ISMS root outside git) is ever read: a symbolic link
that leads out of it is not followed, and `outside` lists such links so that they can be
reported where they are. Paths with `..`, absolute paths and Windows drive or UNC forms
are never opened.
"""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path
from typing import Any, Protocol

YAML_SUFFIXES = (".yaml", ".yml")


class FileTree(Protocol):
    def is_file(self, rel: str) -> bool: ...

    def is_dir(self, rel: str) -> bool: ...

    def read_bytes(self, rel: str, limit: int | None = None) -> bytes:
        """The file's bytes; with `limit`, at most limit + 1 of them (enough to tell that
        a file is over the limit without holding a huge one in memory)."""
        ...

    def files(self, folder: str) -> list[str]:
        """Every file under `folder`, recursively, sorted."""
        ...

    def yaml_files(self, folder: str) -> list[str]:
        """The .yaml/.yml files under `folder`, recursively, sorted."""
        ...

    def outside(self, folder: str) -> list[str]:
        """Symbolic links under `folder` that lead outside the boundary (not followed)."""
        ...


class OutsideError(OSError):
    """A path that leads outside the files the checker may read."""

    def __init__(self, rel: str) -> None:
        super().__init__(f"{rel} is a symbolic link to a place outside the repository")
        self.strerror = (
            "it is a symbolic link to a place outside the repository, which is never read: "
            "replace the link with the file itself"
        )


_DRIVE = re.compile(r"^[A-Za-z]:")


def inside(rel: str) -> str | None:
    """`rel` normalised, or None when it is absolute (also a Windows drive or UNC path)
    or climbs out of the root."""
    if not rel or rel.startswith("/") or posixpath.isabs(rel) or "\\" in rel or _DRIVE.match(rel):
        return None
    norm = posixpath.normpath(rel)
    if norm == ".." or norm.startswith("../"):
        return None
    return norm


class DiskTree:
    """The files on disk below `root`, read only where they resolve inside `boundary`
    (default: `root`)."""

    def __init__(self, root: Path, boundary: Path | None = None) -> None:
        self.root = root
        self.boundary = os.path.realpath(boundary or root)
        self._walks: dict[str, tuple[list[str], list[str]]] = {}  # a run reads a tree once

    def _path(self, rel: str) -> Path | None:
        norm = inside(rel)
        return None if norm is None else self.root / norm

    def _within(self, path: Path | str) -> bool:
        real = os.path.realpath(path)
        return real == self.boundary or real.startswith(self.boundary + os.sep)

    def _readable(self, rel: str) -> Path | None:
        path = self._path(rel)
        return path if path is not None and self._within(path) else None

    def is_file(self, rel: str) -> bool:
        path = self._readable(rel)
        return path is not None and path.is_file()

    def is_dir(self, rel: str) -> bool:
        path = self._readable(rel)
        return path is not None and path.is_dir()

    def read_bytes(self, rel: str, limit: int | None = None) -> bytes:
        path = self._path(rel)
        if path is None:
            raise FileNotFoundError(rel)
        if not self._within(path):
            raise OutsideError(rel)
        with path.open("rb") as f:
            return f.read() if limit is None else f.read(limit + 1)

    def _walk(self, folder: str) -> tuple[list[str], list[str]]:
        """(files inside the boundary, links leading outside it), sorted. Linked folders
        inside are followed once each, so a link loop ends."""
        if folder not in self._walks:
            self._walks[folder] = self._walk_disk(folder)
        return self._walks[folder]

    def _walk_disk(self, folder: str) -> tuple[list[str], list[str]]:
        base = self._path(folder)
        if base is None or not base.is_dir() or not self._within(base):
            return [], []
        files: list[str] = []
        out: list[str] = []
        seen: set[str] = set()
        for top, dirs, names in os.walk(base, followlinks=True):
            real = os.path.realpath(top)
            if real in seen:
                dirs[:] = []
                continue
            seen.add(real)
            here = Path(top)
            for name in list(dirs):
                if not self._within(here / name):
                    dirs.remove(name)
                    out.append((here / name).relative_to(self.root).as_posix())
            for name in names:
                rel = (here / name).relative_to(self.root).as_posix()
                if not self._within(here / name):
                    out.append(rel)
                elif (here / name).is_file():
                    files.append(rel)
        return sorted(files), sorted(out)

    def files(self, folder: str) -> list[str]:
        return self._walk(folder)[0]

    def yaml_files(self, folder: str) -> list[str]:
        return [f for f in self.files(folder) if f.endswith(YAML_SUFFIXES)]

    def outside(self, folder: str) -> list[str]:
        return self._walk(folder)[1]


_LINK_MODE = 0o120000


class GitTree:
    """The files of one commit below `prefix` (the ISMS root inside the repository),
    read from git objects: the working tree, index and HEAD are never touched. A
    symbolic link is followed when it leads to a file of the same commit (the boundary
    is the repository), else listed by `outside`."""

    def __init__(self, commit: Any, prefix: str) -> None:
        self.blobs: dict[str, Any] = {}
        self.dirs: set[str] = {"."}
        self.links: list[str] = []
        prefix = "" if prefix in ("", ".") else prefix
        try:
            tree = commit.tree / prefix if prefix else commit.tree
        except KeyError:
            return  # the ISMS root does not exist in this commit
        for item in tree.traverse():
            rel = posixpath.relpath(item.path, prefix) if prefix else item.path
            if item.type == "blob" and item.mode == _LINK_MODE:
                target = _link_target(commit, item)
                if target is None:
                    self.links.append(rel)
                else:
                    self.blobs[rel] = target
            elif item.type == "blob":
                self.blobs[rel] = item
            elif item.type == "tree":
                self.dirs.add(rel)

    def is_file(self, rel: str) -> bool:
        norm = inside(rel)
        return norm is not None and norm in self.blobs

    def is_dir(self, rel: str) -> bool:
        norm = inside(rel)
        return norm is not None and norm in self.dirs

    def read_bytes(self, rel: str, limit: int | None = None) -> bytes:
        norm = inside(rel)
        if norm is not None and norm in self.links:
            raise OutsideError(rel)
        if norm is None or norm not in self.blobs:
            raise FileNotFoundError(rel)
        stream = self.blobs[norm].data_stream
        data: bytes = stream.read() if limit is None else stream.read(limit + 1)
        return data

    def _under(self, folder: str, paths: Any) -> list[str]:
        norm = inside(folder)
        if norm is None:
            return []
        prefix = "" if norm == "." else norm + "/"
        return sorted(p for p in paths if p.startswith(prefix))

    def files(self, folder: str) -> list[str]:
        return self._under(folder, self.blobs)

    def yaml_files(self, folder: str) -> list[str]:
        return [f for f in self.files(folder) if f.endswith(YAML_SUFFIXES)]

    def outside(self, folder: str) -> list[str]:
        return self._under(folder, self.links)


def _link_target(commit: Any, link: Any) -> Any:
    """The blob a symbolic link of `commit` leads to, or None when it leads outside the
    repository, to a folder, or nowhere (links are followed up to 8 deep)."""
    for _ in range(8):
        target = link.data_stream.read().decode("utf-8", "replace")
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(link.path), target))
        if inside(joined) is None:
            return None
        try:
            found = commit.tree / joined
        except KeyError:
            return None
        if found.type != "blob":
            return None
        if found.mode != _LINK_MODE:
            return found
        link = found
    return None


class MemoryTree:
    """Files held in memory, by relative path: the ISMS a rule test describes (its
    methodology, and the evidence paths it says exist)."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self._files = {norm: data for rel, data in files.items() if (norm := inside(rel))}

    def is_file(self, rel: str) -> bool:
        return inside(rel) in self._files

    def is_dir(self, rel: str) -> bool:
        norm = inside(rel)
        return norm is not None and (
            norm == "." or any(f.startswith(norm + "/") for f in self._files)
        )

    def read_bytes(self, rel: str, limit: int | None = None) -> bytes:
        norm = inside(rel)
        if norm is None or norm not in self._files:
            raise FileNotFoundError(rel)
        data = self._files[norm]
        return data if limit is None else data[: limit + 1]

    def files(self, folder: str) -> list[str]:
        norm = inside(folder)
        if norm == ".":
            return sorted(self._files)
        return sorted(f for f in self._files if norm and f.startswith(norm + "/"))

    def yaml_files(self, folder: str) -> list[str]:
        return [f for f in self.files(folder) if f.endswith(YAML_SUFFIXES)]

    def outside(self, folder: str) -> list[str]:
        return []

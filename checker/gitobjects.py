"""Git objects read through one long-lived `git cat-file --batch` process: the trees and
blobs of many commits, each object read and each tree parsed once (by object id), never
one git process per file. Read-only: nothing but object reads reaches the repository.

`SnapshotTree` is a commit's ISMS folder as a FileTree (tree.py), for posture over time
(timeline.py). A symbolic link to another file of the ISMS folder reads as that file;
any other link is listed by `outside`, so that it is an ISMS-PARSE finding of that
snapshot, as a link out of the repository is in a check.
"""

from __future__ import annotations

import contextlib
import posixpath
import subprocess
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO

from checker.tree import YAML_SUFFIXES, OutsideError, inside

_LINK = "120000"
_TREE = "40000"
_SUBMODULE = "160000"


class GitObjectsError(OSError):
    """`git cat-file` stopped answering."""


class GitObjects:
    """One `git cat-file --batch` process for a repository; use as a context manager."""

    def __init__(self, top: Path) -> None:
        self._top = top
        self._process = self._start()
        self._own = True  # False in a forked worker until it starts its own process
        self._blobs: dict[str, bytes] = {}
        self._trees: dict[str, Mapping[str, tuple[str, str]]] = {}
        self._flat: dict[str, tuple[dict[str, tuple[str, str]], frozenset[str]]] = {}
        self.objects_read = 0  # how many objects came from git (each at most once)

    def _start(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            ["git", "--no-optional-locks", "cat-file", "--batch"],
            cwd=self._top, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def _pipes(self) -> tuple[IO[bytes], IO[bytes]]:
        if not self._own:  # in a forked worker: its own process, on first use
            self._process, self._own = self._start(), True
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None and stdout is not None
        return stdin, stdout

    def forked(self) -> None:
        """In a child process made by os.fork: lets go of the parent's `git cat-file`
        (closing this process's copies of its pipes, so that it still ends when the
        parent closes them) and starts its own when it needs one. What was read stays."""
        if self._own:
            for pipe in (self._process.stdin, self._process.stdout):
                if pipe is not None:
                    with contextlib.suppress(OSError):  # nothing is left buffered
                        pipe.close()
            self._own = False

    def __enter__(self) -> GitObjects:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if not self._own:
            return
        if self._process.stdin is not None and not self._process.stdin.closed:
            with contextlib.suppress(OSError):  # gone, with requests still buffered
                self._process.stdin.close()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._process.wait()

    def _send(self, requests: bytes) -> None:
        stdin, _ = self._pipes()
        try:
            stdin.write(requests)
            stdin.flush()
        except OSError as e:  # the process is gone (BrokenPipeError)
            raise GitObjectsError(f"git cat-file stopped answering: {e}") from e

    def read(self, name: str) -> tuple[str, str, bytes] | None:
        """(object id, type, content) of the object `name` (an id or `REV:PATH`), or None
        when there is none."""
        if "\n" in name:
            return None
        _, stdout = self._pipes()
        self._send(name.encode("utf-8", "surrogateescape") + b"\n")
        header = stdout.readline().decode("utf-8", "surrogateescape").rstrip("\n")
        if not header:
            raise GitObjectsError("git cat-file stopped answering")
        parts = header.split(" ")
        if len(parts) != 3 or not parts[2].isdigit():  # "NAME missing", "NAME ambiguous"
            return None
        data = stdout.read(int(parts[2]) + 1)[:-1]
        self.objects_read += 1
        return parts[0], parts[1], data

    def prefetch(self, oids: list[str]) -> None:
        """Reads the blobs not read yet in one round trip (all requests, then all answers),
        instead of one request and answer each."""
        wanted = [oid for oid in dict.fromkeys(oids) if oid not in self._blobs]
        if not wanted:
            return
        _, stdout = self._pipes()
        self._send(b"".join(oid.encode("ascii") + b"\n" for oid in wanted))
        for oid in wanted:
            line = stdout.readline()
            if not line:
                raise GitObjectsError("git cat-file stopped answering")
            parts = line.decode("utf-8", "surrogateescape").split()
            if len(parts) == 3 and parts[2].isdigit():
                data = stdout.read(int(parts[2]) + 1)[:-1]
                self._blobs[oid] = data if parts[1] == "blob" else b""
                self.objects_read += 1
            else:
                self._blobs[oid] = b""

    def blob(self, oid: str) -> bytes:
        found = self._blobs.get(oid)
        if found is None:
            read = self.read(oid)
            found = read[2] if read is not None and read[1] == "blob" else b""
            self._blobs[oid] = found
        return found

    def tree(self, oid: str) -> Mapping[str, tuple[str, str]]:
        """A tree's entries: name → (mode, object id)."""
        found = self._trees.get(oid)
        if found is None:
            read = self.read(oid)
            found = _parse_tree(read[2], len(oid) // 2) if read and read[1] == "tree" else {}
            self._trees[oid] = found
        return found

    def flatten(self, oid: str) -> tuple[dict[str, tuple[str, str]], frozenset[str]]:
        """Every file below tree `oid` (relative path → (mode, blob id)) and every folder
        (relative paths), computed once per tree id: an unchanged folder costs nothing."""
        found = self._flat.get(oid)
        if found is None:
            files: dict[str, tuple[str, str]] = {}
            dirs: set[str] = set()
            for name, (mode, child) in self.tree(oid).items():
                if mode == _TREE:
                    dirs.add(name)
                    sub_files, sub_dirs = self.flatten(child)
                    files.update({f"{name}/{k}": v for k, v in sub_files.items()})
                    dirs.update(f"{name}/{d}" for d in sub_dirs)
                elif mode != _SUBMODULE:
                    files[name] = (mode, child)
            found = self._flat[oid] = (files, frozenset(dirs))
        return found


def _parse_tree(data: bytes, raw_length: int) -> dict[str, tuple[str, str]]:
    entries: dict[str, tuple[str, str]] = {}
    i = 0
    while i < len(data):
        space = data.index(b" ", i)
        nul = data.index(b"\0", space)
        mode = data[i:space].decode("ascii")
        name = data[space + 1 : nul].decode("utf-8", "surrogateescape")
        oid = data[nul + 1 : nul + 1 + raw_length].hex()
        entries[name] = (mode, oid)
        i = nul + 1 + raw_length
    return entries


class SnapshotTree:
    """The files of one commit below the ISMS root, read from git objects (FileTree)."""

    def __init__(self, objects: GitObjects, tree_oid: str | None) -> None:
        self.objects = objects
        files, dirs = objects.flatten(tree_oid) if tree_oid else ({}, frozenset())
        self.blobs = {rel: oid for rel, (mode, oid) in files.items() if mode != _LINK}
        self.links: list[str] = []
        for rel, (mode, oid) in sorted(files.items()):
            if mode != _LINK:
                continue
            # a link to a file of the same ISMS folder is read as that file; any other
            # is listed by `outside` (its file is then an ISMS-PARSE finding)
            target = objects.blob(oid).decode("utf-8", "replace")
            joined = inside(posixpath.join(posixpath.dirname(rel), target))
            if joined is not None and joined in self.blobs:
                self.blobs[rel] = self.blobs[joined]
            else:
                self.links.append(rel)
        self.dirs = dirs | {"."} if tree_oid else frozenset()
        objects.prefetch(
            [oid for rel, oid in sorted(self.blobs.items()) if rel.endswith(YAML_SUFFIXES)]
        )

    def is_file(self, rel: str) -> bool:
        norm = inside(rel)
        return norm is not None and norm in self.blobs

    def is_dir(self, rel: str) -> bool:
        norm = inside(rel)
        return norm is not None and norm in self.dirs

    def blob_id(self, rel: str) -> str | None:
        norm = inside(rel)
        return self.blobs.get(norm) if norm is not None else None

    def read_bytes(self, rel: str, limit: int | None = None) -> bytes:
        norm = inside(rel)
        if norm is not None and norm in self.links:
            raise OutsideError(rel)
        if norm is None or norm not in self.blobs:
            raise FileNotFoundError(rel)
        data = self.objects.blob(self.blobs[norm])
        return data if limit is None else data[: limit + 1]

    def _under(self, folder: str, paths: list[str]) -> list[str]:
        norm = inside(folder)
        if norm is None:
            return []
        prefix = "" if norm == "." else norm + "/"
        return sorted(p for p in paths if p.startswith(prefix))

    def files(self, folder: str) -> list[str]:
        return self._under(folder, list(self.blobs))

    def yaml_files(self, folder: str) -> list[str]:
        return [f for f in self.files(folder) if f.endswith(YAML_SUFFIXES)]

    def outside(self, folder: str) -> list[str]:
        return self._under(folder, self.links)

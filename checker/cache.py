"""A cache across runs, outside the checked repository: compiled rules and checked
documents, so that a pre-commit hook or a CI rerun does not redo work whose inputs did
not change.

Where: $ISMS_CHECK_CACHE_DIR, else the user cache folder ($XDG_CACHE_HOME/isms-check or
~/.cache/isms-check; %LOCALAPPDATA%\\isms-check on Windows; ~/Library/Caches/isms-check
on macOS). Never inside the ISMS. `--no-cache` turns it off.

Keys: every entry lives in a namespace named by the tool version, the Python version and
what the entry depends on (the CEL engine and its version for compiled rules); within it,
entries are keyed by a hash of their whole input (an expression's text, a file's bytes),
so a change to any input is a different key, never a stale hit. Each namespace is one
file, read once per run and rewritten atomically when the run added entries; a cache
that cannot be read or written is ignored (the run is only slower).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

from checker import __version__

MAX_ENTRIES = 200_000  # a namespace file holds at most this many; the oldest go first


def default_dir() -> Path:
    explicit = os.environ.get("ISMS_CHECK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "isms-check"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "isms-check"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "isms-check"


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        # surrogatepass: a file name that is not UTF-8 arrives with lone surrogates
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


class Store:
    """One namespace of the cache: a dict loaded lazily, saved when it changed. With
    `prune`, a save keeps only the entries this run used (a namespace per ISMS, whose
    old file versions would otherwise pile up)."""

    def __init__(self, folder: Path | None, namespace: str, prune: bool = False) -> None:
        self.path = (
            folder / f"{digest(__version__, sys.version, namespace)[:24]}.pickle"
            if folder is not None
            else None
        )
        self.prune = prune
        self._entries: dict[str, Any] | None = None
        self._used: set[str] = set()
        self._dirty = False

    def _load(self) -> dict[str, Any]:
        if self._entries is None:
            self._entries = {}
            if self.path is not None:
                try:
                    with self.path.open("rb") as f:
                        loaded = pickle.load(f)
                    if isinstance(loaded, dict):
                        self._entries = loaded
                except Exception:  # none yet, or unreadable: a cache only saves work
                    pass
        return self._entries

    def get(self, key: str) -> Any:
        found = self._load().get(key)
        if found is not None:
            self._used.add(key)
        return found

    def put(self, key: str, value: Any) -> None:
        entries = self._load()
        self._used.add(key)
        if entries.get(key) is not value:
            entries[key] = value
            self._dirty = True

    def save(self) -> None:
        """Writes the namespace if it changed; failures are ignored."""
        if self.path is None or self._entries is None:
            return
        entries = self._entries
        if self.prune and len(self._used) < len(entries):
            entries = {k: v for k, v in entries.items() if k in self._used}
        elif not self._dirty:
            return
        if len(entries) > MAX_ENTRIES:
            entries = dict(list(entries.items())[-MAX_ENTRIES:])
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.path.parent)
            try:
                with os.fdopen(fd, "wb") as f:
                    pickle.dump(entries, f, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return
        self._dirty = False


class Cache:
    """The run's view of the cache folder (None: caching is off)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._stores: dict[str, Store] = {}

    def store(self, namespace: str, prune: bool = False) -> Store:
        found = self._stores.get(namespace)
        if found is None:
            found = self._stores[namespace] = Store(self.folder, namespace, prune)
        return found

    def save(self) -> None:
        for store in self._stores.values():
            store.save()

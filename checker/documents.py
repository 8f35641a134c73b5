"""Entity files as checked documents: parsed YAML split into entities, each with its
schema violations, remembered by content.

PR mode judges the base commit and the working tree, which share most files: a file
whose bytes are the same in both is parsed and validated once per run, and, with the
cache across runs (cache.py), once until it changes. Keys are the kind, the display path
and a hash of the bytes, so the same content under another name is still reported under
its own name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from checker import schema
from checker.cache import Store, digest
from checker.errors import detached
from checker.loader import MAX_FILE_BYTES, ParsedFile, YamlProblem, decode, entities_of, parse_yaml
from checker.schema import Violation
from checker.tree import FileTree

T = TypeVar("T")


@dataclass(frozen=True)
class Document:
    """One entity file: its entities (or the problem that kept it from loading) and,
    for each entity in order, its schema violations."""

    parsed: ParsedFile
    violations: tuple[tuple[Violation, ...], ...] = ()


@dataclass
class Documents:
    """The run's memory of checked files, by (kind, display path, content hash): a
    namespace of the cache across runs, or one kept in memory only (`Store(None, ...)`)."""

    store: Store = field(default_factory=lambda: Store(None, "documents"))
    # by (kind, display path, content id, empty_ok): files whose content is known by an
    # id that changes whenever the bytes do (a git blob id), so that a file seen before
    # is neither read nor hashed again
    known: dict[tuple[str, str, str, bool], Document] = field(default_factory=dict)
    # every store entry this process used, so that a forked worker (timeline.py) can
    # hand what it used back to the process that saves the store
    used: dict[str, Any] = field(default_factory=dict)

    def _remembered(self, key: str, compute: Callable[[], T], of_type: type[T]) -> T:
        found = self.store.get(key)
        if not isinstance(found, of_type):  # not there (or, from a damaged cache, not one)
            found = compute()
            self.store.put(key, found)
        self.used[key] = found
        return found

    def adopt(self, entries: Mapping[str, Any]) -> None:
        """Takes over the store entries a forked worker used (see `used`)."""
        for key, value in entries.items():
            if self.store.get(key) is None:
                self.store.put(key, value)
            self.used.setdefault(key, value)

    def load(
        self,
        kind: str,
        tree: FileTree,
        rel: str,
        shown: str,
        *,
        empty_ok: bool = False,
        content_id: str | None = None,
    ) -> Document:
        """The file `rel` of `tree` as a Document of `kind` entities; `empty_ok`: an
        empty file or list is no entities rather than a problem (the waivers file).
        `content_id`: an id of the file's bytes (its git blob id), when known."""
        if content_id is not None:
            at = (kind, shown, content_id, empty_ok)
            found = self.known.get(at)
            if found is None:
                found = self.known[at] = self.load(kind, tree, rel, shown, empty_ok=empty_ok)
            return found
        try:
            raw = tree.read_bytes(rel, limit=MAX_FILE_BYTES)
        except OSError as e:  # OutsideError: a link that leads out of the repository
            problem = YamlProblem(f"cannot read the file: {e.strerror or e}")
            return Document(ParsedFile(shown, problem=problem))
        key = digest(schema.fingerprint(), kind, shown, raw, str(empty_ok))
        return self._remembered(key, lambda: _check(kind, raw, shown, empty_ok), Document)

    def validate(self, kind: str, text: str, instance: Any) -> tuple[Violation, ...]:
        """`kind`'s schema violations of a document parsed from `text` (isms.yaml, rule
        files), remembered by the text like the entity files."""
        key = digest("violations", schema.fingerprint(), kind, text)
        return self._remembered(key, lambda: tuple(schema.validate(kind, instance)), tuple)


def _check(kind: str, raw: bytes, shown: str, empty_ok: bool) -> Document:
    try:
        parsed = parse_yaml(decode(raw))
    except YamlProblem as problem:
        return Document(ParsedFile(shown, problem=detached(problem)))
    if empty_ok and (parsed.data is None or parsed.data == []):
        return Document(ParsedFile(shown))
    entities = entities_of(shown, parsed)
    violations = tuple(tuple(schema.validate(kind, s.data)) for s in entities.sources)
    return Document(entities, violations)

"""Reading the user's YAML: text → plain data with the line and column of every value.

YAML is read as the checker's users write it, with two deliberate departures from
PyYAML's YAML 1.1 defaults (see docs/decisions.md):

- dates stay strings (`2026-03-01` and `"2026-03-01"` are the same value); the model
  converts them, and the schemas check their format;
- only `true`/`false` are booleans: `yes`, `no`, `on`, `off` stay strings, so that a
  country code or an answer is never silently turned into a boolean.

A broken file never raises out of this module: it comes back as a `ParsedFile` with a
`problem`, which the engine reports as an ISMS-PARSE finding.

Resource limits (docs/security.md, "Resource limits"; each one is an ISMS-PARSE finding
at the line where it was exceeded, never a crash or a hang):

- MAX_FILE_BYTES: a larger file is not parsed;
- MAX_DEPTH: nesting of mappings and lists (libyaml stops at 1000 on its own);
- MAX_NODES: values in one file, aliases expanded;
- MAX_ALIAS_NODES: values copied by aliases and merge keys (`*a`, `<<: *a`), so that an
  alias bomb (a billion values from a kilobyte) stops after a few thousand steps;
- integers fit in 64 bits (CEL's int), checked before conversion from text so that a
  10**5000 or a long sexagesimal number never reaches Python's int().
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from checker.tree import FileTree

JsonPath = tuple[str | int, ...]
Position = tuple[int, int]  # 1-based line and column

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_BOOL = "tag:yaml.org,2002:bool"
_PLAIN_TAGS = {
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    _BOOL,
    "tag:yaml.org,2002:null",
}
_MERGE = "tag:yaml.org,2002:merge"
_VALUE = "tag:yaml.org,2002:value"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
MAX_FILE_BYTES = 5 * 1024 * 1024  # 5 MiB: a thousand risks take about 1 MiB
MAX_NODES = 500_000
MAX_ALIAS_NODES = 10_000
MAX_DEPTH = 100
MAX_NUMBER_CHARS = 100  # longer than any 64-bit integer or double written in YAML
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
_TOO_DEEP = (
    f"nested more than {MAX_DEPTH} levels deep (or an alias that contains itself): "
    "flatten the structure"
)


# PyYAML's C parser (libyaml) builds the same node tree with marks as the pure-Python
# one, an order of magnitude faster; the pure-Python one is the fallback where PyYAML was
# built without libyaml.
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """SafeLoader without implicit dates and with YAML 1.2 booleans."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_TIMESTAMP, _BOOL)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class YamlProblem(Exception):
    """A file that is not usable YAML, with the place to look."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message, line, column)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Parsed:
    """A YAML document as plain data plus the position of each value by its path."""

    data: Any
    positions: Mapping[JsonPath, Position]

    def position(self, path: JsonPath) -> Position:
        """The position of `path`, or of its nearest ancestor that has one."""
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))


class _Builder:
    def __init__(self, loader: _Loader) -> None:
        self.loader = loader
        self.positions: dict[JsonPath, Position] = {}
        self.count = 0  # values built, aliases expanded
        self.copied = 0  # values built a second time or more: through an alias
        self.seen: set[int] = set()  # the nodes built once (ids; the tree outlives them)
        self.merging: set[int] = set()  # the mappings whose keys are being merged

    def build(self, node: Node, path: JsonPath) -> Any:
        mark = node.start_mark
        where = (mark.line + 1, mark.column + 1)
        self.count += 1
        if id(node) in self.seen:
            self.copied += 1
        else:
            self.seen.add(id(node))
        if self.copied > MAX_ALIAS_NODES:
            raise YamlProblem(
                f"aliases copy more than {MAX_ALIAS_NODES:,} values (an alias bomb?): "
                "write the values out, or use fewer '*' references",
                *where,
            )
        if self.count > MAX_NODES:
            raise YamlProblem(
                f"more than {MAX_NODES:,} values in one file: split it into several files",
                *where,
            )
        if len(path) > MAX_DEPTH:
            raise YamlProblem(_TOO_DEEP, *where)
        self.positions[path] = where
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        if isinstance(node, SequenceNode) and node.tag == "tag:yaml.org,2002:seq":
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        if isinstance(node, MappingNode) and node.tag == "tag:yaml.org,2002:map":
            return self._mapping(node, path)
        raise YamlProblem(f"unsupported YAML tag {node.tag}: use plain values", *where)

    def _scalar(self, node: ScalarNode) -> Any:
        mark = node.start_mark
        where = (mark.line + 1, mark.column + 1)
        if node.tag in (_INT, _FLOAT) and len(node.value) > MAX_NUMBER_CHARS:
            raise YamlProblem(
                f"a number of {len(node.value):,} characters: numbers have at most "
                f"{MAX_NUMBER_CHARS} (quote it if it is meant as text)",
                *where,
            )
        if node.tag in _PLAIN_TAGS:
            try:
                value = self.loader.yaml_constructors[node.tag](self.loader, node)
            except (ValueError, OverflowError) as e:  # no YAML number reaches here today
                raise YamlProblem(f"not a usable number: {e}", *where) from e
            if node.tag == _INT and not INT_MIN <= value <= INT_MAX:
                raise YamlProblem(
                    "an integer beyond 64 bits: use a smaller number, or quote it "
                    "if it is meant as text",
                    *where,
                )
            return value
        if node.tag in ("tag:yaml.org,2002:str", _TIMESTAMP, _VALUE):
            return node.value  # _VALUE: a plain `=`, which YAML 1.1 gives a tag of its own
        raise YamlProblem(f"unsupported YAML tag {node.tag}: use plain values", *where)

    def _mapping(self, node: MappingNode, path: JsonPath) -> dict[str, Any]:
        """A mapping's data. Merge keys (`<<: *a` or `<<: [*a, *b]`) are expanded here,
        not by PyYAML's flatten_mapping, which copies key lists before any limit can
        count them: the merged values are built (and counted) like any other, earlier
        sources win over later ones, and the mapping's own keys win over all of them."""
        out: dict[str, Any] = {}
        own: set[str] = set()
        for key_node, value_node in node.value:
            mark = key_node.start_mark
            if isinstance(key_node, ScalarNode) and key_node.tag == _MERGE:
                for key, value in self._merged(value_node, path).items():
                    if key not in own:
                        out.setdefault(key, value)
                continue
            if not isinstance(key_node, ScalarNode):
                raise YamlProblem(
                    "a mapping key must be a plain value", mark.line + 1, mark.column + 1
                )
            key = str(self._scalar(key_node))
            if key in own:
                raise YamlProblem(
                    f"duplicate key '{key}' in one mapping: keep only one",
                    mark.line + 1,
                    mark.column + 1,
                )
            own.add(key)
            out[key] = self.build(value_node, (*path, key))
        return out

    def _merged(self, node: Node, path: JsonPath) -> dict[str, Any]:
        """The mappings a merge key names, earlier ones first."""
        sources = node.value if isinstance(node, SequenceNode) else [node]
        out: dict[str, Any] = {}
        for source in sources:
            if id(source) in self.merging:
                mark = source.start_mark
                raise YamlProblem(
                    "a merge key '<<' names the mapping it is in", mark.line + 1, mark.column + 1
                )
            if not (isinstance(source, MappingNode) and source.tag == "tag:yaml.org,2002:map"):
                mark = source.start_mark
                raise YamlProblem(
                    "a merge key '<<' takes a mapping or a list of mappings (*anchor)",
                    mark.line + 1,
                    mark.column + 1,
                )
            self.merging.add(id(source))
            try:
                for key, value in self._mapping(source, path).items():
                    out.setdefault(key, value)
            finally:
                self.merging.discard(id(source))
        return out


def parse_yaml(text: str) -> Parsed:
    """Parses one YAML document; raises YamlProblem with a line for anything unusable."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Parsed(None, {(): (1, 1)})
        builder = _Builder(loader)
        data = builder.build(node, ())
        return Parsed(data, builder.positions)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = str(e.problem or e.context)
        if "maximum nesting depth" in problem:  # libyaml's own limit, 1000 levels
            raise YamlProblem(_TOO_DEEP, line, col) from e
        if "found another document" in problem:
            raise YamlProblem(
                "a second YAML document ('---'): keep one document per file, or make it one list",
                line,
                col,
            ) from e
        hint = _hint(problem, text, line, col)
        raise YamlProblem(f"invalid YAML: {problem}{hint}", line, col) from e
    except yaml.reader.ReaderError as e:  # a character YAML does not allow
        line = text.count("\n", 0, e.position) + 1
        column = e.position - (text.rfind("\n", 0, e.position) + 1) + 1
        char = e.character if isinstance(e.character, int) else ord(e.character[:1] or " ")
        raise YamlProblem(
            f"invalid YAML: the control character U+{char:04X} is not allowed: remove it",
            line,
            column,
        ) from e
    except yaml.YAMLError as e:
        raise YamlProblem(f"invalid YAML: {e}") from e
    except RecursionError as e:  # PyYAML without libyaml composes recursively
        raise YamlProblem(_TOO_DEEP) from e
    finally:
        loader.dispose()


_HINTS = (
    ("tab", "a tab character: indent with spaces only"),
    ("mapping values are not allowed", "a ': ' inside a value (quote the value, "
     "e.g. title: 'Ransomware: servers'), or a line indented deeper than the one above"),
    ("expected key", "check this line's indentation against the lines above"),
    ("expected <block end>", "check this line's indentation against the lines above"),
    ("expected ',' or ']'", "a [ list ] that is not closed"),
    ("expected ',' or '}'", "a { mapping } that is not closed"),
    ("end of stream", "a quote that is not closed"),
    ("undefined alias", "a '*' that names no '&anchor' above: quote a value that starts with *"),
)  # fmt: skip


def _hint(problem: str, text: str, line: int, column: int) -> str:
    """The usual cause of a YAML error, in words a person can act on."""
    lines = text.splitlines()
    if 0 < line <= len(lines) and lines[line - 1][column - 1 : column] == "\t":
        problem = "tab"
    return next((f" (likely cause: {hint})" for key, hint in _HINTS if key in problem), "")


def read_text(tree: FileTree, rel: str) -> str:
    """A file's text as UTF-8 (a BOM is allowed); raises YamlProblem if it cannot be read."""
    try:
        raw = tree.read_bytes(rel, limit=MAX_FILE_BYTES)
    except OSError as e:
        raise YamlProblem(f"cannot read the file: {e.strerror or e}") from e
    return decode(raw)


def decode(raw: bytes) -> str:
    """Bytes as UTF-8 text (a BOM is allowed); raises YamlProblem naming the line, or
    for a file larger than MAX_FILE_BYTES, which is not looked at further."""
    if len(raw) > MAX_FILE_BYTES:
        raise YamlProblem(
            f"file too large: over {MAX_FILE_BYTES:,} bytes "
            f"({MAX_FILE_BYTES // 2**20} MiB): split it into several files"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise YamlProblem("the file is not UTF-8 text: save it as UTF-8", line) from e


def load_file(tree: FileTree, rel: str) -> Parsed:
    return parse_yaml(read_text(tree, rel))


@dataclass(frozen=True)
class Source:
    """One entity as written: its mapping, the file it is in and where."""

    file: str  # display path
    data: Mapping[str, Any]
    positions: Mapping[JsonPath, Position]  # relative to the entity
    index: int | None  # position in a list file, None for a single-mapping file

    @property
    def line(self) -> int:
        return self.positions.get((), (1, 1))[0]

    def position(self, path: JsonPath) -> Position:
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))


@dataclass(frozen=True)
class ParsedFile:
    """An entity file: the entities it holds, or the problem that kept it from loading."""

    file: str
    sources: tuple[Source, ...] = ()
    problem: YamlProblem | None = field(default=None)


def entities_of(file: str, parsed: Parsed) -> ParsedFile:
    """Splits a parsed file into entity Sources: one mapping, or a list of mappings."""
    data = parsed.data
    if isinstance(data, dict):
        return ParsedFile(file, (Source(file, data, parsed.positions, None),))
    if isinstance(data, list) and data:
        sources: list[Source] = []
        problem: YamlProblem | None = None
        for i, item in enumerate(data):
            if isinstance(item, dict):
                sub = {p[1:]: pos for p, pos in parsed.positions.items() if p[:1] == (i,)}
                sources.append(Source(file, item, sub, i))
            elif problem is None:
                line, col = parsed.position((i,))
                problem = YamlProblem(
                    f"list item {i + 1} is a {_type_name(item)}, not a mapping: "
                    "each item must be one entity (id: ...)",
                    line,
                    col,
                )
        return ParsedFile(file, tuple(sources), problem)
    what = "empty" if data is None or data == [] else f"a {_type_name(data)}"
    return ParsedFile(
        file,
        problem=YamlProblem(
            f"the file is {what}: it must hold one mapping (one entity) or a list of mappings"
        ),
    )


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    return {str: "string", int: "number", float: "number", list: "list", dict: "mapping"}.get(
        type(value), "null value" if value is None else type(value).__name__
    )


@dataclass(frozen=True)
class DisplayPaths:
    """Turns ISMS-relative paths into report paths: relative to the git work tree when
    the ISMS is in one (so annotations land on the right file), else to the ISMS root;
    forward slashes."""

    prefix: str = ""  # the ISMS root relative to the report base
    top: Path | None = None  # the git work tree holding the ISMS, if any

    @staticmethod
    def for_root(root: Path) -> DisplayPaths:
        root = root.resolve()
        for folder in (root, *root.parents):
            if (folder / ".git").exists():
                rel = root.relative_to(folder).as_posix()
                return DisplayPaths("" if rel == "." else rel, folder)
        return DisplayPaths()

    def of(self, rel: str) -> str:
        return posixpath.normpath(posixpath.join(self.prefix, rel)) if self.prefix else rel

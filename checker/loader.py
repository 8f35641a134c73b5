"""Reading the user's YAML: text → plain data with the line and column of every value.

YAML is read as the checker's users write it, with two deliberate departures from
PyYAML's YAML 1.1 defaults (see docs/decisions.md):

- dates stay strings (`2026-03-01` and `"2026-03-01"` are the same value); the model
  converts them, and the schemas check their format;
- only `true`/`false` are booleans: `yes`, `no`, `on`, `off` stay strings, so that a
  country code or an answer is never silently turned into a boolean.

A broken file never raises out of this module: it comes back as a `ParsedFile` with a
`problem`, which the engine reports as an ISMS-PARSE finding.
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
MAX_NODES = 500_000  # guards against alias bombs
MAX_DEPTH = 100


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
        self.count = 0

    def build(self, node: Node, path: JsonPath) -> Any:
        self.count += 1
        if self.count > MAX_NODES or len(path) > MAX_DEPTH:
            raise YamlProblem("document too large or too deeply nested (alias bomb?)")
        mark = node.start_mark
        self.positions[path] = (mark.line + 1, mark.column + 1)
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        if isinstance(node, SequenceNode) and node.tag == "tag:yaml.org,2002:seq":
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        if isinstance(node, MappingNode) and node.tag == "tag:yaml.org,2002:map":
            return self._mapping(node, path)
        raise YamlProblem(
            f"unsupported YAML tag {node.tag}: use plain values", mark.line + 1, mark.column + 1
        )

    def _scalar(self, node: ScalarNode) -> Any:
        if node.tag in _PLAIN_TAGS:
            return self.loader.yaml_constructors[node.tag](self.loader, node)
        if node.tag in ("tag:yaml.org,2002:str", _TIMESTAMP):
            return node.value
        mark = node.start_mark
        raise YamlProblem(
            f"unsupported YAML tag {node.tag}: use plain values", mark.line + 1, mark.column + 1
        )

    def _mapping(self, node: MappingNode, path: JsonPath) -> dict[str, Any]:
        self.loader.flatten_mapping(node)  # resolves `<<` merge keys
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            mark = key_node.start_mark
            if not isinstance(key_node, ScalarNode):
                raise YamlProblem(
                    "a mapping key must be a plain value", mark.line + 1, mark.column + 1
                )
            key = str(self._scalar(key_node))
            if key in out:
                raise YamlProblem(
                    f"duplicate key '{key}' in one mapping: keep only one",
                    mark.line + 1,
                    mark.column + 1,
                )
            out[key] = self.build(value_node, (*path, key))
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
        hint = _hint(problem, text, line, col)
        raise YamlProblem(f"invalid YAML: {problem}{hint}", line, col) from e
    except yaml.YAMLError as e:
        raise YamlProblem(f"invalid YAML: {e}") from e
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
        raw = tree.read_bytes(rel)
    except OSError as e:
        raise YamlProblem(f"cannot read the file: {e.strerror or e}") from e
    return decode(raw)


def decode(raw: bytes) -> str:
    """Bytes as UTF-8 text (a BOM is allowed); raises YamlProblem naming the line."""
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

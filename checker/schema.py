"""JSON Schema validation of ISMS documents, with each violation at its line.

The schemas in `schemas/` define each entity under `$defs/<kind>`; a file may hold one
entity or a list, and the loader splits lists, so entities are validated one by one.
What several schemas share (ids, dates, ratings, approvals, ...) is defined once, in
`common.schema.json`, and referenced relative to each schema's `$id`
(`"$ref": "common.schema.json#/$defs/date"`). References are resolved offline, from a
`referencing` Registry of the files in `schemas/`: a reference to anything else is an
error, never a download. A `$defs` name is defined in one file only, so a kind is found
by its name alone (`action` lives in plan.schema.json, `approval` in common).

Three views of the same files:
- `validate(kind, instance)`: the violations, as the checker reports them;
- `bundled_schema(kind)`: one self-contained document per file, for editors
  (`isms-check schema KIND`);
- `field_types(kind)`: each field of a kind with a coarse type, for the model.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from checker.kinds import DOCUMENTS, RESOURCES
from checker.loader import JsonPath
from checker.resources import data_dir

if TYPE_CHECKING:  # jsonschema and referencing are imported when a document is validated
    from jsonschema.exceptions import ValidationError
    from referencing import Registry

# The kinds `isms-check schema` offers (v1); `schema_names()` lists every schema file.
KINDS = DOCUMENTS
COMMON = "common"  # the shared definitions: no file is validated against it
_SUFFIX = ".schema.json"
_REQUIRED = re.compile(r"^'(.+)' is a required property$")
_YES_NO = {"yes", "no", "on", "off", "y", "n"}  # the file itself is the validated object
_DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


@dataclass(frozen=True)
class Violation:
    path: JsonPath  # where in the instance
    message: str


# Validates a document given with the text it was parsed from (kind, text, data): the
# text keys a cache of results (documents.py); `validate_text` is the plain one.
Validate = Callable[[str, str, Any], Sequence[Violation]]


def validate_text(kind: str, text: str, instance: Any) -> list[Violation]:
    return validate(kind, instance)


@functools.cache
def fingerprint() -> str:
    """A digest of the schemas the checker ships. What is remembered across runs about a
    document or a rule (cache.py) depends on them: a release changes them with its
    version (the cache's namespace), a development build without one, and must not read
    what an older build remembered."""
    h = hashlib.sha256()
    for path in sorted(data_dir("schemas").glob("*.json")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@functools.cache
def _schemas() -> dict[str, dict[str, Any]]:
    """Every schema file by name (`risk` for risk.schema.json), in name order."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(data_dir("schemas").glob(f"*{_SUFFIX}")):
        with path.open(encoding="utf-8") as f:
            out[path.name[: -len(_SUFFIX)]] = json.load(f)
    # the resources a rule may name are the table of kinds', not a list kept in the file
    out["rules"]["$defs"]["resource"]["enum"] = list(RESOURCES)
    return out


def schema_names() -> tuple[str, ...]:
    """The names of the schema files a document can be checked against (not `common`)."""
    return tuple(name for name in _schemas() if name != COMMON)


def load_schema(name: str) -> dict[str, Any]:
    """A schema file as written, references to common.schema.json included; see
    `bundled_schema` for a self-contained one. KeyError for an unknown name."""
    return _schemas()[name]


@functools.cache
def _homes() -> dict[str, str]:
    """The schema file of each `$defs` name; a name defined twice is a packaging bug."""
    homes: dict[str, str] = {}
    for name, schema in _schemas().items():
        for definition in schema.get("$defs", {}):
            if definition in homes:
                raise ValueError(
                    f"$defs/{definition} is defined in both {homes[definition]}{_SUFFIX} "
                    f"and {name}{_SUFFIX}"
                )
            homes[definition] = name
    return homes


@functools.cache
def _registry() -> Registry[Any]:
    from referencing import Registry, Resource

    """The schema files by `$id`. No `retrieve`: an unknown reference fails, offline."""
    resources = [(s["$id"], Resource.from_contents(s)) for s in _schemas().values()]
    return Registry().with_resources(resources)


def _located(kind: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The schema of `kind` (a `$defs` entry, or a whole file such as isms) and the file
    it is in. KeyError for an unknown kind."""
    home = _homes().get(kind)
    if home is None:
        if kind not in schema_names():
            raise KeyError(f"no schema for kind {kind!r}")
        home = kind
    schema = _schemas()[home]
    node: dict[str, Any] = schema.get("$defs", {}).get(kind, schema)
    return node, schema


def _full_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    """Like `pattern`, but `$` does not let a trailing line break through (`id: |`)."""
    if not isinstance(instance, str):
        return
    if not re.search(pattern, instance) or (pattern.endswith("$") and instance.endswith("\n")):
        from jsonschema.exceptions import ValidationError

        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _is_integer(checker: Any, instance: Any) -> bool:
    """Whole numbers only: jsonschema would also take 4.0, which YAML users never mean."""
    return isinstance(instance, int) and not isinstance(instance, bool)


@functools.cache
def _validator_class() -> Any:
    from jsonschema import Draft202012Validator, validators

    return validators.extend(
        Draft202012Validator,
        {"pattern": _full_pattern},
        type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer),
    )


@functools.cache
def _validator(kind: str) -> Any:
    from jsonschema import FormatChecker

    node, schema = _located(kind)
    home = next(name for name, doc in _schemas().items() if doc is schema)
    root = _inlined(home, kind if node is not schema else None)
    return _validator_class()(root, registry=_registry(), format_checker=FormatChecker())


_ANNOTATIONS = {"description", "title", "$comment", "examples", "default"}


def _inlined(home: str, definition: str | None) -> dict[str, Any]:
    """The schema of `definition` in file `home` (the whole file when None) with every
    reference replaced by what it refers to. Validation then never resolves a reference:
    with the shared definitions in common.schema.json, resolving through the registry
    took most of a run's time. It accepts exactly what the file does: a reference with
    keywords beside it becomes `allOf` unless those are annotations only."""
    bundle = bundled_schema(home)
    defs = bundle.get("$defs", {})

    def resolve(node: Any, seen: frozenset[str]) -> Any:
        if isinstance(node, list):
            return [resolve(v, seen) for v in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            name = ref.removeprefix("#/$defs/")
            if name in seen:  # a definition that contains itself: leave the reference
                return {k: resolve(v, seen) for k, v in node.items()}
            target = resolve(defs[name], seen | {name})
            rest = {k: resolve(v, seen) for k, v in node.items() if k != "$ref"}
            if set(rest) <= _ANNOTATIONS:
                return {**target, **rest}
            return {**rest, "allOf": [*rest.get("allOf", []), target]}
        return {k: resolve(v, seen) for k, v in node.items() if k != "$defs"}

    top = defs[definition] if definition is not None else bundle
    out: dict[str, Any] = resolve(top, frozenset({definition} if definition else ()))
    out["$schema"] = bundle["$schema"]
    out["$defs"] = defs  # for a reference left in place (a self-containing definition)
    return out


def _blank_to_null(value: Any) -> Any:
    """ "" counts as a missing value (docs/format.md, section 7), like null: optional
    fields may be blank and the rule that needs them reports it; required ones are
    reported as having no value."""
    if value == "":
        return None
    if isinstance(value, dict):
        return {k: _blank_to_null(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_blank_to_null(v) for v in value]
    return value


def validate(kind: str, instance: Any) -> list[Violation]:
    """Every violation of `kind`'s schema, in document order. `kind` is an entity kind
    (risk, action, objective, ...) or a whole file (isms, rules)."""
    return _violations(_validator(kind), instance)


def _violations(validator: Any, instance: Any) -> list[Violation]:
    instance = _blank_to_null(instance)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.path)))
    out: list[Violation] = []
    for error in errors:
        for v in _explain(error):
            if v not in out:  # a bad date breaks both its format and its pattern
                out.append(v)
    return out


def _where(path: JsonPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the document"


def _explain(error: ValidationError) -> list[Violation]:
    path: JsonPath = tuple(error.absolute_path)
    where = _where(path)
    v = error.validator
    value: Any = error.validator_value
    if v == "additionalProperties" and isinstance(error.instance, Mapping):
        schema_node: Any = error.schema
        known = list(schema_node.get("properties", {}))
        extra = [k for k in error.instance if k not in known and not str(k).startswith("x-")]
        out = []
        for key in extra:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known fields: {', '.join(known)}"
            out.append(
                Violation(
                    (*path, key),
                    f"{_where((*path, key))}: unknown field '{key}' ({hint} "
                    "Prefix your own fields with 'x-'.)",
                )
            )
        return out
    if v == "required":
        # one error per missing field; it is located at the field (its line: the parent's)
        key = _REQUIRED.match(error.message)
        name = key.group(1) if key else str(error.message)
        prefix = f"{where}: " if path else ""
        return [Violation((*path, name), f"{prefix}required field '{name}' is missing")]
    if v == "anyOf" and all(set(b) == {"required"} for b in value):
        # "at least one of these fields" (an audit's scope: clauses or controls)
        names = ", ".join(f"'{n}'" for b in value for n in b["required"])
        return [Violation(path, f"{where}: needs at least one of the fields {names}")]
    if v == "type" and error.instance is None:
        return [Violation(path, f"{where}: has no value (expected {error.validator_value})")]
    if v == "type":
        expected: Any = error.validator_value
        wants_bool = expected == "boolean" or "boolean" in (expected or [])
        yes_no = isinstance(error.instance, str) and error.instance.lower() in _YES_NO
        hint = " (write true or false)" if wants_bool and yes_no else ""
        return [
            Violation(
                path, f"{where}: {error.instance!r} is not of type {error.validator_value}{hint}"
            )
        ]
    if v == "enum" and not isinstance(error.instance, str | bool | None):
        # a number where the values are strings that look like it (clauses: [4, 5])
        text = str(error.instance)
        if text in value:
            return [Violation(path, f"{where}: {error.message} (write it in quotes: '{text}')")]
    if v == "format" and error.validator_value == "date":
        return [
            Violation(path, f"{where}: {error.instance!r} is not a valid date (write YYYY-MM-DD)")
        ]
    if v == "pattern" and error.validator_value == _DATE_PATTERN:
        return [
            Violation(path, f"{where}: {error.instance!r} is not a valid date (write YYYY-MM-DD)")
        ]
    return [Violation(path, f"{where}: {error.message}")]


def bundled_schema(kind: str) -> dict[str, Any]:
    """The schema file of `kind` (one of `schema_names()`) as one self-contained
    document, for editors' YAML language servers (`isms-check schema KIND`): the
    definitions it references from other files (common) are copied under its own
    `$defs`, and every `$ref` becomes `#/$defs/NAME`. It accepts exactly what the file
    does. KeyError for an unknown kind."""
    if kind not in schema_names():
        raise KeyError(f"no schema file for {kind!r}")
    schemas = _schemas()
    pulled: dict[str, Any] = {}

    def local(ref: str, home: str) -> str:
        file, _, pointer = ref.partition("#")
        definition = pointer.removeprefix("/$defs/")
        source = file[: -len(_SUFFIX)] if file else home
        if not pointer.startswith("/$defs/") or "/" in definition or source not in schemas:
            raise ValueError(f"{home}{_SUFFIX}: cannot bundle the reference {ref!r}")
        if source != kind and definition not in pulled:
            pulled[definition] = None  # placeholder: a definition may refer to itself
            pulled[definition] = rewrite(schemas[source]["$defs"][definition], source)
        return f"#/$defs/{definition}"

    def rewrite(node: Any, home: str) -> Any:
        if isinstance(node, dict):
            return {
                k: local(v, home) if k == "$ref" and isinstance(v, str) else rewrite(v, home)
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [rewrite(v, home) for v in node]
        return node

    out: dict[str, Any] = rewrite(schemas[kind], kind)  # a copy: rewrite builds anew
    if pulled:
        out["$defs"] = {**out.get("$defs", {}), **dict(sorted(pulled.items()))}
    return out


_COARSE = {"array": "list"}


def _types(node: Any, resolver: Any) -> list[str]:
    """The coarse types a schema node allows, null left out."""
    if not isinstance(node, Mapping):
        return []
    if "type" in node:
        declared = node["type"] if isinstance(node["type"], list) else [node["type"]]
        is_date = node.get("format") == "date"
        return [
            "date" if t == "string" and is_date else _COARSE.get(str(t), str(t))
            for t in declared
            if t != "null"
        ]
    if "$ref" in node:
        resolved = resolver.lookup(node["$ref"])
        return _types(resolved.contents, resolved.resolver)
    if "enum" in node:
        names = {str: "string", bool: "boolean", int: "integer", float: "number"}
        return [names[type(v)] for v in node["enum"] if type(v) in names]
    out: list[str] = []
    for branch in [node.get("then"), node.get("else"), *node.get("anyOf", [])]:
        out += _types(branch, resolver)
    return out


def field_types(kind: str) -> dict[str, str]:
    """Each field of `kind` in schema order, with its coarse type: date, string, integer,
    number, boolean, list or object; a field that takes several has them sorted and joined
    by `|` (a plan's approval: `list|object`); null is left out (any optional field may be null).
    `kind` is any entity or nested definition (risk, action, acceptance, approval, ...)
    or a whole file (isms). KeyError for an unknown kind."""
    node, schema = _located(kind)
    resolver = _registry().resolver(base_uri=schema["$id"])  # a referencing.Resolver
    out: dict[str, str] = {}
    for field, sub in node.get("properties", {}).items():
        out[field] = "|".join(sorted(set(_types(sub, resolver)))) or "any"
    return out


@dataclass(frozen=True)
class Shape:
    """What a field holds, as the model needs it: its coarse types, and the `$defs`
    name of the mapping it holds (or its list items hold) when that has fields."""

    types: frozenset[str]
    nested: str | None = None
    inline: bool = False  # a mapping whose fields are written in place (isms.yaml's review)


def _shape(node: Any, resolver: Any, name: str | None = None) -> Shape:
    if not isinstance(node, Mapping):
        return Shape(frozenset())
    if "$ref" in node:
        ref = str(node["$ref"])
        resolved = resolver.lookup(ref)
        target = resolved.contents
        own = (
            ref.rsplit("/", 1)[-1]
            if isinstance(target, Mapping) and "properties" in target
            else None
        )
        return _shape(target, resolved.resolver, own or name)
    types = set(_types(node, resolver))
    nested = name if "properties" in node else None
    inline = "properties" in node and name is None
    if "items" in node:
        nested = _shape(node["items"], resolver).nested or nested
    for branch in [
        node.get("then"),
        node.get("else"),
        *node.get("anyOf", []),
        *node.get("oneOf", []),
    ]:
        sub = _shape(branch, resolver)
        types |= sub.types
        nested = nested or sub.nested
    return Shape(frozenset(types), nested, inline and nested is None)


@functools.cache
def field_shapes(kind: str, *path: str) -> dict[str, Shape]:
    """Each field of `kind` (an entity or nested definition) with its Shape, in schema
    order: what the model normalises each entity by, so that it never restates a
    schema's field list. `path`: the fields of an inline mapping inside it."""
    node, schema = _located(kind)
    resolver = _registry().resolver(base_uri=schema["$id"])
    for part in path:  # an inline mapping's fields: ("review",) of isms
        node = node.get("properties", {}).get(part, {})
        if "$ref" in node:
            resolved = resolver.lookup(node["$ref"])
            node, resolver = resolved.contents, resolved.resolver
    return {field: _shape(sub, resolver) for field, sub in node.get("properties", {}).items()}

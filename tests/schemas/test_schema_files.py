"""The schema files themselves: valid draft 2020-12, the team's conventions, one
definition per concept, references that resolve offline, and the file-level shapes
editors see (one entity or a non-empty list; waivers.yaml a list).

What each schema accepts and rejects field by field is in the example files
(test_examples.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry

from checker import schema
from checker.resources import data_dir

SCHEMA_DIR = data_dir("schemas")
FILES = sorted(p.name.removesuffix(".schema.json") for p in SCHEMA_DIR.glob("*.schema.json"))
EXAMPLES = Path(__file__).parent
X_KEYS: dict[str, Any] = {"^x-": {}}
DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
ENTITY_FILES = ("risk", "control", "plan", "objective", "audit", "review", "nonconformity")


def nodes(node: Any, path: str = "#") -> Iterator[tuple[str, Any]]:
    """Every schema-ish dict in a document, with its JSON pointer."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from nodes(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from nodes(value, f"{path}/{index}")


def shape(node: Any) -> Any:
    """A schema without its annotations: two definitions with the same shape say the same."""
    if isinstance(node, dict):
        return {k: shape(v) for k, v in node.items() if k not in ("description", "$comment")}
    if isinstance(node, list):
        return [shape(v) for v in node]
    return node


def test_the_files_are_the_known_ones() -> None:
    assert schema.schema_names() == tuple(f for f in FILES if f != "common")
    assert set(schema.KINDS) <= set(FILES)
    assert {*ENTITY_FILES, "isms", "waiver", "rules", "ruletests", "common"} == set(FILES)


@pytest.mark.parametrize("name", FILES)
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    Draft202012Validator.check_schema(schema.load_schema(name))


@pytest.mark.parametrize("name", FILES)
def test_schema_header(name: str) -> None:
    s = schema.load_schema(name)
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert s["$id"] == f"https://isms-check.dev/schemas/{name}.schema.json"
    assert s["title"]
    assert s["description"]


@pytest.mark.parametrize("name", FILES)
def test_schema_file_is_pretty_printed(name: str) -> None:
    text = (SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


def test_date_definitions() -> None:
    defs = schema.load_schema("common")["$defs"]
    date, nullable = defs["date"], defs["nullable_date"]
    assert (date["type"], date["format"], date["pattern"]) == ("string", "date", DATE_PATTERN)
    assert (nullable["type"], nullable["format"]) == (["string", "null"], "date")
    assert nullable["pattern"] == DATE_PATTERN


@pytest.mark.parametrize("name", FILES)
def test_every_property_and_definition_has_a_description(name: str) -> None:
    s = schema.load_schema(name)
    missing = [
        f"{path}/properties/{prop}"
        for path, node in nodes(s)
        if isinstance(node.get("properties"), dict)
        for prop, sub in node["properties"].items()
        if not sub.get("description")
    ]
    missing += [
        f"#/$defs/{d}" for d, sub in s.get("$defs", {}).items() if not sub.get("description")
    ]
    assert missing == []


@pytest.mark.parametrize("name", FILES)
def test_objects_are_closed_but_allow_x_keys(name: str) -> None:
    open_objects = [
        path
        for path, node in nodes(schema.load_schema(name))
        if isinstance(node.get("properties"), dict)
        and (
            node.get("additionalProperties") is not False or node.get("patternProperties") != X_KEYS
        )
    ]
    assert open_objects == []


@pytest.mark.parametrize("name", [*schema.schema_names(), "action", "approval", "decision"])
def test_each_field_type_is_discoverable(name: str) -> None:
    """The model reads each field's type from the schema: a `$ref`, an inline `type`, or
    (for a field that takes one thing or a list of them) if/then/else over those."""
    assert "any" not in schema.field_types(name).values()


def test_no_definition_is_repeated() -> None:
    """A `$defs` name lives in one file, and no two definitions, nor an inline property
    schema and a common definition, have the same shape: shared ones are referenced."""
    seen: dict[str, str] = {}
    shapes: dict[str, str] = {}
    for name in FILES:
        for definition, sub in schema.load_schema(name).get("$defs", {}).items():
            assert definition not in seen, f"$defs/{definition}: {seen.get(definition)}, {name}"
            seen[definition] = name
            key = json.dumps(shape(sub), sort_keys=True)
            assert key not in shapes, f"{name}#/$defs/{definition} repeats {shapes[key]}"
            shapes[key] = f"{name}#/$defs/{definition}"
    common = {
        json.dumps(shape(sub), sort_keys=True): d
        for d, sub in schema.load_schema("common")["$defs"].items()
    }
    restated = [
        f"{name}{path} restates common#/$defs/{common[key]}"
        for name in FILES
        for path, node in nodes(schema.load_schema(name))
        if not re.fullmatch(r"#/\$defs/[^/]+", path)  # not the definitions themselves
        and (key := json.dumps(shape(node), sort_keys=True)) in common
    ]
    assert restated == []


def test_common_definitions_are_shared() -> None:
    """common.schema.json holds what at least two other files use; the rest lives with
    its kind."""
    users: dict[str, set[str]] = {d: set() for d in schema.load_schema("common")["$defs"]}
    for name in schema.schema_names():
        for _, node in nodes(schema.load_schema(name)):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("common.schema.json#/$defs/"):
                users[ref.rsplit("/", 1)[1]].add(name)
    assert {d: sorted(u) for d, u in users.items() if len(u) < 2} == {}


@pytest.mark.parametrize("name", FILES)
def test_every_reference_resolves_offline(name: str) -> None:
    """References are `#/$defs/NAME` or `common.schema.json#/$defs/NAME`, and each one
    resolves in the checker's registry of the files (which never retrieves)."""
    s = schema.load_schema(name)
    resolver = schema._registry().resolver(base_uri=s["$id"])
    refs = [node["$ref"] for _, node in nodes(s) if isinstance(node.get("$ref"), str)]
    assert refs, "every schema refers to at least one definition"
    for ref in refs:
        file, _, pointer = ref.partition("#")
        assert file in ("", "common.schema.json") and pointer.startswith("/$defs/"), ref
        assert isinstance(resolver.lookup(ref).contents, dict), ref


def test_an_unknown_reference_fails_instead_of_being_fetched() -> None:
    from referencing.exceptions import Unresolvable

    validator = schema._validator_class()(
        {"$ref": "https://isms-check.dev/schemas/missing.schema.json#/$defs/x"},
        registry=schema._registry(),
    )
    with pytest.raises(Unresolvable):
        validator.validate({})


def _file_validator(name: str) -> Draft202012Validator:
    """A stock validator on the bundled schema, as an editor would use it."""
    return Draft202012Validator(
        schema.bundled_schema(name), registry=Registry(), format_checker=FormatChecker()
    )


def _good(kind: str) -> dict[str, Any]:
    from checker.loader import parse_yaml

    data: dict[str, Any] = parse_yaml(
        (EXAMPLES / kind / "good" / "full.yaml").read_text(encoding="utf-8")
    ).data
    return data


@pytest.mark.parametrize("kind", ENTITY_FILES)
def test_entity_file_accepts_one_entity_or_a_list(kind: str) -> None:
    validator = _file_validator(kind)
    good = _good(kind)
    assert list(validator.iter_errors(good)) == []
    assert list(validator.iter_errors([good, good])) == []


@pytest.mark.parametrize("kind", ENTITY_FILES)
@pytest.mark.parametrize(
    "instance",
    [[], "text", 3, None, [{"id": "X1"}]],
    ids=["empty-list", "string", "number", "null", "list-with-incomplete-entity"],
)
def test_entity_file_rejects_other_shapes(kind: str, instance: Any) -> None:
    assert not _file_validator(kind).is_valid(instance)


@pytest.mark.parametrize("kind", ENTITY_FILES)
def test_entity_file_rejects_a_list_with_one_bad_entity(kind: str) -> None:
    good = _good(kind)
    assert not _file_validator(kind).is_valid([good, {**good, "id": "not an id"}])


def test_waivers_file_is_a_list() -> None:
    validator = _file_validator("waiver")
    waiver = _good("waiver")
    assert validator.is_valid([waiver, waiver])
    assert validator.is_valid([])
    assert not validator.is_valid(waiver)
    assert not validator.is_valid([{**waiver, "target": "A.*"}])


def test_nothing_reaches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading, resolving, validating and bundling every schema opens no connection."""
    import socket
    import urllib.request

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the schemas must not reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    for cached in (schema._schemas, schema._homes, schema._registry, schema._validator):
        cached.cache_clear()
    for name in schema.schema_names():
        schema.bundled_schema(name)
        for kind in (name, *schema.load_schema(name).get("$defs", {})):
            schema.validate(kind, {"id": "X", "x-y": 1, "date": "2026-02-30"})
            schema.field_types(kind)

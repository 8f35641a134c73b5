"""JSON Schema validation of ISMS documents, with each violation at its line.

The schemas in `schemas/` define each entity under `$defs/<kind>`; a file may hold one
entity or a list, and the loader splits lists, so entities are validated one by one.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError

from checker.loader import JsonPath
from checker.resources import data_dir

KINDS = ("isms", "risk", "control", "plan", "waiver", "rules")
_ROOT_KIND = {"isms", "rules"}
_REQUIRED = re.compile(r"^'(.+)' is a required property$")
_YES_NO = {"yes", "no", "on", "off", "y", "n"}  # the file itself is the validated object


@dataclass(frozen=True)
class Violation:
    path: JsonPath  # where in the instance
    message: str


@functools.cache
def load_schema(kind: str) -> dict[str, Any]:
    with (data_dir("schemas") / f"{kind}.schema.json").open(encoding="utf-8") as f:
        schema: dict[str, Any] = json.load(f)
    return schema


def _full_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    """Like `pattern`, but `$` does not let a trailing line break through (`id: |`)."""
    if not isinstance(instance, str):
        return
    if not re.search(pattern, instance) or (pattern.endswith("$") and instance.endswith("\n")):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _is_integer(checker: Any, instance: Any) -> bool:
    """Whole numbers only: jsonschema would also take 4.0, which YAML users never mean."""
    return isinstance(instance, int) and not isinstance(instance, bool)


_Validator = validators.extend(
    Draft202012Validator,
    {"pattern": _full_pattern},
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer),
)


@functools.cache
def _validator(kind: str) -> Any:
    root = load_schema(kind)
    if kind not in _ROOT_KIND:
        root = {
            "$schema": root["$schema"],
            "$id": root.get("$id", ""),
            "$defs": root["$defs"],
            "$ref": f"#/$defs/{kind}",
        }
    return _Validator(root, format_checker=FormatChecker())


def _blank_to_null(value: Any) -> Any:
    """ "" counts as a missing value (spec 3), like null: optional fields may be blank and
    the rule that needs them reports it; required ones are reported as having no value."""
    if value == "":
        return None
    if isinstance(value, dict):
        return {k: _blank_to_null(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_blank_to_null(v) for v in value]
    return value


def validate(kind: str, instance: Any) -> list[Violation]:
    """Every violation of `kind`'s schema, in document order."""
    instance = _blank_to_null(instance)
    errors = sorted(_validator(kind).iter_errors(instance), key=lambda e: list(map(str, e.path)))
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
    if v == "format" and error.validator_value == "date":
        return [
            Violation(path, f"{where}: {error.instance!r} is not a valid date (write YYYY-MM-DD)")
        ]
    if v == "pattern" and error.validator_value == "^[0-9]{4}-[0-9]{2}-[0-9]{2}$":
        return [
            Violation(path, f"{where}: {error.instance!r} is not a valid date (write YYYY-MM-DD)")
        ]
    return [Violation(path, f"{where}: {error.message}")]

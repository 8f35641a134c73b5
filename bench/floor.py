"""The floor: the least work any checker must do on an ISMS, run as its own process.

    python -I bench/floor.py ISMS_ROOT [--validator checker|jsonschema] [--schemas DIR]

Find the entity files (risks/, controls/, plans/ as isms.yaml's `paths` name them, and
the waivers file), parse each with PyYAML's C loader (`yaml.CSafeLoader`; dates kept as
strings, as the checker reads them), validate every entity against its JSON Schema, and
nothing else: no line numbers, no model, no rules, no git, no output but one JSON line
of counts on stdout.

Validation uses `checker.schema.validate` (`--validator checker`) when that module
imports without the rest of the checker, so that the floor validates exactly as the
checker does; else jsonschema's Draft 2020-12 validator with format checking on the
schemas in `schemas/` (`--validator jsonschema`). The harness decides which by probing
the installed checker once (bench.run.floor_validator) and says which it used.

This file imports nothing from `bench`: the harness runs it with the interpreter of the
isms-check under test (`-I`, so that its own folder is not on sys.path).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

KIND_FOLDERS = (("risk", "risks"), ("control", "controls"), ("plan", "plans"))
SUFFIXES = (".yaml", ".yml")


class _Loader(yaml.CSafeLoader):
    """The C loader; timestamps stay strings (the schemas check their format)."""


_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    lambda loader, node: loader.construct_scalar(node),  # type: ignore[arg-type]
)


def parse(path: Path) -> Any:
    with path.open("rb") as f:
        return yaml.load(f, Loader=_Loader)  # a safe loader (SafeConstructor)


def entity_files(root: Path, paths: dict[str, Any]) -> Iterator[tuple[str, Path]]:
    for kind, name in KIND_FOLDERS:
        folder = root / str(paths.get(name, name))
        if folder.is_dir():
            files = sorted(p for p in folder.rglob("*") if p.suffix in SUFFIXES and p.is_file())
            for path in files:
                yield kind, path
    waivers = root / str(paths.get("waivers", "waivers.yaml"))
    if waivers.is_file():
        yield "waiver", waivers


Validate = Callable[[str, Any], int]  # (kind, entity) -> number of violations


def checker_validator() -> Validate:
    from checker.schema import validate  # type: ignore[import-not-found,unused-ignore]

    def run(kind: str, entity: Any) -> int:
        return len(validate(kind, entity))

    return run


def jsonschema_validator(schemas: Path) -> Validate:
    from jsonschema import Draft202012Validator, FormatChecker

    validators: dict[str, Any] = {}

    from referencing import Registry, Resource

    files = {
        p.name[: -len(".schema.json")]: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(schemas.glob("*.schema.json"))
    }
    # the schemas refer to each other (common.schema.json) by their $id: resolve offline
    registry: Registry[Any] = Registry().with_resources(
        (doc["$id"], Resource.from_contents(doc)) for doc in files.values() if "$id" in doc
    )

    def run(kind: str, entity: Any) -> int:
        v = validators.get(kind)
        if v is None:
            root = files[kind]
            sub = {"$schema": root["$schema"], "$ref": f"{root['$id']}#/$defs/{kind}"}
            v = validators[kind] = Draft202012Validator(
                sub, registry=registry, format_checker=FormatChecker()
            )
        return sum(1 for _ in v.iter_errors(entity))

    return run


def floor(root: Path, validate: Validate) -> dict[str, int]:
    counts = {"files": 0, "entities": 0, "violations": 0, "unparsable": 0}
    try:
        methodology = parse(root / "isms.yaml")
    except (OSError, yaml.YAMLError):
        methodology = None
    paths = methodology.get("paths") if isinstance(methodology, dict) else None
    for kind, path in entity_files(root, paths if isinstance(paths, dict) else {}):
        counts["files"] += 1
        try:
            data = parse(path)
        except yaml.YAMLError:
            counts["unparsable"] += 1
            continue
        for entity in data if isinstance(data, list) else [data]:
            if isinstance(entity, dict):
                counts["entities"] += 1
                counts["violations"] += validate(kind, entity)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="floor", description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--validator", choices=("checker", "jsonschema"), default="checker")
    parser.add_argument("--schemas", type=Path, help="the schemas/ folder (jsonschema)")
    args = parser.parse_args(argv)
    if args.validator == "checker":
        validate = checker_validator()
    else:
        if args.schemas is None:
            parser.error("--validator jsonschema needs --schemas DIR")
        validate = jsonschema_validator(args.schemas)
    counts = floor(args.root, validate)
    sys.stdout.write(json.dumps({"validator": args.validator, **counts}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

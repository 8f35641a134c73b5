"""Schema cases as example files, run through the checker's own `checker.schema.validate`
(check-jsonschema's tests/example-files style).

    tests/schemas/<kind>/good/*.yaml   must validate with no violation at all
    tests/schemas/<kind>/bad/*.yaml    must give exactly the violations named in the
                                       file's leading comment, one line each, in order:

    # Why the case exists (free text).
    # expect: PATH: MESSAGE

PATH is the violation's path joined by `/` (`actions/1/status`; `-` for the document
itself), MESSAGE the message as the finding shows it. `<kind>` is what `validate` takes:
an entity kind (one entity, as the loader hands it over: risk, action, waiver,
objective, ...) or a whole file (isms, rules). Files are read by the checker's own YAML
reader, so `2026-03-01` stays a string and `yes` is not a boolean, as in a user's repo.

Each example is also checked against `bundled_schema`, the self-contained document that
`isms-check schema` prints for editors: it must report the same violations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jsonschema import FormatChecker
from referencing import Registry

from checker import schema
from checker.loader import parse_yaml

HERE = Path(__file__).parent
EXAMPLES = sorted(HERE.glob("*/*/*.yaml"))
EXPECT = "# expect: "


def leading_comment(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return lines


def expected(text: str) -> list[str]:
    return [line[len(EXPECT) :] for line in leading_comment(text) if line.startswith(EXPECT)]


def shown(violations: list[schema.Violation]) -> list[str]:
    return [f"{'/'.join(map(str, v.path)) or '-'}: {v.message}" for v in violations]


def case_id(path: Path) -> str:
    return str(path.relative_to(HERE).with_suffix(""))


def load(path: Path) -> tuple[str, str, Any, list[str]]:
    """(kind, good or bad, data, expected violations) of an example file."""
    text = path.read_text(encoding="utf-8")
    return path.parent.parent.name, path.parent.name, parse_yaml(text).data, expected(text)


def test_examples_are_laid_out_as_documented() -> None:
    kinds = {p.parent.parent.name for p in EXAMPLES}
    assert {"isms", "risk", "control", "plan", "action", "waiver", "rules"} <= kinds
    assert {"objective", "audit", "review", "nonconformity"} <= kinds
    for kind in kinds:
        for side in ("good", "bad"):
            assert list((HERE / kind / side).glob("*.yaml")), f"{kind}/{side} has no example"
    others = [
        str(p.relative_to(HERE))
        for p in HERE.glob("*/*/*")
        if p.parent.parent.name != "__pycache__"
        and (p.parent.name not in ("good", "bad") or p.suffix != ".yaml")
    ]
    assert others == [], "examples are <kind>/good/*.yaml or <kind>/bad/*.yaml"


@pytest.mark.parametrize("path", EXAMPLES, ids=case_id)
def test_example(path: Path) -> None:
    kind, side, data, expect = load(path)
    if side == "bad":
        assert expect, f"a bad example needs at least one '{EXPECT}PATH: MESSAGE' line"
    else:
        assert expect == [], "a good example expects no violation"
    assert shown(schema.validate(kind, data)) == expect


def _bundle_validator(kind: str) -> Any:
    """The checker's validator class on the bundled document of the file `kind` lives
    in, with an empty registry: a reference out of the bundle would fail."""
    bundle = schema.bundled_schema(schema._homes().get(kind, kind))
    if kind in bundle.get("$defs", {}):
        bundle = {"$defs": bundle["$defs"], "$ref": f"#/$defs/{kind}"}
    return schema._validator_class()(bundle, registry=Registry(), format_checker=FormatChecker())


@pytest.mark.parametrize("path", EXAMPLES, ids=case_id)
def test_example_through_the_bundled_schema(path: Path) -> None:
    kind, _, data, expect = load(path)
    assert shown(schema._violations(_bundle_validator(kind), data)) == expect

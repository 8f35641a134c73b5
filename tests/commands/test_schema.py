"""`isms-check schema [KIND]`."""

from __future__ import annotations

import json

import jsonschema
import pytest

from checker.commands import schema
from checker.schema import KINDS, bundled_schema, load_schema
from tests.conftest import Cli


def test_one_kind_prints_its_schema_self_contained(cli: Cli) -> None:
    code, out, _ = cli("schema", "risk")
    assert code == 0 and json.loads(out)["$defs"]["risk"]["required"]
    assert json.loads(out) == bundled_schema("risk")
    assert "common.schema.json" not in out  # an editor needs no second file


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_prints_a_valid_schema(cli: Cli, kind: str) -> None:
    """What the command prints is a usable schema: a real validator accepts it."""
    document = json.loads(cli("schema", kind).out)
    jsonschema.validators.validator_for(document).check_schema(document)


def test_no_kind_lists_the_kinds_one_per_line(cli: Cli) -> None:
    code, out, _ = cli("schema")
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == list(KINDS)
    assert {line.split()[0] for line in lines} >= {
        "isms", "risk", "control", "plan", "objective", "audit", "review", "nonconformity",
        "waiver", "rules", "ruletests",
    }  # fmt: skip
    risk = lines[KINDS.index("risk")]
    width = max(len(k) for k in KINDS) + 2
    assert risk == f"{'risk':<{width}}{load_schema('risk')['description']}"
    assert all(len(line.split(None, 1)) == 2 for line in lines)  # each with a description


def test_unknown_kind_exits_2(cli: Cli) -> None:
    code, out, err = cli("schema", "risks")
    assert code == 2 and out == ""
    assert "invalid choice: 'risks'" in err and "risk" in err


def test_execute_without_argparse(capsys: pytest.CaptureFixture[str]) -> None:
    assert schema.execute(schema.SchemaOptions("waiver")) == 0
    assert json.loads(capsys.readouterr().out)["type"] == "array"

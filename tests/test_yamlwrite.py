"""yamlwrite: what init and import write reads back as the same data, under the
checker's YAML reading and under YAML 1.1 (PyYAML), and looks as a person writes it."""

from __future__ import annotations

import datetime

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.loader import parse_yaml
from checker.schema import validate
from checker.yamlwrite import dump, plain_data, scalar

TRICKY = [
    "no",
    "yes",
    "on",
    "off",
    "y",
    "N",
    "true",
    "null",
    "~",
    "12:30",
    "2026-01-01",
    "1e3",
    "0x10",
    "0o7",
    ".5",
    "-1",
    "+1",
    ".inf",
    "a: b",
    "x #y",
    "-x",
    "*a",
    "&a",
    "!t",
    "%x",
    "@x",
    "`x",
    "'q",
    '"q',
    "[a]",
    "{a}",
    "a,b",
    "",
    " lead",
    "trail ",
    "tab\there",
    "line\nbreak",
    "é",
    "\u2028",
    "\x7f",
    "#c",
    "|",
    ">",
    "?",
    "? x",
    "= formula",
    "A.8.7",
    "https://x.example/a?b=c#d",
]


@pytest.mark.parametrize("text", TRICKY)
def test_strings_read_back_as_strings(text: str) -> None:
    document = dump({"title": text, "tags": [text, "plain"]})
    assert parse_yaml(document).data == {"title": text, "tags": [text, "plain"]}
    assert yaml.safe_load(document) == {"title": text, "tags": [text, "plain"]}


@pytest.mark.parametrize("text", ["no", "yes", "on", "12:30", "2026-01-01", "1e3", "null"])
def test_ambiguous_words_are_quoted(text: str) -> None:
    assert scalar(text) == f'"{text}"'


def test_plain_text_stays_plain_and_dates_unquoted() -> None:
    assert scalar("Ransomware encrypts file servers") == "Ransomware encrypts file servers"
    assert scalar(datetime.date(2026, 3, 1)) == "2026-03-01"
    assert scalar(True) == "true"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_any_string_round_trips(text: str) -> None:
    document = dump({"id": "R-1", "note": text})
    assert parse_yaml(document).data == {"id": "R-1", "note": text}


def test_a_risk_as_a_person_writes_it_and_valid() -> None:
    risk = {
        "id": "R-001",
        "title": "Ransomware",
        "owner": "CIO",
        "inherent": {"likelihood": 4, "impact": 5},
        "treatment": "none",
        "controls": ["A.8.7", "A.8.13"],
        "assessed": datetime.date(2026, 3, 1),
        "description": "first line\nsecond line",
    }
    text = dump(risk, "A header", {("treatment",): "to decide"})
    assert text == (
        "# A header\n"
        "id: R-001\n"
        "title: Ransomware\n"
        "owner: CIO\n"
        "inherent: {likelihood: 4, impact: 5}\n"
        "treatment: none  # to decide\n"
        "controls: [A.8.7, A.8.13]\n"
        "assessed: 2026-03-01\n"
        "description: |-\n"
        "  first line\n"
        "  second line\n"
    )
    assert validate("risk", plain_data(risk)) == []


def test_list_of_mappings_in_block_style() -> None:
    text = dump([{"id": "A.5.1", "applicable": True}, {"id": "A.5.2", "applicable": False}])
    assert text == "- id: A.5.1\n  applicable: true\n\n- id: A.5.2\n  applicable: false\n"

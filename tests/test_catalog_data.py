"""Sanity checks for the built-in ISO/IEC 27001:2022 Annex A catalog data file."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

CATALOG = Path(__file__).resolve().parents[1] / "checker" / "catalogs" / "iso27001-2022.yaml"


@pytest.fixture(scope="module")
def catalog() -> Any:
    with CATALOG.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def test_header(catalog: Any) -> None:
    assert catalog["id"] == "iso27001:2022"
    assert catalog["title"] == "ISO/IEC 27001:2022 Annex A"
    assert catalog["themes"] == ["Organizational", "People", "Physical", "Technological"]


def test_93_unique_ids(catalog: Any) -> None:
    ids = [c["id"] for c in catalog["controls"]]
    assert len(ids) == 93
    assert len(set(ids)) == 93


def test_theme_counts(catalog: Any) -> None:
    counts = Counter(c["theme"] for c in catalog["controls"])
    assert counts == {"Organizational": 37, "People": 8, "Physical": 14, "Technological": 34}


def test_ids_in_order_and_match_theme(catalog: Any) -> None:
    expected = (
        [(f"A.5.{n}", "Organizational") for n in range(1, 38)]
        + [(f"A.6.{n}", "People") for n in range(1, 9)]
        + [(f"A.7.{n}", "Physical") for n in range(1, 15)]
        + [(f"A.8.{n}", "Technological") for n in range(1, 35)]
    )
    assert [(c["id"], c["theme"]) for c in catalog["controls"]] == expected


def test_titles_non_empty_strings(catalog: Any) -> None:
    for c in catalog["controls"]:
        assert set(c) == {"id", "title", "theme"}, c
        assert isinstance(c["title"], str) and c["title"].strip(), c
        assert c["title"] == c["title"].strip()


@pytest.mark.parametrize(
    "cid, title",
    [
        ("A.5.1", "Policies for information security"),
        ("A.5.7", "Threat intelligence"),
        ("A.5.22", "Monitoring, review and change management of supplier services"),
        ("A.5.23", "Information security for use of cloud services"),
        ("A.5.31", "Legal, statutory, regulatory and contractual requirements"),
        ("A.6.3", "Information security awareness, education and training"),
        ("A.7.4", "Physical security monitoring"),
        ("A.8.7", "Protection against malware"),
        ("A.8.13", "Information backup"),
        ("A.8.20", "Networks security"),
        ("A.8.28", "Secure coding"),
        ("A.8.34", "Protection of information systems during audit testing"),
    ],
)
def test_spot_titles(catalog: Any, cid: str, title: str) -> None:
    by_id = {c["id"]: c["title"] for c in catalog["controls"]}
    assert by_id[cid] == title

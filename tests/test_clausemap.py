"""docs/clause-map.md is what checker/clausemap.py generates from the built-in rules'
references: regenerate it with `python -m checker.clausemap --write`."""

from __future__ import annotations

import pytest

from checker.clausemap import DOC, clause_refs, generate, render
from checker.findings import RuleInfo, Severity


def test_clause_map_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == generate(), (
        "docs/clause-map.md is out of date: run `python -m checker.clausemap --write`"
    )


def _info(rule: str, *refs: str, resource: str = "risk") -> RuleInfo:
    return RuleInfo(rule, rule, Severity.ERROR, resource, tuple(refs))


def test_every_reference_lands_on_its_clause() -> None:
    info = _info("X-1", "ISO/IEC 27001:2022 6.1.3 d", "ISO/IEC 27001:2022 9.2.2", "Org 4.3")
    assert clause_refs(info) == [("6.1.3", "d"), ("9.2.2", "")]
    page = render([info, _info("Y-1", resource="control")], [("A.5.1", "T", "Organizational")])
    assert "| 6.1.3 | Information security risk treatment | `X-1` (d) |" in page
    assert "| 9.2.2 | Internal audit programme | `X-1` |" in page
    assert "| 4.3 |" in page and "by `Y-1`." in page


def test_an_unknown_clause_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"X-1: 11\.1"):
        render([_info("X-1", "ISO/IEC 27001:2022 11.1")], [])

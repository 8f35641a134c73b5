"""Hostile values in every field of the fixture ISMS: the checker reports them (or stops
with a configuration error for isms.yaml) and never crashes."""

from __future__ import annotations

import copy
import datetime
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from checker import engine
from checker.errors import FatalError
from tests.caselib import BASE

WEIRD: list[Any] = [None, "", [], {"a": 1}, [{"a": 1}], [None], 3.5, True, "x", "2026-13-01"]
FILES = ["risks/r1.yaml", "risks/more.yaml", "plans/p1.yaml", "controls/soa.yaml", "isms.yaml"]
WAIVERS = (
    "- {rule: SOA-006, target: C.1, reason: r, approved_by: CISO,"
    " date: 2026-05-01, expires: 2026-12-01}\n"
)


def field_paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for key, value in items:
        yield (*prefix, key)
        yield from field_paths(value, (*prefix, key))


def mutated(source: Path) -> Iterator[tuple[str, Any]]:
    """The file's data with one field replaced by a hostile value; each field gets three
    of WEIRD, rotating, to keep the run short (the full product was run once by hand)."""
    original = yaml.safe_load(source.read_text(encoding="utf-8"))
    for n, path in enumerate(field_paths(original)):
        for value in (WEIRD[(n + k) % len(WEIRD)] for k in (0, 4, 7)):
            data = copy.deepcopy(original)
            target = data
            for part in path[:-1]:
                target = target[part]
            target[path[-1]] = value
            yield f"{'/'.join(map(str, path))}={value!r}", data


@pytest.mark.slow
@pytest.mark.parametrize("rel", [*FILES, "waivers.yaml"])
def test_no_value_crashes_the_checker(rel: str, tmp_path: Path) -> None:
    root = tmp_path / "isms"
    shutil.copytree(BASE, root)
    (root / "waivers.yaml").write_text(WAIVERS, encoding="utf-8")
    runs = 0
    for label, data in mutated(BASE / rel if rel != "waivers.yaml" else root / rel):
        (root / rel).write_text(yaml.safe_dump(data), encoding="utf-8")
        try:
            report = engine.run(engine.Options(path=root, today=datetime.date(2026, 6, 1)))
        except FatalError:
            assert rel == "isms.yaml", label  # only the methodology may stop the run
            continue
        except Exception as e:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{rel} {label}: {type(e).__name__}: {e}")
        assert report.results, label
        runs += 1
    assert runs > 0 or rel == "isms.yaml"

"""Property-based tests: random risk, control and plan files (valid, mutated, broken) in
a copy of tests/cases/base, run through the real command line. Whatever the files hold:

- the exit code is 0, 1 or 2 (never 3, an internal error);
- stderr holds no traceback and no "internal error";
- a second run gives byte-identical stdout (the second run is served by the cache);
- the JUnit report parses.

Derandomised (`derandomize=True`): CI runs the same examples every time.
"""

from __future__ import annotations

import copy
import shutil
import tempfile
from pathlib import Path
from typing import Any

import junitparser
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.caselib import BASE, DEFAULT_TODAY
from tests.conftest import Cli

FILES = ["risks/r1.yaml", "risks/more.yaml", "controls/soa.yaml", "plans/p1.yaml"]
FIELDS = sorted(
    {
        *("id", "title", "owner", "inherent", "residual", "treatment", "controls", "plans"),
        *("assessed", "review_days", "acceptance", "status", "likelihood", "impact"),
        *("applicable", "justification", "evidence", "reviewed", "audited", "measurement"),
        *("risks", "approval", "created", "due", "completed", "actions", "done", "by"),
        *("date", "expires", "rationale", "x-note", "<<"),
    }
)
SETTINGS = settings(
    deadline=None,
    max_examples=60,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.integers(min_value=-5, max_value=400),
    st.integers(min_value=2**63, max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["2026-03-01", "2026-13-01", "R-1", "R-2", "C.1", "P-1", "P-2", "mitigate"]),
    st.sampled_from(["accept", "implemented", "planned", "completed", "done", "CISO", ""]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(FIELDS), inner, max_size=4),
    ),
    max_leaves=12,
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    items = (
        list(data.items())
        if isinstance(data, dict)
        else list(enumerate(data))
        if isinstance(data, list)
        else []
    )
    out = []
    for key, value in items:
        out.append((*prefix, key))
        out += _paths(value, (*prefix, key))
    return out


@st.composite
def mutated_file(draw: st.DrawFn) -> tuple[str, bytes]:
    """One of the base files with fields replaced, added or removed, or a random
    structure, dumped as YAML; sometimes the text is then cut or spliced."""
    rel = draw(st.sampled_from(FILES))
    data = yaml.safe_load((BASE / rel).read_text(encoding="utf-8"))
    how = draw(st.sampled_from(["replace", "replace", "add", "remove", "random"]))
    if how == "random":
        data = draw(values)
    else:
        data = copy.deepcopy(data)
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        target = data
        for part in path[:-1]:
            target = target[part]
        if how == "replace":
            target[path[-1]] = draw(values)
        elif how == "remove":
            del target[path[-1]]
        elif isinstance(target, dict):
            target[draw(st.sampled_from(FIELDS))] = draw(values)
        else:
            target.append(draw(values))
    text = yaml.safe_dump(data, allow_unicode=draw(st.booleans()), sort_keys=False)
    raw = text.encode("utf-8")
    cut = draw(st.sampled_from(["none", "none", "none", "truncate", "splice"]))
    if cut == "truncate" and raw:
        raw = raw[: draw(st.integers(0, len(raw) - 1))]
    elif cut == "splice":
        at = draw(st.integers(0, len(raw)))
        junk = draw(st.sampled_from([b"\t", b": ", b"[", b"}", b"&a", b"*a", b"\xff", b"\n- "]))
        raw = raw[:at] + junk + raw[at:]
    return rel, raw


def _known_bug(raw: bytes) -> bool:
    """review_days beyond what a date can hold crashes model.py (tests/hostile/
    review-days-*.yaml, strict xfails): left out here until it is fixed."""
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except Exception:
        return False
    found = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "review_days" and isinstance(item, int) and not 0 < item < 10**6:
                    found.append(item)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)
    return bool(found)


@SETTINGS
@given(files=st.lists(mutated_file(), min_size=1, max_size=3))
def test_any_entity_files_give_a_report(cli: Cli, files: list[tuple[str, bytes]]) -> None:
    assume(not any(_known_bug(raw) for _, raw in files))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "isms"
        shutil.copytree(BASE, root)
        for rel, raw in files:
            (root / rel).write_bytes(raw)
        argv = ("check", str(root), "--format", "junit", "--today", DEFAULT_TODAY.isoformat())
        first = cli(*argv)
        second = cli(*argv)
    assert first.code in (0, 1, 2), first.err
    for run in (first, second):
        assert "Traceback" not in run.err and "internal error" not in run.err, run.err
    assert second.code == first.code
    assert second.out == first.out
    if first.code != 2:
        junitparser.JUnitXml.fromstring(first.out)


@pytest.mark.parametrize("rel", FILES)
def test_base_files_pass_unchanged(rel: str, cli: Cli, tmp_path: Path) -> None:
    """The generator starts from files that are clean: a finding comes from a change."""
    root = tmp_path / "isms"
    shutil.copytree(BASE, root)
    run = cli("check", str(root), "--format", "junit", "--today", DEFAULT_TODAY.isoformat())
    assert run.code == 0, run.out

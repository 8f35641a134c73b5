"""The hostile-input corpus, tests/hostile/, run through the real command line.

Each case is a file, copied into a copy of tests/cases/base as risks/<name>, or a folder
whose files are copied as they lie beside a file named `expect`. Leading comment lines
say what to expect:

    # expect: pass                     the file loads; no ISMS-PARSE or ISMS-SCHEMA finding
    # expect: RULE LINE                a finding of RULE in this file at LINE
    # expect: RULE FILE LINE           (folders) a finding of RULE in FILE at LINE
    # grow: [FILE] BYTES               the test repeats the file's last line up to BYTES,
                                       so that the repository holds no huge file
    # builds-at-most: N                the YAML builder made at most N values (alias
                                       bombs are stopped by counting, not by a clock)
    # xfail: REASON                    a known bug outside the YAML layer (strict: the
                                       case fails the suite once the bug is fixed)

Every case must end with exit 0 or 1 (never 2, never 3), with nothing but notices on
stderr.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from checker import loader
from tests.caselib import BASE, DEFAULT_TODAY
from tests.conftest import Cli

HOSTILE = Path(__file__).parent / "hostile"
FILE_RULES = ("ISMS-PARSE", "ISMS-SCHEMA")


@dataclass
class Expect:
    rule: str | None = None  # None: the file passes
    file: str = ""
    line: int = 0
    grow: tuple[str, int] | None = None
    builds_at_most: int | None = None
    xfail: str = ""
    files: dict[str, bytes] = field(default_factory=dict)


def _directives(raw: bytes) -> list[tuple[str, str]]:
    utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
    text = raw.decode("utf-16" if utf16 else "utf-8-sig", errors="replace")
    found = re.findall(r"^# ([a-z-]+): (.*?)\r?$", text, flags=re.MULTILINE)
    return [(k, v.strip()) for k, v in found]


def read_case(path: Path) -> Expect:
    if path.is_dir():
        raw = (path / "expect").read_bytes()
        files = {
            p.relative_to(path).as_posix(): p.read_bytes()
            for p in sorted(path.rglob("*"))
            if p.is_file() and p.name != "expect"
        }
    else:
        raw = path.read_bytes()
        files = {f"risks/{path.name}": raw}
    expect = Expect(files=files)
    only = next(iter(files)) if len(files) == 1 else ""
    for key, value in _directives(raw):
        words = value.split()
        if key == "expect" and value != "pass":
            expect.rule = words[0]
            expect.file = words[1] if len(words) == 3 else only
            expect.line = int(words[-1])
        elif key == "expect":
            expect.file = only
        elif key == "grow":
            expect.grow = (words[0] if len(words) == 2 else only, int(words[-1]))
        elif key == "builds-at-most":
            expect.builds_at_most = int(value)
        elif key == "xfail":
            expect.xfail = value
    assert expect.file, f"{path.name}: no expect line"
    return expect


def _grown(raw: bytes, size: int) -> bytes:
    last = raw.rstrip(b"\n").rsplit(b"\n", 1)[-1] + b"\n"
    return raw + last * ((size - len(raw)) // len(last) + 1)


CASES = [
    pytest.param(name, marks=pytest.mark.xfail(reason=reason, strict=True) if reason else ())
    for name, reason in sorted((p.name, read_case(p).xfail) for p in HOSTILE.iterdir())
]


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many values the YAML builder made (one count per build call)."""
    calls = [0]
    original = loader._Builder.build

    def counting(self: loader._Builder, node: Any, path: loader.JsonPath) -> Any:
        calls[0] += 1
        return original(self, node, path)

    monkeypatch.setattr(loader._Builder, "build", counting)
    return calls


@pytest.mark.parametrize("name", CASES)
def test_hostile_case(name: str, tmp_path: Path, cli: Cli, builds: list[int]) -> None:
    expect = read_case(HOSTILE / name)
    root = tmp_path / "isms"
    shutil.copytree(BASE, root)
    for rel, raw in expect.files.items():
        if expect.grow and expect.grow[0] == rel:
            raw = _grown(raw, expect.grow[1])
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(raw)

    run = cli("check", str(root), "--format", "json", "--today", DEFAULT_TODAY.isoformat())

    assert run.code in (0, 1), run.err
    assert "Traceback" not in run.err and "internal error" not in run.err
    findings = json.loads(run.out)["findings"]
    mine = [
        (f["rule"], f["line"])
        for f in findings
        if f["file"] == expect.file and f["rule"] in FILE_RULES
    ]
    if expect.rule is None:
        assert mine == [], findings
    else:
        assert (expect.rule, expect.line) in mine, findings
    if expect.builds_at_most is not None:
        assert builds[0] <= expect.builds_at_most


def test_every_limit_has_a_case() -> None:
    """The limits of docs/security.md each have a case that exceeds them."""
    names = {p.name for p in HOSTILE.iterdir()}
    assert {"alias-bomb.yaml", "many-values.yaml", "deep-flow-101.yaml"} <= names
    assert {"huge-int.yaml", "int-beyond-64-bits.yaml"} <= names
    assert read_case(HOSTILE / "too-large").grow == ("risks/big.yaml", loader.MAX_FILE_BYTES + 1)
    for bomb in ("alias-bomb.yaml", "merge-bomb.yaml"):
        most = read_case(HOSTILE / bomb).builds_at_most
        assert most is not None and most <= loader.MAX_ALIAS_NODES + 2_000


def test_security_doc_states_the_limits() -> None:
    """docs/security.md, "Resource limits", gives the values the loader enforces."""
    doc = (Path(__file__).parent.parent / "docs" / "security.md").read_text(encoding="utf-8")
    section = doc.split("## Resource limits", 1)[1].split("\n## ", 1)[0]
    assert f"{loader.MAX_FILE_BYTES:,} bytes" in section
    assert f"{loader.MAX_DEPTH} levels" in section
    assert f"{loader.MAX_NODES:,}" in section
    assert f"{loader.MAX_ALIAS_NODES:,}" in section
    assert f"{loader.MAX_NUMBER_CHARS} characters" in section

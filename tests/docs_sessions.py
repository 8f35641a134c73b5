"""Runs the shell sessions of a docs page and compares their output with the page, so
that a page that shows commands with their output cannot go stale.

In a page:
- a fenced block whose info string names a file (```` ```csv file=risk-register.csv ````)
  is written to that file in the session's current folder before the commands after it;
- a ```` ```console ```` block holds commands (`$ ...`), each followed by its output
  as a terminal shows it: what it writes to stderr, then stdout (the commands shown
  write their notices before their results, so this is their order on a terminal).

`isms-check ...` runs in process with the date fixed (TODAY), so that dates in the
output stay put; `| head -n N` and `| tail -n N` after it filter its stdout as the shell
would. `cd DIR` changes the folder; any other command runs in bash.

`ISMS_DOCS_UPDATE=1 python -m pytest tests/test_docs_pages.py` writes the outputs of the
current code into the page instead of comparing (review the diff before committing).
"""

from __future__ import annotations

import datetime
import re
import shlex
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from checker.main import main

FENCE = re.compile(r"^```(\S*)(.*)$")
FILTER = re.compile(r"^(.*?)\s*\|\s*(head|tail) -n (\d+)$")


@dataclass
class Step:
    command: str
    expected: list[str] = field(default_factory=list)
    line: int = 0  # where its output starts in the page (0-based)


@dataclass
class Block:
    start: int  # the line after the opening fence
    end: int  # the closing fence
    info: str
    lines: list[str]

    @property
    def file(self) -> str | None:
        m = re.search(r"\bfile=(\S+)", self.info)
        return m.group(1) if m else None


def blocks(text: str) -> list[Block]:
    lines = text.split("\n")
    out: list[Block] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m and m.group(1):
            j = i + 1
            while not lines[j].startswith("```"):
                j += 1
            out.append(Block(i + 1, j, (m.group(1) + m.group(2)).strip(), lines[i + 1 : j]))
            i = j
        i += 1
    return out


def steps(block: Block) -> list[Step]:
    out: list[Step] = []
    for k, line in enumerate(block.lines):
        if line.startswith("$ "):
            out.append(Step(line[2:], [], block.start + k + 1))
        elif out:
            out[-1].expected.append(line)
        elif line.strip():
            raise AssertionError(f"line {block.start + k + 1}: output before any command")
    return out


def run_page(
    page: Path,
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    today: datetime.date,
    update: bool,
) -> list[str]:
    """Runs the page's sessions in `folder`; returns the differences (or, with
    `update`, rewrites the page with the outputs)."""
    import checker.commands.init as init_command
    import checker.options as options

    monkeypatch.setattr(options, "utc_today", lambda: today)
    monkeypatch.setattr(init_command, "utc_today", lambda: today)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(folder)
    text = page.read_text(encoding="utf-8")
    lines = text.split("\n")
    problems: list[str] = []
    replacements: list[tuple[Step, list[str]]] = []
    for block in blocks(text):
        if block.file is not None:
            target = Path.cwd() / block.file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("\n".join(block.lines) + "\n", encoding="utf-8")
            continue
        if not block.info.startswith("console"):
            continue
        for step in steps(block):
            got = _run(step.command, capsys)
            while got and not got[-1].strip():
                got = got[:-1]
            want = step.expected
            while want and not want[-1].strip():
                want = want[:-1]
            if got != want:
                problems.append(
                    f"{page.name}:{step.line}: `$ {step.command}` printed\n"
                    + "\n".join(got)
                    + "\n--- but the page shows ---\n"
                    + "\n".join(want)
                )
                replacements.append((step, got))
    if update and replacements:
        for step, got in sorted(replacements, key=lambda r: -r[0].line):
            old = len(step.expected)
            while old and not step.expected[old - 1].strip():
                old -= 1
            lines[step.line : step.line + old] = got
        page.write_text("\n".join(lines), encoding="utf-8")
    return problems


def _run(command: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    words = shlex.split(command)
    if words[0] == "cd":
        import os

        os.chdir(words[1])
        return []
    if words[0] != "isms-check":
        done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, check=False)
        return (done.stderr + done.stdout).splitlines()
    keep: Callable[[list[str]], list[str]] = lambda out: out  # noqa: E731
    m = FILTER.match(command)
    if m:
        words = shlex.split(m.group(1))
        n = int(m.group(3))
        keep = (lambda out: out[:n]) if m.group(2) == "head" else (lambda out: out[-n:])
    capsys.readouterr()
    main(words[1:])
    out, err = capsys.readouterr()
    return err.splitlines() + keep(out.splitlines())

"""Where a run's reports go: stdout, report files, the GitHub step summary.

Shared by the check command and the GitHub Action's step (action.py), so that both write
the same bytes the same way. Reporters only turn a Report into text (reporters/); this
module does the writing and is the one place that reads the environment for it.

- Report files are written atomically (a temporary file in the same folder, then a
  rename), so a reader never sees half a report, and with the mode a plain `open()`
  would give them (0666 minus the umask): mkstemp's private 0600 would hide a report
  from the CI user or web server that publishes it.
- The step summary is appended, never truncated: other steps write there too.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from checker.errors import UsageError
from checker.findings import Report
from checker.reporters import REPORTERS, RenderOptions
from checker.reporters.safe import console

GITHUB_BLOB_VARIABLES = ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA")


@dataclass(frozen=True)
class Outputs:
    """The reports of one run: the stdout format, files by format, and where the stdout
    format's step summary goes (None: nowhere)."""

    stdout: str = "text"
    files: tuple[tuple[str, Path], ...] = ()
    render: RenderOptions = field(default_factory=RenderOptions)
    step_summary: Path | None = None
    summary_link_base: str = ""  # link_base for the step summary (GitHub blob URLs)

    def __post_init__(self) -> None:
        names = (self.stdout, *(name for name, _ in self.files))
        unknown = [name for name in names if name not in REPORTERS]
        if unknown:
            raise ValueError(f"unknown report formats: {', '.join(unknown)}")


class ProgressLine:
    """Progress on a terminal's stderr: one line, rewritten at each step and cleared at
    the end, so that it never mixes with the report on stdout or stays on the screen."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = False

    def __call__(self, text: str) -> None:
        self.stream.write(f"\r\x1b[Kisms-check: {text}...")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


def github_link_base(env: Mapping[str, str]) -> str:
    """The URL prefix of the checked-out commit's files on GitHub (relative links do not
    resolve on a run's summary page); "" unless all three variables are set."""
    server, repository, sha = (env.get(name, "") for name in GITHUB_BLOB_VARIABLES)
    return f"{server}/{repository}/blob/{sha}/" if server and repository and sha else ""


def step_summary_file(env: Mapping[str, str]) -> Path | None:
    target = env.get("GITHUB_STEP_SUMMARY", "")
    return Path(target) if target else None


def emit(report: Report, outputs: Outputs) -> None:
    """The notices to stderr; the report files; the stdout format; its step summary."""
    for notice in report.notices:
        sys.stderr.write(console(f"isms-check: notice: {notice}") + "\n")
    plain = dataclasses.replace(outputs.render, color=False)
    for name, path in outputs.files:
        write_atomic(path, REPORTERS[name].render(report, plain))
    reporter = REPORTERS[outputs.stdout]
    sys.stdout.write(reporter.render(report, outputs.render))
    if reporter.step_summary is not None and outputs.step_summary is not None:
        options = dataclasses.replace(plain, link_base=outputs.summary_link_base)
        append_step_summary(outputs.step_summary, reporter.step_summary(report, options))


def _umask() -> int:
    mask = os.umask(0o022)  # the only way to read it; set it back at once
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str | bytes) -> None:
    """Writes via a temporary file in the same folder, so readers never see half a
    report; the file gets 0666 minus the umask, like any file the user creates. A path
    that cannot be written is the user's to fix (exit 2), not a bug. Text is written as
    UTF-8 with the line ends it has; bytes as they are (an XLSX workbook)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as e:
        raise UsageError(f"cannot write the report {path}: {e.strerror or e}") from e
    try:
        if isinstance(text, bytes):
            with os.fdopen(fd, "wb") as fb:
                fb.write(text)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException as e:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise UsageError(f"cannot write the report {path}: {e.strerror or e}") from e
        raise


def append_step_summary(path: Path, text: str) -> None:
    """Appends (never truncates: other steps' tools write there too), a blank line
    apart from what is already there. A summary that cannot be written is a warning,
    not a failed check."""
    try:
        with open(path, "a", encoding="utf-8", newline="\n") as f:
            f.write(("\n" if f.tell() else "") + text)
    except OSError as e:
        sys.stderr.write(
            console(f"isms-check: warning: could not append the summary to {path}: {e}") + "\n"
        )

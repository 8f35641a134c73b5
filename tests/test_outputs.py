"""checker/outputs.py: report files (atomic, with the umask), the step summary, emit."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from checker.errors import UsageError
from checker.outputs import (
    Outputs,
    append_step_summary,
    emit,
    github_link_base,
    step_summary_file,
    write_atomic,
)
from checker.reporters import RenderOptions
from tests.report_samples import report


@pytest.mark.usefixtures("umask")
def test_write_atomic_gives_the_mode_open_would(tmp_path: Path) -> None:
    for mask, mode in ((0o022, 0o644), (0o077, 0o600), (0o027, 0o640)):
        os.umask(mask)
        target = tmp_path / "deep" / f"r{mask:o}.xml"
        write_atomic(target, "<r/>\n")
        assert target.read_text() == "<r/>\n"
        assert stat.S_IMODE(target.stat().st_mode) == mode
        # what open() would give, checked against the real thing
        plain = tmp_path / f"plain{mask:o}"
        plain.write_text("x")
        assert stat.S_IMODE(plain.stat().st_mode) == mode


def test_write_atomic_leaves_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        write_atomic(target, "half a report \ud800")  # cannot be encoded: fails mid-write
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left


def test_write_atomic_uses_lf_line_ends(tmp_path: Path) -> None:
    write_atomic(tmp_path / "r.md", "a\nb\n")
    assert (tmp_path / "r.md").read_bytes() == b"a\nb\n"


def test_step_summary_is_appended_a_blank_line_apart(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    append_step_summary(target, "## first\n")
    assert target.read_text(encoding="utf-8") == "## first\n"
    append_step_summary(target, "## second\n")
    assert target.read_text(encoding="utf-8") == "## first\n\n## second\n"


def test_github_variables() -> None:
    env = {"GITHUB_SERVER_URL": "https://ghe.example", "GITHUB_REPOSITORY": "o/r"}
    assert github_link_base({**env, "GITHUB_SHA": "abc"}) == "https://ghe.example/o/r/blob/abc/"
    assert github_link_base(env) == ""
    assert step_summary_file({"GITHUB_STEP_SUMMARY": "/x/s.md"}) == Path("/x/s.md")
    assert step_summary_file({"GITHUB_STEP_SUMMARY": ""}) is None


def test_emit_order_and_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    summary = tmp_path / "summary.md"
    outputs = Outputs(
        stdout="github",
        files=(("markdown", tmp_path / "r.md"), ("json", tmp_path / "r.json")),
        render=RenderOptions(fail_on="never", color=True),
        step_summary=summary,
        summary_link_base="https://github.com/o/r/blob/abc/",
    )
    emit(report(), outputs)
    out, err = capsys.readouterr()
    assert out.splitlines()[-1].startswith("isms-check passed:")  # fail-on never
    assert err == "isms-check: notice: GIT-* rules skipped: not a git repository\n"
    file_md, summary_md = (tmp_path / "r.md").read_text(), summary.read_text()
    assert "](isms/risks/broken.yaml#L4)" in file_md  # files: relative links
    assert "](https://github.com/o/r/blob/abc/isms/risks/broken.yaml#L4)" in summary_md
    assert file_md.startswith("## ✅ isms-check passed") and "\033[" not in file_md + summary_md


def test_no_summary_for_a_format_without_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emit(report(), Outputs(stdout="markdown", step_summary=tmp_path / "s.md"))
    assert capsys.readouterr().out.startswith("## ❌ isms-check failed")
    assert not (tmp_path / "s.md").exists()


def test_a_report_path_that_cannot_be_written_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(UsageError, match=r"cannot write the report .*a-folder"):
        write_atomic(tmp_path / "a-folder", "report")  # a folder of that name is in the way
    with pytest.raises(UsageError, match=r"cannot write the report .*a-file/r\.xml"):
        write_atomic(tmp_path / "a-file" / "r.xml", "report")  # a file where a folder must be
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "a-folder"]
    assert list((tmp_path / "a-folder").iterdir()) == []


def test_progress_is_one_line_rewritten_then_cleared() -> None:
    import io

    from checker.outputs import ProgressLine

    stream = io.StringIO()
    progress = ProgressLine(stream)
    progress("reading git history")
    progress("checking the ISMS")
    progress.clear()
    assert stream.getvalue() == (
        "\r\x1b[Kisms-check: reading git history...\r\x1b[Kisms-check: checking the ISMS...\r\x1b[K"
    )


def test_progress_only_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not a terminal (CI, a pipe, a test): no progress, so stderr holds only notices."""
    import argparse

    from checker.commands import check

    parser = argparse.ArgumentParser()
    check.configure(parser)
    options = check.parse(parser.parse_args([str(tmp_path)]), env={}, tty=False)
    assert options.run.progress is None
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    options = check.parse(parser.parse_args([str(tmp_path)]), env={}, tty=False)
    assert options.run.progress is not None

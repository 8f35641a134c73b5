"""checker/main.py: the parser, the default command, dispatch, and the one mapping from
exceptions to exit codes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checker import __version__, engine, main
from checker.errors import UsageError
from tests.caselib import BASE
from tests.conftest import Cli

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def isms(tmp_path: Path) -> Path:
    shutil.copytree(BASE, tmp_path / "isms")
    return tmp_path / "isms"


# --- the default command ------------------------------------------------------------------


def test_commands_are_named_as_is() -> None:
    for name in main.COMMANDS:
        assert main.with_command([name, "x"]) == [name, "x"]
    assert main.with_command(["--debug", "rules"]) == ["--debug", "rules"]
    for top in (["-h"], ["--help"], ["--version"], ["--debug", "--help"]):
        assert main.with_command(top) == top


def test_check_is_inserted_before_a_path_or_options(tmp_path: Path) -> None:
    folder, file = tmp_path / "isms", tmp_path / "isms.yaml"
    folder.mkdir()
    file.write_text("", encoding="utf-8")
    assert main.with_command([]) == ["check"]
    assert main.with_command(["--debug"]) == ["--debug", "check"]
    assert main.with_command([str(folder), "-v"]) == ["check", str(folder), "-v"]
    assert main.with_command([str(file)]) == ["check", str(file)]
    assert main.with_command(["--format", "json", "nope"]) == ["check", "--format", "json", "nope"]
    assert main.with_command(["--debug", str(folder)]) == ["--debug", "check", str(folder)]


def test_an_unknown_command_is_an_error_not_a_path(cli: Cli, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="'chek' is neither a command"):
        main.with_command(["chek", "."])
    code, out, err = cli("chek", ".")
    assert code == 2 and out == ""
    assert "isms-check: error: 'chek' is neither a command nor an existing file or folder" in err
    assert "Commands: check, rules, explain, schema" in err
    assert cli("--debug", "explian", "RT-001").code == 2
    # a path that does not exist, after `check`, is the check's own error
    code, _, err = cli("check", str(tmp_path / "missing"))
    assert code == 2 and "neither a command" not in err


def test_a_path_alone_and_nothing_at_all_mean_check(
    cli: Cli, isms: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli(str(isms), "--today", "2026-06-01").code == 0
    assert cli(str(isms / "isms.yaml"), "--today", "2026-06-01").code == 0  # a file in it
    monkeypatch.chdir(isms / "risks")  # isms.yaml is found upwards from `.`
    assert cli("--today", "2026-06-01").code == 0
    code, out, _ = cli()
    assert code in (0, 1) and "checks of" in out.splitlines()[-1]


# --- help ---------------------------------------------------------------------------------


CHECK_OPTIONS = ("--format", "--junit FILE", "--sarif FILE", "--fail-on", "--today",
                 "--base REF", "--new-only", "--policy-from", "--allow-shallow",
                 "--select")  # fmt: skip


def test_top_level_help_shows_the_commands_and_the_check_options(cli: Cli) -> None:
    code, out, _ = cli("--help")
    assert code == 0
    assert out.startswith("usage: isms-check [--debug] [check] [PATH] [options]\n")
    for name, command in main.COMMANDS.items():
        assert f"    {name}" in out and command.help[:40] in out
    for option in CHECK_OPTIONS:
        assert option in out, option
    assert "check, the default command" in out
    assert "sarif     SARIF 2.1.0 for GitHub code scanning" in out  # the formats, from the registry


def test_check_help_shows_its_options(cli: Cli) -> None:
    code, out, _ = cli("check", "--help")
    assert code == 0 and out.startswith("usage: isms-check check ")
    for option in CHECK_OPTIONS:
        assert option in out, option
    assert "github    GitHub Actions annotations" in out


@pytest.mark.parametrize("name", ["rules", "explain", "schema"])
def test_every_command_has_help(cli: Cli, name: str) -> None:
    code, out, _ = cli(name, "--help")
    assert code == 0 and out.startswith(f"usage: isms-check {name} ")


def test_version(cli: Cli) -> None:
    assert cli("--version") == (0, f"isms-check {__version__}\n", "")


# --- exceptions → exit codes ----------------------------------------------------------------


def test_internal_error_exits_3(cli: Cli, isms: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(options: engine.Options) -> engine.Report:
        raise RuntimeError("kaput")

    monkeypatch.setattr(engine, "run", boom)
    code, _, err = cli(str(isms))
    assert code == 3 and "internal error: RuntimeError: kaput" in err and "--debug" in err
    assert "Traceback" not in err
    code, _, err = cli(str(isms), "--debug")
    assert code == 3 and "Traceback" in err
    code, _, err = cli("--debug", str(isms))
    assert code == 3 and "Traceback" in err


def test_ctrl_c_exits_130(cli: Cli, isms: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(options: engine.Options) -> engine.Report:
        raise KeyboardInterrupt

    monkeypatch.setattr(engine, "run", interrupted)
    code, _, err = cli(str(isms))
    assert code == 130 and "interrupted" in err


def test_guard_maps_exit_requests() -> None:
    def leave(code: object) -> int:
        raise SystemExit(code)

    assert main.guard(lambda: leave(None)) == 0
    assert main.guard(lambda: leave(4)) == 4
    assert main.guard(lambda: leave("message")) == 2


@pytest.mark.parametrize(
    "argv",
    [["rules"], ["examples", "--today", "2026-11-27", "--format", "junit"]],
    ids=["small", "larger-than-a-buffer"],
)
def test_a_closed_pipe_is_not_an_internal_error(argv: list[str]) -> None:
    """`isms-check rules | head -1`: the reader is gone before the output is written
    (small output: at the final flush; large: while writing); no traceback, no 'bug'."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "checker", *argv],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )  # fmt: skip
    assert proc.stdout is not None
    proc.stdout.close()  # nobody reads: every write fails with EPIPE
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert err == b""


def test_python_dash_m_checker_runs_main() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "checker", "schema"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0 and done.stdout.startswith("isms ")

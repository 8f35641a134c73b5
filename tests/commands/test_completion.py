"""`isms-check completion`: scripts generated from the parser, run in the real shells
(bash always; zsh and fish where installed: CI installs them)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checker.exporter import EXPORTABLE
from checker.main import COMMANDS
from tests.conftest import Cli

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def bash_script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("completion") / "isms-check.bash"
    done = subprocess.run(
        [str(BIN / "isms-check"), "completion", "bash"], capture_output=True, text=True, check=True
    )
    path.write_text(done.stdout, encoding="utf-8")
    return path


def _bash(script: Path, cwd: Path, *words: str) -> list[str]:
    """COMPREPLY for the command line `words` (the last one being completed)."""
    quoted = " ".join(f"'{w}'" for w in words)
    program = f"""
source '{script}'
COMP_WORDS=({quoted}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); COMPREPLY=()
_isms_check
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", program],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": f"{BIN}:/usr/bin:/bin"},
        cwd=cwd,
    )
    return [line for line in done.stdout.splitlines() if line]


def test_bash_registers_and_completes(bash_script: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        ["bash", "-c", "source <(isms-check completion bash); complete -p isms-check"],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": f"{BIN}:/usr/bin:/bin"},
    )
    assert done.stdout.strip() == "complete -o filenames -F _isms_check isms-check"
    (tmp_path / "examples").mkdir()
    here = (bash_script, tmp_path)
    assert set(COMMANDS) <= set(_bash(*here, "isms-check", ""))
    assert "examples" in _bash(*here, "isms-check", "")  # `isms-check PATH` checks PATH
    assert _bash(*here, "isms-check", "ex") == ["explain", "export", "examples"]
    assert _bash(*here, "isms-check", "export", "ri") == ["risks"]
    assert _bash(*here, "isms-check", "export", "") == list(EXPORTABLE)  # no file names yet
    assert _bash(*here, "isms-check", "export", "risks", "e") == ["examples"]  # then PATH
    assert _bash(*here, "isms-check", "export", "--format", "csv", "ri") == ["risks"]
    assert _bash(*here, "isms-check", "examples", "e") == ["examples"]  # `check PATH` style
    assert _bash(*here, "isms-check", "export", "risks", "--format", "") == ["csv", "xlsx"]
    assert _bash(*here, "isms-check", "--fail-on", "w") == ["warning"]
    assert _bash(*here, "isms-check", "check", "--po") == ["--policy-from"]
    assert _bash(*here, "isms-check", "init", "--o") == ["--organization"]
    assert "SOA-001" in _bash(*here, "isms-check", "explain", "SOA")
    assert _bash(*here, "isms-check", "completion", "") == ["bash", "zsh", "fish"]


def test_every_option_of_every_command_is_offered(
    cli: Cli, bash_script: Path, tmp_path: Path
) -> None:
    for name in COMMANDS:
        help_text = cli(name, "--help").out
        offered = set(_bash(bash_script, tmp_path, "isms-check", name, "--"))
        for flag in {w.strip(",[]") for w in help_text.split() if w.startswith("--")}:
            if flag.replace("-", "").isalpha():
                assert flag in offered, f"{name} {flag}"


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_script_is_valid_and_registers(cli: Cli, tmp_path: Path) -> None:
    script = tmp_path / "_isms-check"
    script.write_text(cli("completion", "zsh").out, encoding="utf-8")
    subprocess.run(["zsh", "-n", str(script)], check=True)
    done = subprocess.run(
        [
            "zsh",
            "-f",
            "-c",
            f"autoload -Uz compinit && compinit -u -d {tmp_path}/dump; "
            f"source {script}; print -r -- $_comps[isms-check]",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "_isms_check"


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_script_is_valid_and_completes(cli: Cli, tmp_path: Path) -> None:
    script = tmp_path / "isms-check.fish"
    script.write_text(cli("completion", "fish").out, encoding="utf-8")
    subprocess.run(["fish", "--no-config", "-n", str(script)], check=True)
    done = subprocess.run(
        [
            "fish",
            "--no-config",
            "-c",
            f"source {script}; complete -C 'isms-check exp'; "
            "complete -C 'isms-check export --format '",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    words = [line.split("\t")[0] for line in done.stdout.splitlines()]
    assert words == ["explain", "export", "csv", "xlsx"]


def test_unknown_shell_is_exit_2(cli: Cli) -> None:
    assert cli("completion", "powershell").code == 2

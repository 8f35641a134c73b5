"""The command line, in process: exit codes, outputs, determinism, subcommands."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from junitparser import JUnitXml

from checker import cli, engine
from tests.caselib import BASE

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
TODAY = ["--today", "2026-11-27"]


@pytest.fixture
def isms(tmp_path: Path) -> Path:
    """The clean fixture ISMS, outside git."""
    shutil.copytree(BASE, tmp_path / "isms")
    return tmp_path / "isms"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_example_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, str(EXAMPLES), *TODAY, "--format", "json")
    doc = json.loads(out)
    assert code == 0, out
    assert doc["summary"]["error"] == 0 and doc["summary"]["warning"] == 0
    assert doc["summary"]["waived"] == 1
    assert "Traceback" not in err


def test_check_is_the_default_command(capsys: pytest.CaptureFixture[str], isms: Path) -> None:
    assert run(capsys, str(isms), "--today", "2026-06-01")[0] == 0
    assert run(capsys, "check", str(isms), "--today", "2026-06-01")[0] == 0


def test_findings_exit_1_and_fail_on(capsys: pytest.CaptureFixture[str], isms: Path) -> None:
    today = ["--today", "2026-12-01"]  # P-2's action due 2026-09-30 is overdue: an error
    assert run(capsys, str(isms), *today)[0] == 1
    assert run(capsys, str(isms), *today, "--fail-on", "never")[0] == 0
    # only a warning: C.1's audit 2026-03-01 is more than 365 days old on 2027-03-05,
    # but everything else is stale too; select the warning rule alone
    assert run(capsys, str(isms), "--today", "2027-03-05", "--select", "ST-005")[0] == 0
    assert (
        run(
            capsys, str(isms), "--today", "2027-03-05", "--select", "ST-005", "--fail-on", "warning"
        )[0]
        == 1
    )


def test_select_and_ignore_by_prefix(capsys: pytest.CaptureFixture[str], isms: Path) -> None:
    code, out, _ = run(
        capsys, str(isms), "--today", "2026-12-01", "--format", "json", "--select", "RTP,ST-00"
    )
    rules = json.loads(out)["rules"]
    assert rules and all(r.startswith(("RTP", "ST-00", "ISMS-PARSE", "ISMS-SCHEMA")) for r in rules)
    code, out, _ = run(
        capsys, str(isms), "--today", "2026-12-01", "--format", "json", "--ignore", "RTP"
    )
    assert not any(r.startswith("RTP") for r in json.loads(out)["rules"])
    code, _, err = run(capsys, str(isms), "--select", "NOPE")
    assert code == 2 and "no rule id starts with 'NOPE'" in err


def test_extra_outputs_in_one_run(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    junit_file, json_file = tmp_path / "r" / "junit.xml", tmp_path / "r" / "out.json"
    code, out, _ = run(
        capsys, str(EXAMPLES), *TODAY, "--junit", str(junit_file), "--json", str(json_file)
    )
    assert code == 0
    assert out.startswith("Waived:")  # stdout keeps the text format
    assert json.loads(json_file.read_text())["schema_version"] == 1
    xml = JUnitXml.fromfile(str(junit_file))
    assert len(list(xml)) == len(json.loads(json_file.read_text())["rules"])
    assert sorted(p.name for p in junit_file.parent.iterdir()) == [
        "junit.xml",
        "out.json",
    ]  # no temp files left


def test_runs_are_byte_identical(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    outputs = []
    for i in range(2):
        files = [tmp_path / f"{i}.xml", tmp_path / f"{i}.json"]
        _, out, _ = run(
            capsys, str(EXAMPLES), *TODAY, "--junit", str(files[0]), "--json", str(files[1])
        )
        outputs.append((out, files[0].read_bytes(), files[1].read_bytes()))
    assert outputs[0] == outputs[1]


def test_broken_risk_file_is_a_finding(capsys: pytest.CaptureFixture[str], isms: Path) -> None:
    (isms / "risks" / "broken.yaml").write_text("id: R-9\ntitle: [unclosed\n", encoding="utf-8")
    code, out, err = run(capsys, str(isms), "--today", "2026-06-01")
    assert code == 1
    assert "risks/broken.yaml:3: error ISMS-PARSE [-] invalid YAML" in out
    assert "Traceback" not in out + err


def test_unusable_isms_yaml_exits_2(capsys: pytest.CaptureFixture[str], isms: Path) -> None:
    text = (isms / "isms.yaml").read_text().replace("appetite: 8", "appetite: high")
    (isms / "isms.yaml").write_text(text)
    code, out, err = run(capsys, str(isms))
    assert code == 2 and out == ""
    assert "isms.yaml:15: appetite: 'high' is not of type integer" in err


def test_no_isms_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, str(tmp_path))
    assert code == 2 and "no isms.yaml found" in err


def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str], isms: Path) -> None:
    assert run(capsys, str(isms), "--today", "tomorrow")[0] == 2
    assert run(capsys, str(isms), "--format", "pdf")[0] == 2
    code, _, err = run(capsys, str(isms), "--new-only")
    assert code == 2 and "--base" in err


def test_internal_error_exits_3(
    capsys: pytest.CaptureFixture[str], isms: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(options: engine.Options) -> engine.Report:
        raise RuntimeError("kaput")

    monkeypatch.setattr(engine, "run", boom)
    code, _, err = run(capsys, str(isms))
    assert code == 3 and "internal error: RuntimeError: kaput" in err and "--debug" in err
    assert "Traceback" not in err
    code, _, err = run(capsys, str(isms), "--debug")
    assert code == 3 and "Traceback" in err


def test_ctrl_c_exits_130(
    capsys: pytest.CaptureFixture[str], isms: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(options: engine.Options) -> engine.Report:
        raise KeyboardInterrupt

    monkeypatch.setattr(engine, "run", interrupted)
    assert run(capsys, str(isms))[0] == 130


def test_rules_explain_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules")
    assert code == 0
    ids = [line.split()[0] for line in out.splitlines()]
    assert "RT-002" in ids and "ISMS-PARSE" in ids and ids == sorted(ids)
    code, out, _ = run(capsys, "explain", "rt-002")
    assert code == 0
    for section in (
        "What it checks",
        "Expression (CEL)",
        "Why it matters",
        "How to fix it",
        "Example",
    ):
        assert section in out
    assert "6.1.3 e" in out
    assert run(capsys, "explain", "XX-1")[0] == 2
    code, out, _ = run(capsys, "schema", "risk")
    assert code == 0 and json.loads(out)["$defs"]["risk"]["required"]
    code, out, _ = run(capsys, "schema")
    assert set(json.loads(out)) == {"isms", "risk", "control", "plan", "waiver", "rules"}


def test_rules_of_an_isms_include_its_own(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", str(EXAMPLES))
    assert code == 0 and "ORG-001" in out


def _on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Runs the checker with stdout on a pseudo-terminal and returns what it printed."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    proc = subprocess.run(
        [sys.executable, "-m", "checker", *args],
        stdout=follower, stderr=subprocess.DEVNULL, env=env, cwd=ROOT, check=False,
    )  # fmt: skip
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.returncode == 1
    return b"".join(chunks).decode()


def test_colour_only_on_a_terminal_and_never_with_no_color(isms: Path) -> None:
    import os

    args = [str(isms), "--today", "2026-12-01"]
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    assert "\033[31merror\033[0m" in _on_a_terminal(args, env)
    assert "\033[" not in _on_a_terminal(args, {**env, "NO_COLOR": "1"})

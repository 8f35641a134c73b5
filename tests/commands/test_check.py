"""`isms-check [check] [PATH]`, in process: exit codes, outputs, determinism, colour, the
step summary, report files' modes; and CheckOptions executed without argparse."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from junitparser import JUnitXml

from checker import engine
from checker.commands import check
from checker.commands.check import CheckOptions
from checker.main import build_parser
from checker.outputs import Outputs
from checker.reporters import RenderOptions
from tests.caselib import BASE
from tests.conftest import Cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TODAY = ["--today", "2026-11-27"]


@pytest.fixture
def isms(tmp_path: Path) -> Path:
    """The clean fixture ISMS, outside git."""
    shutil.copytree(BASE, tmp_path / "isms")
    return tmp_path / "isms"


def test_example_is_clean(cli: Cli) -> None:
    code, out, err = cli(str(EXAMPLES), *TODAY, "--format", "json")
    doc = json.loads(out)
    assert code == 0, out
    assert doc["summary"]["error"] == 0 and doc["summary"]["warning"] == 0
    assert doc["summary"]["waived"] == 1
    assert "Traceback" not in err


def test_check_is_the_default_command(cli: Cli, isms: Path) -> None:
    assert cli(str(isms), "--today", "2026-06-01").code == 0
    assert cli("check", str(isms), "--today", "2026-06-01").code == 0


def test_findings_exit_1_and_fail_on(cli: Cli, isms: Path) -> None:
    today = ["--today", "2026-12-01"]  # P-2's action due 2026-09-30 is overdue: an error
    assert cli(str(isms), *today).code == 1
    assert cli(str(isms), *today, "--fail-on", "never").code == 0
    # only a warning: C.1's audit 2026-03-01 is more than 365 days old on 2027-03-05,
    # but everything else is stale too; select the warning rule alone
    assert cli(str(isms), "--today", "2027-03-05", "--select", "ST-005").code == 0
    warning = cli(str(isms), "--today", "2027-03-05", "--select", "ST-005", "--fail-on", "warning")
    assert warning.code == 1


def test_select_and_ignore_by_prefix(cli: Cli, isms: Path) -> None:
    out = cli(str(isms), "--today", "2026-12-01", "--format", "json", "--select", "RTP,ST-00").out
    rules = json.loads(out)["rules"]
    assert rules and all(r.startswith(("RTP", "ST-00", "ISMS-PARSE", "ISMS-SCHEMA")) for r in rules)
    out = cli(str(isms), "--today", "2026-12-01", "--format", "json", "--ignore", "RTP").out
    assert not any(r.startswith("RTP") for r in json.loads(out)["rules"])
    code, _, err = cli(str(isms), "--select", "NOPE")
    assert code == 2 and "no rule id starts with 'NOPE'" in err


def test_extra_outputs_in_one_run(cli: Cli, tmp_path: Path) -> None:
    junit_file, json_file = tmp_path / "r" / "junit.xml", tmp_path / "r" / "out.json"
    code, out, _ = cli(str(EXAMPLES), *TODAY, "--junit", str(junit_file), "--json", str(json_file))
    assert code == 0
    assert out.startswith("Waived:")  # stdout keeps the text format
    assert json.loads(json_file.read_text())["schema_version"] == 1
    xml = JUnitXml.fromfile(str(junit_file))
    assert len(list(xml)) == len(json.loads(json_file.read_text())["rules"])
    assert sorted(p.name for p in junit_file.parent.iterdir()) == [
        "junit.xml",
        "out.json",
    ]  # no temp files left


def test_runs_are_byte_identical(cli: Cli, tmp_path: Path) -> None:
    outputs = []
    for i in range(2):
        files = [tmp_path / f"{i}.xml", tmp_path / f"{i}.json"]
        out = cli(str(EXAMPLES), *TODAY, "--junit", str(files[0]), "--json", str(files[1])).out
        outputs.append((out, files[0].read_bytes(), files[1].read_bytes()))
    assert outputs[0] == outputs[1]


def test_broken_risk_file_is_a_finding(cli: Cli, isms: Path) -> None:
    (isms / "risks" / "broken.yaml").write_text("id: R-9\ntitle: [unclosed\n", encoding="utf-8")
    code, out, err = cli(str(isms), "--today", "2026-06-01")
    assert code == 1
    assert "risks/broken.yaml:3: error ISMS-PARSE [-] invalid YAML" in out
    assert "Traceback" not in out + err


def test_unusable_isms_yaml_exits_2(cli: Cli, isms: Path) -> None:
    text = (isms / "isms.yaml").read_text().replace("appetite: 8", "appetite: high")
    (isms / "isms.yaml").write_text(text)
    code, out, err = cli(str(isms))
    assert code == 2 and out == ""
    assert "isms.yaml:15: appetite: 'high' is not of type integer" in err


def test_no_isms_exits_2(cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli(str(tmp_path))
    assert code == 2 and "no isms.yaml found" in err


def test_bad_arguments_exit_2(cli: Cli, isms: Path) -> None:
    assert cli(str(isms), "--today", "tomorrow").code == 2
    assert cli(str(isms), "--format", "pdf").code == 2
    code, _, err = cli(str(isms), "--new-only")
    assert code == 2 and "--base" in err


# --- report files: atomic, with the user's umask ----------------------------------------


@pytest.mark.usefixtures("umask")
@pytest.mark.parametrize(
    ("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)], ids=["022", "077", "002"]
)
def test_report_files_get_the_umask(cli: Cli, tmp_path: Path, mask: int, mode: int) -> None:
    os.umask(mask)
    files = {name: tmp_path / "reports" / f"out.{name}" for name in ("junit", "sarif", "json")}
    files["markdown"] = tmp_path / "reports" / "out.md"
    files["json"].parent.mkdir()
    files["json"].write_text("old report", encoding="utf-8")  # replaced, mode as for a new one
    os.chmod(files["json"], 0o600)
    args = [a for name, path in files.items() for a in (f"--{name}", str(path))]
    assert cli(str(EXAMPLES), *TODAY, *args).code == 0
    for path in files.values():
        assert stat.S_IMODE(path.stat().st_mode) == mode, path.name
    assert json.loads(files["json"].read_text())["schema_version"] == 1
    assert sorted(p.name for p in files["json"].parent.iterdir()) == sorted(
        p.name for p in files.values()
    )


def test_unwritable_report_file_exits_2(cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli(str(EXAMPLES), *TODAY, "--junit", str(tmp_path))  # a folder
    assert code == 2 and f"cannot write the report {tmp_path}" in err
    assert "internal error" not in err


# --- colour -------------------------------------------------------------------------------


def _on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Runs the checker with stdout on a pseudo-terminal and returns what it printed."""
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
    args = [str(isms), "--today", "2026-12-01"]
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    assert "\033[31merror\033[0m" in _on_a_terminal(args, env)
    assert "\033[" not in _on_a_terminal(args, {**env, "NO_COLOR": "1"})


# --- the GitHub step summary --------------------------------------------------------------


def test_step_summary_appended_only_for_github_format(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "step-summary.md"
    target.write_text("# earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    args = [str(EXAMPLES), *TODAY]

    assert cli(*args, "--format", "text").code == 0
    assert target.read_text(encoding="utf-8") == "# earlier step\n"

    code, out, _ = cli(*args, "--format", "github")
    assert code == 0
    assert out.endswith("1 waived, 0 evaluation errors (" + out.split("(")[-1])
    first = target.read_text(encoding="utf-8")
    assert first.startswith("# earlier step\n\n## ✅ isms-check passed\n")
    assert "### Waived (1)" in first

    assert cli(*args, "--format", "github").code == 0  # a second run appends again
    assert target.read_text(encoding="utf-8").count("## ✅ isms-check passed") == 2


def test_no_step_summary_variable_no_file(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli(str(EXAMPLES), *TODAY, "--format", "github")
    assert code == 0
    assert list(tmp_path.iterdir()) == []
    assert out.startswith("isms-check passed")


def test_step_summary_links_point_at_the_commit_on_github(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "step-summary.md"
    markdown_file = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/isms")
    monkeypatch.setenv("GITHUB_SHA", "0123abc")
    code = cli(str(EXAMPLES), *TODAY, "--format", "github", "--markdown", str(markdown_file)).code
    assert code == 0
    summary = target.read_text(encoding="utf-8")
    link = "(https://github.com/acme/isms/blob/0123abc/examples/controls/physical.yaml#L41)"
    assert link in summary
    # a --markdown file keeps links relative to the repository root
    assert "(examples/controls/physical.yaml#L41)" in markdown_file.read_text(encoding="utf-8")


def test_unwritable_step_summary_is_a_warning(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "no" / "such" / "folder" / "s.md"))
    code, out, err = cli(str(EXAMPLES), *TODAY, "--format", "github")
    assert code == 0 and out.startswith("isms-check passed")
    assert "warning: could not append the summary" in err


# --- parse, then execute -------------------------------------------------------------------


def _args(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["check", *argv])


def test_parse_reads_the_environment_it_is_given() -> None:
    env = {
        "GITHUB_STEP_SUMMARY": "/tmp/summary.md",
        "GITHUB_SERVER_URL": "https://github.example",
        "GITHUB_REPOSITORY": "o/r",
        "GITHUB_SHA": "abc",
    }
    options = check.parse(_args("isms", "--format", "github", "--fail-on", "warning"), env, True)
    assert options.run.path == Path("isms")
    assert options.outputs == Outputs(
        stdout="github",
        render=RenderOptions(fail_on="warning", color=True),
        step_summary=Path("/tmp/summary.md"),
        summary_link_base="https://github.example/o/r/blob/abc/",
    )
    assert not check.parse(_args(), {"NO_COLOR": "1"}, True).outputs.render.color
    assert check.parse(_args(), {"NO_COLOR": ""}, True).outputs.render.color  # no-color.org
    assert not check.parse(_args(), {}, False).outputs.render.color
    assert check.parse(_args(), {"GITHUB_SERVER_URL": "x"}, False).outputs.summary_link_base == ""


def test_parse_collects_ids_and_files() -> None:
    options = check.parse(
        _args("--select", "RT,SOA-00", "--select", "ST-001", "--ignore", " RT-007 ,",
              "--sarif", "a.sarif", "--junit", "j.xml", "--base", "HEAD~1", "--new-only"),
        {}, False,
    )  # fmt: skip
    assert options.run.select == ("RT", "SOA-00", "ST-001")
    assert options.run.ignore == ("RT-007",)
    assert options.run.base == "HEAD~1" and options.run.new_only
    assert options.outputs.files == (("junit", Path("j.xml")), ("sarif", Path("a.sarif")))


def test_execute_without_argparse(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    options = CheckOptions(
        run=engine.Options(path=EXAMPLES, today=datetime.date(2026, 11, 27)),
        outputs=Outputs(stdout="json", files=(("sarif", tmp_path / "x.sarif"),)),
    )
    assert check.execute(options) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["error"] == 0
    assert json.loads((tmp_path / "x.sarif").read_text())["version"] == "2.1.0"


def test_outputs_refuse_an_unknown_format() -> None:
    with pytest.raises(ValueError, match="pdf"):
        Outputs(stdout="pdf")
    with pytest.raises(ValueError, match="fail_on"):
        RenderOptions(fail_on="sometimes")

"""`isms-check init`: a complete starting ISMS that checks with exit 0, passes its own
rule tests and its pre-commit hook, and is never written over without --force."""

from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from checker import __version__
from checker.loader import parse_yaml
from checker.schema import validate
from tests.conftest import Cli
from tests.gitrepo import GitRepo

TODAY = "2026-12-01"
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$", re.M)


def test_init_then_check_is_exit_0(cli: Cli, tmp_path: Path) -> None:
    run = cli("init", str(tmp_path / "isms"), "--organization", "Acme: no GmbH", "--today", TODAY)
    assert run.code == 0, run.err
    assert run.out.startswith("Created an ISMS for Acme: no GmbH in ")
    isms = tmp_path / "isms"
    check = cli("check", str(isms), "--today", TODAY, "--format", "json")
    assert check.code == 0, check.out
    report = json.loads(check.out)
    assert report["summary"]["error"] == 0
    # what is left to do shows as a warning: the SoA entries were never reviewed, but
    # the ISMS was established today (ST-004 counts from then); the SoA approval is to do
    assert {f["rule"] for f in report["findings"]} <= {"ST-004", "SOA-008"}
    assert not any(f["rule"] == "ST-004" for f in report["findings"])  # a new SoA is current
    data = parse_yaml((isms / "isms.yaml").read_text(encoding="utf-8")).data
    assert data["organization"] == "Acme: no GmbH"
    assert data["established"] == TODAY
    assert data["soa"] == {"version": "1"}
    assert data["check"] == {"fail_on": "error", "policy_from": "base"}
    # a year on, the examples are overdue: the checks are real, not silenced
    later = cli("check", str(isms), "--today", "2027-12-01")
    assert later.code == 1


def test_the_soa_is_the_whole_catalog_one_file_per_theme(cli: Cli, tmp_path: Path) -> None:
    assert cli("init", str(tmp_path), "--today", TODAY).code == 0
    files = sorted(p.name for p in (tmp_path / "controls").iterdir())
    assert files == ["organizational.yaml", "people.yaml", "physical.yaml", "technological.yaml"]
    catalog = json.loads(cli("catalog", "--format", "json").out)
    soa = []
    for name in files:
        entries = parse_yaml((tmp_path / "controls" / name).read_text(encoding="utf-8")).data
        for entry in entries:
            assert entry["applicable"] is True and entry["status"] == "not_implemented"
            assert entry["justification"].startswith("TO COMPLETE")
            assert validate("control", entry) == []
        soa += [e["id"] for e in entries]
    assert soa == [c["id"] for c in catalog]


def test_every_yaml_file_has_a_modeline_to_a_local_schema(cli: Cli, tmp_path: Path) -> None:
    assert cli("init", str(tmp_path), "--today", TODAY).code == 0
    checked = 0
    for path in tmp_path.rglob("*.yaml"):
        rel = path.relative_to(tmp_path).as_posix()
        if rel.startswith("."):
            continue
        m = MODELINE.search(path.read_text(encoding="utf-8"))
        assert m, f"{rel} has no modeline"
        schema = (path.parent / m.group(1)).resolve()
        assert schema.is_file(), f"{rel}: {m.group(1)}"
        document = json.loads(schema.read_text(encoding="utf-8"))
        assert "$ref" not in json.dumps(document).replace('"$ref": "#', "")  # offline
        checked += 1
    assert checked >= 10


def test_records_follow_their_schemas(cli: Cli, tmp_path: Path) -> None:
    assert cli("init", str(tmp_path), "--today", TODAY).code == 0
    for rel, kind in (
        ("risks/R-001.yaml", "risk"),
        ("plans/RTP-001.yaml", "plan"),
        ("objectives/OBJ-001.yaml", "objective"),
    ):
        data = parse_yaml((tmp_path / rel).read_text(encoding="utf-8")).data
        assert validate(kind, data) == [], rel
    objective = parse_yaml((tmp_path / "objectives/OBJ-001.yaml").read_text("utf-8")).data
    assert objective["status"] == "active" and objective["due"] > TODAY


def test_existing_files_are_not_overwritten_without_force(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "isms.yaml").write_text("mine\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("mine\n", encoding="utf-8")
    run = cli("init", str(tmp_path))
    assert run.code == 2
    assert "these files exist already: isms.yaml, README.md (--force replaces them)" in run.err
    assert (tmp_path / "isms.yaml").read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "risks").exists()
    assert cli("init", str(tmp_path), "--force").code == 0
    assert (tmp_path / "isms.yaml").read_text(encoding="utf-8") != "mine\n"


def test_ci_files(cli: Cli, tmp_path: Path) -> None:
    assert cli("init", str(tmp_path), "--today", TODAY).code == 0
    workflow = yaml.safe_load((tmp_path / ".github/workflows/isms.yml").read_text("utf-8"))
    steps = workflow["jobs"]["isms-check"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    assert steps[1]["uses"] == f"isms-check/isms-check@v{__version__}"
    hooks = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text("utf-8"))
    assert hooks["repos"][0]["hooks"] == [{"id": "isms-check"}, {"id": "isms-check-test"}]


def test_the_custom_rule_tests_pass(cli: Cli, tmp_path: Path) -> None:
    assert cli("init", str(tmp_path), "--today", TODAY).code == 0
    run = cli("test", str(tmp_path / "policies"))
    assert run.code == 0, run.out + run.err
    assert run.out.count("PASS") == 2


@pytest.mark.slow
def test_init_check_and_the_pre_commit_hook(tmp_path: Path) -> None:
    """The new repo's own .pre-commit-config.yaml, with only the hook repository
    pointed at a snapshot of this checkout (tagged as the version it names)."""
    from tests.test_precommit_hook import _snapshot

    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    hook_repo = _snapshot(tmp_path / "isms-check")
    GitRepo(hook_repo).git("tag", f"v{__version__}")
    isms = GitRepo(tmp_path / "isms")
    exe = Path(sys.executable).parent / "isms-check"
    done = subprocess.run(
        [str(exe), "init", str(isms.path), "--organization", "Acme"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    config = isms.path / ".pre-commit-config.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "https://github.com/isms-check/isms-check", str(hook_repo)
        ),
        encoding="utf-8",
    )
    isms.commit("ISMS", today)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_SYSTEM=os.devnull,
        NO_COLOR="1",
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
    )
    hook = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never", "--verbose"],
        cwd=isms.path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert hook.returncode == 0, hook.stdout + hook.stderr
    assert re.search(r"^isms-check\.+Passed$", hook.stdout, re.M), hook.stdout
    assert re.search(r"^isms-check rule tests\.+Passed$", hook.stdout, re.M), hook.stdout
    for args in ([str(isms.path)], ["test", str(isms.path / "policies")]):
        done = subprocess.run([str(exe), *args], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr

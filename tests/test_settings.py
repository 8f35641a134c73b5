"""isms.yaml's `check:` block: local runs and the GitHub Action judge alike (flag or
input > the block > the built-in default), and in PR mode the block is the base's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker import action
from checker.settings import CheckSettings, from_data, read
from tests.conftest import Cli
from tests.gitrepo import GitRepo, isms_repo
from tests.test_action import _env

# ST-004-like warnings would need dates; a risk above appetite is an RT-001 error and a
# control entry outside the catalog a SOA-007 warning.
UNTREATED = """id: R-9
title: Untreated risk
owner: CISO
inherent: {likelihood: 3, impact: 4}
treatment: none
assessed: 2026-05-25
"""
CUSTOM = "id: X-1\napplicable: false\njustification: not needed\n"


def _set_check(repo: GitRepo, block: str) -> None:
    path = repo.path / "isms.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + f"check: {block}\n", encoding="utf-8")


def _action(tmp: Path, monkeypatch: pytest.MonkeyPatch, repo: GitRepo, **inputs: str) -> int:
    monkeypatch.chdir(repo.path)
    tmp.mkdir()
    env = _env(tmp, today="2026-06-01", junit="", sarif="", **inputs)
    return action.main(env)


def test_block_is_read_leniently() -> None:
    assert from_data(
        {
            "check": {
                "fail_on": "warning",
                "select": ["RT"],
                "ignore": ["ST-005"],
                "policy_from": "head",
            }
        }
    ) == CheckSettings("warning", ("RT",), ("ST-005",), "head")
    assert from_data({"check": {"fail_on": "often"}}) == CheckSettings()
    assert from_data({}) == CheckSettings()
    assert read(Path("/nonexistent-folder")) == CheckSettings()


def test_fail_on_from_the_block_and_the_flag_overrides(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = isms_repo(tmp_path / "repo", date="2026-05-20")
    repo.write("controls/x.yaml", CUSTOM)
    repo.commit("custom control", "2026-05-21")
    args = (str(repo.path), "--today", "2026-06-01")
    assert cli(*args).code == 0  # a warning does not fail by default
    _set_check(repo, "{fail_on: warning}")
    repo.commit("fail on warnings", "2026-05-22")
    local = cli(*args)
    assert local.code == 1 and "SOA-007" in local.out
    assert _action(tmp_path / "a", monkeypatch, repo) == 1
    assert cli(*args, "--fail-on", "error").code == 0
    assert _action(tmp_path / "b", monkeypatch, repo, fail_on="error") == 0


def test_select_and_ignore_from_the_block(cli: Cli, tmp_path: Path) -> None:
    repo = isms_repo(tmp_path / "repo", date="2026-05-20")
    repo.write("risks/r9.yaml", UNTREATED)
    repo.commit("R-9", "2026-05-21")
    _set_check(repo, "{ignore: [RT-001]}")
    args = (str(repo.path), "--today", "2026-06-01", "--format", "json")
    quiet = json.loads(cli(*args).out)
    assert "RT-001" not in quiet["rules"]
    loud = json.loads(cli(*args, "--ignore", "ST-005").out)  # the flag replaces the list
    assert loud["rules"]["RT-001"]["failed"] == 1


def _weakening_change(tmp_path: Path) -> tuple[GitRepo, str]:
    """A base, then a head that raises the appetite, adds a risk only the new appetite
    tolerates, and asks in its own check: block to be judged by its own rules."""
    repo = isms_repo(tmp_path / "repo", date="2026-05-20")
    base = repo.git("rev-parse", "HEAD").strip()
    path = repo.path / "isms.yaml"
    text = path.read_text(encoding="utf-8")
    assert "appetite: 8" in text
    path.write_text(text.replace("appetite: 8", "appetite: 20"), encoding="utf-8")
    _set_check(repo, "{policy_from: head}")
    repo.write("risks/r9.yaml", UNTREATED)
    repo.commit("raise the appetite", "2026-05-26")
    return repo, base


def test_pr_mode_judges_by_the_base_locally_and_in_the_action(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, base = _weakening_change(tmp_path)
    args = (str(repo.path), "--today", "2026-06-01", "--base", base)
    local = cli(*args)
    assert local.code == 1 and "RT-001" in local.out  # the head's `policy_from: head` is ignored
    assert "GIT-003" in local.out and "isms.yaml check" in local.out
    assert _action(tmp_path / "a", monkeypatch, repo, base=base) == 1
    # a flag or an input chooses explicitly; both agree
    assert cli(*args, "--policy-from", "head").code == 0
    assert _action(tmp_path / "b", monkeypatch, repo, base=base, policy_from="head") == 0


def test_the_base_block_applies_in_pr_mode(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = isms_repo(tmp_path / "repo", date="2026-05-20")
    _set_check(repo, "{policy_from: head}")
    repo.commit("judge by the head", "2026-05-21")
    base = repo.git("rev-parse", "HEAD").strip()
    path = repo.path / "isms.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("appetite: 8", "appetite: 20"), encoding="utf-8"
    )
    repo.write("risks/r9.yaml", UNTREATED)
    repo.commit("raise the appetite", "2026-05-26")
    assert cli(str(repo.path), "--today", "2026-06-01", "--base", base).code == 0
    assert _action(tmp_path / "a", monkeypatch, repo, base=base) == 0

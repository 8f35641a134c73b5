"""SOA-009 (the SoA is re-approved after it changes) reads git history: on real
repositories with fixed commit dates, and skipped with the GIT-* rules outside git."""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import pytest

from checker import engine
from checker.findings import Outcome, Result
from checker.main import main
from tests.caselib import BASE
from tests.gitrepo import isms_repo

TODAY = datetime.date(2026, 6, 1)


def soa009(path: Path) -> list[Result]:
    report = engine.run(engine.Options(path=path, today=TODAY))
    return [r for r in report.results if r.rule == "SOA-009"]


def approve(path: Path, date: str) -> None:
    """Sets isms.yaml's soa.approved.date (the base approves on 2026-05-20)."""
    isms = path / "isms.yaml"
    text = isms.read_text(encoding="utf-8")
    isms.write_text(text.replace("date: 2026-05-20}", f"date: {date}}}"), encoding="utf-8")


def test_soa_committed_on_the_approval_day_passes(tmp_path: Path) -> None:
    repo = isms_repo(tmp_path / "r", date="2026-05-20")  # approved 2026-05-20
    results = soa009(repo.path)
    assert [r.outcome for r in results] == [Outcome.PASS]


def test_soa_file_committed_after_the_approval_fires(tmp_path: Path) -> None:
    repo = isms_repo(tmp_path / "r", date="2026-05-20")
    soa = repo.path / "controls/soa.yaml"
    soa.write_text(soa.read_text(encoding="utf-8") + "# C.2 now planned for Q3\n")
    repo.commit("edit the SoA", "2026-05-25")
    [result] = soa009(repo.path)
    assert result.outcome is Outcome.FAIL
    assert result.kind == "isms" and result.entity == "isms"
    assert result.location.file == "isms.yaml"
    # the line of soa.approved.date in isms.yaml
    lines = (repo.path / "isms.yaml").read_text(encoding="utf-8").splitlines()
    assert "approved:" in lines[result.location.line - 1]
    assert "approved on 2026-05-20 (version 1)" in result.message
    assert "C.1, C.2, C.3" in result.message  # the entries of the changed file
    # re-approval after the change clears it
    approve(repo.path, "2026-05-26")
    repo.commit("SoA approved again", "2026-05-26")
    assert [r.outcome for r in soa009(repo.path)] == [Outcome.PASS]


def test_uncommitted_soa_change_counts_as_changed_today(tmp_path: Path) -> None:
    repo = isms_repo(tmp_path / "r", date="2026-05-20")
    soa = repo.path / "controls/soa.yaml"
    soa.write_text(soa.read_text(encoding="utf-8") + "# being edited\n")
    [result] = soa009(repo.path)  # today 2026-06-01 is after the approval
    assert result.outcome is Outcome.FAIL


def test_without_an_approval_date_soa_009_does_not_apply(tmp_path: Path) -> None:
    repo = isms_repo(tmp_path / "r", date="2026-05-20")
    isms = repo.path / "isms.yaml"
    text = isms.read_text(encoding="utf-8")
    isms.write_text(text.replace("{by: CEO, date: 2026-05-20}", "{by: CEO}"), encoding="utf-8")
    repo.commit("approval without a date", "2026-05-25")
    assert soa009(repo.path) == []  # SOA-008 reports the missing date
    report = engine.run(engine.Options(path=repo.path, today=TODAY))
    assert [(r.rule, r.entity) for r in report.findings] == [("SOA-008", "isms")]


def test_outside_git_soa_009_is_skipped_with_the_git_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(BASE, tmp_path / "isms")
    code = main(["check", str(tmp_path / "isms"), "--today", "2026-06-01", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "not a git repository: skipped GIT-001, GIT-002, GIT-003, SOA-009" in err
    assert err.count("notice") == 1
    assert "SOA-009" not in json.loads(out)["rules"]


def test_selecting_soa_009_outside_git_says_it_was_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(BASE, tmp_path / "isms")
    code = main(["check", str(tmp_path / "isms"), "--today", "2026-06-01", "--select", "SOA-009"])
    _, err = capsys.readouterr()
    assert code == 0
    assert "skipped SOA-009" in err


def test_a_pull_request_cannot_defer_the_audit_rules_by_moving_established(
    tmp_path: Path,
) -> None:
    """established 2025-01-01 (a cycle has passed: AUD-001 and MR-001 apply); the pull
    request moves it to 2026-01-01. Judged by the base's isms.yaml the rules still apply,
    and GIT-003 shows the edit; judged by the head's they would not."""
    repo = isms_repo(tmp_path / "r", date="2026-05-20")
    isms = repo.path / "isms.yaml"
    isms.write_text(
        isms.read_text(encoding="utf-8").replace(
            "established: 2026-01-01", "established: 2025-01-01"
        ),
        encoding="utf-8",
    )
    base = repo.commit("the ISMS started in 2025", "2026-05-20")
    isms.write_text(
        isms.read_text(encoding="utf-8").replace(
            "established: 2025-01-01", "established: 2026-01-01"
        ),
        encoding="utf-8",
    )
    repo.commit("move established", "2026-05-26")
    options = {"path": repo.path, "today": TODAY, "base": base}
    by_base = engine.run(engine.Options(**options, policy_from="base"))  # type: ignore[arg-type]
    rules = {r.rule for r in by_base.findings}
    assert {"AUD-001", "MR-001", "GIT-003"} <= rules
    git003 = next(r for r in by_base.findings if r.rule == "GIT-003")
    assert "isms.yaml established" in git003.message
    by_head = engine.run(engine.Options(**options, policy_from="head"))  # type: ignore[arg-type]
    assert not {"AUD-001", "MR-001"} & {r.rule for r in by_head.findings}

"""Git history and PR mode (issue 3), on real repositories with fixed commit dates."""

from __future__ import annotations

import datetime
import json
import re
import subprocess
from pathlib import Path

import pytest
from junitparser import JUnitXml

from checker import engine
from checker.history import History, fetch_hint
from checker.main import main
from tests.conftest import Cli
from tests.gitrepo import GitRepo, isms_repo

TODAY = datetime.date(2026, 6, 1)
UNTREATED = """id: R-9
title: Untreated risk added in the pull request
owner: CISO
inherent: {likelihood: 3, impact: 4}
treatment: none
assessed: 2026-05-25
"""


def run(path: Path, **kw: object) -> engine.Report:
    return engine.run(engine.Options(path=path, today=TODAY, **kw))  # type: ignore[arg-type]


def keys(report: engine.Report, status: str = "open") -> list[tuple[str, str | None, str | None]]:
    return sorted(
        (r.rule, r.entity, r.change) for r in report.findings if r.outcome.status == status
    )


def test_last_changes_one_pass(tmp_path: Path) -> None:
    repo = isms_repo(tmp_path / "r", date="2026-01-10")
    repo.write("risks/r1.yaml", (repo.path / "risks/r1.yaml").read_text() + "# edited\n")
    repo.commit("edit r1", "2026-03-05")
    dates = History.open(repo.path).last_changes()  # type: ignore[union-attr]
    assert dates["risks/r1.yaml"] == datetime.date(2026, 3, 5)
    assert dates["risks/more.yaml"] == datetime.date(2026, 1, 10)


def test_git001_forward_dated_record(tmp_path: Path) -> None:
    repo = isms_repo(tmp_path / "r", date="2026-04-15")  # before R-1's assessed 2026-05-01
    report = run(repo.path)
    # R-1 assessed 2026-05-01, P-2 approved 2026-05-02 and created after the commit
    assert ("GIT-001", "R-1", None) in keys(report)
    assert ("GIT-001", "P-2", None) in keys(report)
    assert ("GIT-001", "R-2", None) not in keys(report)  # assessed 2026-04-01: fine


def test_git001_one_day_of_grace_and_uncommitted_files(tmp_path: Path) -> None:
    repo = isms_repo(tmp_path / "r", date="2026-04-30")  # R-1 assessed a day later: allowed
    assert ("GIT-001", "R-1", None) not in keys(run(repo.path))
    repo.git(
        "commit",
        "-q",
        "--amend",
        "--no-edit",
        "--date=2026-04-20T12:00:00+00:00",
        date="2026-04-20",
    )
    assert ("GIT-001", "R-1", None) in keys(run(repo.path))
    repo.write("risks/r1.yaml", (repo.path / "risks/r1.yaml").read_text() + "# being edited\n")
    assert ("GIT-001", "R-1", None) not in keys(run(repo.path))  # uncommitted: exempt


def test_outside_git_skips_git_rules_with_one_notice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    from tests.caselib import BASE

    shutil.copytree(BASE, tmp_path / "isms")
    code = main(["check", str(tmp_path / "isms"), "--today", "2026-06-01", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0
    assert err.count("notice") == 1
    assert "not a git repository: skipped GIT-001, GIT-002, GIT-003" in err
    doc = json.loads(out)
    assert not any(rule.startswith("GIT-") for rule in doc["rules"])
    assert doc["rules"]["RT-001"]["evaluated"] > 0  # every other rule still runs


def test_shallow_clone_stops_unless_allowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = isms_repo(tmp_path / "origin", date="2026-05-20")
    repo.write("notes.md", "x\n")
    repo.commit("second", "2026-05-21")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone)], check=True
    )
    assert main(["check", str(clone), "--today", "2026-06-01"]) == 2
    assert "fetch-depth: 0" in capsys.readouterr().err
    assert main(["check", str(clone), "--today", "2026-06-01", "--allow-shallow"]) == 0
    err = capsys.readouterr().err
    assert "shallow" in err and "GIT-001" in err


def pr_repo(tmp_path: Path) -> tuple[GitRepo, str]:
    repo = isms_repo(tmp_path / "r", date="2026-05-20")
    base = repo.git("rev-parse", "HEAD").strip()
    # the change: fixes nothing, adds an untreated risk, breaks R-2's justification... keep simple
    repo.write("risks/r9.yaml", UNTREATED)
    repo.commit("add R-9", "2026-05-26")
    return repo, base


def test_pr_mode_marks_new_and_leaves_git_state_alone(tmp_path: Path) -> None:
    repo, base = pr_repo(tmp_path)
    repo.write("scratch.txt", "uncommitted\n")  # untracked file, must stay untracked
    before = repo.state()
    report = run(repo.path, base=base)
    assert repo.state() == before
    assert report.pr_mode
    assert ("RT-001", "R-9", "new") in keys(report)
    assert report.exit_code("error") == 1


def test_existing_and_resolved_findings(tmp_path: Path) -> None:
    repo = isms_repo(tmp_path / "r", date="2026-05-20")
    repo.write("risks/r9.yaml", UNTREATED)
    base = repo.commit("R-9 untreated", "2026-05-26")
    repo.write("risks/r8.yaml", UNTREATED.replace("R-9", "R-8"))
    repo.commit("R-8 untreated too", "2026-05-27")
    report = run(repo.path, base=base)
    assert ("RT-001", "R-9", "existing") in keys(report)
    assert ("RT-001", "R-8", "new") in keys(report)
    assert run(repo.path, base=base, new_only=True).exit_code("error") == 1
    (repo.path / "risks/r8.yaml").unlink()
    repo.commit("drop R-8", "2026-05-28")
    only_existing = run(repo.path, base=base, new_only=True)
    assert only_existing.exit_code("error") == 0  # R-9 is old news
    assert run(repo.path, base=base).exit_code("error") == 1
    # resolving R-9 shows up in `resolved`
    (repo.path / "risks/r9.yaml").unlink()
    repo.commit("drop R-9", "2026-05-29")
    fixed = run(repo.path, base=base)
    assert [(r.rule, r.entity) for r in fixed.resolved] == [("RT-001", "R-9")]


def test_policy_from_base_judges_with_the_old_appetite(tmp_path: Path) -> None:
    repo = isms_repo(tmp_path / "r", date="2026-05-20")
    base = repo.git("rev-parse", "HEAD").strip()
    isms = (repo.path / "isms.yaml").read_text().replace("appetite: 8", "appetite: 16")
    repo.write("isms.yaml", isms)
    repo.write("risks/r9.yaml", UNTREATED)  # level 12: above the old appetite 8 only
    repo.commit("raise appetite and add R-9", "2026-05-26")
    head_rules = run(repo.path, base=base)
    assert ("RT-001", "R-9", "new") not in keys(head_rules)  # judged by the new appetite
    judged = run(repo.path, base=base, policy_from="base")
    assert ("RT-001", "R-9", "new") in keys(judged)
    assert ("GIT-003", "isms", "new") in keys(judged)
    git003 = next(r for r in judged.findings if r.rule == "GIT-003")
    assert "appetite" in git003.message
    assert judged.exit_code("error") == 1


def test_git002_ratings_changed_without_new_assessment(tmp_path: Path) -> None:
    repo = isms_repo(tmp_path / "r", date="2026-05-20")
    base = repo.git("rev-parse", "HEAD").strip()
    r1 = (repo.path / "risks/r1.yaml").read_text()
    repo.write(
        "risks/r1.yaml",
        r1.replace("residual: {likelihood: 3, impact: 4}", "residual: {likelihood: 2, impact: 4}"),
    )
    repo.commit("lower R-1", "2026-05-26")
    assert ("GIT-002", "R-1", "new") in keys(run(repo.path, base=base))
    repo.write(
        "risks/r1.yaml",
        r1.replace(
            "residual: {likelihood: 3, impact: 4}", "residual: {likelihood: 2, impact: 4}"
        ).replace("assessed: 2026-05-01", "assessed: 2026-05-26"),
    )
    repo.commit("reassessed", "2026-05-26")
    assert not any(r.rule == "GIT-002" for r in run(repo.path, base=base).findings)


def test_pr_mode_in_text_and_junit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo, base = pr_repo(tmp_path)
    junit_file = tmp_path / "out" / "junit.xml"
    code = main(
        [
            "check",
            str(repo.path),
            "--today",
            "2026-06-01",
            "--base",
            base,
            "--junit",
            str(junit_file),
        ]
    )
    assert code == 1
    out = capsys.readouterr().out
    assert "risks/r9.yaml:5: error RT-001 [R-9]" in out and "(new)" in out
    xml = JUnitXml.fromfile(str(junit_file))
    texts = [result.text or "" for suite in xml for case in suite for result in case.result]
    assert any("(new)" in t for t in texts)


def test_isms_in_a_subfolder_reports_repo_relative_paths(tmp_path: Path) -> None:
    repo = isms_repo(tmp_path / "r", date="2026-05-20", subdir="compliance/isms")
    base = repo.git("rev-parse", "HEAD").strip()
    repo.write("compliance/isms/risks/r9.yaml", UNTREATED)
    repo.commit("R-9", "2026-05-26")
    report = run(repo.path / "compliance" / "isms" / "risks", base=base)  # found upwards
    finding = next(r for r in report.findings if r.rule == "RT-001")
    assert finding.location.file == "compliance/isms/risks/r9.yaml"
    assert finding.change == "new"


def test_unknown_base_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = isms_repo(tmp_path / "r")
    assert main(["check", str(repo.path), "--base", "no-such-ref"]) == 2
    assert "fetch" in capsys.readouterr().err


def test_second_schema_violation_on_one_entity_is_new(tmp_path: Path) -> None:
    """Issue 7: findings match by identity, which for ISMS-SCHEMA includes the field, so
    a change that adds a second violation to an already broken entity is new."""
    repo = isms_repo(tmp_path / "r")
    r1 = (repo.path / "risks/r1.yaml").read_text()
    repo.write("risks/r1.yaml", r1.replace("owner: ", "x-note: broken\nowner: 12 #", 1))
    base = repo.commit("break the owner", "2026-05-21")
    repo.write(
        "risks/r1.yaml",
        r1.replace("owner: ", "owner: 12 #", 1).replace("treatment: ", "treatment: maybe #", 1),
    )
    report = run(repo.path, base=base, new_only=True)
    schema = sorted((r.case, r.change) for r in report.findings if r.rule == "ISMS-SCHEMA")
    assert schema == [
        ("ISMS-SCHEMA::R-1 at owner", "existing"),
        ("ISMS-SCHEMA::R-1 at treatment", "new"),
    ]
    assert report.exit_code("error") == 1


# --- the hint for a base that is not there (issue 7) -------------------------------------


def _clone(origin: GitRepo, dest: Path, *options: str) -> GitRepo:
    subprocess.run(["git", "clone", "-q", *options, f"file://{origin.path}", str(dest)], check=True)
    clone = GitRepo.__new__(GitRepo)  # an existing repository: no `git init`
    clone.path = dest
    return clone


def test_fetch_hint_names_remote_and_branch() -> None:
    every = ["+refs/heads/*:refs/remotes/origin/*"]
    remotes = {"origin": every, "upstream": ["+refs/heads/*:refs/remotes/upstream/*"]}
    assert "`git fetch origin main`" in fetch_hint("origin/main", remotes)
    assert "`git fetch upstream release/2.x`" in fetch_hint("upstream/release/2.x", remotes)
    assert "`git fetch origin main`" in fetch_hint("refs/remotes/origin/main", remotes)
    # a single-branch clone's refspec stores only its own branch: name the destination
    single = {"origin": ["+refs/heads/main:refs/remotes/origin/main"]}
    assert "`git fetch origin main`" in fetch_hint("origin/main", single)
    assert "`git fetch origin dev:refs/remotes/origin/dev`" in fetch_hint("origin/dev", single)
    sha = "0123456789abcdef0123456789abcdef01234567"
    assert f"`git fetch origin {sha}`" in fetch_hint(sha, remotes)
    assert "`git fetch origin v1.2:v1.2`" in fetch_hint("v1.2", remotes)
    assert "`git fetch upstream v1.2:v1.2`" in fetch_hint("v1.2", {"upstream": []})
    expression = fetch_hint("HEAD~40", remotes)  # no name to fetch: more history
    assert "git fetch origin" not in expression
    assert "fetch-depth: 0" in expression and "`git fetch --unshallow`" in expression
    assert fetch_hint("main", remotes, ["origin/main"]) == "did you mean --base origin/main?"
    assert "no remote" in fetch_hint("origin/main", {})
    for ref in ("origin/main", "origin/dev", sha, "v1.2"):
        assert "fetch-depth: 0" in fetch_hint(ref, single)


def test_unknown_base_hint_is_the_fetch_that_works(tmp_path: Path, cli: Cli) -> None:
    origin = isms_repo(tmp_path / "origin", date="2026-05-20")
    origin.git("checkout", "-q", "-b", "feature")
    origin.write("risks/r9.yaml", UNTREATED)
    origin.commit("R-9", "2026-05-26")
    origin.git("checkout", "-q", "main")
    origin.git("checkout", "-q", "-b", "other")
    origin.git("checkout", "-q", "main")
    args = ["--today", "2026-06-01"]

    def hint(clone: GitRepo, ref: str) -> str:
        code, _, err = cli("check", str(clone.path), *args, "--base", ref)
        assert code == 2 and f"--base {ref}: no such commit in this repository" in err
        assert "fetch-depth: 0" in err or "did you mean" in err
        command = re.search(r"`(git fetch [^`]*)`", err)
        return command.group(1) if command else err

    # a full clone tracks every branch: `git fetch origin feature` is enough
    full = _clone(origin, tmp_path / "full")
    full.git("update-ref", "-d", "refs/remotes/origin/feature")  # as if created after the clone
    assert hint(full, "origin/feature") == "git fetch origin feature"
    full.git(*hint(full, "origin/feature").split()[1:])  # what the hint says, verbatim
    assert cli("check", str(full.path), *args, "--base", "origin/feature").code == 0

    # a single-branch clone does not: the hint names where to store the branch
    single = _clone(origin, tmp_path / "single", "--single-branch", "--branch", "main")
    command = hint(single, "origin/feature")
    assert command == "git fetch origin feature:refs/remotes/origin/feature"
    single.git(*command.split()[1:])
    assert cli("check", str(single.path), *args, "--base", "origin/feature").code == 0

    # a name the clone has as a remote-tracking branch; a name it does not have at all
    assert "did you mean --base origin/other?" in hint(full, "other")
    command = hint(single, "other")
    assert command == "git fetch origin other:other"
    single.git(*command.split()[1:])
    assert cli("check", str(single.path), *args, "--base", "other").code == 0


def test_shallow_clone_hint_is_the_fetch_that_works(tmp_path: Path, cli: Cli) -> None:
    origin = isms_repo(tmp_path / "origin", date="2026-05-20")
    origin.write("notes.md", "x\n")
    base = origin.commit("second", "2026-05-21")
    origin.write("risks/r9.yaml", UNTREATED)
    origin.commit("R-9", "2026-05-26")
    clone = _clone(origin, tmp_path / "clone", "--depth", "1")
    args = ["check", str(clone.path), "--today", "2026-06-01", "--base", "origin/main~1"]
    code, _, err = cli(*args)
    assert code == 2 and "shallow clone" in err
    assert "fetch-depth: 0" in err and "`git fetch --unshallow`" in err
    clone.git("fetch", "-q", "--unshallow")  # what the hint says
    code, out, _ = cli(*args)
    assert code == 1 and "RT-001 [R-9]" in out and "(new)" in out
    assert clone.git("rev-parse", "origin/main~1").strip() == base

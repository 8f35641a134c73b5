"""Findings carried from one point of posture over time to the next (checker/carry.py),
and entities' values remembered from one model to the next (model.Normalised): on a
real history that touches what rules read (an entity, its parent, links, evidence,
dates, `today`, isms.yaml, a rule file, a file broken and mended, a revert), every
point's model and findings are those of the same commit judged afresh."""

from __future__ import annotations

import datetime
import gc
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from checker import carry, timeline
from checker.cel import NativeEngine, engine
from checker.documents import Documents
from checker.findings import Result
from checker.history import History
from checker.loader import DisplayPaths
from checker.options import Options
from checker.rules import Rule
from checker.snapshot import Judgement
from tests.gitrepo import GitRepo

EXAMPLE = Path(__file__).resolve().parent.parent / "examples"


@pytest.mark.parametrize(
    ("check", "today", "isms"),
    [
        ("risk.assessed < today", True, frozenset()),
        ("risk.level > isms.appetite && has(isms.review.risk_days)", False, {"appetite", "review"}),
        ("size(isms.plans) > 0 && risk.plan_ids.all(p, p in isms.plans)", False, {"plans"}),
        ("isms['appetite'] > 1", False, None),  # `isms` otherwise than as isms.X: all of it
        ("dyn(isms).appetite > 1", False, None),
        ("[1].all(today, today > 0)", True, frozenset()),  # over-counted, never under
        ("[1].all(isms, isms > 0)", False, None),
    ],
)
def test_what_a_rule_reads(check: str, today: bool, isms: frozenset[str] | None) -> None:
    compiled = NativeEngine().compile(check)
    info: Any = None
    found = carry.reads(Rule(info, ("risk",), compiled))
    assert found == carry.Reads(today, None if isms is None else frozenset(isms))


def _edit(repo: GitRepo, rel: str, old: str, new: str) -> None:
    path = repo.path / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


WHOLE_ISMS_RULE = """\
rules:
  - id: ORG-900
    title: Every risk is read with the whole isms in view
    severity: warning
    resource: risk
    check: size(isms['risks']) <= 17
  - id: ORG-901
    title: A decision's review keeps its minutes
    severity: warning
    resource: decision
    check: "!review.missing_minutes"
"""


def _history(tmp_path: Path) -> Iterator[str]:
    """The example ISMS, then commits that each change something a rule reads; yields
    each commit's message once committed."""
    repo = GitRepo(tmp_path / "repo")

    def commit(message: str, date: str) -> str:
        repo.commit(message, date)
        return message

    shutil.copytree(EXAMPLE, repo.path, dirs_exist_ok=True)
    yield commit("the example", "2026-01-20")
    _edit(repo, "risks/ransomware.yaml", "assessed: 2026-09-10", "assessed: 2025-01-10")
    yield commit("a risk's assessment goes stale", "2026-02-11")
    _edit(repo, "risks/ransomware.yaml", "assessed: 2025-01-10", "assessed: 2026-09-10")
    yield commit("and back, the same day: the same content as before", "2026-02-11")
    malware = "justification: Malware and ransomware on laptops and servers; addresses R-001\n"
    _edit(
        repo,
        "controls/technological.yaml",
        malware + "  status: implemented",
        malware + "  status: planned",
    )
    yield commit("a control of a completed plan no longer implemented (SOA-005)", "2026-03-02")
    _edit(repo, "plans/RTP-2026-01.yaml", "status: completed", "status: in_progress")
    yield commit("the plan reopened: its actions unchanged, their plan not", "2026-03-02")
    done = "    status: done\n    done: 2026-04-22\n"
    _edit(repo, "plans/RTP-2026-01.yaml", done, "    status: open\n")
    yield commit("an action reopened (its plan changes with it)", "2026-03-02")
    _edit(
        repo,
        "controls/technological.yaml",
        "applicable: true\n  justification: Malware",
        "applicable: false\n  justification: Malware",
    )
    yield commit("a control its risk links is excluded: the risk's file untouched", "2026-03-02")
    (repo.path / "evidence" / "endpoint-management.md").unlink()
    yield commit("evidence deleted, the control's file untouched", "2026-04-15")
    _edit(repo, "isms.yaml", "appetite: 8 ", "appetite: 9 ")
    yield commit("a new appetite (a new policy)", "2026-05-04")
    repo.write("policies/whole.yaml", WHOLE_ISMS_RULE)
    yield commit("a rule that reads isms as a whole", "2026-05-04")
    leak = (repo.path / "risks" / "data-leakage.yaml").read_text(encoding="utf-8")
    repo.write("risks/another.yaml", leak.replace("id: R-008", "id: R-951"))
    yield commit("a risk added: the whole-isms rule fails on every other risk", "2026-05-04")
    repo.write("risks/broken.yaml", "id: R-950\ntitle: [unclosed\n")
    yield commit("a broken risk file", "2026-06-20")
    (repo.path / "evidence" / "management-review-2026.md").unlink()
    yield commit("a review's minutes deleted: its decisions' own items untouched", "2026-06-20")
    (repo.path / "evidence" / "internal-audit-2026-1.md").unlink()
    yield commit("an audit's report deleted, the audits' file untouched", "2026-06-20")
    _edit(repo, "audits/2026.yaml", "- id: IA-2026-2", "- id: IA-2026-9")
    yield commit("an audit's id changed: the nonconformity naming it untouched", "2026-06-20")
    _edit(repo, "controls/custom.yaml", "id: NW-1", "id: NW-9")
    yield commit("a control's id changed: the risk linking it untouched (ISMS-REF)", "2026-06-20")
    (repo.path / "risks" / "broken.yaml").unlink()
    (repo.path / "risks" / "third-parties.yaml").rename(repo.path / "risks" / "suppliers.yaml")
    yield commit("mended; a risk file renamed", "2026-07-09")
    _edit(repo, "plans/RTP-2026-02.yaml", "id: RTP-2026-02", "id: RTP-2026-92")
    yield commit("a plan's id changed: links from its risks break", "2026-08-30")
    repo.write("README.md", "moved on\n")
    yield commit("no entity changed, a month on", "2026-10-01")


def test_carried_findings_are_the_findings_of_each_commit_judged_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    messages = list(_history(tmp_path))
    root = tmp_path / "repo"
    history = History.open(root)
    assert history is not None
    made: list[carry.Carry] = []
    judged: list[tuple[datetime.date, list[Result], list[Result]]] = []
    real_carry, real_evaluate = carry.Carry, timeline.evaluate

    def counted() -> carry.Carry:
        made.append(real_carry())
        return made[-1]

    def compared(*args: Any, **kwargs: Any) -> Judgement:
        found = real_evaluate(*args, **kwargs)
        policy, snap, day, selected = args
        fresh = real_evaluate(policy, snap, day, selected, findings_only=True)
        judged.append((day, _sorted(found.results), _sorted(fresh.results)))
        for kind, entities in fresh.model.entities.items():  # the model, with remembered values
            assert [e.values for e in found.model.entities[kind]] == [e.values for e in entities]
        return found

    monkeypatch.setattr(timeline, "Carry", counted)
    monkeypatch.setattr(timeline, "evaluate", compared)
    found = timeline.timeline(
        history,
        DisplayPaths.for_root(root),
        datetime.date(2026, 10, 5),
        engine(),
        Documents(),
        by="commit",
        workers=1,
    )
    assert [p.evaluated for p in found.points] == [True] * len(messages)
    assert len(judged) == len(messages)
    for (day, carried, fresh), message in zip(judged, messages, strict=True):
        assert carried == fresh, f"{day}: {message}"
    assert any(fresh for _, _, fresh in judged)  # there are findings to carry
    (used,) = made
    assert used.reused > used.judged / 2  # many results were carried, not worked out again


def _sorted(results: list[Result]) -> list[Result]:
    return sorted(results, key=lambda r: (r.rule, r.kind, r.entity or "", r.message))


def test_an_absorbed_error_leaves_no_reference_cycle() -> None:
    """An error value absorbed by `||` is kept without its traceback and the KeyError
    it was raised from: their frames would hold the activation in a reference cycle."""
    program = NativeEngine().compile("{'a': 1}['b'] == 1 || entity.x")
    program.run({"entity": {"x": True}})  # compiled on first use: not garbage
    gc.collect()
    gc.disable()
    try:
        assert program.run({"entity": {"x": True}}) is True
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_a_check_leaves_no_reference_cycles() -> None:
    """So a check (and each point of posture over time, which gc.freeze relies on)
    leaves no garbage that only the cyclic collector could free: everything goes when
    its last reference does."""
    from checker import engine as checks

    options = Options(path=EXAMPLE, today=datetime.date(2027, 6, 1))
    checks.run(options)  # imports, compiled rules: kept, not garbage
    gc.collect()
    gc.disable()
    try:
        report = checks.run(options)
        assert report.results
        del report
        assert gc.collect() == 0
    finally:
        gc.enable()

"""What posture over time asks of a snapshot's judgement: the findings alone, documents
known by their git blob id, and normalised values remembered across models. Each must
give exactly what a full check gives (real fixture cases, real files)."""

from __future__ import annotations

import copy
import datetime
from pathlib import Path
from typing import Any

import pytest

from checker.cel import engine
from checker.documents import Documents
from checker.findings import Outcome, Result
from checker.loader import DisplayPaths
from checker.model import Model, Normalised
from checker.policy import load_policy
from checker.snapshot import Snapshot, evaluate
from checker.tree import DiskTree
from tests.caselib import all_cases

CASES = [c for c in all_cases() if not c.name.startswith("fatal-")]  # judged ones


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_findings_only_gives_the_findings_of_a_full_judgement(case: Any, tmp_path: Path) -> None:
    root = case.build(tmp_path / "isms")
    display = DisplayPaths.for_root(root)
    tree = DiskTree(root)
    policy = load_policy(tree, display, cel=engine())
    selected = {i.id for i in policy.infos}
    snap = Snapshot(tree, display, None)
    full = evaluate(policy, snap, case.today, selected)
    only = evaluate(policy, snap, case.today, selected, findings_only=True)

    # the same findings in the same order (what is counted: rule, entity, outcome; the
    # message and place of a finding are not worked out, so they are left out)
    def counted(results: list[Result]) -> list[tuple[str, str, str | None, Outcome, str]]:
        return [(r.rule, r.kind, r.entity, r.outcome, r.severity.value) for r in results]

    assert counted(only.results) == counted([r for r in full.results if r.is_finding])
    assert all(r.outcome is not Outcome.PASS for r in only.results)
    assert only.notices == full.notices


def _values(model: Model) -> dict[int, Any]:
    """Every entity's values (a child's are the item in its parent's list), by id()."""
    return {id(e.values): e.values for entities in model.entities.values() for e in entities}


def test_remembered_values_are_shared_only_where_nothing_changed(tmp_path: Path) -> None:
    """Models built from the same documents with one Normalised (as posture over time
    builds one per commit) equal models built without it, under other dates and another
    day. An entity built from the same source and inputs as in the earlier model gets
    that model's values; one whose input changed (its file's last change) gets its own;
    and building the later model writes nothing into the earlier one's values."""
    case = next(c for c in CASES if c.name.startswith("rtp-"))
    root = case.build(tmp_path / "isms")
    display = DisplayPaths.for_root(root)
    tree = DiskTree(root)
    policy = load_policy(tree, display, cel=engine())
    selected = {i.id for i in policy.infos}
    documents, normalised = Documents(), Normalised()
    judged, as_built = [], []
    for day, dates in (
        (datetime.date(2026, 6, 1), None),
        (datetime.date(2027, 3, 1), {"risks/r1.yaml": datetime.date(2026, 1, 2)}),
    ):
        snap = Snapshot(tree, display, dates)
        fresh = evaluate(policy, snap, day, selected)
        shared = evaluate(policy, snap, day, selected, documents=documents, normalised=normalised)
        assert shared.results == fresh.results
        for kind, entities in fresh.model.entities.items():
            assert [e.values for e in shared.model.entities[kind]] == [e.values for e in entities]
        judged.append(shared.model)
        as_built.append(copy.deepcopy(_values(shared.model)))
    first, second = (_values(m) for m in judged)
    assert first == as_built[0]  # as it was built: the second build wrote nothing into it
    assert set(first) & set(second)  # unchanged entities are shared
    risks = [e for e in judged[0].unique("risk") if e.source.file.endswith("r1.yaml")]
    later = [e for e in judged[1].unique("risk") if e.source.file.endswith("r1.yaml")]
    assert risks and later and risks[0].values["committed"] is None
    assert later[0].values["committed"] == datetime.date(2026, 1, 2)
    assert later[0].values is not risks[0].values


class _CountingTree(DiskTree):
    reads = 0

    def read_bytes(self, rel: str, limit: int | None = None) -> bytes:
        self.reads += 1
        return super().read_bytes(rel, limit)


def test_documents_known_by_content_id_are_read_once(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text("id: R-1\ntitle: One\n", encoding="utf-8")
    tree = _CountingTree(tmp_path)
    documents = Documents()
    first = documents.load("risk", tree, "r.yaml", "r.yaml", content_id="blob-1")
    again = documents.load("risk", tree, "r.yaml", "r.yaml", content_id="blob-1")
    assert again is first and tree.reads == 1  # neither read nor hashed again
    other = documents.load("risk", tree, "r.yaml", "other.yaml", content_id="blob-1")
    assert other is not first and other.parsed.file == "other.yaml"  # its own name
    plain = documents.load("risk", tree, "r.yaml", "r.yaml")
    assert plain == first and tree.reads == 3  # without an id: read and hashed

"""The report's management-system records (docs/format.md section 10): the bundled
example's own files, and a model given records by hand for the coverage cases the
example does not have (a clause not covered, a planned audit, open decisions)."""

from __future__ import annotations

import dataclasses
import datetime
import shutil
from pathlib import Path
from typing import Any

import yaml

from checker import engine
from checker.model import Entity, Model
from checker.options import Options
from checker.report import data, html, markdown
from tests.caselib import BASE
from tests.conftest import Cli

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

TODAY = datetime.date(2026, 11, 1)
D = datetime.date


def _with_records(model: Model) -> Model:
    source = model.unique("risk")[0].source

    def entity(kind: str, values: dict[str, Any]) -> Entity:
        return Entity(kind, values["id"], source, values)

    records = {
        "objective": (
            entity("objective", {
                "id": "OBJ-1", "title": "Restore within 4 hours", "owner": "CTO",
                "measure": "Median restore time", "target": "<= 4 hours", "due": D(2026, 12, 31),
                "status": "active", "results": [
                    {"date": D(2026, 3, 31), "value": "6 hours"},
                    {"date": D(2026, 6, 30), "value": "5.5 hours"},
                ],
            }),
        ),
        "audit": (
            entity("audit", {
                "id": "IA-1", "title": "Audit part 1", "auditor": "J. Doe", "status": "done",
                "scope": {"clauses": ["4", "5", "6"], "controls": ["C.1"]},
                "planned": D(2026, 5, 1), "performed": D(2026, 5, 12),
                "report": "docs/c1.md", "nonconformities": ["NC-1"],
            }),
            entity("audit", {
                "id": "IA-2", "title": "Audit part 2", "auditor": "J. Doe", "status": "planned",
                "scope": {"clauses": ["9", "10"]}, "planned": D(2026, 12, 1),
            }),
        ),
        "review": (
            entity("review", {
                "id": "MR-1", "date": D(2026, 9, 15), "chair": "CEO", "attendees": ["CEO"],
                "inputs": {"previous_actions": "none", "issues_changes": "new office"},
                "decisions": [{"id": "D1", "status": "done"}, {"id": "D2", "status": "open"}],
                "minutes": "docs/c1.md",
            }),
        ),
        "nonconformity": (
            entity("nonconformity", {
                "id": "NC-1", "title": "Access reviews skipped", "source": "IA-1",
                "raised": D(2026, 5, 12), "requirement": "C.2", "severity": "minor",
                "status": "open", "root_cause": None,
                "actions": [{"id": "CA1", "status": "done"}, {"id": "CA2", "status": "open"}],
                "effectiveness": None,
            }),
        ),
    }  # fmt: skip
    return dataclasses.replace(model, judged={**model.judged, **records})


def test_records_are_reported(tmp_path: Path) -> None:
    shutil.copytree(BASE, tmp_path / "isms")
    report, model = engine.judge(Options(path=tmp_path / "isms", today=TODAY))
    built = data.build(report, _with_records(model), None)
    r = built.records
    assert r.present
    assert dict(r.objectives[0].fields)["Latest result"] == "5.5 hours on 2026-06-30"
    clauses = {c.subject: c for c in r.clauses}
    assert clauses["Clause 4"].done == "IA-1 (2026-05-12)" and clauses["Clause 7"].done == ""
    assert clauses["Clause 9"].planned == "IA-2 (2026-12-01)"
    controls = {c.subject: c for c in r.controls}
    assert controls["C.1"].last == "2026-05-12" and controls["C.2"].done == ""
    assert "C.3" not in controls  # not applicable: not in the programme
    assert dict(r.reviews[0].fields)["Decisions"] == "2 (1 done or cancelled)"
    assert dict(r.nonconformities[0].fields)["Actions"] == "1 of 2 done or cancelled"

    page = html.render(built)
    assert "Audit programme coverage by clause" in page and "IA-1 (2026-05-12)" in page
    text = markdown.render(built)
    assert "### Objectives (6.2) and their results (9.1)" in text
    assert "| Clause 7 | _not covered_ |" in text


def test_the_example_isms_records_are_reported(tmp_path: Path, cli: Cli) -> None:
    """The bundled example's own records, read from its files."""
    out = tmp_path / "out"
    run = cli("report", str(EXAMPLES), "--out", str(out), "--today", "2026-12-02", "--format", "md")
    assert run.code == 0, run.err
    report = (out / "report.md").read_text(encoding="utf-8")
    records = report.split("## Management-system records", 1)[1].split("\n## ", 1)[0]
    for folder in ("objectives", "audits", "reviews", "nonconformities"):
        for path in sorted((EXAMPLES / folder).glob("*.yaml")):
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
            for record in loaded if isinstance(loaded, list) else [loaded]:
                assert f"| {record['id']} |" in records, (folder, record["id"])
    assert "#### Audit programme coverage by clause" in records
    for clause in range(4, 11):
        assert f"| Clause {clause} |" in records


def test_without_records_the_report_says_so(tmp_path: Path) -> None:
    shutil.copytree(BASE, tmp_path / "isms", ignore=shutil.ignore_patterns("objectives"))
    report, model = engine.judge(Options(path=tmp_path / "isms", today=TODAY))
    built = data.build(report, model, None)
    assert not built.records.present
    assert "No objectives, audits, management reviews or nonconformities" in markdown.render(built)

"""The report's tables for spreadsheets: the risk register, the SoA, the plans, their
actions and the findings, as CSV files (one per table) and one XLSX workbook (one sheet
per table).

A cell that a spreadsheet would run as a formula (text starting with = + - @, a tab or
a carriage return) gets a leading apostrophe in CSV, the convention spreadsheets show
as text; in XLSX every ISMS text is stored as a string cell, never a formula, and
characters XML cannot hold become visible escapes. The workbook's dates (document
properties and every zip entry) are the report's `today`, so that the same repository
and `--today` give the same bytes. openpyxl is imported only when XLSX is written.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from checker.report import data as d
from checker.reporters.safe import unicode_safe, visible

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    name: str  # file stem and sheet title
    headers: tuple[str, ...]
    rows: tuple[tuple[str | int, ...], ...]


def tables(r: d.ReportData) -> tuple[Table, ...]:
    def level(x: d.Level) -> tuple[str | int, ...]:
        return (x.likelihood, x.impact, x.level if x.level is not None else "", x.band)

    risks = Table(
        "risks",
        (
            "id",
            "title",
            "owner",
            "status",
            "treatment",
            "inherent likelihood",
            "inherent impact",
            "inherent level",
            "inherent band",
            "current likelihood",
            "current impact",
            "current level",
            "current band",
            "above appetite",
            "controls",
            "plans",
            "assessed",
            "next review",
            "acceptance",
            "file",
        ),
        tuple(
            (
                x.id,
                x.title,
                x.owner,
                x.status,
                x.treatment,
                *level(x.inherent),
                *level(x.current),
                "yes" if x.above_appetite else "no",
                x.controls,
                x.plans,
                x.assessed,
                x.next_review,
                x.acceptance,
                x.file,
            )
            for x in r.risks
        ),
    )
    soa = Table(
        "soa",
        (
            "control",
            "title",
            "theme",
            "applicable",
            "justification",
            "status",
            "owner",
            "evidence",
            "last review",
            "last audit",
            "measurement",
            "in catalog",
            "soa version",
            "soa approved",
        ),
        tuple(
            (
                x.id,
                x.title,
                x.theme,
                x.applicable,
                x.justification,
                x.status,
                x.owner,
                "; ".join(x.evidence),
                x.reviewed,
                x.audited,
                x.measurement,
                "yes" if x.in_catalog else "no",
                r.soa.version,
                r.soa.approved,
            )
            for x in r.soa.rows
        ),
    )
    plans = Table(
        "plans",
        (
            "id",
            "title",
            "owner",
            "status",
            "approval",
            "created",
            "due",
            "completed",
            "resources",
            "risks",
            "actions done",
            "actions counted",
            "overdue",
        ),
        tuple(
            (
                p.id,
                p.title,
                p.owner,
                p.status,
                p.approval,
                p.created,
                p.due,
                p.completed,
                p.resources,
                ", ".join(x.id for x in p.risks),
                p.done,
                p.counted,
                "yes" if p.overdue else "no",
            )
            for p in r.plans
        ),
    )
    actions = Table(
        "actions",
        ("plan", "action", "title", "owner", "due", "status", "done", "controls", "overdue"),
        tuple(
            (
                a.plan,
                a.id,
                a.title,
                a.owner,
                a.due,
                a.status,
                a.done,
                a.controls,
                "yes" if a.overdue else "no",
            )
            for p in r.plans
            for a in p.actions
        ),
    )
    findings = Table(
        "findings",
        ("rule", "severity", "title", "entity", "kind", "where", "message", "status", "waiver"),
        tuple(
            (g.rule, g.severity, g.title, f.entity, f.kind, f.place, f.message, f.status, f.waiver)
            for g in r.findings
            for f in g.findings
        ),
    )
    return (risks, soa, plans, actions, findings)


def _clean(value: str | int) -> str | int:
    if isinstance(value, int):
        return value
    return unicode_safe(visible(value, keep="\t\n\r"))


def csv_cell(value: str | int) -> str:
    text = str(_clean(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue()


def to_xlsx(all_tables: Sequence[Table], today: datetime.date, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    stamp = datetime.datetime(today.year, today.month, today.day)
    workbook = Workbook()
    workbook.remove(workbook.active)
    props = workbook.properties
    props.created = props.modified = stamp
    props.creator = props.lastModifiedBy = "isms-check"
    props.title = ILLEGAL_CHARACTERS_RE.sub("\ufffd", unicode_safe(title))
    for table in all_tables:
        sheet = workbook.create_sheet(table.name)
        sheet.append(list(table.headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for i, row in enumerate(table.rows, start=2):
            for j, value in enumerate(row, start=1):
                if value == "":
                    continue  # an empty cell, not an empty string
                cell = sheet.cell(row=i, column=j)
                if isinstance(value, int):
                    cell.value = value
                else:
                    text = ILLEGAL_CHARACTERS_RE.sub(
                        lambda m: visible(m.group(0)), str(_clean(value))
                    )
                    cell.value = text
                    cell.data_type = "s"  # a string, even when it starts with "="
        sheet.freeze_panes = "A2"
    raw = io.BytesIO()
    # ExcelWriter rather than Workbook.save, which dates the document `now`
    ExcelWriter(workbook, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    return _fixed_dates(raw.getvalue(), stamp)


def _fixed_dates(archive: bytes, stamp: datetime.datetime) -> bytes:
    """The zip with every entry dated `stamp` (openpyxl dates them now), in its order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()

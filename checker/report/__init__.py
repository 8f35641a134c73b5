"""`isms-check report`: documents for auditors and management (docs/format.md, `report`).

Data flows one way: the check's Report and the Model it judged, plus the timeline of
past commits (timeline.py) → `data.build` (plain frozen records) → one renderer per
format (html.py, markdown.py, tables.py) → files in the output folder, each written
atomically with the user's umask.

Files: index.html, report.md, risks.csv, soa.csv, plans.csv, actions.csv, findings.csv,
report.xlsx (per `--format`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from checker.outputs import write_atomic
from checker.report.data import ReportData

FORMATS = ("html", "md", "csv", "xlsx")


def render(data: ReportData, formats: Sequence[str]) -> dict[str, str | bytes]:
    """File name → content, for the formats asked for."""
    files: dict[str, str | bytes] = {}
    if "html" in formats:
        from checker.report import html

        files["index.html"] = html.render(data)
    if "md" in formats:
        from checker.report import markdown

        files["report.md"] = markdown.render(data)
    if "csv" in formats or "xlsx" in formats:
        from checker.report import tables

        all_tables = tables.tables(data)
        if "csv" in formats:
            for table in all_tables:
                files[f"{table.name}.csv"] = tables.to_csv(table)
        if "xlsx" in formats:
            import datetime

            title = f"ISMS report {data.organization}".strip()
            today = datetime.date.fromisoformat(data.today)
            files["report.xlsx"] = tables.to_xlsx(all_tables, today, title)
    return files


def write(data: ReportData, out: Path, formats: Sequence[str]) -> list[Path]:
    written = []
    for name, content in render(data, formats).items():
        path = out / name
        write_atomic(path, content)
        written.append(path)
    return written

"""Spreadsheets in and out: CSV and XLSX as a heading row plus data rows.

openpyxl is imported here, inside the functions that need it, so that `isms-check
check` never pays for it (only `import` and `export` read or write XLSX).

Formula injection (docs/format.md, "Spreadsheets"): a text cell that starts with `=`,
`+`, `-`, `@`, a tab or a carriage return is a formula to Excel, LibreOffice and Google
Sheets. Export writes such a text with a leading `'` (the spreadsheet convention for
"this is text"), and also adds one to a text that already starts with `'` followed by
one of those characters or another `'`, so that the escape is exactly reversible:
import takes one leading `'` off a cell when the next character is one of them.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.errors import UsageError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADING_ROWS = 10  # a title and notes above the headings: at most this many rows
Cell = str | int | float | bool | datetime.date | None
Pick = Callable[[tuple[str, ...]], int]  # a candidate heading row -> how many fields it names
MAX_CELL_CHARS = 32_767  # Excel's limit for one cell
# the workbook's created/modified properties: fixed, so that output is deterministic
FIXED_STAMP = datetime.datetime(2000, 1, 1)


@dataclass(frozen=True)
class Table:
    """A sheet: its headings and its data rows, each with its row number as the
    spreadsheet shows it (the heading row is row 1)."""

    headings: tuple[str, ...]
    rows: tuple[tuple[int, tuple[Cell, ...]], ...]


def neutralise(text: str) -> str:
    """A text cell that no spreadsheet runs as a formula (reversed by `restore`)."""
    if text.startswith(FORMULA_STARTS) or (
        text.startswith("'") and text[1:2] != "" and text[1:2] in (*FORMULA_STARTS, "'")
    ):
        return "'" + text
    return text


def restore(text: str) -> str:
    """Undoes `neutralise`."""
    if text.startswith("'") and text[1:2] != "" and text[1:2] in (*FORMULA_STARTS, "'"):
        return text[1:]
    return text


def kind_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".xlsx"):
        return suffix[1:]
    raise UsageError(f"{path}: a .csv or .xlsx file is needed (got '{path.suffix or path.name}')")


def read(path: Path, sheet: str | None = None, pick: Pick | None = None) -> Table:
    """The table in a .csv or .xlsx file; UsageError (exit 2) if it cannot be read.
    The heading row is the first non-empty row, or with `pick` (how many fields a row
    of headings names) the best of the first HEADING_ROWS non-empty rows."""
    fmt = kind_of(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    if fmt == "csv":
        if sheet is not None:
            raise UsageError("--sheet applies to .xlsx files only")
        return _table(path, _read_csv(path), pick)
    return _table(path, _read_xlsx(path, sheet), pick)


def _headings(row: Sequence[Cell]) -> tuple[str, ...]:
    return tuple("" if h is None else str(h).strip() for h in row)


def _table(path: Path, rows: list[tuple[int, list[Cell]]], pick: Pick | None) -> Table:
    rows = [(n, r) for n, r in rows if any(c not in (None, "") for c in r)]
    if not rows:
        raise UsageError(f"{path}: the sheet is empty: it needs a heading row and data rows")
    start = 0
    if pick is not None:  # a title or notes above the headings: the row naming most fields
        scores = [pick(_headings(r)) for _, r in rows[:HEADING_ROWS]]
        start = scores.index(max(scores))
    (_, head), data = rows[start], rows[start + 1 :]
    headings = _headings(head)
    while headings and headings[-1] == "":
        headings = headings[:-1]
    width = len(headings)
    out: list[tuple[int, tuple[Cell, ...]]] = []
    for number, row in data:
        cells = tuple(row[:width]) + (None,) * (width - len(row))
        if any(c not in (None, "") for c in row[width:]):
            raise UsageError(f"{path}: row {number} has values beyond the last heading")
        out.append((number, cells))
    return Table(headings, tuple(out))


def _read_csv(path: Path) -> list[tuple[int, list[Cell]]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        return [(i + 1, list[Cell](row)) for i, row in enumerate(reader)]
    except csv.Error as e:
        raise UsageError(f"{path}: not a readable CSV file: {e}") from e


def _read_xlsx(path: Path, sheet: str | None) -> list[tuple[int, list[Cell]]]:
    import zipfile

    try:
        import openpyxl
    except ImportError as e:  # pragma: no cover - a dependency of the package
        raise UsageError("reading .xlsx needs openpyxl: pip install openpyxl") from e
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise UsageError(f"{path}: not a readable .xlsx workbook: {e}") from e
    try:
        if sheet is None:
            ws = book.worksheets[0]
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise UsageError(f"{path}: no sheet '{sheet}' (sheets: {', '.join(book.sheetnames)})")
        rows: list[tuple[int, list[Cell]]] = []
        for i, values in enumerate(ws.iter_rows(values_only=True)):
            rows.append((i + 1, [_xlsx_value(v) for v in values]))
    finally:
        book.close()
    return rows


def _xlsx_value(value: Any) -> Cell:
    if isinstance(value, datetime.datetime):
        return value.date()  # a date cell: Excel has no separate date type
    if isinstance(value, (str, int, float, bool, datetime.date)) or value is None:
        return value
    return str(value)


def write(path: Path, headings: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    """Writes a .csv or .xlsx file (by its suffix) atomically."""
    from checker.outputs import write_atomic

    fmt = kind_of(path)
    if fmt == "csv":
        write_atomic(path, csv_text(headings, rows))
    else:
        write_atomic(path, xlsx_bytes(headings, rows))


def _text_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def csv_text(headings: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headings])
    for row in rows:
        writer.writerow([_text_cell(c) for c in row])
    return out.getvalue()


def for_terminal(text: str) -> str:
    """CSV text as shown on a terminal: control characters made visible (a cell is
    hostile text), line ends as the terminal's. Only for a terminal: a file or a pipe
    gets the CSV as it is."""
    from checker.reporters.safe import console

    return console(text.replace("\r\n", "\n"))


def xlsx_bytes(headings: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    """A workbook of one sheet: bold headings, the heading row frozen, an autofilter,
    column widths from the content; dates as date cells, numbers as numbers."""
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "isms-check"
    ws.append([neutralise(h) for h in headings])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [len(h) for h in headings]
    for n, row in enumerate(rows, start=2):
        values: list[Any] = []
        for i, value in enumerate(row):
            if isinstance(value, str):
                if ILLEGAL_CHARACTERS_RE.search(value) or len(value) > MAX_CELL_CHARS:
                    raise UsageError(
                        f"row {n}, column '{headings[i]}': the text has control characters "
                        f"or more than {MAX_CELL_CHARS} characters, which XLSX cannot hold: "
                        "export with --format csv"
                    )
                value = neutralise(value)
            values.append(value)
            shown = value.isoformat() if isinstance(value, datetime.date) else str(value or "")
            widths[i] = max(widths[i], min(len(shown), 60))
        ws.append(values)
        for i, value in enumerate(values):
            cell = ws.cell(row=n, column=i + 1)
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula
            elif isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width + 2
    ws.freeze_panes = "A2"
    if headings:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headings))}{max(1, len(rows) + 1)}"
    book.properties.creator = "isms-check"
    book.properties.created = FIXED_STAMP
    out = io.BytesIO()
    book.save(out)
    return _deterministic_zip(out.getvalue())


def _deterministic_zip(data: bytes) -> bytes:
    """The workbook's zip with fixed member timestamps and a fixed `modified` property,
    so that the same records give the same bytes (openpyxl stamps both with the time
    of writing)."""
    import zipfile

    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl sets `modified` as it saves
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>2000-01-01T00:00:00Z\g<2>",
                    content,
                )
            target.writestr(fixed, content)
    return out.getvalue()

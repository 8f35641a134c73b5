"""tabular: CSV and XLSX in and out, the formula-injection escape reversible, XLSX files
read back with openpyxl as a spreadsheet user would see them."""

from __future__ import annotations

import datetime
import time
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from checker import tabular
from checker.errors import UsageError


@given(st.text(max_size=12))
def test_neutralise_is_reversible_and_safe(text: str) -> None:
    escaped = tabular.neutralise(text)
    assert tabular.restore(escaped) == text
    assert not escaped.startswith(tabular.FORMULA_STARTS)


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2", "@x", "\tx", "\rx", "'=x", "''"])
def test_formula_like_cells_get_a_quote(text: str) -> None:
    assert tabular.neutralise(text) == "'" + text


def test_csv_with_semicolons_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes("\ufeffRisk ID;Owner\r\nR-1;CIO\r\n;\r\nR-2;CTO\r\n".encode())
    table = tabular.read(path)
    assert table.headings == ("Risk ID", "Owner")
    assert table.rows == ((2, ("R-1", "CIO")), (4, ("R-2", "CTO")))


def test_xlsx_round_trip_headings_frozen_widths_and_text(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    rows: list[list[tabular.Cell]] = [
        ['=HYPERLINK("http://x")', 4, datetime.date(2026, 3, 1), None, True]
    ]
    tabular.write(path, ["Title", "Likelihood", "Assessed", "Empty", "Flag"], rows)
    book = openpyxl.load_workbook(path)
    ws = book.active
    assert ws is not None
    assert [c.value for c in ws[1]] == ["Title", "Likelihood", "Assessed", "Empty", "Flag"]
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width > len("=HYPERLINK")
    title = ws["A2"]
    assert title.data_type == "s" and title.value == '\'=HYPERLINK("http://x")'
    assert ws["B2"].value == 4
    assert ws["C2"].value == datetime.datetime(2026, 3, 1)
    table = tabular.read(path)
    assert table.rows[0][1][:3] == ('\'=HYPERLINK("http://x")', 4, datetime.date(2026, 3, 1))


def test_unusable_input_is_exit_2(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        tabular.read(tmp_path / "missing.csv")
    with pytest.raises(UsageError, match=r"\.csv or \.xlsx"):
        tabular.read(tmp_path / "register.ods")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(UsageError, match=r"not a readable \.xlsx"):
        tabular.read(broken)
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(UsageError, match="empty"):
        tabular.read(empty)


def test_xlsx_sheet_by_name(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.append(["Other"])
    second = book.create_sheet("Risks")
    second.append(["Risk ID"])
    second.append(["R-1"])
    book.save(path)
    assert tabular.read(path, "Risks").rows == ((2, ("R-1",)),)
    with pytest.raises(UsageError, match=r"no sheet 'Nope'.*Sheet, Risks"):
        tabular.read(path, "Nope")


def test_xlsx_bytes_are_deterministic() -> None:
    rows: list[list[tabular.Cell]] = [["R-1", 4, datetime.date(2026, 3, 1)]]
    first = tabular.xlsx_bytes(["Risk ID", "Likelihood", "Assessed"], rows)
    time.sleep(2.1)  # zip timestamps have a resolution of two seconds: cross a boundary
    assert tabular.xlsx_bytes(["Risk ID", "Likelihood", "Assessed"], rows) == first


def test_csv_for_a_terminal_shows_control_characters() -> None:
    text = tabular.csv_text(["Title"], [["evil\x1b[2Jtitle"], ["::error::x"]])
    assert "\x1b" in text  # a file gets the data as it is
    shown = tabular.for_terminal(text)
    assert "\x1b" not in shown and "\r" not in shown
    assert "\n::" not in shown

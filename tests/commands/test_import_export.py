"""`isms-check import` and `export`: spreadsheets in the shapes teams keep them, every
row validated, nothing written on errors, and export then import giving the same
entities (over the example ISMS)."""

from __future__ import annotations

import csv
import datetime
import io
import shutil
from pathlib import Path

import openpyxl
import pytest

from checker.exporter import EXPORTABLE, kind_named, read_records
from checker.loader import parse_yaml
from tests.conftest import Cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def new_isms(path: Path) -> Path:
    """An empty ISMS with the example's methodology."""
    path.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXAMPLES / "isms.yaml", path / "isms.yaml")
    return path


def entities(path: Path, kind: str) -> dict[str, object]:
    _, records = read_records(path, kind_named(kind))
    return {str(r["id"]): r for r in records}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", ["risks", "controls", "plans"])
def test_export_then_import_gives_the_same_entities(
    cli: Cli, tmp_path: Path, kind: str, fmt: str
) -> None:
    sheet = tmp_path / f"{kind}.{fmt}"
    assert cli("export", kind, str(EXAMPLES), "-o", str(sheet)).code == 0
    target = new_isms(tmp_path / "isms")
    run = cli("import", kind, str(sheet), "--out", str(target))
    assert run.code == 0, run.err
    assert entities(target, kind) == entities(EXAMPLES, kind)


def test_the_imported_example_checks_like_the_example(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "isms"
    imported = ("risks", "controls", "plans")
    shutil.copytree(
        EXAMPLES, target, ignore=lambda d, names: imported if d == str(EXAMPLES) else []
    )
    for kind in imported:
        sheet = tmp_path / f"{kind}.xlsx"
        assert cli("export", kind, str(EXAMPLES), "-o", str(sheet)).code == 0
        assert cli("import", kind, str(sheet), "--out", str(target)).code == 0
    want = cli("check", str(EXAMPLES), "--today", "2026-11-27", "--format", "json")
    got = cli("check", str(target), "--today", "2026-11-27", "--format", "json")
    assert got.code == want.code == 0
    assert got.out.count('"rule"') == want.out.count('"rule"')


def test_exported_xlsx_has_headings_frozen_row_and_widths(cli: Cli, tmp_path: Path) -> None:
    sheet = tmp_path / "risks.xlsx"
    run = cli("export", "risks", str(EXAMPLES), "-o", str(sheet))
    assert run.code == 0
    assert "wrote 17 risks" in run.err
    ws = openpyxl.load_workbook(sheet).active
    assert ws is not None
    headings = [c.value for c in ws[1]]
    assert headings[:4] == ["Risk ID", "Title", "Description", "Owner"]
    assert "Inherent likelihood" in headings and "Assessed" in headings
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width >= 30
    assessed = ws.cell(row=2, column=headings.index("Assessed") + 1).value
    assert isinstance(assessed, datetime.datetime)


def test_export_csv_to_stdout_and_actions(cli: Cli) -> None:
    run = cli("export", "actions", str(EXAMPLES))
    assert run.code == 0
    lines = run.out.splitlines()
    assert lines[0] == (
        "Plan ID,Action ID,Action title,Action owner,Action due,Action status,Action done,"
        "Action controls"
    )
    assert lines[1].startswith("RTP-2026-01,A1,")
    assert cli("export", "risks", str(EXAMPLES), "--format", "xlsx").code == 2


RISKS_CSV = """\
Risk ID,Risk,Risk Owner,Likelihood,Impact,Treatment Option,Controls,Last Review Date,Notes
R-1,Phishing leads to account takeover,CISO,Likely,4,Treat,A.5.15; A.8.5,01/05/2026,x
R-2,"Laptop stolen, disk unencrypted",IT,2,3 - Moderate,Tolerate,,15/04/2026,
"""


def test_synonyms_labels_and_date_format(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "risks.csv").write_text(RISKS_CSV, encoding="utf-8")
    target = new_isms(tmp_path / "isms")
    run = cli(
        "import",
        "risks",
        str(tmp_path / "risks.csv"),
        "--out",
        str(target),
        "--date-format",
        "%d/%m/%Y",
    )
    assert run.code == 0, run.err
    assert 'column "Notes" is not a field: ignored' in run.err
    assert (
        run.out
        == "wrote risks/R-1.yaml (R-1)\nwrote risks/R-2.yaml (R-2)\n2 risks from risks.csv\n"
    )
    text = (target / "risks" / "R-1.yaml").read_text(encoding="utf-8")
    assert text == (
        "# Imported from risks.csv by isms-check import\n"
        "id: R-1\n"
        "title: Phishing leads to account takeover\n"
        "owner: CISO\n"
        "inherent: {likelihood: 4, impact: 4}\n"
        "treatment: mitigate\n"
        "controls: [A.5.15, A.8.5]\n"
        "assessed: 2026-05-01\n"
    )
    r2 = parse_yaml((target / "risks" / "R-2.yaml").read_text(encoding="utf-8")).data
    assert r2["inherent"] == {"likelihood": 2, "impact": 3}
    assert r2["treatment"] == "accept"
    assert r2["title"] == "Laptop stolen, disk unencrypted"


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def test_soa_spreadsheet_yes_no_in_place_and_excel_serial_dates(cli: Cli, tmp_path: Path) -> None:
    sheet = _xlsx(
        tmp_path / "soa.xlsx",
        [
            [
                "Control",
                "Applicable?",
                "Justification for inclusion/exclusion",
                "Implementation Status",
                "Control Owner",
                "Last Review Date",
            ],
            ["A.5.1", "Yes", "Management direction", "In place", "CISO", 46143],
            ["A.7.4", "No", "No premises of our own", None, None, None],
            [
                "A.8.7",
                "yes",
                "Addresses R-1",
                "Partially implemented",
                "IT",
                datetime.datetime(2026, 5, 2),
            ],
        ],
    )
    target = new_isms(tmp_path / "isms")
    run = cli("import", "controls", str(sheet), "--out", str(target))
    assert run.code == 0, run.err
    assert run.out.splitlines() == [
        "wrote controls/organizational.yaml (A.5.1)",
        "wrote controls/physical.yaml (A.7.4)",
        "wrote controls/technological.yaml (A.8.7)",
        "3 controls from soa.xlsx",
    ]
    soa = {c["id"]: c for c in entities(target, "controls").values()}  # type: ignore[index]
    assert soa["A.5.1"] == {
        "id": "A.5.1",
        "applicable": True,
        "justification": "Management direction",
        "status": "implemented",
        "owner": "CISO",
        "reviewed": "2026-05-01",
    }
    assert soa["A.7.4"]["applicable"] is False  # type: ignore[index]
    assert soa["A.8.7"]["status"] == "partial"  # type: ignore[index]


def test_invalid_rows_name_row_and_column_and_nothing_is_written(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "risks.csv").write_text(
        "Risk ID,Title,Owner,Likelihood,Impact,Treatment,Assessed\n"
        "R-1,Fine,CIO,2,2,mitigate,2026-05-01\n"
        "R-2,Bad likelihood,CIO,very high,2,mitigate,2026-05-01\n"
        "R-3,No owner,,2,2,mitigate,2026-05-01\n"
        "R-4,Off the scale,CIO,7,2,maybe,soon\n"
        "R-5,Fine too,CIO,2,2,mitigate,2026-05-01\n"
        "R-5,Twice,CIO,2,2,mitigate,2026-05-01\n",
        encoding="utf-8",
    )
    target = new_isms(tmp_path / "isms")
    run = cli("import", "risks", str(tmp_path / "risks.csv"), "--out", str(target))
    assert run.code == 1
    errors = [line for line in run.err.splitlines() if "error:" in line]
    assert errors[0].startswith(
        'isms-check: error: risks.csv row 3, column "Likelihood": '
        "'very high' is not a whole number"
    )
    assert any('row 4, column "Owner"' in e for e in errors)
    assert any("row 5, column \"Assessed\": 'soon' is not a date" in e for e in errors)
    assert any(
        'row 7, column "Risk ID": R-5 is also on row 6: neither is imported' in e for e in errors
    )
    assert "nothing written" in run.err
    assert not (target / "risks").exists()

    run = cli(
        "import", "risks", str(tmp_path / "risks.csv"), "--out", str(target), "--skip-invalid"
    )
    assert run.code == 0
    assert sorted(p.name for p in (target / "risks").iterdir()) == ["R-1.yaml"]
    assert run.out.endswith("1 risk from risks.csv; skipped the records of rows 3, 4, 5, 7\n")


def test_off_scale_and_enum_errors_come_from_the_checker(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text(
        "id,title,owner,inherent.likelihood,inherent.impact,treatment,assessed\n"
        "R-1,T,CIO,7,2,maybe,2026-05-01\n",
        encoding="utf-8",
    )
    target = new_isms(tmp_path / "isms")
    run = cli("import", "risks", str(tmp_path / "r.csv"), "--out", str(target))
    assert run.code == 1
    assert 'row 2, column "inherent.likelihood": 7 is not on the likelihood scale (1-5)' in run.err
    assert 'row 2, column "treatment":' in run.err


def test_existing_files_need_force_and_dry_run_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "risks.csv").write_text(
        RISKS_CSV.replace("01/05/2026", "2026-05-01").replace("15/04/2026", "2026-04-15"),
        encoding="utf-8",
    )
    target = new_isms(tmp_path / "isms")
    dry = cli("import", "risks", str(tmp_path / "risks.csv"), "--out", str(target), "--dry-run")
    assert dry.code == 0 and dry.out.startswith("would write risks/R-1.yaml")
    assert not (target / "risks").exists()
    assert cli("import", "risks", str(tmp_path / "risks.csv"), "--out", str(target)).code == 0
    again = cli("import", "risks", str(tmp_path / "risks.csv"), "--out", str(target))
    assert again.code == 2
    assert "risks/R-1.yaml, risks/R-2.yaml (--force replaces them)" in again.err
    forced = cli("import", "risks", str(tmp_path / "risks.csv"), "--out", str(target), "--force")
    assert forced.code == 0


def test_an_id_held_by_another_file_is_refused(cli: Cli, tmp_path: Path) -> None:
    target = new_isms(tmp_path / "isms")
    (target / "risks").mkdir()
    (target / "risks" / "register.yaml").write_text("- {id: R-1, title: Old}\n", encoding="utf-8")
    (tmp_path / "risks.csv").write_text(RISKS_CSV, encoding="utf-8")
    run = cli(
        "import",
        "risks",
        str(tmp_path / "risks.csv"),
        "--out",
        str(target),
        "--date-format",
        "%d/%m/%Y",
    )
    assert run.code == 2
    assert "R-1 (in risks/register.yaml)" in run.err


def test_map_names_a_column_and_missing_required_columns(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text(
        "Ref,Title,Accountable,L,I,Treatment,Assessed\nR-1,T,CIO,2,2,accept,2026-05-01\n",
        encoding="utf-8",
    )
    target = new_isms(tmp_path / "isms")
    run = cli("import", "risks", str(tmp_path / "r.csv"), "--out", str(target))
    assert run.code == 2
    assert "no column gives owner, inherent, which every risk needs" in run.err
    run = cli(
        "import",
        "risks",
        str(tmp_path / "r.csv"),
        "--out",
        str(target),
        "--map",
        "owner=Accountable",
        "--map",
        "inherent.likelihood=L",
        "--map",
        "inherent.impact=i",
    )
    assert run.code == 0, run.err
    assert (
        cli(
            "import", "risks", str(tmp_path / "r.csv"), "--map", "nope=L", "--out", str(target)
        ).code
        == 2
    )


def test_unusable_input_is_exit_2(cli: Cli, tmp_path: Path) -> None:
    target = new_isms(tmp_path / "isms")
    missing = cli("import", "risks", str(tmp_path / "none.csv"), "--out", str(target))
    assert missing.code == 2 and "no such file" in missing.err
    assert cli("import", "waivers", str(tmp_path / "none.csv")).code == 2
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 broken")
    bad = cli("import", "risks", str(tmp_path / "bad.xlsx"), "--out", str(target))
    assert bad.code == 2 and "not a readable .xlsx workbook" in bad.err


def test_formula_injection_is_neutralised_and_reversed(cli: Cli, tmp_path: Path) -> None:
    isms = new_isms(tmp_path / "src")
    (isms / "controls").mkdir()
    (isms / "risks").mkdir()
    (isms / "risks" / "r.yaml").write_text(
        "id: R-1\ntitle: '=HYPERLINK(\"http://evil\",\"x\")'\nowner: '@CIO'\n"
        "inherent: {likelihood: 2, impact: 2}\ntreatment: accept\nassessed: 2026-05-01\n"
        'description: "\'+quoted"\n',
        encoding="utf-8",
    )
    for fmt in ("csv", "xlsx"):
        sheet = tmp_path / f"r.{fmt}"
        assert cli("export", "risks", str(isms), "-o", str(sheet)).code == 0
        if fmt == "csv":
            text = sheet.read_text(encoding="utf-8")
            assert "'=HYPERLINK" in text and ",'@CIO," in text and "''+quoted" in text
        target = new_isms(tmp_path / f"dst-{fmt}")
        assert cli("import", "risks", str(sheet), "--out", str(target)).code == 0
        assert entities(target, "risks") == entities(isms, "risks")


def test_controls_update_an_existing_soa_with_force(cli: Cli, tmp_path: Path) -> None:
    isms = tmp_path / "isms"
    assert cli("init", str(isms), "--today", "2026-12-01").code == 0
    (tmp_path / "soa.csv").write_text(
        "Control,Applicable?,Justification,Implementation Status,Owner,Evidence\n"
        "A.5.1,Yes,Management direction,In place,CISO,https://intranet.example/policy\n"
        "A.7.4,No,No premises of our own,,,\n",
        encoding="utf-8",
    )
    refused = cli("import", "controls", str(tmp_path / "soa.csv"), "--out", str(isms))
    assert refused.code == 2
    assert "(--force replaces the entries with the same ids)" in refused.err
    run = cli("import", "controls", str(tmp_path / "soa.csv"), "--out", str(isms), "--force")
    assert run.code == 0, run.err
    soa = entities(isms, "controls")
    assert len(soa) == 93
    assert soa["A.5.1"] == {
        "id": "A.5.1",
        "title": "Policies for information security",
        "applicable": True,
        "justification": "Management direction",
        "status": "implemented",
        "owner": "CISO",
        "evidence": ["https://intranet.example/policy"],
    }
    assert soa["A.7.4"]["applicable"] is False  # type: ignore[index]
    assert soa["A.5.2"]["justification"].startswith("TO COMPLETE")  # type: ignore[index]
    assert cli("check", str(isms), "--today", "2026-12-01").code == 0


@pytest.mark.parametrize("kind", EXPORTABLE)
def test_every_kind_exports(cli: Cli, kind: str) -> None:
    """Every kind of kinds.py, the management-system records too once they are there."""
    run = cli("export", kind, str(EXAMPLES))
    assert run.code == 0, run.err
    rows = list(csv.reader(io.StringIO(run.out)))
    assert rows and all(len(r) == len(rows[0]) for r in rows)


def test_plan_rows_with_the_plan_cells_left_empty(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "plans.csv").write_text(
        "Plan ID,Title,Risks,Owner,Status,Created,Due,Action ID,Action,Action Owner,"
        "Action Due,Action Status\n"
        "RTP-1,Backups,R-1,CTO,draft,2026-05-01,2026-09-30,A1,Backups,IT,2026-07-31,open\n"
        ",,,,,,,A2,Restore tests,IT,2026-08-31,open\n"
        "RTP-2,Other,R-2,CTO,draft,2026-05-01,2026-09-30,A1,Thing,IT,2026-07-31,open\n"
        "RTP-2,Changed,,,,,,A2,Thing two,IT,2026-07-31,open\n",
        encoding="utf-8",
    )
    target = new_isms(tmp_path / "isms")
    run = cli("import", "plans", str(tmp_path / "plans.csv"), "--out", str(target))
    assert run.code == 1
    assert 'row 5, column "Title": differs from row 4 for plan RTP-2' in run.err
    run = cli(
        "import", "plans", str(tmp_path / "plans.csv"), "--out", str(target), "--skip-invalid"
    )
    assert run.code == 0
    plans = entities(target, "plans")
    assert list(plans) == ["RTP-1"]
    assert [a["id"] for a in plans["RTP-1"]["actions"]] == ["A1", "A2"]  # type: ignore[index]


def test_dry_run_says_which_files_exist(cli: Cli, tmp_path: Path) -> None:
    isms = tmp_path / "isms"
    assert cli("init", str(isms), "--today", "2026-12-01").code == 0
    (tmp_path / "soa.csv").write_text("Control,Applicable?,Justification\nA.5.1,yes,R-1\n", "utf-8")
    run = cli("import", "controls", str(tmp_path / "soa.csv"), "--out", str(isms), "--dry-run")
    assert run.code == 0
    assert run.out.splitlines() == [
        "would replace controls/organizational.yaml (37 entries; it exists: needs --force)",
        "1 control from soa.csv",
    ]


def test_numbers_beyond_64_bits_are_row_errors(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text(
        "Risk ID,Title,Owner,Likelihood,Impact,Treatment,Assessed,Review days,x-extra\n"
        "R-1,T,CIO,1,1,accept,2026-01-01,99999999999999999999999,\n"
        'R-2,T,CIO,1,1,accept,2026-01-01,,"{""n"": 99999999999999999999999}"\n',
        encoding="utf-8",
    )
    target = tmp_path / "elsewhere"
    run = cli("import", "risks", str(tmp_path / "r.csv"), "--out", str(target))
    assert run.code == 1, run.err
    assert 'row 2, column "Review days": a number beyond 64 bits' in run.err
    assert 'row 3, column "x-extra":' in run.err and "beyond 64 bits" in run.err.split("row 3")[1]


def test_export_says_which_records_break_their_schema(cli: Cli, tmp_path: Path) -> None:
    isms = new_isms(tmp_path / "isms")
    (isms / "controls").mkdir()
    (isms / "risks").mkdir()
    (isms / "risks" / "r.yaml").write_text(
        "- {id: R-1, title: T, owner: CIO, inherent: high, treatment: none, assessed: 2026-01-01}\n"
        "- {id: R-2, title: T, owner: CIO, inherent: {likelihood: 1, impact: 1}, treatment: none,"
        " assessed: 2026-01-01}\n",
        encoding="utf-8",
    )
    run = cli("export", "risks", str(isms))
    assert run.code == 0
    assert "notice: records that break their schema" in run.err and run.err.endswith(": R-1\n")
    assert "R-2" not in run.err
    (isms / "risks" / "broken.yaml").write_text("id: [\n", encoding="utf-8")
    broken = cli("export", "risks", str(isms))
    assert broken.code == 2 and "risks/broken.yaml:" in broken.err and "fix it first" in broken.err


def test_a_title_above_the_headings_is_skipped(cli: Cli, tmp_path: Path) -> None:
    sheet = _xlsx(tmp_path / "register.xlsx", [
        ["Example Ltd risk register 2026", None, None],
        ["Owner: ISMS team", None, None],
        [],
        ["Risk ID", "Risk", "Risk Owner", "Likelihood", "Impact", "Treatment", "Assessed"],
        ["R-1", "Phishing", "CISO", 2, 2, "Treat", datetime.date(2026, 5, 1)],
    ])  # fmt: skip
    target = new_isms(tmp_path / "isms")
    run = cli("import", "risks", str(sheet), "--out", str(target))
    assert run.code == 0, run.err
    assert list(entities(target, "risks")) == ["R-1"]
    bad = _xlsx(tmp_path / "bad.xlsx", [
        ["Title"], ["Risk ID", "Risk", "Risk Owner", "Likelihood", "Impact", "Treatment",
                    "Assessed"],
        ["R-1", "Phishing", "CISO", "often", 2, "Treat", "2026-05-01"],
    ])  # fmt: skip
    run = cli("import", "risks", str(bad), "--out", str(target))
    assert 'bad.xlsx row 3, column "Likelihood"' in run.err  # rows as the sheet numbers them


def test_export_names_what_the_sheet_cannot_give_back(cli: Cli, tmp_path: Path) -> None:
    isms = new_isms(tmp_path / "isms")
    (isms / "controls").mkdir()
    (isms / "risks").mkdir()
    (isms / "risks" / "r.yaml").write_text(
        "- {id: R-1, title: T, owner: CIO, inherent: {likelihood: 1, impact: 1, x-why: old},"
        " treatment: none, assessed: 2026-01-01}\n"
        "- {id: R-2, title: T, owner: CIO, inherent: {likelihood: 1, impact: 1}, treatment: none,"
        " assessed: 2026-01-01, controls: [], x-team: [a, b]}\n",
        encoding="utf-8",
    )
    (isms / "waivers.yaml").write_text(
        "- {rule: RT-001, target: R-1, reason: r, approved_by: CISO, date: 2026-01-01,"
        " expires: 2026-06-01}\n"
        "- {rule: RT-001, target: R-2, reason: r, approved_by: CISO, date: 2026-01-01,"
        " expires: 2026-06-01}\n",
        encoding="utf-8",
    )
    run = cli("export", "risks", str(isms), "-o", str(tmp_path / "r.xlsx"))
    assert run.code == 0
    assert "cannot give back exactly (x- keys inside a field, values of mixed shapes): R-1\n" in (
        run.err
    )
    waivers = cli("export", "waivers", str(isms))
    assert waivers.code == 0 and "notice" not in waivers.err

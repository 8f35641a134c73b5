"""`isms-check report`: real repositories with fixed commit dates, outputs read back by
real parsers (html.parser, csv, openpyxl), posture over time held against independent
checks of each commit, byte-identical reruns, and hostile text through every format."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import yaml

from tests.caselib import BASE, risk_yaml
from tests.conftest import Cli
from tests.gitrepo import GitRepo, isms_repo

TODAY = "2026-06-15"
R9 = """id: R-9
title: Untreated risk
owner: CISO
inherent: {likelihood: 3, impact: 4}
treatment: none
assessed: 2026-03-12
"""
R9_TREATED = """id: R-9
title: Untreated risk, now treated
owner: CISO
inherent: {likelihood: 3, impact: 4}
residual: {likelihood: 2, impact: 2}
treatment: mitigate
controls: [C.1]
assessed: 2026-04-20
"""


def history_repo(path: Path) -> GitRepo:
    """Five months of an ISMS: the fixture ISMS, a risk above the appetite added, then
    treated, then an unrelated edit."""
    repo = isms_repo(path, date="2026-02-10")
    repo.write("risks/r9.yaml", R9)
    repo.commit("R-9", "2026-03-12")
    repo.write("risks/r9.yaml", R9_TREATED)
    repo.commit("R-9 treated", "2026-04-20")
    repo.write("notes.md", "minutes\n")
    repo.commit("notes", "2026-05-25")
    return repo


class Page(HTMLParser):
    """What the tests read from index.html: the tag counts, ids, and texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, int] = {}
        self.classes: list[str] = []
        self.ids: list[str] = []
        self.text: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        a = dict(attrs)
        if a.get("class"):
            self.classes.append(str(a["class"]))
        if a.get("id"):
            self.ids.append(str(a["id"]))
        if tag == "script" or any(k.startswith("on") for k in a):
            self.scripts += 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def page(path: Path) -> Page:
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    p.close()
    return p


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_report_writes_every_format(tmp_path: Path, cli: Cli) -> None:
    repo = history_repo(tmp_path / "repo")
    out = tmp_path / "out"
    run = cli("report", str(repo.path), "--out", str(out), "--today", TODAY)
    assert run.code == 0, run.err
    assert run.out == ""  # documents go to files; stdout stays empty
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "actions.csv", "findings.csv", "index.html", "plans.csv", "report.md",
        "report.xlsx", "risks.csv", "soa.csv",
    ]  # fmt: skip

    html = page(out / "index.html")
    assert html.scripts == 0 and "link" not in html.tags and "img" not in html.tags
    sections = {"summary", "heatmaps", "posture", "register", "soa", "plans", "records", "findings"}
    assert sections <= set(html.ids)
    assert html.classes.count("heatmap") == 2 and html.classes.count("chart") == 3
    source = (out / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"""(?:href|src)\s*=\s*["']?(?!["']?#)|url\(|@import""", source)

    # the register, the SoA (every catalog control) and the actions, in CSV and XLSX
    risks = rows(out / "risks.csv")
    assert [r["id"] for r in risks] == ["R-1", "R-2", "R-3", "R-4", "R-9"]
    r9 = next(r for r in risks if r["id"] == "R-9")
    assert (r9["current level"], r9["current band"], r9["above appetite"]) == ("4", "Low", "no")
    soa = rows(out / "soa.csv")
    catalog = yaml.safe_load((BASE / "catalog.yaml").read_text(encoding="utf-8"))["controls"]
    assert [r["control"] for r in soa if r["in catalog"] == "yes"] == [c["id"] for c in catalog]
    actions = rows(out / "actions.csv")
    assert {(a["plan"], a["action"]) for a in actions} == {("P-1", "A1"), ("P-2", "A1")}
    book = openpyxl.load_workbook(out / "report.xlsx")
    assert book.sheetnames == ["risks", "soa", "plans", "actions", "findings"]
    for name in book.sheetnames:
        sheet_rows = list(book[name].iter_rows(values_only=True))
        assert len(sheet_rows) == len(rows(out / f"{name}.csv")) + 1

    md = (out / "report.md").read_text(encoding="utf-8")
    for heading in ("## Summary", "## Heat maps", "## Posture over time", "## Risk register",
                    "## Statement of Applicability", "## Risk treatment plans",
                    "## Management-system records", "## Findings of the check"):  # fmt: skip
        assert heading in md


def _independent_check(src: Path, sha: str, day: str, tmp: Path, cli: Cli) -> dict[str, Any]:
    """What a check of a clone checked out at `sha`, as of `day`, finds: open findings
    per severity, and the open risks above the appetite and their total level (from the
    report's own register of that clone, not from the timeline)."""
    clone = tmp / f"clone-{sha[:8]}-{day}"
    subprocess.run(["git", "clone", "-q", str(src), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", sha], check=True)
    run = cli("check", str(clone), "--format", "json", "--today", day, "--fail-on", "never")
    summary = json.loads(run.out)["summary"]
    out = tmp / f"report-{sha[:8]}-{day}"
    assert cli("report", str(clone), "--out", str(out), "--today", day, "--format", "csv").code == 0
    open_risks = [r for r in rows(out / "risks.csv") if r["status"] != "closed"]
    return {
        "findings": {s: summary[s] for s in ("error", "warning", "info")},
        "above": sum(1 for r in open_risks if r["above appetite"] == "yes"),
        "total": sum(int(r["current level"]) for r in open_risks if r["current level"]),
    }


def test_posture_equals_a_check_of_each_month(tmp_path: Path, cli: Cli) -> None:
    from checker.cel import engine
    from checker.documents import Documents
    from checker.history import History
    from checker.loader import DisplayPaths
    from checker.timeline import timeline

    repo = history_repo(tmp_path / "repo")
    before = repo.state()
    history = History.open(repo.path)
    found = timeline(
        history, DisplayPaths.for_root(repo.path), datetime.date(2026, 6, 15), engine(), Documents()
    )
    assert repo.state() == before  # read from objects only
    months = ["2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    assert [p.label for p in found.points] == months
    assert [p.day.isoformat() for p in found.points] == [
        "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-15",
    ]  # fmt: skip
    assert all(p.evaluated for p in found.points)
    above = []
    for point in found.points:
        expected = _independent_check(repo.path, point.commit, point.day.isoformat(), tmp_path, cli)
        assert dict(point.findings) == expected["findings"], point.label
        assert (point.above_appetite, point.total_level) == (expected["above"], expected["total"])
        above.append(point.above_appetite)
    assert above[1] == above[0] + 1 and above[2] == above[0]  # R-9 above, then treated


def test_by_commit_and_markers(tmp_path: Path, cli: Cli) -> None:
    repo = history_repo(tmp_path / "repo")
    out = tmp_path / "out"
    run = cli("report", str(repo.path), "--out", str(out), "--today", TODAY, "--by", "commit",
              "--format", "md")  # fmt: skip
    assert run.code == 0, run.err
    md = (out / "report.md").read_text(encoding="utf-8")
    shas = repo.git("log", "--format=%h", "--abbrev=12").split()
    posture = md.split("## Posture over time", 1)[1].split("## Risk register", 1)[0]
    assert [s for s in shas if s in posture] == shas  # one point per commit
    # P-1 was completed on 2026-03-15: a marker on the time axis
    assert "| 2026-03-15 | P-1 | Laptop hardening |" in posture


def test_same_repo_and_today_give_the_same_bytes(tmp_path: Path, cli: Cli) -> None:
    repo = history_repo(tmp_path / "repo")
    first, second = tmp_path / "a", tmp_path / "b"
    assert cli("report", str(repo.path), "--out", str(first), "--today", TODAY).code == 0
    again = cli("report", str(repo.path), "--out", str(second), "--today", TODAY, "--no-cache")
    assert again.code == 0
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    book = openpyxl.load_workbook(first / "report.xlsx")
    assert book.properties.modified == book.properties.created == datetime.datetime(2026, 6, 15)
    with zipfile.ZipFile(first / "report.xlsx") as archive:  # not "now", whenever it runs
        assert {i.date_time for i in archive.infolist()} == {(2026, 6, 15, 0, 0, 0)}


def test_outside_git_posture_is_skipped_with_a_note(tmp_path: Path, cli: Cli) -> None:
    shutil.copytree(BASE, tmp_path / "isms")
    out = tmp_path / "out"
    run = cli("report", str(tmp_path / "isms"), "--out", str(out), "--today", TODAY)
    assert run.code == 0
    assert "notice: not a git repository: no posture over time" in run.err
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "not a git repository: no posture over time" in html
    assert 'class="chart"' not in html
    assert "not a git repository: no posture over time" in (out / "report.md").read_text()


def test_shallow_clone_reports_without_posture(tmp_path: Path, cli: Cli) -> None:
    repo = history_repo(tmp_path / "repo")
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(shallow)], check=True
    )
    out = tmp_path / "out"
    run = cli("report", str(shallow), "--out", str(out), "--today", TODAY, "--format", "md")
    assert run.code == 0, run.err
    assert "shallow clone" in run.err and "fetch-depth: 0" in run.err
    assert "a shallow clone: the history is cut off" in (out / "report.md").read_text()


def test_bad_arguments(tmp_path: Path, cli: Cli) -> None:
    shutil.copytree(BASE, tmp_path / "isms")
    run = cli("report", str(tmp_path / "isms"), "--out", str(tmp_path / "o"), "--format", "pdf")
    assert run.code == 2 and "'pdf': write a comma-separated list of html, md, csv, xlsx" in run.err
    assert cli("report", str(tmp_path / "isms")).code == 2  # --out is required
    (tmp_path / "file").write_text("x")
    run = cli("report", str(tmp_path / "isms"), "--out", str(tmp_path / "file"))
    assert run.code == 2 and "not a folder" in run.err
    run = cli("report", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o"))
    assert run.code == 2 and "no such file or folder" in run.err


HOSTILE_TEXTS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '=HYPERLINK("http://evil","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1)",
    "a | b `code` [link](javascript:alert(1)) *bold* _i_ # h ~s~",
    "line one\nline two\r\n| --- |",
    "bidi \u202eevil\u202c and \x1b[31mred\x1b[0m and \x07bell",
    "]]><!-- &amp; &lt;",
]


def test_hostile_text_is_escaped_in_every_format(tmp_path: Path, cli: Cli) -> None:
    isms = tmp_path / "isms"
    shutil.copytree(BASE, isms)
    body = "".join(risk_yaml(f"H-{i}", text, owner=text) for i, text in enumerate(HOSTILE_TEXTS))
    (isms / "risks" / "hostile.yaml").write_text(body, encoding="utf-8")
    out = tmp_path / "out"
    run = cli("report", str(isms), "--out", str(out), "--today", TODAY)
    assert run.code == 0, run.err

    html = (out / "index.html").read_text(encoding="utf-8")
    parsed = page(out / "index.html")
    assert parsed.scripts == 0 and "img" not in parsed.tags
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "\u202e" not in html and "\x1b" not in html and "\\u202e" in html
    assert "]]>" not in html and "<!--" not in html

    md = (out / "report.md").read_text(encoding="utf-8")
    register = md.split("## Risk register", 1)[1].split("\n## ", 1)[0]
    table = [line for line in register.splitlines() if line.startswith("|")]
    columns = table[0].count(" | ") + 1
    for line in table:  # no text ends a cell or a row early
        assert line.count("|") == columns + 1, line
    assert "<script>" not in md and "`" not in md and "[link](" not in md
    assert "\u202e" not in md and "\x1b" not in md

    titles = {r["id"]: r["title"] for r in rows(out / "risks.csv")}
    for i, text in enumerate(HOSTILE_TEXTS):
        shown = titles[f"H-{i}"]
        assert not shown.startswith(("=", "+", "-", "@", "\t", "\r")), shown
        if text.startswith(("=", "+", "-", "@")):
            assert shown == "'" + text
    book = openpyxl.load_workbook(out / "report.xlsx")
    sheet = book["risks"]
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type in ("s", "n") or cell.value is None, cell.coordinate
    values = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=2)}
    assert values["H-2"] == HOSTILE_TEXTS[2]  # kept as text, never a formula


HOSTILE_FILES = sorted(
    p for p in (Path(__file__).parents[1] / "hostile").iterdir()
    if p.is_file() and "grow:" not in p.read_text(encoding="utf-8", errors="replace")
)  # fmt: skip


def test_hostile_corpus_renders_in_every_format(tmp_path: Path, cli: Cli) -> None:
    """Every file of tests/hostile/ at once (as risks/NAME), through every format."""
    isms = tmp_path / "isms"
    shutil.copytree(BASE, isms)
    for case in HOSTILE_FILES:
        shutil.copy(case, isms / "risks" / case.name)
    out = tmp_path / "out"
    run = cli("report", str(isms), "--out", str(out), "--today", TODAY)
    assert run.code == 0, run.err
    page(out / "index.html")
    for table in ("risks", "soa", "plans", "actions", "findings"):
        rows(out / f"{table}.csv")
    assert {r["rule"] for r in rows(out / "findings.csv")} >= {"ISMS-PARSE", "ISMS-SCHEMA"}
    openpyxl.load_workbook(out / "report.xlsx")
    assert "\x1b" not in (out / "report.md").read_text(encoding="utf-8")


def test_commits_that_cannot_be_judged_are_listed_with_the_reason(tmp_path: Path, cli: Cli) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("README.md", "before the ISMS\n")
    repo.commit("start", "2026-01-05")
    shutil.copytree(BASE, repo.path / "isms")
    repo.commit("ISMS", "2026-02-10")
    good = (repo.path / "isms" / "isms.yaml").read_text(encoding="utf-8")
    repo.write("isms/isms.yaml", good.replace("appetite: 8", "appetite: [8]"))
    repo.commit("broken isms.yaml", "2026-03-03")
    repo.write("isms/isms.yaml", good)
    repo.commit("fixed", "2026-04-04")
    out = tmp_path / "out"
    run = cli("report", str(repo.path / "isms"), "--out", str(out), "--today", "2026-04-30",
              "--format", "md")  # fmt: skip
    assert run.code == 0, run.err
    posture = (out / "report.md").read_text(encoding="utf-8").split("## Posture over time")[1]
    lines = posture.split("\n## ")[0].splitlines()
    rows = [line for line in lines if re.match(r"\| \d{4}-\d\d \|", line)]
    assert [r.split(" | ")[0] for r in rows] == ["| 2026-01", "| 2026-02", "| 2026-03", "| 2026-04"]
    assert "the ISMS folder does not exist in this commit" in rows[0]
    assert "not judged: isms.yaml is invalid" in rows[2] and "appetite" in rows[2]
    assert rows[1].split(" | ")[3] == rows[3].split(" | ")[3] == "3"  # open risks (R-4 is closed)

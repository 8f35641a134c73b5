"""--format markdown: the reviewer's summary. Exact output for a hand-made Report, and
hostile text rendered by a real CommonMark + GFM-tables parser (markdown-it-py, raw HTML
enabled as on GitHub) to show it neither breaks a table nor survives as HTML."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from checker.findings import Report
from checker.reporters import RenderOptions, markdown
from tests.conftest import Cli
from tests.report_samples import ERR, WARN, hostile, pr_report, report, result

ROOT = Path(__file__).resolve().parents[2]

EXPECTED = """\
## ❌ isms-check failed

| Errors | Warnings | Info | Waived | Evaluation errors |
|---|---|---|---|---|
| 2 | 1 | 1 | 1 | 1 |

_7 checks of 6 rules, judged as of 2026-11-27, failing on error._

> **Note:** GIT-* rules skipped: not a git repository

### Evaluation errors (1)

| Rule | Entity | Location | Message |
|---|---|---|---|
| ORG-900 | R-003 | [isms/risks/third.yaml:5](isms/risks/third.yaml#L5) | evaluation error (the rule could not be judged): rule ORG-900: &#96;check&#96; failed on R-003: no such key: missing |

### Errors (2)

| Rule | Entity | Location | Message |
|---|---|---|---|
| ISMS-PARSE | - | [isms/risks/broken.yaml:4](isms/risks/broken.yaml#L4) | mapping values are not allowed here |
| RT-002 | R-001 | [isms/risks/ransomware.yaml:2](isms/risks/ransomware.yaml#L2) | risk R-001 (level 20) is above appetite 8 without a plan |

### Warnings (1)

| Rule | Entity | Location | Message |
|---|---|---|---|
| ST-004 | A.5.1 | [isms/controls/org.yaml:10](isms/controls/org.yaml#L10) | A.5.1 was last reviewed on 2025-01-01 |

### Info (1)

| Rule | Entity | Location | Message |
|---|---|---|---|
| ORG-INFO | R-001 | [isms/risks/ransomware.yaml:2](isms/risks/ransomware.yaml#L2) | risk R-001 names no assets |

### Waived (1)

| Rule | Entity | Location | Message | Reason | Approved by | Expires |
|---|---|---|---|---|---|---|
| SOA-006 | A.7.4 | [isms/controls/physical.yaml:37](isms/controls/physical.yaml#L37) | implemented control A.7.4 has no evidence | Landlord holds the evidence | CISO | 2027-01-31 |
"""  # noqa: E501


def test_exact_output() -> None:
    assert markdown.render(report(), RenderOptions()) == EXPECTED


def test_passing_run() -> None:
    text = markdown.render(report(results=(), notices=()), RenderOptions())
    assert text == (
        "## ✅ isms-check passed\n\n"
        "| Errors | Warnings | Info | Waived | Evaluation errors |\n"
        "|---|---|---|---|---|\n"
        "| 0 | 0 | 0 | 0 | 0 |\n\n"
        "_0 checks of 6 rules, judged as of 2026-11-27, failing on error._\n\n"
        "No findings.\n"
    )
    # fail-on decides the verdict: warnings alone pass under --fail-on error
    only_warning = report(results=(result("ST-004", WARN, "control", "A.5.1", ("c.yaml", 1, 1)),))
    assert markdown.render(only_warning, RenderOptions()).startswith("## ✅ isms-check passed")
    warning = RenderOptions(fail_on="warning")
    assert markdown.render(only_warning, warning).startswith("## ❌ isms-check failed")


def _headings(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("### ")]


def test_pr_mode_new_findings_first() -> None:
    text = markdown.render(pr_report(), RenderOptions())
    assert _headings(text) == [
        "### New in this change (2)",
        "### Existing errors (1)",
        "### Existing warnings (1)",
        "### Existing info (1)",
        "### Waived (1)",
        "### Resolved by this change (1)",
    ]
    assert "this change adds 2 and resolves 1 findings" in text
    new_table = text.split("### New in this change (2)")[1].split("###")[0]
    assert "| Severity | Rule | Entity | Location | Message |" in new_table
    assert "| error | RT-002 | R-001 |" in new_table
    assert "| warning | ORG-900 | R-003 |" in new_table
    assert "evaluation error (the rule could not be judged)" in new_table
    new_only = markdown.render(dataclasses.replace(pr_report(), new_only=True), RenderOptions())
    assert "only new findings fail the build" in new_only


def test_cell_escaping_exact() -> None:
    assert markdown.cell("a|b`c<d>e&f[g]h\\i") == ("a\\|b&#96;c&lt;d&gt;e&amp;f&#91;g&#93;h&#92;i")
    assert markdown.cell("one\ntwo\r\nthree\rfour\u2028five") == (
        "one<br>two<br>three<br>four<br>five"
    )
    assert markdown.cell("tab\there\x00\x1b[31m") == "tab here  &#91;31m"


def test_long_text_is_shortened_before_escaping() -> None:
    assert markdown.cell("x" * 1000) == "x" * (markdown.MAX_CELL - 1) + "…"
    assert markdown.cell("<" * 1000) == "&lt;" * (markdown.MAX_CELL - 1) + "…"


def test_link_targets_are_url_encoded() -> None:
    r = result("RT-002", ERR, "risk", "R-1", ("isms/risks/a (b) [c]|d.yaml", 7, None))
    assert markdown.link(r) == (
        "[isms/risks/a (b) &#91;c&#93;\\|d.yaml:7](isms/risks/a%20%28b%29%20%5Bc%5D%7Cd.yaml#L7)"
    )


class _Cells(HTMLParser):
    """Collects tables as rows of cell texts, and every tag name."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.tags: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


HOSTILE = (
    "<script>alert(1)</script>",
    "a | b || c",
    "`code` and ``more``",
    "[click](javascript:alert(1)) ![img](https://x.example/p.png)",
    "line one\nline two\r\n| --- | --- |",
    "&lt;b&gt;entity&lt;/b&gt; \\| escaped",
    "<img src=x onerror=alert(1)>",
)


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_keeps_tables_whole_and_no_html(text: str) -> None:
    source = markdown.render(hostile(text), RenderOptions())
    html = MarkdownIt("commonmark").enable("table").render(source)
    parsed = _Cells()
    parsed.feed(html)
    assert set(parsed.tags) <= {"h2", "h3", "p", "em", "strong", "table", "thead", "tbody",
                                "tr", "th", "td", "a", "br"}  # fmt: skip
    assert "<script" not in html and "<img" not in html
    # the only links are the checker's own, to FILE#LLINE
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert len(hrefs) == 4
    assert all(re.fullmatch(r"[A-Za-z0-9%/._-]+#L[0-9]+", h) for h in hrefs), hrefs
    # four finding tables (error, warning, info, waived) plus the counts table, each whole
    assert len(parsed.tables) == 5
    for table in parsed.tables:
        widths = {len(row) for row in table}
        assert len(widths) == 1, table
    # and the hostile text arrives as text, whole, in the message column
    errors = parsed.tables[1]
    assert errors[0] == ["Rule", "Entity", "Location", "Message"]
    assert errors[1][3] == f"risk title {text} owner {text}".replace("\r\n", "\n").replace("\n", "")


def test_row_cap_says_how_many_more() -> None:
    results = tuple(
        result("RT-002", ERR, "risk", f"R-{n:03}", (f"r{n:03}.yaml", 1, None)) for n in range(130)
    )
    text = markdown.render(report(results=Report.ordered(results), notices=()), RenderOptions())
    rows = [line for line in text.splitlines() if line.startswith("| RT-002 |")]
    assert len(rows) == markdown.MAX_ROWS
    assert "_… and 30 more; the text, JSON or SARIF report lists every finding._" in text
    assert "### Errors (130)" in text


def test_cli_markdown_file_and_stdout(tmp_path: Path, cli: Cli) -> None:
    out = tmp_path / "summary.md"
    code, stdout, _ = cli(
        str(ROOT / "examples"), "--today", "2026-11-27", "--format", "markdown",
        "--markdown", str(out),
    )  # fmt: skip
    assert code == 0
    assert stdout == out.read_text(encoding="utf-8")
    assert stdout.startswith("## ✅ isms-check passed\n")
    # links are relative to the git work tree holding the ISMS (this repository)
    assert "| SOA-006 | A.7.4 | [examples/controls/physical.yaml:" in stdout
    assert "](examples/controls/physical.yaml#L" in stdout


def test_mentions_do_not_notify() -> None:
    from checker.reporters.markdown import cell

    assert cell("ping @security-team") == "ping &#64;security-team"

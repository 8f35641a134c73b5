"""Markdown: the summary a reviewer reads on a pull request or in a CI step summary.

A heading with the verdict, a table of counts, the checker's notices, then tables: in
PR mode the findings the change introduces come first (any severity), then evaluation
errors, then one table per severity (in PR mode: the existing findings), the waived
findings with their waiver's reason, approver and expiry, and in PR mode what the
change resolved. Each location links to `FILE#LLINE`, relative to the repository root, or
under `options.link_base` (a blob URL prefix such as https://github.com/O/R/blob/SHA/) where
relative links do not resolve, as on a run's summary page.

Everything from the ISMS files is escaped for a table cell and for HTML: `&`, `<`, `>`,
`|`, backticks, `[`, `]`, `@` and backslashes become entities or escapes, line breaks become
`<br>` and other control characters a space, so a title can neither end its cell or
row, nor open a link, an image, a code span or an HTML tag; lone surrogates become
U+FFFD. To keep the summary
readable and well below GitHub's 1 MiB step-summary limit, a cell shows at most
MAX_CELL characters and a table at most MAX_ROWS rows (then says how many more there
are); the other formats always carry everything.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote

from checker.findings import Outcome, Report, Result, Severity
from checker.reporters.options import RenderOptions
from checker.reporters.safe import unicode_safe

MAX_ROWS = 100
MAX_CELL = 300

_CELL = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "`": "&#96;",
    "[": "&#91;",
    "]": "&#93;",
    "\\": "&#92;",
    "|": "\\|",
    "@": "&#64;",  # no @mentions: a summary posted as a PR comment must not notify anyone
}
_SPECIAL = re.compile(r"\r\n|[\r\n\u2028\u2029\x85]|[&<>`\[\]\\|@]|[\x00-\x1f\x7f]")
_SEVERITY_TITLES = {
    Severity.ERROR: "Errors",
    Severity.WARNING: "Warnings",
    Severity.INFO: "Info",
}


def cell(text: str) -> str:
    """Text made safe for one GitHub-flavoured Markdown table cell (and shortened)."""
    text = unicode_safe(text)
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"

    def replace(m: re.Match[str]) -> str:
        s = m.group(0)
        if s in _CELL:
            return _CELL[s]
        if s in ("\r\n", "\r", "\n", "\u2028", "\u2029", "\x85"):
            return "<br>"
        return " "

    return _SPECIAL.sub(replace, text)


def link(r: Result, base: str = "") -> str:
    """`FILE:LINE` linked to the line: relative, or under `base` (a blob URL prefix)."""
    loc = r.location
    target = (
        base + quote(unicode_safe(loc.file).replace("\\", "/"), safe="/") + f"#L{max(1, loc.line)}"
    )
    return f"[{cell(loc.file)}:{loc.line}]({target})"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(row) + " |" for row in rows[:MAX_ROWS]]
    if len(rows) > MAX_ROWS:
        out += [
            "",
            f"_… and {len(rows) - MAX_ROWS} more; the text, JSON or SARIF report lists "
            "every finding._",
        ]
    return out


def _entity(r: Result) -> str:
    return cell(r.entity) if r.entity is not None else "-"


def _section(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return ["", f"### {title} ({len(rows)})", "", *_table(header, rows)]


def _message(r: Result) -> str:
    if r.outcome is Outcome.ERROR:
        return f"evaluation error (the rule could not be judged): {cell(r.message)}"
    return cell(r.message)


def _finding_rows(results: Sequence[Result], base: str, severity: bool = False) -> list[list[str]]:
    rows = []
    for r in results:
        row = [cell(r.rule), _entity(r), link(r, base), _message(r)]
        rows.append([r.severity.value, *row] if severity else row)
    return rows


def _waived_rows(results: Sequence[Result], base: str) -> list[list[str]]:
    rows = []
    for r in results:
        w = r.waiver
        extra = [cell(w.reason), cell(w.approved_by), cell(w.expires)] if w else ["", "", ""]
        rows.append([cell(r.rule), _entity(r), link(r, base), cell(r.message), *extra])
    return rows


def _by_rank(results: Sequence[Result]) -> list[Result]:
    """Most severe first; sorted() keeps the report's order within a severity."""
    return sorted(results, key=lambda r: -r.severity.rank)


def render(report: Report, options: RenderOptions) -> str:
    fail_on, link_base = options.fail_on, options.link_base
    c = report.summary()
    findings = report.findings
    pr_mode = report.pr_mode or any(r.change is not None for r in findings)
    failed = bool(report.exit_code(fail_on))
    out = [f"## {'❌' if failed else '✅'} isms-check {'failed' if failed else 'passed'}", ""]
    out += _table(
        ["Errors", "Warnings", "Info", "Waived", "Evaluation errors"],
        [[str(c[key]) for key in ("error", "warning", "info", "waived", "errors")]],
    )
    new = list(report.new_findings) if pr_mode else []
    new_ids = {id(r) for r in new}
    rest = [r for r in findings if id(r) not in new_ids and r.outcome is not Outcome.WAIVED]
    waived = [r for r in findings if r.outcome is Outcome.WAIVED]
    details = (
        f"{len(report.results)} checks of {len(report.rules)} rules, judged as of "
        f"{report.today.isoformat()}, failing on {fail_on}"
    )
    if pr_mode:
        details += f"; this change adds {len(new)} and resolves {len(report.resolved)} findings"
        if report.new_only:
            details += "; only new findings fail the build"
    out += ["", f"_{details}._"]
    for notice in report.notices:
        out += ["", f"> **Note:** {cell(notice)}"]
    if not findings and not report.resolved:
        out += ["", "No findings."]
        return "\n".join(out) + "\n"

    header = ["Rule", "Entity", "Location", "Message"]
    existing = "Existing " if pr_mode else ""
    if new:
        out += _section(
            "New in this change",
            ["Severity", *header],
            _finding_rows(_by_rank(new), link_base, True),
        )
    errors = [r for r in rest if r.outcome is Outcome.ERROR]
    if errors:
        title = f"{existing}evaluation errors".capitalize()
        out += _section(title, header, _finding_rows(errors, link_base))
    for severity, name in _SEVERITY_TITLES.items():
        rows = [r for r in rest if r.outcome is Outcome.FAIL and r.severity is severity]
        if rows:
            out += _section(
                f"{existing}{name}".capitalize(), header, _finding_rows(rows, link_base)
            )
    if waived:
        out += _section(
            "Waived", [*header, "Reason", "Approved by", "Expires"], _waived_rows(waived, link_base)
        )
    if report.resolved:
        out += _section(
            "Resolved by this change",
            ["Severity", *header],
            _finding_rows(_by_rank(report.resolved), link_base, True),
        )
    return "\n".join(out) + "\n"

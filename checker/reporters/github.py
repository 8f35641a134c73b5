"""GitHub Actions workflow commands: one annotation per open finding.

    ::error file=F,line=L,col=C,title=RULE-ID [ENTITY]::message

error → `::error`, warning → `::warning`, info → `::notice`; evaluation errors are
`::error`. Waived findings are not annotated (the step summary lists them).

Everything in a command comes from the ISMS files, so it is escaped the way the runner
unescapes it (actions/runner ActionCommand.cs): the message (data) escapes `%`, CR and
LF; property values also escape `:` and `,`. No text can then end the command's line,
end its properties early, or start a second command. Other control and format
characters (ESC, bidirectional overrides) and lone surrogates are written as visible
escapes (`\\x1b`), so the log viewer never reads them as colours.

GitHub shows at most 10 annotations of each kind per step. The checker writes at most 10
per severity (new findings first in PR mode, then those that fail the build) and then
one `::notice::` that says how many of each it left out; to keep that notice visible,
info findings get 9 places when it is written. A last plain line (not a command) gives
the summary counts for the log.

`step_summary` is the Markdown summary (markdown.py) for $GITHUB_STEP_SUMMARY; the
command appends it, with `options.link_base` pointing at the commit on GitHub, since
relative links do not resolve on a run's summary page.
"""

from __future__ import annotations

from checker.findings import Outcome, Report, Result, Severity
from checker.reporters import markdown
from checker.reporters.options import RenderOptions
from checker.reporters.safe import visible

LIMIT = 10  # annotations per kind GitHub shows for one step
_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
_NAMES = {
    "error": ("error", "errors"),
    "warning": ("warning", "warnings"),
    "notice": ("info", "info"),
}


def escape_data(text: str) -> str:
    """The runner's escapes for CR, LF and `%`; any other control or format character
    (ESC, which the log viewer would read as colours; bidirectional overrides; lone
    surrogates) as a visible escape such as `\\x1b`."""
    text = visible(text, keep="\r\n")
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(r: Result) -> str:
    return "error" if r.outcome is Outcome.ERROR else _COMMANDS[r.severity]


def title(r: Result) -> str:
    text = f"{r.rule} [{r.entity if r.entity is not None else '-'}]"
    return text + " (new)" if r.change == "new" else text


def annotation(r: Result) -> str:
    properties = [("file", r.location.file), ("line", str(max(1, r.location.line)))]
    if r.location.column:
        properties.append(("col", str(r.location.column)))
    properties.append(("title", title(r)))
    message = r.message or r.rule
    if r.outcome is Outcome.ERROR:
        message = f"evaluation error (the rule could not be judged): {message}"
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{command(r)} {props}::{escape_data(message)}"


def _select(report: Report, fail_on: str) -> tuple[list[Result], dict[str, int]]:
    """The findings to annotate, in output order, and how many of each kind are left out."""
    open_ = [r for r in report.findings if r.outcome in (Outcome.FAIL, Outcome.ERROR)]
    by_kind: dict[str, list[Result]] = {"error": [], "warning": [], "notice": []}
    for r in open_:  # report order within each priority class: sorted() is stable
        by_kind[command(r)].append(r)
    for rows in by_kind.values():
        rows.sort(key=lambda r: (r.change != "new", not report.fails_build(r, fail_on)))
    limits = dict.fromkeys(by_kind, LIMIT)
    if any(len(rows) > LIMIT for rows in by_kind.values()):
        limits["notice"] = LIMIT - 1  # room for the closing notice
    chosen = [r for kind, rows in by_kind.items() for r in rows[: limits[kind]]]
    left_out = {kind: max(0, len(rows) - limits[kind]) for kind, rows in by_kind.items()}
    return chosen, left_out


def left_out_notice(left_out: dict[str, int]) -> str | None:
    parts = []
    for kind, count in left_out.items():
        if count:
            singular, plural = _NAMES[kind]
            parts.append(f"{count} {singular if count == 1 else plural}")
    if not parts:
        return None
    return (
        f"::notice::isms-check: {', '.join(parts)} not annotated (GitHub shows at most "
        f"{LIMIT} annotations of each kind per step); the step summary and the text, JSON "
        "or SARIF reports list every finding."
    )


def render(report: Report, options: RenderOptions) -> str:
    fail_on = options.fail_on
    chosen, left_out = _select(report, fail_on)
    lines = [annotation(r) for r in chosen]
    notice = left_out_notice(left_out)
    if notice is not None:
        lines.append(notice)
    lines.append(f"isms-check {report.summary_line(fail_on)}")
    return "\n".join(lines) + "\n"


def step_summary(report: Report, options: RenderOptions) -> str:
    """The job summary that goes with the annotations: every finding, in Markdown."""
    return markdown.render(report, options)

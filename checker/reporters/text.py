"""Plain text: `FILE:LINE: SEVERITY RULE-ID [ENTITY] message`, then a summary line.

Read on a terminal: every piece of text from the ISMS files goes through
`safe.visible`, so that an escape sequence, a carriage return, a line break or a
bidirectional override in a title or file name shows as `\\x1b`, `\\r`, `\\n`,
`\\u202e` and can neither drive the terminal nor forge a line.
"""

from __future__ import annotations

from checker.findings import Outcome, Report, Result
from checker.reporters.options import RenderOptions
from checker.reporters.safe import visible

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_RESET = "\033[0m"


def _clean(text: str) -> str:
    """One line per finding: control characters from the ISMS files are made visible."""
    return visible(text)


def line(r: Result, color: bool = False) -> str:
    severity = r.severity.value
    if color:
        severity = f"{_COLORS[severity]}{severity}{_RESET}"
    entity = _clean(r.entity) if r.entity is not None else "-"
    where = f"{_clean(r.location.file)}:{r.location.line}"
    text = f"{where}: {severity} {_clean(r.rule)} [{entity}] {_clean(r.message)}"
    if r.outcome is Outcome.ERROR:
        text += " (evaluation error)"
    if r.waiver is not None:
        w = r.waiver
        text += (
            f" (waived by {_clean(w.approved_by)} until {_clean(w.expires)}: {_clean(w.reason)})"
        )
    if r.change:
        text += f" ({r.change})"
    return text


def render(report: Report, options: RenderOptions) -> str:
    color = options.color
    out: list[str] = []
    open_ = [r for r in report.findings if r.outcome is not Outcome.WAIVED]
    waived = [r for r in report.findings if r.outcome is Outcome.WAIVED]
    out += [line(r, color) for r in open_]
    for title, rows in (("Waived:", waived), ("Resolved by this change:", report.resolved)):
        if rows:
            out += [""] * bool(out) + [title] + [line(r, color) for r in rows]
    if out:
        out.append("")
    out.append(report.summary_line(options.fail_on))
    return "\n".join(out) + "\n"

"""The report as Markdown (GitHub-flavoured): the same sections as the HTML page, with
the heat maps as grids of counts and the posture over time as a table.

Every text from the ISMS goes through `cell`: HTML and Markdown punctuation become
entities (`& < > | ` [ ] \\ * _ @ #`...), line breaks `<br>`, other control and
bidirectional characters visible escapes; nothing is shortened (the report is a
document, not a step summary).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from checker.report import data as d
from checker.reporters.safe import unicode_safe, visible

_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "|": "&#124;",
    "`": "&#96;",
    "[": "&#91;",
    "]": "&#93;",
    "\\": "&#92;",
    "*": "&#42;",
    "_": "&#95;",
    "@": "&#64;",
    "#": "&#35;",
    "~": "&#126;",
    "!": "&#33;",
    "$": "&#36;",
}
_SPECIAL = re.compile(r"\r\n|[\r\n]|[&<>|`\[\]\\*_@#~!$]")


def cell(value: str) -> str:
    """Text safe inside a table cell or a line of Markdown."""
    value = unicode_safe(visible(value, keep="\r\n"))

    def replace(m: re.Match[str]) -> str:
        s = m.group(0)
        return "<br>" if s in ("\r\n", "\r", "\n") else _ENTITIES[s]

    return _SPECIAL.sub(replace, value)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Headers are ours; cells are escaped by the caller."""
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(c if c else " " for c in row) + " |" for row in rows]
    return [*out, ""]


def _level(level: d.Level) -> str:
    return cell(level.shown) if level.level is not None else "—"


def render(r: d.ReportData) -> str:
    e = cell
    s = r.summary
    title = f"ISMS report: {r.organization}" if r.organization else "ISMS report"
    out = [
        f"# {e(title)}",
        "",
        f"As of {e(r.today)}; methodology {e(r.methodology)}; isms-check {e(r.tool_version)}.",
        "",
        "## Summary",
        "",
    ]
    out += _table(
        [
            "Open risks",
            f"Above appetite ({s.appetite})",
            "Open errors",
            "Open warnings",
            "Overdue actions",
        ],
        [
            [
                str(s.risks),
                str(s.above_appetite),
                str(s.findings["error"]),
                str(s.findings["warning"]),
                str(len(s.overdue_actions)),
            ]
        ],
    )
    out += ["### Risks per band, before and after treatment", ""]
    out += _table(
        ["Band", "Inherent", "Current"],
        [[e(b), str(s.inherent[b]), str(s.current[b])] for b in s.bands],
    )
    out += ["### Findings of the check", ""]
    out += _table(
        ["Errors", "Warnings", "Info", "Waived", "Evaluation errors"],
        [[str(s.findings[k]) for k in ("error", "warning", "info", "waived", "errors")]],
    )
    out += ["### Treatment plans by status", ""]
    out += _table([k.replace("_", " ") for k in s.plans], [[str(v) for v in s.plans.values()]])
    if s.overdue_actions:
        out += ["### Overdue actions", ""]
        out += _table(
            ["Action", "Title", "Owner", "Due"], [[e(x) for x in a] for a in s.overdue_actions]
        )

    out += [
        "## Heat maps",
        "",
        f"Appetite: level {r.appetite}. Bands: "
        + ", ".join(f"{e(name)} up to {high}" for name, high in r.bands)
        + ".",
        "",
    ]
    for hm in r.heatmaps:
        out += [f"### {e(hm.title)}", "", "Risks per cell (likelihood down, impact across).", ""]
        head = ["Likelihood \\ Impact", *(e(f"{v} {label}") for v, label in hm.impact)]
        rows = []
        for v, label in reversed(hm.likelihood):
            row = [e(f"{v} {label}")]
            for im, _ in hm.impact:
                c = hm.cell(v, im)
                row.append(
                    f"{len(c.risks)} ({c.level} {e(c.band)})"
                    if c.risks
                    else f"· ({c.level} {e(c.band)})"
                )
            rows.append(row)
        out += _table(head, rows)
        listed = [
            [f"{c.likelihood}x{c.impact}", e(f"{c.level} {c.band}"), e(", ".join(c.risks))]
            for c in hm.cells
            if c.risks
        ]
        if listed:
            out += _table(["Cell (LxI)", "Level", "Risks"], listed)
        if hm.unrated:
            out += [f"Not on the scale: {e(', '.join(hm.unrated))}", ""]

    p = r.posture
    out += ["## Posture over time", ""]
    if p.note:
        out += [e(p.note), ""]
    else:
        out += [
            "Each point is the last commit of its month (or each commit), judged as of that "
            "day by this isms-check's rules, with the commit's own methodology, rule files "
            "and waivers.",
            "",
        ]
        out += _table(
            list(d.POSTURE_COLUMNS),
            [
                [
                    e(pt.label),
                    pt.day.isoformat(),
                    pt.commit[:12],
                    *(
                        [str(pt.risks), str(pt.above_appetite), str(pt.total_level)]
                        + [str(pt.findings.get(sv, 0)) for sv in d.SEVERITIES]
                        if pt.evaluated
                        else [""] * 6
                    ),
                    e(pt.note),
                ]
                for pt in p.points
            ],
        )
        if p.markers:
            out += ["Plans completed:", ""]
            out += _table(
                ["Completed", "Plan", "Title"], [[m.day, e(m.plan), e(m.title)] for m in p.markers]
            )

    out += ["## Risk register", ""]
    out += _table(
        list(d.REGISTER_COLUMNS),
        [
            [
                e(x.id),
                e(x.title),
                e(x.owner),
                e(x.status),
                e(x.treatment),
                _level(x.inherent),
                _level(x.current),
                "yes" if x.above_appetite else "",
                e(x.controls),
                e(x.plans),
                e(x.assessed),
                e(x.next_review),
                e(x.acceptance),
            ]
            for x in r.risks
        ],
    )

    soa = r.soa
    out += [
        "## Statement of Applicability",
        "",
        f"Catalog: {e(soa.catalog)}. Version: {e(soa.version) or '_not set_'}. "
        f"Approved: {e(soa.approved) or '_not recorded_'}.",
        "",
    ]
    out += _table(
        list(d.SOA_COLUMNS),
        [
            [
                e(x.id),
                e(x.title),
                e(x.theme),
                e(x.applicable),
                e(x.justification),
                e(x.status),
                e(x.owner),
                "<br>".join(e(v) for v in x.evidence),
                e(x.reviewed),
                e(x.audited),
            ]
            for x in soa.rows
        ],
    )

    out += ["## Risk treatment plans", ""]
    if not r.plans:
        out += ["No treatment plans.", ""]
    for plan in r.plans:
        out += [f"### {e(plan.id)}: {e(plan.title)}", ""]
        out += _table(
            ["Owner", "Status", "Approval", "Created", "Due", "Completed", "Resources", "Progress"],
            [
                [
                    e(plan.owner),
                    e(plan.status) + (" (overdue)" if plan.overdue else ""),
                    e(plan.approval) or "_none_",
                    e(plan.created),
                    e(plan.due),
                    e(plan.completed),
                    e(plan.resources),
                    f"{plan.done} of {plan.counted} actions done",
                ]
            ],
        )
        out += _table(
            ["Risk", "Title", "Current level", "Target level"],
            [[e(x.id), e(x.title), _level(x.current), _level(x.target)] for x in plan.risks],
        )
        out += _table(list(d.ACTION_COLUMNS), [[e(c) for c in a.cells()] for a in plan.actions])

    x = r.records
    out += ["## Management-system records", ""]
    if not x.present:
        out += ["No objectives, audits, management reviews or nonconformities are recorded.", ""]
    else:
        for heading, records in (
            ("Objectives (6.2) and their results (9.1)", x.objectives),
            ("Internal audits (9.2)", x.audits),
            ("Management reviews (9.3)", x.reviews),
            ("Nonconformities and corrective actions (10.2)", x.nonconformities),
        ):
            out += [f"### {heading}", ""]
            if not records:
                out += ["None recorded.", ""]
                continue
            out += _table(
                ["Id", *(label for label, _ in records[0].fields)],
                [[e(rec.id), *(e(v) for _, v in rec.fields)] for rec in records],
            )
            if heading.startswith("Internal audits") and x.clauses:
                for sub, covered in (("clause", x.clauses), ("applicable control", x.controls)):
                    out += [f"#### Audit programme coverage by {sub}", ""]
                    out += _table(
                        ["Subject", "Audited (newest first)", "Planned"],
                        [
                            [e(c.subject), e(c.done) or "_not covered_", e(c.planned)]
                            for c in covered
                        ],
                    )

    out += ["## Findings of the check", ""]
    out += [f"- {e(n)}" for n in r.notices] + ([""] if r.notices else [])
    if not r.findings:
        out += ["No findings.", ""]
    for g in r.findings:
        out += [f"### {e(g.rule)} ({e(g.severity)}): {e(g.title)}", ""]
        if g.references:
            out += [e(g.references), ""]
        out += _table(
            ["Entity", "Where", "Message", "Status", "Waiver"],
            [[e(f.entity), e(f.place), e(f.message), e(f.status), e(f.waiver)] for f in g.findings],
        )
    out += ["### Waivers", ""]
    if r.waivers:
        out += _table(
            ["Rule", "Target", "Reason", "Approved by", "Date", "Expires"],
            [
                [
                    e(w.rule),
                    e(w.target),
                    e(w.reason),
                    e(w.approved_by),
                    e(w.date),
                    e(w.expires) + (" (expired)" if w.expired else ""),
                ]
                for w in r.waivers
            ],
        )
    else:
        out += ["No waivers.", ""]
    return "\n".join(out).rstrip("\n") + "\n"

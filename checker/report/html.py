"""The report as one self-contained HTML page: inline CSS and SVG, no script, nothing
fetched; laid out for a screen and for A4 paper (print CSS). Every text from the ISMS
passes through `esc` (svg.py): markup escaped (quotes too), control and bidirectional
characters shown as visible escapes, lone surrogates replaced.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from checker.report import data as d
from checker.report.svg import (
    NO_BAND,
    SERIES,
    GridCell,
    Series,
    band_colours,
    esc,
    grid,
    legend,
    line_chart,
)

CSS = """
:root { color-scheme: light; }
body { font: 13px/1.45 "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: #212121;
  margin: 24px auto; max-width: 1100px; padding: 0 16px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 28px 0 8px;
  border-bottom: 2px solid #37474f; padding-bottom: 3px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.meta { color: #546e7a; margin: 0 0 12px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { border: 1px solid #cfd8dc; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eceff1; } td.num, th.num { text-align: right; }
tr.over td { background: #ffebee; } .muted { color: #78909c; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 8px 0; }
.card { border: 1px solid #cfd8dc; border-radius: 4px; padding: 8px 12px; min-width: 150px; }
.card b { display: block; font-size: 22px; }
.maps { display: flex; flex-wrap: wrap; gap: 24px; }
.chip { display: inline-block; padding: 1px 8px; margin: 0 4px 4px 0; border-radius: 3px; }
svg text { font: 12px "DejaVu Sans", Arial, sans-serif; } svg .svg-title { font-weight: bold; }
svg .count { font-size: 16px; font-weight: bold; } svg .small { font-size: 10px; }
.bar { background: #eceff1; height: 10px; width: 120px; display: inline-block; }
.bar span { background: #2e7d32; height: 10px; display: block; }
.notes li { color: #546e7a; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10px; padding: 0; }
  h2 { page-break-after: avoid; } table, svg, .plan { page-break-inside: avoid; }
  section.page { page-break-before: always; } tr { page-break-inside: avoid; }
  svg { max-width: 100%; height: auto; }
}
"""


def _table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], classes: Sequence[str] = ()
) -> str:
    """Headers are ours; each row's cells are already HTML (escaped by the caller)."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        css = classes[i] if i < len(classes) else ""
        body.append(
            (f'<tr class="{css}">' if css else "<tr>")
            + "".join(f"<td>{c}</td>" for c in row)
            + "</tr>"
        )
    body_html = "".join(body)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body_html}</tbody></table>"


def _level(level: d.Level, colours: dict[str, str]) -> str:
    if level.level is None:
        return '<span class="muted">—</span>'
    colour = colours.get(level.band, NO_BAND)
    return (
        f'<span class="chip" style="background:{colour}">{level.level} {esc(level.band)}</span>'
        f" {esc(level.likelihood)}x{esc(level.impact)}"
    )


def _summary(r: d.ReportData, colours: dict[str, str]) -> str:
    s = r.summary
    cards = [
        ("Open risks", str(s.risks)),
        (f"Above appetite ({s.appetite})", str(s.above_appetite)),
        ("Open errors", str(s.findings["error"])),
        ("Open warnings", str(s.findings["warning"])),
        ("Overdue actions", str(len(s.overdue_actions))),
    ]
    out = ['<section id="summary"><h2>Summary</h2><div class="cards">']
    out += [f'<div class="card">{esc(label)}<b>{value}</b></div>' for label, value in cards]
    out.append("</div>")
    rows = [
        [
            f'<span class="chip" style="background:{colours[b]}">{esc(b)}</span>',
            str(s.inherent[b]),
            str(s.current[b]),
        ]
        for b in s.bands
    ]
    out.append("<h3>Risks per band, before and after treatment</h3>")
    out.append(_table(["Band", "Inherent", "Current"], rows))
    out.append("<h3>Findings of the check</h3>")
    out.append(
        _table(
            ["Errors", "Warnings", "Info", "Waived", "Evaluation errors"],
            [[str(s.findings[k]) for k in ("error", "warning", "info", "waived", "errors")]],
        )
    )
    out.append("<h3>Treatment plans by status</h3>")
    out.append(
        _table([esc(k.replace("_", " ")) for k in s.plans], [[str(v) for v in s.plans.values()]])
    )
    if s.overdue_actions:
        out.append("<h3>Overdue actions</h3>")
        out.append(
            _table(
                ["Action", "Title", "Owner", "Due"],
                [[esc(x) for x in a] for a in s.overdue_actions],
            )
        )
    out.append("</section>")
    return "".join(out)


def _heatmaps(r: d.ReportData, colours: dict[str, str]) -> str:
    out = ['<section id="heatmaps"><h2>Heat maps</h2>']
    out.append(f'<p>{legend(colours, r.bands)} Appetite: level {r.appetite}.</p><div class="maps">')
    for hm in r.heatmaps:
        rows = [f"{v} {label}" for v, label in reversed(hm.likelihood)]
        columns = [f"{v} {label}" for v, label in hm.impact]
        n = len(hm.likelihood)
        cells = []
        for c in hm.cells:
            count = len(c.risks)
            title = f"likelihood {c.likelihood} x impact {c.impact} = {c.level} ({c.band}): " + (
                ", ".join(c.risks) if c.risks else "no risk"
            )
            cells.append(
                GridCell(
                    n - c.likelihood,
                    c.impact - 1,
                    colours.get(c.band, NO_BAND),
                    str(count) if count else "",
                    title,
                )
            )
        out.append(f"<div>{grid(hm.title, rows, columns, cells, 'Likelihood', 'Impact')}")
        listed = [
            [f"{c.likelihood}x{c.impact}", f"{c.level} {esc(c.band)}", esc(", ".join(c.risks))]
            for c in hm.cells
            if c.risks
        ]
        if listed:
            out.append(_table(["Cell (LxI)", "Level", "Risks"], listed))
        if hm.unrated:
            out.append(f'<p class="muted">Not on the scale: {esc(", ".join(hm.unrated))}</p>')
        out.append("</div>")
    out.append("</div></section>")
    return "".join(out)


def _posture(r: d.ReportData) -> str:
    p = r.posture
    out = ['<section id="posture"><h2>Posture over time</h2>']
    if p.note:
        out.append(f'<p class="muted">{esc(p.note)}</p></section>')
        return "".join(out)
    points = [pt for pt in p.points if pt.evaluated]
    by = "month" if p.by == "month" else "commit"
    out.append(
        f"<p>Each point is the {'last commit of the month' if by == 'month' else 'commit'}, "
        "judged as of that day by this isms-check's rules, with the commit's own "
        "methodology, rule files and waivers. Dashed green lines: treatment plans "
        "completed.</p>"
    )
    if points:
        days = [pt.day for pt in points]
        labels = [pt.label for pt in points]
        markers = [(datetime.date.fromisoformat(m.day), f"{m.plan}: {m.title}") for m in p.markers]
        out.append(
            line_chart(
                "Risks above appetite",
                days,
                labels,
                [Series("above appetite", "#c62828", tuple(pt.above_appetite for pt in points))],
                markers,
            )
        )
        out.append(
            line_chart(
                "Total current risk level (sum over open risks)",
                days,
                labels,
                [Series("total level", "#37474f", tuple(pt.total_level for pt in points))],
                markers,
            )
        )
        out.append(
            line_chart(
                "Open findings by severity",
                days,
                labels,
                [
                    Series(sev, SERIES[sev], tuple(pt.findings.get(sev, 0) for pt in points))
                    for sev in d.SEVERITIES
                ],
                markers,
            )
        )
    rows = [
        [
            esc(pt.label),
            esc(pt.day.isoformat()),
            esc(pt.commit[:12]),
            *(
                [str(pt.risks), str(pt.above_appetite), str(pt.total_level)]
                + [str(pt.findings.get(s, 0)) for s in d.SEVERITIES]
                if pt.evaluated
                else ["", "", "", "", "", ""]
            ),
            esc(pt.note),
        ]
        for pt in p.points
    ]
    out.append(
        _table(
            list(d.POSTURE_COLUMNS),
            rows,
        )
    )
    if p.markers:
        out.append("<h3>Plans completed</h3>")
        out.append(
            _table(
                ["Completed", "Plan", "Title"],
                [[esc(m.day), esc(m.plan), esc(m.title)] for m in p.markers],
            )
        )
    out.append("</section>")
    return "".join(out)


def _register(r: d.ReportData, colours: dict[str, str]) -> str:
    rows = [
        [
            esc(x.id),
            esc(x.title),
            esc(x.owner),
            esc(x.status),
            esc(x.treatment),
            _level(x.inherent, colours),
            _level(x.current, colours),
            "yes" if x.above_appetite else "",
            esc(x.controls),
            esc(x.plans),
            esc(x.assessed),
            esc(x.next_review),
            esc(x.acceptance),
        ]
        for x in r.risks
    ]
    classes = ["over" if x.above_appetite else "" for x in r.risks]
    head = list(d.REGISTER_COLUMNS)
    return (
        '<section id="register" class="page"><h2>Risk register</h2>'
        f"<p>{len(r.risks)} risks (closed ones included); rows above the appetite are shaded.</p>"
        + _table(head, rows, classes)
        + "</section>"
    )


def _soa(r: d.ReportData) -> str:
    s = r.soa
    meta = f"Catalog: {esc(s.catalog)}. Version: {esc(s.version) or '<em>not set</em>'}. "
    meta += f"Approved: {esc(s.approved) or '<em>not recorded</em>'}."
    rows = [
        [
            esc(x.id),
            esc(x.title),
            esc(x.theme),
            esc(x.applicable),
            esc(x.justification),
            esc(x.status),
            esc(x.owner),
            "<br>".join(esc(e) for e in x.evidence),
            esc(x.reviewed),
            esc(x.audited),
        ]
        for x in s.rows
    ]
    head = list(d.SOA_COLUMNS)
    return (
        '<section id="soa" class="page"><h2>Statement of Applicability</h2>'
        f"<p>{meta}</p>" + _table(head, rows) + "</section>"
    )


def _plans(r: d.ReportData, colours: dict[str, str]) -> str:
    out = ['<section id="plans" class="page"><h2>Risk treatment plans</h2>']
    if not r.plans:
        out.append('<p class="muted">No treatment plans.</p>')
    for p in r.plans:
        share = round(100 * p.done / p.counted) if p.counted else 0
        out.append(f'<div class="plan"><h3>{esc(p.id)}: {esc(p.title)}</h3>')
        facts = [
            ("Owner", esc(p.owner)),
            ("Status", esc(p.status) + (" (overdue)" if p.overdue else "")),
            ("Approval", esc(p.approval) or "<em>none</em>"),
            ("Created", esc(p.created)),
            ("Due", esc(p.due)),
            ("Completed", esc(p.completed)),
            ("Resources", esc(p.resources)),
            (
                "Progress",
                f'<span class="bar"><span style="width:{share}%"></span></span> '
                f"{p.done} of {p.counted} actions done",
            ),
        ]
        out.append(_table([label for label, _ in facts], [[value for _, value in facts]]))
        out.append(
            _table(
                ["Risk", "Title", "Current level", "Target level"],
                [
                    [esc(x.id), esc(x.title), _level(x.current, colours), _level(x.target, colours)]
                    for x in p.risks
                ],
            )
        )
        out.append(
            _table(
                list(d.ACTION_COLUMNS),
                [[esc(c) for c in a.cells()] for a in p.actions],
                ["over" if a.overdue else "" for a in p.actions],
            )
        )
        out.append("</div>")
    out.append("</section>")
    return "".join(out)


def _record_table(records: Sequence[d.Record]) -> str:
    if not records:
        return '<p class="muted">None recorded.</p>'
    head = ["Id", *(label for label, _ in records[0].fields)]
    return _table(head, [[esc(x.id), *(esc(v) for _, v in x.fields)] for x in records])


def _coverage(rows: Sequence[d.Coverage]) -> str:
    return _table(
        ["Subject", "Audited (newest first)", "Planned"],
        [[esc(c.subject), esc(c.done) or "<em>not covered</em>", esc(c.planned)] for c in rows],
        ["" if c.done else "over" for c in rows],
    )


def _records(r: d.ReportData) -> str:
    x = r.records
    out = ['<section id="records" class="page"><h2>Management-system records</h2>']
    if not x.present:
        out.append(
            '<p class="muted">No objectives, audits, management reviews or nonconformities '
            "are recorded.</p></section>"
        )
        return "".join(out)
    out.append("<h3>Objectives (6.2) and their results (9.1)</h3>" + _record_table(x.objectives))
    out.append("<h3>Internal audits (9.2)</h3>" + _record_table(x.audits))
    if x.clauses:
        out.append("<h3>Audit programme coverage by clause</h3>" + _coverage(x.clauses))
        out.append(
            "<h3>Audit programme coverage by applicable control</h3>" + _coverage(x.controls)
        )
    out.append("<h3>Management reviews (9.3)</h3>" + _record_table(x.reviews))
    out.append(
        "<h3>Nonconformities and corrective actions (10.2)</h3>" + _record_table(x.nonconformities)
    )
    out.append("</section>")
    return "".join(out)


def _findings(r: d.ReportData) -> str:
    out = ['<section id="findings" class="page"><h2>Findings of the check</h2>']
    if r.notices:
        out.append(
            '<ul class="notes">' + "".join(f"<li>{esc(n)}</li>" for n in r.notices) + "</ul>"
        )
    if not r.findings:
        out.append("<p>No findings.</p>")
    for g in r.findings:
        out.append(
            f"<h3>{esc(g.rule)} ({esc(g.severity)}): {esc(g.title)}</h3>"
            + (f'<p class="muted">{esc(g.references)}</p>' if g.references else "")
        )
        out.append(
            _table(
                ["Entity", "Where", "Message", "Status", "Waiver"],
                [
                    [esc(f.entity), esc(f.place), esc(f.message), esc(f.status), esc(f.waiver)]
                    for f in g.findings
                ],
            )
        )
    out.append("<h3>Waivers</h3>")
    if r.waivers:
        out.append(
            _table(
                ["Rule", "Target", "Reason", "Approved by", "Date", "Expires"],
                [
                    [
                        esc(w.rule),
                        esc(w.target),
                        esc(w.reason),
                        esc(w.approved_by),
                        esc(w.date),
                        esc(w.expires) + (" (expired)" if w.expired else ""),
                    ]
                    for w in r.waivers
                ],
                ["over" if w.expired else "" for w in r.waivers],
            )
        )
    else:
        out.append('<p class="muted">No waivers.</p>')
    out.append("</section>")
    return "".join(out)


def render(r: d.ReportData) -> str:
    colours = band_colours([name for name, _ in r.bands])
    title = f"ISMS report: {r.organization}" if r.organization else "ISMS report"
    body = "".join(
        [
            f"<h1>{esc(title)}</h1>",
            f'<p class="meta">As of {esc(r.today)}; methodology {esc(r.methodology)}; '
            f"isms-check {esc(r.tool_version)}.</p>",
            '<nav><a href="#summary">Summary</a> · <a href="#heatmaps">Heat maps</a> · '
            '<a href="#posture">Posture over time</a> · <a href="#register">Risk register</a> · '
            '<a href="#soa">Statement of Applicability</a> · <a href="#plans">Treatment plans</a>'
            ' · <a href="#records">Management-system records</a> · '
            '<a href="#findings">Findings</a></nav>',
            _summary(r, colours),
            _heatmaps(r, colours),
            _posture(r),
            _register(r, colours),
            _soa(r),
            _plans(r, colours),
            _records(r),
            _findings(r),
        ]
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">\n"
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )

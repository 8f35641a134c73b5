"""What the report shows, as plain frozen records built once from the check's Report,
the Model it judged and the timeline; every renderer (html, markdown, tables) reads
these and nothing else.

Texts here are the ISMS's own strings, unescaped: each renderer escapes them for its
format. Dates are ISO strings ("" when absent), so that renderers only lay them out.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from checker.findings import Outcome, Report, Result, natural_key
from checker.model import Entity, Model, to_date
from checker.timeline import Timeline

CLAUSES = ("4", "5", "6", "7", "8", "9", "10")
SEVERITIES = ("error", "warning", "info")
PLAN_STATUSES = ("draft", "approved", "in_progress", "completed", "cancelled")
DONE_ACTIONS = ("done", "cancelled")


def text(value: Any) -> str:
    """A field's value as text: "" for absent, dates ISO, lists comma-separated."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(text(v) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {text(v)}" for k, v in value.items())
    return str(value)


# The columns of the register, the posture and the SoA, as the HTML and Markdown
# documents head them.
REGISTER_COLUMNS = (
    "Id", "Title", "Owner", "Status", "Treatment", "Inherent", "Current", "Above appetite",
    "Controls", "Plans", "Assessed", "Next review", "Acceptance",
)  # fmt: skip
POSTURE_COLUMNS = (
    "Point", "Judged as of", "Commit", "Open risks", "Above appetite", "Total level",
    "Errors", "Warnings", "Info", "Note",
)  # fmt: skip
SOA_COLUMNS = (
    "Control", "Title", "Theme", "Applicable", "Justification", "Status", "Owner",
    "Evidence", "Last review", "Last audit",
)  # fmt: skip


def _date(value: Any) -> datetime.date | None:
    return value if isinstance(value, datetime.date) else to_date(value)


@dataclass(frozen=True)
class Level:
    """A rating: likelihood x impact = level, in a band ("" parts when unknown)."""

    likelihood: str
    impact: str
    level: int | None
    band: str

    @property
    def shown(self) -> str:
        if self.level is None:
            return ""
        return f"{self.level} {self.band} ({self.likelihood}x{self.impact})"


@dataclass(frozen=True)
class Summary:
    bands: tuple[str, ...]
    inherent: Mapping[str, int]  # open risks per band, before treatment
    current: Mapping[str, int]  # open risks per band of the current level
    risks: int  # open risks
    above_appetite: int  # current level above the appetite
    appetite: int
    findings: Mapping[str, int]  # open findings per severity, then waived, errors
    plans: Mapping[str, int]  # plans per status
    overdue_actions: tuple[tuple[str, str, str, str], ...]  # (action id, title, owner, due)


@dataclass(frozen=True)
class Cell:
    likelihood: int
    impact: int
    level: int | None
    band: str
    risks: tuple[str, ...]


@dataclass(frozen=True)
class HeatMap:
    title: str
    likelihood: tuple[tuple[int, str], ...]  # (value, label), ascending
    impact: tuple[tuple[int, str], ...]
    cells: tuple[Cell, ...]  # every (likelihood, impact), likelihood descending
    unrated: tuple[str, ...]  # open risks with no rating on the scale

    def cell(self, likelihood: int, impact: int) -> Cell:
        return next(c for c in self.cells if (c.likelihood, c.impact) == (likelihood, impact))


@dataclass(frozen=True)
class RiskRow:
    id: str
    title: str
    owner: str
    status: str
    treatment: str
    inherent: Level
    current: Level
    above_appetite: bool
    controls: str
    plans: str
    assessed: str
    next_review: str
    acceptance: str  # by, until
    file: str


@dataclass(frozen=True)
class SoaRow:
    id: str
    title: str
    theme: str
    applicable: str  # yes | no | "" (missing) | "not in the SoA"
    justification: str
    status: str
    owner: str
    evidence: tuple[str, ...]
    reviewed: str
    audited: str
    measurement: str
    in_catalog: bool


@dataclass(frozen=True)
class Soa:
    catalog: str
    version: str
    approved: str  # "by on date", or ""
    rows: tuple[SoaRow, ...]


@dataclass(frozen=True)
class PlanRisk:
    id: str
    title: str
    current: Level
    target: Level


@dataclass(frozen=True)
class ActionRow:
    plan: str
    id: str
    title: str
    owner: str
    due: str
    status: str
    done: str
    controls: str
    overdue: bool

    def cells(self) -> tuple[str, ...]:
        """The row under ACTION_COLUMNS, as plain text (each document escapes it)."""
        due = self.due + (" (overdue)" if self.overdue else "")
        return (self.id, self.title, self.owner, due, self.status, self.done, self.controls)


ACTION_COLUMNS = ("Action", "Title", "Owner", "Due", "Status", "Done", "Controls")


@dataclass(frozen=True)
class Plan:
    id: str
    title: str
    owner: str
    status: str
    approval: str
    created: str
    due: str
    completed: str
    resources: str
    risks: tuple[PlanRisk, ...]
    actions: tuple[ActionRow, ...]
    done: int  # actions done
    counted: int  # actions not cancelled
    overdue: bool


@dataclass(frozen=True)
class Record:
    """A management-system record (docs/format.md section 8) as label → text pairs."""

    id: str
    fields: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Coverage:
    """Audit-programme coverage of one clause or applicable control."""

    subject: str
    done: str  # the audits performed that covered it, newest first: "IA-1 (2026-05-12)"
    planned: str
    last: str  # date of the newest performed audit ("" when none)


@dataclass(frozen=True)
class Records:
    present: bool  # any section-8 record at all
    objectives: tuple[Record, ...]
    audits: tuple[Record, ...]
    clauses: tuple[Coverage, ...]
    controls: tuple[Coverage, ...]
    reviews: tuple[Record, ...]
    nonconformities: tuple[Record, ...]


@dataclass(frozen=True)
class Marker:
    day: str
    plan: str
    title: str


@dataclass(frozen=True)
class Posture:
    by: str
    points: tuple[Any, ...]  # timeline.Point
    markers: tuple[Marker, ...]  # completed plans, on the time axis
    note: str


@dataclass(frozen=True)
class FindingRow:
    entity: str
    kind: str
    place: str  # file:line
    message: str
    status: str  # open | waived | error
    waiver: str  # "reason (approved by X, expires D)"


@dataclass(frozen=True)
class RuleGroup:
    rule: str
    title: str
    severity: str
    references: str
    findings: tuple[FindingRow, ...]


@dataclass(frozen=True)
class WaiverRow:
    rule: str
    target: str
    reason: str
    approved_by: str
    date: str
    expires: str
    expired: bool


@dataclass(frozen=True)
class ReportData:
    organization: str
    today: str
    tool_version: str
    methodology: str  # the isms.yaml file
    bands: tuple[tuple[str, int], ...]  # (name, max) ascending
    appetite: int
    summary: Summary
    heatmaps: tuple[HeatMap, HeatMap]
    risks: tuple[RiskRow, ...]
    soa: Soa
    plans: tuple[Plan, ...]
    records: Records
    posture: Posture
    findings: tuple[RuleGroup, ...]
    waivers: tuple[WaiverRow, ...]
    notices: tuple[str, ...]


# --- building ----------------------------------------------------------------------------


def _level(model: Model, rating: Any) -> Level:
    if not isinstance(rating, Mapping):
        return Level("", "", None, "")
    li, im = rating.get("likelihood"), rating.get("impact")
    level = model.methodology.level(li, im)
    return Level(text(li), text(im), level, model.methodology.band(level) or "")


def _open_risks(model: Model) -> list[Entity]:
    return [e for e in model.unique("risk") if e.values.get("status") != "closed"]


def _by_id(entities: Iterable[Entity]) -> list[Entity]:
    return sorted(entities, key=lambda e: natural_key(e.id))


def _heatmap(model: Model, title: str, rating_of: str) -> HeatMap:
    m = model.methodology
    labels = {
        axis: {
            entry.get("value"): str(entry.get("label", entry.get("value")))
            for entry in m.data["scales"][axis]
        }
        for axis in ("likelihood", "impact")
    }
    placed: dict[tuple[int, int], list[str]] = {}
    unrated = []
    for e in _by_id(_open_risks(model)):
        v = e.values
        rating = v.get("inherent")
        if rating_of == "current" and v.get("residual") is not None:
            rating = v.get("residual")
        li = rating.get("likelihood") if isinstance(rating, Mapping) else None
        im = rating.get("impact") if isinstance(rating, Mapping) else None
        if not isinstance(li, int) or not isinstance(im, int) or m.level(li, im) is None:
            unrated.append(e.id)
            continue
        placed.setdefault((li, im), []).append(e.id)
    cells = tuple(
        Cell(
            li, im, m.level(li, im), m.band(m.level(li, im)) or "", tuple(placed.get((li, im), ()))
        )
        for li in reversed(m.likelihood)
        for im in m.impact
    )
    return HeatMap(
        title,
        tuple((v, labels["likelihood"].get(v, str(v))) for v in m.likelihood),
        tuple((v, labels["impact"].get(v, str(v))) for v in m.impact),
        cells,
        tuple(unrated),
    )


def _risk_rows(model: Model) -> tuple[RiskRow, ...]:
    appetite = model.methodology.appetite
    rows = []
    for e in _by_id(model.unique("risk")):
        v = e.values
        current = v.get("residual") if v.get("residual") is not None else v.get("inherent")
        acceptance = v.get("acceptance")
        accepted = ""
        if isinstance(acceptance, Mapping) and acceptance.get("by"):
            accepted = f"{text(acceptance.get('by'))} until {text(acceptance.get('expires'))}"
        level = v.get("level")
        rows.append(
            RiskRow(
                id=e.id,
                title=text(v.get("title")),
                owner=text(v.get("owner")),
                status=text(v.get("status")),
                treatment=text(v.get("treatment")),
                inherent=_level(model, v.get("inherent")),
                current=_level(model, current),
                above_appetite=type(level) is int and level > appetite,
                controls=text(v.get("controls")),
                plans=text(v.get("plan_ids")),
                assessed=text(v.get("assessed")),
                next_review=text(v.get("next_review")),
                acceptance=accepted,
                file=e.source.file,
            )
        )
    return tuple(rows)


def _approval(value: Any) -> str:
    items = value if isinstance(value, list) else [value]
    parts = [
        f"{text(a.get('by'))} on {text(a.get('date'))}"
        for a in items
        if isinstance(a, Mapping) and (a.get("by") or a.get("date"))
    ]
    return "; ".join(parts)


def _soa(model: Model) -> Soa:
    m = model.methodology
    found = m.data.get("soa")
    soa: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    entries = {e.id: e for e in model.unique("control")}
    rows = []

    def row(cid: str, title: str, theme: str, e: Entity | None, in_catalog: bool) -> SoaRow:
        if e is None:
            return SoaRow(cid, title, theme, "not in the SoA", "", "", "", (), "", "", "", True)
        v = e.values
        applicable = v.get("applicable")
        return SoaRow(
            id=cid,
            title=text(v.get("title")) or title,
            theme=text(v.get("theme")) or theme,
            applicable="yes" if applicable is True else "no" if applicable is False else "",
            justification=text(v.get("justification")),
            status=text(v.get("status")),
            owner=text(v.get("owner")),
            evidence=tuple(text(x) for x in v.get("evidence") or ()),
            reviewed=text(v.get("reviewed")),
            audited=text(v.get("audited")),
            measurement=text(v.get("measurement")),
            in_catalog=in_catalog,
        )

    for c in m.catalog:
        rows.append(row(c.id, c.title, c.theme, entries.get(c.id), True))
    catalog_ids = {c.id for c in m.catalog}
    for e in _by_id(entries.values()):
        if e.id not in catalog_ids:
            rows.append(row(e.id, "", "custom" if e.values.get("custom") else "", e, False))
    return Soa(
        catalog=m.catalog_name,
        version=text(soa.get("version")),
        approved=_approval(soa.get("approved")),
        rows=tuple(rows),
    )


def _plans(model: Model, today: datetime.date) -> tuple[Plan, ...]:
    risks = {e.id: e for e in model.unique("risk")}
    linked: dict[str, set[str]] = {}
    for r in risks.values():
        for pid in r.values.get("plan_ids") or ():
            linked.setdefault(pid, set()).add(r.id)
    actions: dict[str, list[Entity]] = {}
    for a in model.unique("action"):
        if a.parent is not None:
            actions.setdefault(a.parent.id, []).append(a)
    out = []
    for p in _by_id(model.unique("plan")):
        v = p.values
        ids = {r for r in v.get("risks") or () if isinstance(r, str)} | linked.get(p.id, set())
        target = _level(model, v.get("target_residual"))
        plan_risks = tuple(
            PlanRisk(
                rid,
                text(risks[rid].values.get("title")) if rid in risks else "(unknown risk)",
                _level(
                    model,
                    risks[rid].values.get("residual") or risks[rid].values.get("inherent"),
                )
                if rid in risks
                else Level("", "", None, ""),
                target,
            )
            for rid in sorted(ids, key=natural_key)
        )
        rows = []
        for a in actions.get(p.id, ()):
            av = a.values
            due = _date(av.get("due"))
            rows.append(
                ActionRow(
                    plan=p.id,
                    id=text(av.get("id")),
                    title=text(av.get("title")),
                    owner=text(av.get("owner")),
                    due=text(av.get("due")),
                    status=text(av.get("status")),
                    done=text(av.get("done")),
                    controls=text(av.get("controls")),
                    overdue=due is not None
                    and due < today
                    and av.get("status") not in DONE_ACTIONS,
                )
            )
        counted = [r for r in rows if r.status != "cancelled"]
        due = _date(v.get("due"))
        out.append(
            Plan(
                id=p.id,
                title=text(v.get("title")),
                owner=text(v.get("owner")),
                status=text(v.get("status")),
                approval=_approval(v.get("approval")),
                created=text(v.get("created")),
                due=text(v.get("due")),
                completed=text(v.get("completed")),
                resources=text(v.get("resources")),
                risks=plan_risks,
                actions=tuple(rows),
                done=sum(1 for r in counted if r.status == "done"),
                counted=len(counted),
                overdue=due is not None
                and due < today
                and v.get("status") not in ("completed", "cancelled"),
            )
        )
    return tuple(out)


def _records(model: Model) -> Records:
    """Section-8 records, read by kind name: an ISMS (or a checker) without them has
    none, and the report says so."""

    def of(kind: str) -> list[Entity]:
        return _by_id(model.judged.get(kind, ()))

    def record(e: Entity, fields: Sequence[tuple[str, str]]) -> Record:
        return Record(e.id, tuple((label, text(e.values.get(name))) for label, name in fields))

    objectives = []
    for e in of("objective"):
        results = [r for r in e.values.get("results") or () if isinstance(r, Mapping)]
        latest = results[-1] if results else None
        newest = f"{text(latest.get('value'))} on {text(latest.get('date'))}" if latest else ""
        base = record(
            e,
            [
                ("Title", "title"),
                ("Owner", "owner"),
                ("Measure", "measure"),
                ("Target", "target"),
                ("Due", "due"),
                ("Status", "status"),
            ],
        )
        objectives.append(
            Record(e.id, (*base.fields, ("Latest result", newest), ("Results", str(len(results)))))
        )
    audits = [
        record(
            e,
            [
                ("Title", "title"),
                ("Auditor", "auditor"),
                ("Status", "status"),
                ("Planned", "planned"),
                ("Performed", "performed"),
                ("Report", "report"),
                ("Nonconformities", "nonconformities"),
            ],
        )
        for e in of("audit")
    ]
    audit_entities = of("audit")

    def coverage(subject: str, key: str, label: str) -> Coverage:
        done: list[tuple[datetime.date, str]] = []
        planned: list[str] = []
        for a in audit_entities:
            scope = a.values.get("scope")
            listed = scope.get(key) if isinstance(scope, Mapping) else None
            if not isinstance(listed, list) or subject not in [str(x) for x in listed]:
                continue
            performed = _date(a.values.get("performed"))
            if a.values.get("status") == "done" and performed is not None:
                done.append((performed, a.id))
            elif a.values.get("status") == "planned":
                planned.append(f"{a.id} ({text(a.values.get('planned'))})")
        done.sort(reverse=True)
        return Coverage(
            label,
            ", ".join(f"{aid} ({day.isoformat()})" for day, aid in done),
            ", ".join(planned),
            done[0][0].isoformat() if done else "",
        )

    clauses = (
        tuple(coverage(c, "clauses", f"Clause {c}") for c in CLAUSES) if audit_entities else ()
    )
    applicable = [
        e.id for e in _by_id(model.unique("control")) if e.values.get("applicable") is True
    ]
    controls = tuple(coverage(c, "controls", c) for c in applicable) if audit_entities else ()
    reviews = []
    for e in of("review"):
        inputs = e.values.get("inputs")
        given = [k for k, v in inputs.items() if v] if isinstance(inputs, Mapping) else []
        decisions = [d for d in e.values.get("decisions") or () if isinstance(d, Mapping)]
        closed = sum(1 for d in decisions if d.get("status") in DONE_ACTIONS)
        base = record(
            e,
            [
                ("Date", "date"),
                ("Chair", "chair"),
                ("Attendees", "attendees"),
                ("Minutes", "minutes"),
            ],
        )
        reviews.append(
            Record(
                e.id,
                (
                    *base.fields,
                    (
                        "Inputs (9.3.2)",
                        f"{len(given)} of 7: {', '.join(given)}" if given else "none",
                    ),
                    ("Decisions", f"{len(decisions)} ({closed} done or cancelled)"),
                ),
            )
        )
    ncs = []
    for e in of("nonconformity"):
        acts = [a for a in e.values.get("actions") or () if isinstance(a, Mapping)]
        done = sum(1 for a in acts if a.get("status") in DONE_ACTIONS)
        eff: Any = e.values.get("effectiveness")
        effectiveness = (
            f"{text(eff.get('result'))} ({text(eff.get('by'))}, {text(eff.get('date'))})"
            if isinstance(eff, Mapping)
            else ""
        )
        base = record(
            e,
            [
                ("Title", "title"),
                ("Source", "source"),
                ("Raised", "raised"),
                ("Requirement", "requirement"),
                ("Severity", "severity"),
                ("Status", "status"),
                ("Root cause", "root_cause"),
                ("Closed", "closed"),
            ],
        )
        ncs.append(
            Record(
                e.id,
                (
                    *base.fields,
                    ("Actions", f"{done} of {len(acts)} done or cancelled"),
                    ("Effectiveness", effectiveness),
                ),
            )
        )
    present = bool(objectives or audits or reviews or ncs)
    return Records(
        present, tuple(objectives), tuple(audits), clauses, controls, tuple(reviews), tuple(ncs)
    )


def _posture(model: Model, timeline: Timeline | None) -> Posture:
    if timeline is None:
        return Posture("month", (), (), "posture over time was not asked for")
    points = tuple(timeline.points)
    if not points and not timeline.note:
        return Posture(timeline.by, (), (), "no commit of the ISMS is dated on or before today")
    markers: list[Marker] = []
    if points:
        first, last = points[0].day, points[-1].day
        for p in _by_id(model.unique("plan")):
            done = _date(p.values.get("completed"))
            if p.values.get("status") == "completed" and done is not None and first <= done <= last:
                markers.append(Marker(done.isoformat(), p.id, text(p.values.get("title"))))
    markers.sort(key=lambda m: (m.day, natural_key(m.plan)))
    return Posture(timeline.by, points, tuple(markers), timeline.note)


def _place(r: Result) -> str:
    return f"{r.location.file}:{r.location.line}"


def _findings(report: Report) -> tuple[RuleGroup, ...]:
    infos = {i.id: i for i in report.rules}
    groups: dict[str, list[Result]] = {}
    for r in report.findings:
        groups.setdefault(r.rule, []).append(r)
    out = []
    for rule in sorted(groups, key=natural_key):
        info = infos.get(rule)
        rows = tuple(
            FindingRow(
                entity=r.entity or "",
                kind=r.kind,
                place=_place(r),
                message=r.message,
                status=r.outcome.status,
                waiver=(
                    f"{r.waiver.reason} (approved by {r.waiver.approved_by}, "
                    f"expires {r.waiver.expires})"
                    if r.waiver is not None and r.outcome is Outcome.WAIVED
                    else ""
                ),
            )
            for r in groups[rule]
        )
        out.append(
            RuleGroup(
                rule,
                info.title if info else "",
                groups[rule][0].severity.value,
                ", ".join(info.references) if info else "",
                rows,
            )
        )
    return tuple(out)


def _waivers(model: Model, today: datetime.date) -> tuple[WaiverRow, ...]:
    rows = []
    for e in model.of_kind("waiver"):
        v = e.values
        expires = _date(v.get("expires"))
        rows.append(
            WaiverRow(
                rule=text(v.get("rule")),
                target=text(v.get("target")),
                reason=text(v.get("reason")),
                approved_by=text(v.get("approved_by")),
                date=text(v.get("date")),
                expires=text(v.get("expires")),
                expired=expires is not None and expires < today,
            )
        )
    return tuple(rows)


def build(report: Report, model: Model, timeline: Timeline | None) -> ReportData:
    """Everything the report shows, from one check and its model (and the timeline)."""
    m = model.methodology
    today = report.today
    open_risks = _open_risks(model)
    bands = tuple(b.name for b in m.bands)

    def per_band(levels: Iterable[Any]) -> dict[str, int]:
        counts = dict.fromkeys(bands, 0)
        for level in levels:
            band = m.band(level) if type(level) is int else None
            if band is not None:
                counts[band] += 1
        return counts

    plans = _plans(model, today)
    counts = report.summary()
    summary = Summary(
        bands=bands,
        inherent=per_band(e.values.get("inherent_level") for e in open_risks),
        current=per_band(e.values.get("level") for e in open_risks),
        risks=len(open_risks),
        above_appetite=sum(
            1
            for e in open_risks
            if type(e.values.get("level")) is int and e.values["level"] > m.appetite
        ),
        appetite=m.appetite,
        findings={
            **{s: counts[s] for s in SEVERITIES},
            "waived": counts["waived"],
            "errors": counts["errors"],
        },
        plans={s: sum(1 for p in plans if p.status == s) for s in PLAN_STATUSES},
        overdue_actions=tuple(
            (f"{a.plan}/{a.id}", a.title, a.owner, a.due)
            for p in plans
            for a in p.actions
            if a.overdue
        ),
    )
    organization = m.data.get("organization")
    return ReportData(
        organization=text(organization) if organization else "",
        today=today.isoformat(),
        tool_version=report.tool_version,
        methodology=m.file,
        bands=tuple((b.name, b.max) for b in m.bands),
        appetite=m.appetite,
        summary=summary,
        heatmaps=(
            _heatmap(model, "Inherent risk (before treatment)", "inherent"),
            _heatmap(model, "Current risk (residual where assessed)", "current"),
        ),
        risks=_risk_rows(model),
        soa=_soa(model),
        plans=plans,
        records=_records(model),
        posture=_posture(model, timeline),
        findings=_findings(report),
        waivers=_waivers(model, today),
        notices=report.notices,
    )

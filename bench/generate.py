"""A generated ISMS repository at a chosen scale, as real YAML files in a real git repo.

`generate(Params(risks=N), out)` writes, at the root of a new git repository at `out`:

    isms.yaml                 5x5 methodology, appetite 8, the built-in ISO 27001:2022 catalog
    risks/<area>/*.yaml       N risks, 2-6 per file (one per file with single_files)
    controls/<theme>.yaml     the full SoA of the catalog (one control left out) + custom ones
    plans/RTP-*.yaml          about N/5 treatment plans with 2-5 actions each
    evidence/*.md             the evidence files the implemented controls name
    policies/org.yaml         three organisation rules (CEL)
    waivers.yaml              five waivers: valid, expired, too long, stale
    README.md

and a history of about N/2 commits with fixed dates (`git fast-import`): an import
commit, edits that touch 1-3 files each, then a review sweep that writes every entity
file's final version. Every recorded date of a clean entity lies before the sweep, so
the forward-dating rule (GIT-001) only fires where a failure was planted.

The mix is realistic: about 80% of risks, controls, plans and actions are clean; the
rest fail one rule each, spread over the built-in rules (overdue plans and actions, stale
assessments, treatment gaps, missing evidence, bad schema values, duplicate ids, broken
YAML in one file, ...) and the organisation's own. `today` is fixed at 2026-11-27 for
every run of the benchmark. The same Params give byte-identical files and the same
commit ids.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import random
import re
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.gitstream import FastImport, timestamp

GENERATOR_VERSION = 2  # 2: isms.yaml sets `established` and `soa` (format 1.1)
TODAY = datetime.date(2026, 11, 27)
MANIFEST = "isms-bench.json"  # inside .git/, so that `git status` stays clean
REPO_ROOT = Path(__file__).resolve().parents[1]
CATALOG = REPO_ROOT / "checker" / "catalogs" / "iso27001-2022.yaml"

D = datetime.date
HISTORY_START = datetime.datetime(2026, 1, 5, 8, 0)
HISTORY_EDITS_END = datetime.datetime(2026, 9, 4, 18, 0)
SWEEP_START = datetime.datetime(2026, 9, 7, 8, 0)
SWEEP_END = datetime.datetime(2026, 11, 20, 17, 0)
DATA_MAX = D(2026, 9, 5)  # no clean entity records a date after this (GIT-001)
EXECUTIVES = ("CEO", "CTO", "CISO", "CFO", "COO")
STAFF = ("Head of IT", "Head of HR", "Head of Engineering", "Facilities Manager", "DPO")
ACTION_OWNERS = ("IT Operations", "Engineering", "HR", "Legal", "Facilities", "Security Team")
AREAS = ("operations", "people", "suppliers", "cloud", "product", "facilities", "privacy")
THREATS = (
    ("ransomware", "Ransomware encrypts"),
    ("phishing", "Phishing compromises"),
    ("insider", "An insider leaks"),
    ("outage", "A provider outage takes down"),
    ("misconfiguration", "A misconfiguration exposes"),
    ("theft", "Theft of a device exposes"),
    ("supply-chain", "A compromised dependency reaches"),
    ("fire", "A fire destroys"),
    ("fraud", "Payment fraud drains"),
    ("ddos", "A denial-of-service attack floods"),
)
ASSETS = (
    "file-servers", "customer-database", "payroll-system", "source-code", "laptops",
    "office-network", "backups", "crm", "data-warehouse", "build-pipeline", "email",
    "identity-provider", "payment-gateway", "hr-records", "website",
)  # fmt: skip
LOW = [(li, im) for li in range(1, 6) for im in range(1, 6) if li * im <= 8]
HIGH = [(li, im) for li in range(1, 6) for im in range(1, 6) if 9 < li * im <= 16]
CRITICAL = [(li, im) for li in range(1, 6) for im in range(1, 6) if li * im >= 17]

# planted failures: kind -> weight; each failing entity breaks one rule (or a few that go
# together, such as a future date: ST-006 and GIT-001)
RISK_FAILURES = {
    "stale": 3,  # ST-001
    "treatment-gap": 3,  # RT-002
    "untreated": 2,  # RT-001
    "schema": 2,  # ISMS-SCHEMA
    "acceptance-expired": 1,  # RT-004
    "acceptance-not-owner": 1,  # RT-003
    "acceptance-expiring": 1,  # RT-005 (warning)
    "residual-above-inherent": 1,  # RT-006
    "reduced-without-controls": 1,  # RT-007
    "off-scale": 1,  # RA-001
    "unknown-control": 1,  # ISMS-REF
    "excluded-control": 1,  # SOA-004
    "future-date": 1,  # ST-006 (+ GIT-001)
    "forward-dated": 1,  # GIT-001
    "not-executive": 1,  # ORG-001
    "no-assets": 1,  # ORG-003 (warning)
    "duplicate-id": 1,  # ISMS-DUP
}
CONTROL_FAILURES = {
    "missing-evidence": 3,  # SOA-006
    "no-owner": 1,  # SOA-006
    "no-justification": 1,  # SOA-003
    "excluded-no-justification": 1,  # SOA-002
    "not-reviewed": 2,  # ST-004 (warning)
    "not-audited": 2,  # ST-005 (warning)
    "no-measurement": 1,  # ST-005 (warning)
    "schema": 1,  # ISMS-SCHEMA
    "future-review": 1,  # ST-006 (+ GIT-001)
}
PLAN_FAILURES = {
    "overdue": 3,  # RTP-001 (its open actions RTP-002)
    "no-approval": 2,  # RTP-003
    "completed-open-action": 1,  # RTP-004
    "completed-no-date": 1,  # RTP-004
    "unknown-risk": 1,  # ISMS-REF
    "no-resources": 2,  # ORG-002 (warning)
    "schema": 1,  # ISMS-SCHEMA
    "future-approval": 1,  # ST-006 (+ GIT-001)
}
ACTION_FAILURES = {
    "overdue": 3,  # RTP-002
    "excluded-control": 1,  # SOA-004
    "unknown-control": 1,  # ISMS-REF
    "future-done": 1,  # ST-006 (+ GIT-001)
    "duplicate-id": 1,  # ISMS-DUP
}
FAIL_SHARE = 0.2


@dataclass(frozen=True)
class Params:
    """What to generate. `plans` and `commits` default to N/5 and N/2."""

    risks: int
    plans: int | None = None
    seed: int = 1
    single_files: bool = False
    commits: int | None = None

    @property
    def n_plans(self) -> int:
        return self.plans if self.plans is not None else max(1, self.risks // 5)

    @property
    def n_commits(self) -> int:
        return self.commits if self.commits is not None else max(12, self.risks // 2)

    def to_json(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "generator": GENERATOR_VERSION}


@dataclass
class Manifest:
    """What was generated: counts per kind, planted failures, the base commit for PR mode."""

    params: dict[str, Any]
    today: str
    files: int
    commits: int
    entities: dict[str, int]
    failing: dict[str, int]  # entities with a planted failure, per kind
    failures: dict[str, dict[str, int]]  # kind -> failure -> count
    base: str = "HEAD~5"  # a commit whose tree differs from HEAD (PR mode)
    head: str = ""

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def read_manifest(repo: Path) -> Manifest | None:
    path = repo / ".git" / MANIFEST
    if not path.is_file():
        return None
    try:
        return Manifest(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError):
        return None


# --- YAML text ------------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ._/()'+-]*")
_RESERVED = {"yes", "no", "on", "off", "y", "n", "true", "false", "null", "~"}


class Flow(dict[str, Any]):
    """A mapping written on one line: `inherent: {likelihood: 3, impact: 4}`."""


def scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, datetime.date)):
        return str(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _RESERVED and not text.endswith(" "):
        return text
    return json.dumps(text, ensure_ascii=False)


def mapping_lines(data: dict[str, Any], indent: int = 0, item: bool = False) -> list[str]:
    """Block-style YAML of one mapping; `item`: as a list item (`- ` before the first key)."""
    lines: list[str] = []
    pad = " " * indent
    for i, (key, value) in enumerate(data.items()):
        lead = pad[:-2] + "- " if item and i == 0 else pad
        if isinstance(value, Flow):
            inner = ", ".join(f"{k}: {scalar(v)}" for k, v in value.items())
            lines.append(f"{lead}{key}: {{{inner}}}")
        elif isinstance(value, dict):
            lines.append(f"{lead}{key}:")
            lines += mapping_lines(value, indent + 2)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"{lead}{key}:")
            for entry in value:
                lines += mapping_lines(entry, indent + 4, item=True)
        elif isinstance(value, list):
            lines.append(f"{lead}{key}: [{', '.join(scalar(v) for v in value)}]")
        else:
            lines.append(f"{lead}{key}: {scalar(value)}")
    return lines


def file_text(header: str, entities: Sequence[dict[str, Any]], as_list: bool) -> str:
    lines = [f"# {header}"]
    if as_list:
        for i, entity in enumerate(entities):
            if i:
                lines.append("")
            lines += mapping_lines(entity, 2, item=True)
    else:
        lines += mapping_lines(entities[0])
    return "\n".join(lines) + "\n"


# --- the ISMS -------------------------------------------------------------------------


def _catalog() -> list[dict[str, str]]:
    """The ISO 27001:2022 catalog's controls (read as text: the generator needs no YAML
    library and no checker)."""
    rx = re.compile(r"\{id: (A\.[0-9.]+), title: (.+), theme: (\w+)\}")
    return [
        {"id": m.group(1), "title": m.group(2), "theme": m.group(3)}
        for m in rx.finditer(CATALOG.read_text(encoding="utf-8"))
    ]


@dataclass
class EntityFile:
    """One file of the ISMS: its path, the entities in it, and how to write them."""

    path: str
    kind: str
    header: str
    entities: list[dict[str, Any]]
    as_list: bool
    text: str = ""  # fixed text (broken YAML, isms.yaml, ...) instead of entities

    def render(self, revision: int | None = None) -> bytes:
        """The final text, or an earlier revision's (for the history)."""
        if self.text:
            return self.text.encode("utf-8")
        if revision is None:
            return file_text(self.header, self.entities, self.as_list).encode("utf-8")
        older = [_older(self.kind, e, revision) for e in self.entities]
        header = f"{self.header} (revision {revision})"
        return file_text(header, older, self.as_list).encode("utf-8")


def _older(kind: str, entity: dict[str, Any], revision: int) -> dict[str, Any]:
    """An entity as an earlier commit held it: earlier dates, or (for one risk in seven)
    other ratings with the same assessment date, as a careless edit would leave it."""
    e = dict(entity)
    key = zlib.crc32(str(e.get("id")).encode())
    back = datetime.timedelta(days=7 + (key + revision) % 50)
    if kind == "risk":
        if key % 7 == 0 and isinstance(e.get("inherent"), dict):
            li, im = e["inherent"].get("likelihood"), e["inherent"].get("impact")
            if isinstance(li, int) and isinstance(im, int):
                e["inherent"] = Flow(likelihood=min(5, li + 1), impact=im)
        elif isinstance(e.get("assessed"), datetime.date):
            e["assessed"] = e["assessed"] - back
    elif kind == "control" and isinstance(e.get("reviewed"), datetime.date):
        e["reviewed"] = e["reviewed"] - back
    elif kind == "plan" and isinstance(e.get("actions"), list):
        e["actions"] = [
            {**a, "status": "in_progress", "done": None}
            if isinstance(a, dict) and a.get("status") == "done" and i == len(e["actions"]) - 1
            else a
            for i, a in enumerate(e["actions"])
        ]
    return e


class _Gen:
    def __init__(self, params: Params) -> None:
        self.p = params
        self.rng = random.Random(params.seed)
        self.failures: dict[str, Counter[str]] = {
            k: Counter() for k in ("risk", "control", "plan", "action")
        }
        self.entities: Counter[str] = Counter()
        self.risk_failure: dict[str, list[str]] = {}  # failure -> risk ids
        self.plan_failure: dict[str, str] = {}  # plan id -> failure
        self.turns: Counter[int] = Counter()  # failures planted so far, per table
        # the SoA, as the risks and plans may link it
        self.excluded: list[str] = []  # clean, not applicable (SOA-004 when linked)
        self.linkable: list[str] = []  # clean, applicable: safe to link from clean entities
        self.implemented: list[str] = []  # clean and implemented (SOA-005)
        self.control_failure: dict[str, str] = {}  # control id -> failure
        self.evidence: dict[str, str] = {}  # evidence file slug -> control title

    # helpers
    def day(self, first: datetime.date, last: datetime.date) -> datetime.date:
        return first + datetime.timedelta(days=self.rng.randint(0, (last - first).days))

    def pick(self, weights: dict[str, int]) -> str:
        """A failure to plant: each kind once in turn (so that a small ISMS still breaks
        every rule), then drawn by weight."""
        names = list(weights)
        turn = self.turns[id(weights)]
        self.turns[id(weights)] += 1
        if turn < len(names):
            return names[turn]
        return self.rng.choices(names, [weights[n] for n in names])[0]

    def fails(self) -> bool:
        return self.rng.random() < FAIL_SHARE

    # controls ------------------------------------------------------------------------
    def controls(self) -> list[EntityFile]:
        catalog = _catalog()
        left_out = self.rng.choice(catalog)["id"]  # SOA-001
        self.failures["control"]["missing-from-soa"] += 1
        by_theme: dict[str, list[dict[str, Any]]] = {}
        entries = [(c["id"], c["title"], c["theme"], False) for c in catalog if c["id"] != left_out]
        entries += [
            (f"C-ORG-{n:02d}", f"Organisation control {n}", "Custom", True) for n in (1, 2, 3, 4)
        ]
        entries.append(("LEGACY-01", "Clean desk checks (from the 2013 SoA)", "Custom", False))
        for n, (cid, title, theme, custom) in enumerate(entries):
            entity, failure = self.control(cid, title, custom, force_excluded=n % 31 == 7)
            if cid == "LEGACY-01":
                failure = "not-marked-custom"  # SOA-007
            if failure:
                self.failures["control"][failure] += 1
                self.control_failure[cid] = failure
            by_theme.setdefault(theme, []).append(entity)
            self.entities["control"] += 1
        files = []
        for theme, controls in by_theme.items():
            files.append(
                EntityFile(
                    f"controls/{theme.lower()}.yaml",
                    "control",
                    f"Statement of Applicability: {theme} controls",
                    controls,
                    True,
                )
            )
        return files

    def control(
        self, cid: str, title: str, custom: bool, force_excluded: bool
    ) -> tuple[dict[str, Any], str]:
        failure = self.pick(CONTROL_FAILURES) if self.fails() and cid != "LEGACY-01" else ""
        e: dict[str, Any] = {"id": cid}
        if custom or cid == "LEGACY-01":
            e["title"] = title
        if custom:
            e["custom"] = True
        # every planted failure but SOA-002's needs an applicable control
        applicable = bool(failure) or not (force_excluded or self.rng.random() < 0.05)
        if failure == "excluded-no-justification":
            applicable = False
        if failure in ("missing-evidence", "no-owner", "not-audited", "no-measurement"):
            status = "implemented"
        elif not applicable:
            status = ""
        else:
            status = self.rng.choices(
                ["implemented", "partial", "planned", "not_implemented"], [65, 17, 12, 6]
            )[0]
        e["applicable"] = "yes" if failure == "schema" else applicable
        if failure not in ("no-justification", "excluded-no-justification"):
            e["justification"] = (
                f"Addresses risks of the {self.rng.choice(AREAS)} area"
                if applicable
                else "Not relevant: no such activity in scope"
            )
        if not applicable:
            if not failure:
                self.excluded.append(cid)
            return e, failure
        e["status"] = status
        if status == "implemented":
            if failure != "no-owner":
                e["owner"] = self.rng.choice(ACTION_OWNERS)
            slug = cid.lower().replace(".", "-")
            if failure == "missing-evidence":
                e["evidence"] = [f"evidence/{slug}-report.md"]
            else:
                self.evidence[slug] = title
                e["evidence"] = [f"evidence/{slug}.md"]
                if self.rng.random() < 0.3:
                    e["evidence"].append(f"https://intranet.example.com/isms/{slug}")
            if failure != "no-measurement":
                e["measurement"] = f"Monthly KPI for {cid} reported to the ISMS board"
        reviewed = self.day(D(2026, 1, 10), DATA_MAX)
        if failure == "not-reviewed":
            reviewed = self.day(D(2024, 6, 1), D(2025, 10, 31))
        elif failure == "future-review":
            reviewed = self.day(TODAY + datetime.timedelta(days=1), D(2027, 1, 31))
        e["reviewed"] = reviewed
        if status == "implemented":
            audited = self.day(D(2025, 12, 15), DATA_MAX)
            if failure == "not-audited":
                audited = self.day(D(2024, 3, 1), D(2025, 9, 30))
            e["audited"] = audited
        if not failure:
            self.linkable.append(cid)
            if status == "implemented":
                self.implemented.append(cid)
        return e, failure

    def some_controls(self, pool: Sequence[str], low: int = 1, high: int = 3) -> list[str]:
        return sorted(self.rng.sample(list(pool), min(len(pool), self.rng.randint(low, high))))

    # risks and plans -------------------------------------------------------------------
    def risk_and_plan_files(self) -> tuple[list[EntityFile], list[EntityFile]]:
        n = self.p.risks
        ids = [f"R-{i + 1:05d}" for i in range(n)]
        risk_failure: list[str] = []
        dups = 0
        for i in range(n):
            failure = self.pick(RISK_FAILURES) if i and self.fails() else ""
            if failure == "duplicate-id":
                dups += 1
                if dups > 1 + n // 400:
                    failure = "stale"
            risk_failure.append(failure)
        broken = n - 1 if n >= 2 else None
        if broken is not None:
            risk_failure[broken] = "broken-yaml"
        clean = [i for i in range(n) if not risk_failure[i]]
        self.rng.shuffle(clean)

        roles: dict[int, tuple[str, Any]] = {}  # risk -> (role, plan data)
        owner_of: dict[int, str] = {}
        plans: list[dict[str, Any]] = []
        for j in range(self.p.n_plans):
            plan, members, role = self.plan(j, ids, clean)
            for i in members:
                roles[i] = (role, plan)
                owner_of[i] = plan["approval"]["by"] if plan.get("approval") else plan["owner"]
            plans.append(plan)

        risks: list[dict[str, Any]] = []
        unlinked = [i for i in range(n) if not risk_failure[i] and i not in roles]
        for i in range(n):
            if risk_failure[i] == "duplicate-id":
                # the copy of a clean risk that no plan links: whichever of the two comes
                # first in file order is judged, and both are clean but for the id
                earlier = [k for k in unlinked if k < i]
                risk_failure[i] = "stale" if not earlier else risk_failure[i]
                ids[i] = ids[self.rng.choice(earlier)] if earlier else ids[i]
            if risk_failure[i]:
                risk = self.failing_risk(ids, i, risk_failure[i])
            else:
                role, plan = roles.get(
                    i,
                    (
                        self.rng.choices(
                            ["low", "reduced", "accepted-high", "closed"], [62, 22, 14, 2]
                        )[0],
                        None,
                    ),
                )
                risk = self.clean_risk(ids[i], role, plan, owner_of.get(i))
            risks.append(risk)
            self.entities["risk"] += 1
        risk_files = self.risk_files(risks, broken)
        plan_files = [
            EntityFile(
                f"plans/{p['id']}.yaml", "plan", f"Risk treatment plan {p['id']}", [p], False
            )
            for p in plans
        ]
        return risk_files, plan_files

    def plan(
        self, j: int, ids: list[str], pool: list[int]
    ) -> tuple[dict[str, Any], list[int], str]:
        failure = self.pick(PLAN_FAILURES) if self.fails() else ""
        status = self.rng.choices(
            ["in_progress", "approved", "completed", "draft", "cancelled"], [45, 15, 30, 5, 5]
        )[0]
        if failure in ("overdue", "no-approval", "no-resources", "future-approval"):
            status = "in_progress"
        elif failure in ("completed-open-action", "completed-no-date"):
            status = "completed"
        pid = f"RTP-{j + 1:04d}"
        owner = self.rng.choice(EXECUTIVES)
        members = [pool.pop() for _ in range(min(len(pool), self.rng.randint(1, 3)))]
        role = {"in_progress": "planned", "approved": "planned", "completed": "completed"}.get(
            status, "low"
        )
        if failure == "schema":
            role = "low"  # an invalid plan is not judged: its risks must not need it
        risk_ids = [ids[i] for i in members] or [ids[0]]
        if failure == "unknown-risk":
            risk_ids.append(f"R-OLD-{j + 1:04d}")
        p: dict[str, Any] = {
            "id": pid,
            "title": f"Treatment of {self.rng.choice(THREATS)[0]} risks ({pid})",
            "risks": risk_ids,
            "owner": self.rng.choice(STAFF) if self.rng.random() < 0.5 else owner,
            "status": "ongoing" if failure == "schema" else status,
        }
        if status == "completed":
            created = self.day(D(2025, 9, 1), D(2026, 3, 31))
        else:
            created = self.day(D(2025, 11, 1), D(2026, 7, 31))
        approved = created + datetime.timedelta(days=self.rng.randint(1, 14))
        if failure == "future-approval":
            approved = self.day(TODAY + datetime.timedelta(days=1), D(2027, 1, 15))
        if status in ("approved", "in_progress", "completed") and failure != "no-approval":
            p["approval"] = Flow(by=owner, date=approved)
        p["created"] = created
        completed = created + datetime.timedelta(days=self.rng.randint(60, 150))
        if status == "completed":
            p["due"] = completed + datetime.timedelta(days=self.rng.randint(0, 30))
            if failure != "completed-no-date":
                p["completed"] = completed
        elif failure == "overdue":
            p["due"] = self.day(D(2026, 8, 1), TODAY - datetime.timedelta(days=2))
        else:
            p["due"] = self.day(D(2026, 12, 15), D(2027, 10, 31))
        if failure != "no-resources":
            p["resources"] = (
                f"{self.rng.randint(1, 8) * 0.25:g} FTE, EUR {self.rng.randint(2, 90)}k"
            )
        if self.rng.random() < 0.4:
            p["target_residual"] = self.rating(LOW)
        p["actions"] = self.actions(p, status, failure, approved, completed)
        self.entities["plan"] += 1
        if failure:
            self.failures["plan"][failure] += 1
            self.plan_failure[pid] = failure
        p["_completed"] = completed  # for the risks' reassessment; not written
        return p, members, role

    def actions(
        self,
        plan: dict[str, Any],
        status: str,
        plan_failure: str,
        approved: datetime.date,
        completed: datetime.date,
    ) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        count = self.rng.randint(2, 5)
        for k in range(count):
            failure = self.pick(ACTION_FAILURES) if self.fails() and not plan_failure else ""
            if status in ("completed", "cancelled", "draft") and failure == "overdue":
                failure = ""  # only actions of active plans can be overdue
            a: dict[str, Any] = {
                "id": f"A{k + 1}",
                "title": f"Step {k + 1}: {self.rng.choice(THREATS)[0]} safeguard",
                "owner": self.rng.choice(ACTION_OWNERS),
            }
            pool = self.implemented if status == "completed" else self.linkable
            controls = self.some_controls(pool, 1, 2)
            if status == "completed":
                done = min(completed, approved + datetime.timedelta(days=self.rng.randint(5, 60)))
                a["due"] = done + datetime.timedelta(days=self.rng.randint(0, 20))
                if plan_failure == "completed-open-action" and k == count - 1:
                    a["status"] = "in_progress"
                elif self.rng.random() < 0.12:
                    a["status"] = "cancelled"
                else:
                    a["status"] = "done"
                    a["done"] = done
            elif status == "in_progress" and self.rng.random() < 0.4:
                done = self.day(approved, DATA_MAX) if approved <= DATA_MAX else DATA_MAX
                a["due"] = done + datetime.timedelta(days=self.rng.randint(0, 40))
                a["status"] = "done"
                a["done"] = done
            elif plan_failure == "overdue":
                a["due"] = self.day(D(2026, 6, 1), plan["due"])
                a["status"] = self.rng.choice(["open", "in_progress"])
            else:
                a["due"] = self.day(D(2026, 12, 10), D(2027, 9, 30))
                a["status"] = "in_progress" if status == "in_progress" else "open"
            if failure == "overdue":
                a["due"] = self.day(D(2026, 7, 1), TODAY - datetime.timedelta(days=1))
                a["status"] = "open"
                a.pop("done", None)
            elif failure == "excluded-control" and self.excluded:
                controls.append(self.rng.choice(self.excluded))
            elif failure == "unknown-control":
                controls.append("A.12.6.1")  # an ISO 27001:2013 id
            elif failure == "future-done":
                a["status"] = "done"
                a["done"] = self.day(TODAY + datetime.timedelta(days=1), D(2027, 1, 31))
            elif failure == "duplicate-id" and k:
                a["id"] = f"A{k}"
            else:
                failure = ""  # nothing to plant here
            a["controls"] = controls
            out.append(a)
            self.entities["action"] += 1
            if failure:
                self.failures["action"][failure] += 1
        return out

    def rating(self, pairs: Sequence[tuple[int, int]]) -> Flow:
        li, im = self.rng.choice(pairs)
        return Flow(likelihood=li, impact=im)

    def base_risk(self, rid: str, owner: str | None = None) -> dict[str, Any]:
        threat, verb = self.rng.choice(THREATS)
        asset = self.rng.choice(ASSETS)
        r: dict[str, Any] = {"id": rid, "title": f"{verb} {asset.replace('-', ' ')}"}
        if self.rng.random() < 0.3:
            r["description"] = f"Scenario from the {self.rng.choice(AREAS)} workshop"
        r["owner"] = owner or self.rng.choice(EXECUTIVES + STAFF)
        r["assets"] = sorted({asset, self.rng.choice(ASSETS)})
        r["threats"] = [threat]
        return r

    def clean_risk(
        self, rid: str, role: str, plan: dict[str, Any] | None, owner: str | None
    ) -> dict[str, Any]:
        r = self.base_risk(rid, owner)
        recent = (D(2026, 6, 1), DATA_MAX)  # within 180 days (High band) of today
        if role in ("low", "closed"):
            r["inherent"] = self.rating(LOW)
            r["treatment"] = self.rng.choices(
                ["mitigate", "accept", "avoid", "transfer"], [55, 20, 10, 15]
            )[0]
            r["controls"] = self.some_controls(self.linkable)
            if self.rng.random() < 0.4:
                level = r["inherent"]["likelihood"] * r["inherent"]["impact"]
                r["residual"] = self.rating([x for x in LOW if x[0] * x[1] <= level])
            r["assessed"] = self.day(D(2025, 12, 5), DATA_MAX)
            if r["treatment"] == "accept":
                self.acceptance(r)
            if role == "closed":
                r["assessed"] = self.day(D(2023, 1, 10), D(2024, 12, 20))
                r.pop("acceptance", None)
                r["treatment"] = "avoid"
                r["status"] = "closed"
        elif role == "reduced":
            r["owner"] = self.rng.choice(EXECUTIVES)
            r["inherent"] = self.rating(HIGH + CRITICAL)
            r["treatment"] = "mitigate"
            r["controls"] = self.some_controls(self.linkable)
            r["residual"] = self.rating(LOW)
            r["assessed"] = self.day(*recent)
        elif role == "accepted-high":
            r["inherent"] = self.rating(HIGH)
            r["treatment"] = "accept"
            r["controls"] = self.some_controls(self.linkable, 0, 2)
            r["assessed"] = self.day(*recent)
            self.acceptance(r)
        elif role == "planned":
            assert plan is not None
            r["inherent"] = self.rating(HIGH + CRITICAL)
            r["treatment"] = self.rng.choices(["mitigate", "avoid", "transfer"], [8, 1, 1])[0]
            r["controls"] = self.some_controls(self.linkable)
            level = r["inherent"]["likelihood"] * r["inherent"]["impact"]
            if level > 16 or self.rng.random() < 0.5:
                r["residual"] = self.rating([x for x in HIGH if x[0] * x[1] <= level])
            if self.rng.random() < 0.5:
                r["plans"] = [plan["id"]]
            r["assessed"] = self.day(*recent)
        elif role == "completed":
            assert plan is not None
            r["inherent"] = self.rating(HIGH + CRITICAL)
            r["treatment"] = "mitigate"
            r["controls"] = self.some_controls(self.linkable)
            if self.rng.random() < 0.5:
                r["plans"] = [plan["id"]]
            r["residual"] = self.rating(LOW)
            r["assessed"] = self.day(min(plan["_completed"], DATA_MAX), DATA_MAX)
        if r["inherent"]["likelihood"] * r["inherent"]["impact"] >= 17 and (
            r["owner"] not in EXECUTIVES
        ):
            r["owner"] = self.rng.choice(EXECUTIVES)  # ORG-001
            if "acceptance" in r:
                r["acceptance"]["by"] = r["owner"]
        if self.rng.random() < 0.05:
            r["review_days"] = 180
            r["assessed"] = max(r["assessed"], self.day(*recent))
        # keep the keys in the documented order
        order = ["id", "title", "description", "owner", "assets", "threats", "inherent",
                 "treatment", "controls", "plans", "residual", "assessed", "review_days",
                 "acceptance", "status"]  # fmt: skip
        return {k: r[k] for k in order if k in r}

    def acceptance(self, r: dict[str, Any]) -> None:
        date = max(r["assessed"], D(2026, 1, 5))
        if date > DATA_MAX:
            date = DATA_MAX
        r["acceptance"] = {
            "by": r["owner"],
            "date": date,
            "expires": date + datetime.timedelta(days=self.rng.randint(200, 365)),
            "rationale": "Further treatment costs more than the expected loss",
        }
        if r["acceptance"]["expires"] <= TODAY + datetime.timedelta(days=31):
            r["acceptance"]["expires"] = date + datetime.timedelta(days=365)

    def failing_risk(self, ids: list[str], i: int, failure: str) -> dict[str, Any]:
        rid = ids[i]
        r = self.base_risk(rid)
        r["inherent"] = self.rating(LOW)
        r["treatment"] = "mitigate"
        r["controls"] = self.some_controls(self.linkable)
        r["assessed"] = self.day(D(2026, 1, 5), DATA_MAX)
        recent = (D(2026, 6, 1), DATA_MAX)
        if failure == "stale":
            r["assessed"] = self.day(D(2024, 9, 1), D(2025, 11, 1))
        elif failure in ("treatment-gap", "untreated"):
            r["owner"] = self.rng.choice(EXECUTIVES)
            r["inherent"] = self.rating(HIGH)
            r["treatment"] = "mitigate" if failure == "treatment-gap" else "none"
            r["assessed"] = self.day(*recent)
        elif failure == "schema":
            variant = self.rng.randrange(3)
            if variant == 0:
                r["treatment"] = "mitigated"
            elif variant == 1:
                r["inherent"] = Flow(likelihood="high", impact=r["inherent"]["impact"])
            else:
                del r["owner"]
        elif failure.startswith("acceptance-"):
            r["treatment"] = "accept"
            self.acceptance(r)
            acc = r["acceptance"]
            if failure == "acceptance-expired":
                acc["date"] = self.day(D(2025, 5, 1), D(2025, 11, 1))
                acc["expires"] = acc["date"] + datetime.timedelta(days=300)
            elif failure == "acceptance-not-owner":
                acc["by"] = next(x for x in EXECUTIVES + STAFF if x != r["owner"])
            else:
                acc["expires"] = self.day(
                    TODAY + datetime.timedelta(days=1), TODAY + datetime.timedelta(days=25)
                )
                acc["date"] = acc["expires"] - datetime.timedelta(days=300)
        elif failure == "residual-above-inherent":
            r["inherent"] = self.rating([x for x in LOW if x[0] * x[1] <= 4])
            level = r["inherent"]["likelihood"] * r["inherent"]["impact"]
            r["residual"] = self.rating([x for x in LOW if x[0] * x[1] > level])
        elif failure == "reduced-without-controls":
            r["inherent"] = self.rating([x for x in LOW if x[0] * x[1] >= 4])
            r["residual"] = Flow(likelihood=1, impact=1)
            r["controls"] = []
        elif failure == "off-scale":
            r["inherent"] = Flow(likelihood=6, impact=1)
        elif failure == "unknown-control":
            r["controls"] = [*r["controls"], "A.9.4.2"]  # an ISO 27001:2013 id
        elif failure == "excluded-control" and self.excluded:
            r["controls"] = sorted({*r["controls"], self.rng.choice(self.excluded)})
        elif failure == "future-date":
            r["assessed"] = self.day(
                TODAY + datetime.timedelta(days=1), TODAY + datetime.timedelta(days=40)
            )
        elif failure == "forward-dated":
            r["assessed"] = self.day(
                SWEEP_END.date() + datetime.timedelta(days=3), TODAY - datetime.timedelta(days=1)
            )
        elif failure == "not-executive":
            r["owner"] = self.rng.choice(STAFF)
            r["inherent"] = self.rating(CRITICAL)
            r["residual"] = self.rating(LOW)
        elif failure == "no-assets":
            r["assets"] = []
        self.failures["risk"][failure] += 1
        self.risk_failure.setdefault(failure, []).append(rid)
        order = [
            "id",
            "title",
            "description",
            "owner",
            "assets",
            "threats",
            "inherent",
            "treatment",
            "controls",
            "plans",
            "residual",
            "assessed",
            "acceptance",
        ]
        return {k: r[k] for k in order if k in r}

    def risk_files(self, risks: list[dict[str, Any]], broken: int | None) -> list[EntityFile]:
        files: list[EntityFile] = []
        i = 0
        n = len(risks)
        counter: Counter[str] = Counter()
        while i < n:
            area = AREAS[zlib.crc32(str(i).encode()) % len(AREAS)]
            if i == broken:
                files.append(self.broken_file(risks[i]))
                i += 1
                continue
            size = 1 if self.p.single_files else self.rng.randint(2, 6)
            group = risks[i : min(i + size, broken if broken is not None and broken > i else n)]
            counter[area] += 1
            if self.p.single_files:
                name = f"risks/{area}/{counter[area]:05d}-{group[0]['id']}.yaml"
            else:
                name = f"risks/{area}/{area}-{counter[area]:04d}.yaml"
            header = f"Risk register: {area}"
            files.append(EntityFile(name, "risk", header, group, not self.p.single_files))
            i += len(group)
        return files

    def broken_file(self, risk: dict[str, Any]) -> EntityFile:
        """ISMS-PARSE: a risk whose flow mapping was never closed (a spreadsheet import)."""
        text = (
            "# Imported from the 2026 risk workshop spreadsheet\n"
            f"- id: {risk['id']}\n"
            "  title: Imported risk without a review\n"
            "  owner: CISO\n"
            "  inherent: {likelihood: 3, impact: 4\n"
            "  treatment: mitigate\n"
            "  assessed: 2026-08-01\n"
        )
        return EntityFile("risks/imports/workshop-2026.yaml", "risk", "", [], True, text)


def _isms_yaml() -> str:
    return """\
# Generated ISMS for isms-check's benchmark (python -m bench generate)
version: 1
organization: Benchmark Industries Ltd
scales:
  likelihood:
    - {value: 1, label: Rare}
    - {value: 2, label: Unlikely}
    - {value: 3, label: Possible}
    - {value: 4, label: Likely}
    - {value: 5, label: Almost certain}
  impact:
    - {value: 1, label: Negligible}
    - {value: 2, label: Minor}
    - {value: 3, label: Moderate}
    - {value: 4, label: Major}
    - {value: 5, label: Severe}
levels:
  bands:
    - {name: Low, max: 4}
    - {name: Medium, max: 9}
    - {name: High, max: 16}
    - {name: Critical, max: 25}
appetite: 8
review:
  risk_days: 365
  by_band: {Critical: 90, High: 180}
  control_days: 365
  audit_days: 365
  acceptance_max_days: 365
  warn_days: 30
catalog: iso27001:2022
# started this year: the audit programme and management review rules (AUD-001, MR-001)
# apply from 2027-06-01; the generated repository has no management-system records
established: 2026-06-01
soa: {version: "1", approved: {by: CEO, date: 2026-06-01}}
paths: {risks: risks, controls: controls, plans: plans, policies: policies, waivers: waivers.yaml}
"""


ORG_RULES = """\
# Benchmark Industries' own rules, evaluated together with the built-in policy pack.
rules:
  - id: ORG-001
    title: Critical risks are owned by an executive
    severity: error
    resource: risk
    when: risk.inherent_level != null && risk.inherent_level >= 17
    check: risk.owner in ['CEO', 'CTO', 'CISO', 'CFO', 'COO']
    message: >
      'risk ' + risk.id + ' has a Critical inherent level (' + string(risk.inherent_level)
      + ') but is owned by ' + risk.owner + ', not by an executive'
    references: ["ISO/IEC 27001:2022 6.1.2 c"]
    remediation: Assign the risk to a member of the executive board.

  - id: ORG-002
    title: Active plans state their resources
    severity: warning
    resource: plan
    when: plan.status in ['approved', 'in_progress']
    check: present(plan.resources)
    references: ["ISO/IEC 27001:2022 6.2 f"]
    remediation: "Write the people and budget the plan needs under `resources:`."

  - id: ORG-003
    title: Risks name the assets they concern
    severity: warning
    resource: risk
    check: size(risk.assets) > 0
    message: "'risk ' + risk.id + ' names no asset'"
    remediation: List the affected assets from the asset inventory under `assets:`.
"""


def _waivers(g: _Gen, plans: list[dict[str, Any]]) -> str:
    """Five waivers: two valid ones of real findings, one expired, one running too long
    (WV-001), and one that matches nothing (WV-002)."""
    by_failure: dict[str, list[str]] = {}
    for cid, failure in sorted(g.control_failure.items()):
        by_failure.setdefault(failure, []).append(cid)
    missing = (by_failure.get("missing-evidence") or g.implemented or ["A.5.1"])[0]
    unreviewed = (by_failure.get("not-reviewed") or g.linkable or ["A.5.1"])[0]
    gap = (g.risk_failure.get("treatment-gap") or ["R-00001"])[0]
    stale = (g.risk_failure.get("stale") or ["R-00001"])[-1]
    clean_plan = next((p["id"] for p in plans if p["id"] not in g.plan_failure), plans[0]["id"])
    entries = [
        {"rule": "SOA-006", "target": missing,
         "reason": "Evidence is held by the landlord; an inspection is booked",
         "approved_by": "CISO", "date": D(2026, 11, 2), "expires": D(2027, 1, 31)},
        {"rule": "RT-002", "target": gap,
         "reason": "Budget for the plan is approved in the next quarter",
         "approved_by": "CEO", "date": D(2026, 10, 1), "expires": D(2027, 3, 31)},
        {"rule": "ST-004", "target": unreviewed,
         "reason": "SoA review postponed until the reorganisation",
         "approved_by": "CISO", "date": D(2025, 9, 1), "expires": D(2026, 3, 1)},
        {"rule": "ST-001", "target": stale,
         "reason": "Reassessment waits for the new methodology",
         "approved_by": "CISO", "date": D(2026, 10, 1), "expires": D(2027, 12, 31)},
        {"rule": "RTP-001", "target": clean_plan,
         "reason": "The plan's due date is being renegotiated",
         "approved_by": "COO", "date": D(2026, 11, 10), "expires": D(2027, 2, 28)},
    ]  # fmt: skip
    return file_text("Rule waivers approved by the CISO", entries, True)


def _evidence(slug: str, title: str) -> str:
    return f"# {title}\n\nEvidence for control {slug}: procedure, owner and last test.\n"


def build_files(params: Params) -> tuple[list[EntityFile], _Gen, str]:
    """Every file of the ISMS (entity files first), the generator's record, and the
    final waivers text."""
    g = _Gen(params)
    control_files = g.controls()
    risk_files, plan_files = g.risk_and_plan_files()
    plans = [p for f in plan_files for p in f.entities]
    waivers = _waivers(g, plans)
    for p in plans:
        p.pop("_completed", None)
    files = [*risk_files, *control_files, *plan_files]
    return files, g, waivers


def _dates(first: datetime.datetime, last: datetime.datetime, count: int) -> Iterator[int]:
    start, end = timestamp(first), timestamp(last)
    step = (end - start) // max(1, count - 1)
    for k in range(count):
        yield start + k * step


def generate(params: Params, out: Path) -> Manifest:
    """Writes the ISMS repository at `out` (created; must not exist or be empty)."""
    if params.risks < 1:
        raise ValueError("--risks must be at least 1")
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} exists and is not empty")
    files, g, waivers = build_files(params)
    entity_files = [f for f in files if f.entities or f.text]
    fixed: list[tuple[str, bytes]] = [
        ("isms.yaml", _isms_yaml().encode()),
        ("policies/org.yaml", ORG_RULES.encode()),
        (
            "README.md",
            b"# Generated ISMS\n\nMade by `python -m bench generate` for isms-check's "
            b"benchmark. Do not edit: regenerate.\n",
        ),
        *(
            (f"evidence/{slug}.md", _evidence(slug, title).encode())
            for slug, title in sorted(g.evidence.items())
        ),
    ]
    total = params.n_commits
    sweep = max(6, total // 5)
    edits = max(1, total - sweep)
    rng = random.Random(params.seed + 7919)
    stream = FastImport()
    edit_dates = _dates(HISTORY_START, HISTORY_EDITS_END, edits)
    first_waivers = "\n- ".join(waivers.split("\n- ")[0:3]) + "\n"
    stream.commit(
        next(edit_dates),
        "Import the ISMS from the spreadsheets",
        [*fixed, ("waivers.yaml", first_waivers.encode()),
         *((f.path, f.render(0)) for f in entity_files)],
    )  # fmt: skip
    for c, when in enumerate(edit_dates, start=1):
        touched = rng.sample(entity_files, min(len(entity_files), rng.randint(1, 3)))
        message = f"Update {', '.join(f.path.rsplit('/', 1)[-1] for f in touched)}"
        stream.commit(when, message, ((f.path, f.render(c)) for f in touched))
    order = list(entity_files)
    rng.shuffle(order)
    chunks = [order[k::sweep] for k in range(sweep)]
    for k, when in enumerate(_dates(SWEEP_START, SWEEP_END, sweep)):
        extra = [("waivers.yaml", waivers.encode())] if k == sweep - 1 else []
        stream.commit(
            when,
            f"ISMS review {k + 1}/{sweep}: {len(chunks[k])} files",
            [*((f.path, f.render()) for f in chunks[k]), *extra],
        )
    stream.write(out)
    failing = {kind: sum(c.values()) for kind, c in g.failures.items()}
    manifest = Manifest(
        params=params.to_json(),
        today=TODAY.isoformat(),
        files=len(entity_files) + len(fixed) + 1,
        commits=stream.commits,
        entities=dict(sorted(g.entities.items())),
        failing=failing,
        failures={k: dict(sorted(c.items())) for k, c in g.failures.items()},
    )
    from bench.gitstream import git

    manifest.head = git(out, "rev-parse", "HEAD").strip()
    (out / ".git" / MANIFEST).write_text(
        json.dumps(manifest.to_json(), indent=2) + "\n", encoding="utf-8"
    )
    return manifest


def tree_digest(repo: Path) -> str:
    """A digest of every file's path and content in the working tree (determinism)."""
    h = hashlib.sha256()
    for path in sorted(p for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts):
        h.update(path.relative_to(repo).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def summary(manifest: Manifest) -> str:
    e, f = manifest.entities, manifest.failing
    parts = [
        f"{e.get(k, 0)} {k}s ({f.get(k, 0)} failing)" for k in ("risk", "control", "plan", "action")
    ]
    return f"{', '.join(parts)}; {manifest.files} files, {manifest.commits} commits"


__all__ = [
    "MANIFEST",
    "TODAY",
    "Manifest",
    "Params",
    "generate",
    "read_manifest",
    "summary",
    "tree_digest",
]

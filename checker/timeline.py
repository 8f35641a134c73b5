"""Posture over time: the ISMS of past commits judged as a check would have judged it
then (docs/format.md, `report`).

One `git log` pass lists the commits, their parents, dates and changed files. Each
point is one commit: per month, the last commit of the first-parent line dated on or
before the month's end (the current month: on or before `today`); with `--by commit`,
every commit of that line. A point is judged as of its day (the month's last day, or
`today`), with the methodology, rule files and waivers of its own commit, and each
file's last-change date as of that commit (for GIT-001).

Trees and blobs come from one `git cat-file --batch` process (gitobjects.py), each
object read once; each file is parsed and schema-checked once per content (documents.py
remembers it), and a policy is loaded once per distinct isms.yaml and rule files. The
working tree, the index and HEAD are never touched.

Outside git, in a repository without commits, or in a shallow clone (the history is cut
off) there is no timeline: `Timeline.note` says why.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from checker.cel import Engine
from checker.documents import Documents
from checker.errors import FatalError
from checker.findings import Outcome
from checker.gitobjects import GitObjects, GitObjectsError, SnapshotTree
from checker.history import History
from checker.loader import DisplayPaths
from checker.methodology import isms_file
from checker.model import Model
from checker.policy import Policy, load_policy
from checker.snapshot import Snapshot, evaluate

BY_CHOICES = ("month", "commit")
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    date: datetime.date  # committer date, UTC
    files: tuple[str, ...]  # work-tree-relative paths it changed


@dataclass(frozen=True)
class Point:
    """One commit of the ISMS judged as of `day`."""

    label: str  # 2026-03 (per month) or the short commit id
    day: datetime.date  # the date it is judged as of
    commit: str
    committed: datetime.date
    evaluated: bool  # False: the commit could not be judged (see note)
    risks: int = 0  # open risks
    above_appetite: int = 0  # open risks whose current level is above the appetite
    total_level: int = 0  # sum of the open risks' current levels
    findings: Mapping[str, int] = dataclasses.field(default_factory=dict)  # open, by severity
    note: str = ""


@dataclass(frozen=True)
class Timeline:
    by: str
    points: tuple[Point, ...] = ()
    note: str = ""  # why there is no timeline ("" when there is one)
    objects_read: int = 0  # git objects read (each at most once)
    policies_loaded: int = 0


def read_log(history: History) -> list[Commit]:
    """Every commit reachable from HEAD, newest first: one `git log` call."""
    if not history.has_commits():
        return []
    out = history.log("HEAD", "--format=%x1e%H%x1f%P%x1f%ct", "--name-only", "--no-renames")
    commits = []
    for chunk in out.split("\x1e"):
        lines = chunk.strip("\n").split("\n")
        if not lines or not lines[0].strip():
            continue
        sha, parents, stamp = lines[0].split("\x1f")
        when = datetime.datetime.fromtimestamp(int(stamp), tz=datetime.timezone.utc).date()
        files = tuple(name for name in lines[1:] if name)
        commits.append(Commit(sha, tuple(parents.split()), when, files))
    return commits


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def choose(
    commits: Sequence[Commit], today: datetime.date, by: str
) -> list[tuple[str, datetime.date, Commit]]:
    """The points to judge: (label, day, commit), oldest first, on HEAD's first-parent
    line, leaving out commits dated after `today`."""
    by_sha = {c.sha: c for c in commits}
    line: list[Commit] = []
    current = commits[0] if commits else None
    while current is not None:
        line.append(current)
        current = by_sha.get(current.parents[0]) if current.parents else None
    line.reverse()  # oldest first
    line = [c for c in line if c.date <= today]
    if by == "commit":
        return [(c.sha[:12], min(today, c.date), c) for c in line]
    points: list[tuple[str, datetime.date, Commit]] = []
    if not line:
        return points
    month = line[0].date.replace(day=1)
    i = 0
    chosen: Commit | None = None
    while month <= today:
        day = min(_month_end(month), today)
        while i < len(line) and line[i].date <= day:
            chosen = line[i]
            i += 1
        if chosen is not None:
            points.append((f"{month.year:04d}-{month.month:02d}", day, chosen))
        month = _next_month(month)
    return points


def last_changes(commits: Sequence[Commit], sha: str, under: str) -> dict[str, datetime.date]:
    """Each file's last-change date as of commit `sha` (as History.last_changes gives it
    for HEAD), from the one log pass."""
    by_sha = {c.sha: c for c in commits}
    ancestors = {sha}
    todo = [sha]
    while todo:
        c = by_sha.get(todo.pop())
        for p in c.parents if c is not None else ():
            if p not in ancestors:
                ancestors.add(p)
                todo.append(p)
    dates: dict[str, datetime.date] = {}
    for c in commits:
        if c.sha in ancestors:
            for name in c.files:
                if name.startswith(under):
                    dates.setdefault(name, c.date)
    return dates


def posture(model: Model) -> tuple[int, int, int]:
    """Open risks, those above the appetite, and the sum of their current levels."""
    appetite = model.methodology.appetite
    levels = [
        e.values["level"]
        for e in model.unique("risk")
        if e.values.get("status") != "closed" and type(e.values.get("level")) is int
    ]
    open_risks = [e for e in model.unique("risk") if e.values.get("status") != "closed"]
    return len(open_risks), sum(1 for level in levels if level > appetite), sum(levels)


class _Policies:
    """Policies by the content that makes them: isms.yaml, the rule files and a
    catalog file; each distinct one is loaded (and its rules compiled) once."""

    def __init__(self, display: DisplayPaths, cel: Engine, documents: Documents) -> None:
        self.display, self.cel, self.documents = display, cel, documents
        self.folders: dict[str | None, tuple[str, str]] = {}  # isms blob → (policies, catalog)
        self.loaded: dict[tuple[object, ...], Policy | FatalError] = {}

    def key(self, tree: SnapshotTree, isms_oid: str | None) -> tuple[object, ...] | None:
        folders = self.folders.get(isms_oid)
        if folders is None:
            return None
        policies, catalog = folders
        files = tuple((rel, tree.blob_id(rel)) for rel in tree.files(policies))
        return (isms_oid, files, tree.blob_id(catalog))

    def get(self, tree: SnapshotTree, isms_rel: str, origin: str) -> Policy:
        isms_oid = tree.blob_id(isms_rel)
        key = self.key(tree, isms_oid)
        found = self.loaded.get(key) if key is not None else None
        if found is None:
            try:
                found = load_policy(
                    tree,
                    self.display,
                    origin=origin,
                    cel=self.cel,
                    validate=self.documents.validate,
                )
                m = found.methodology
                self.folders[isms_oid] = (m.paths["policies"], m.catalog_name)
            except FatalError as e:
                found = e
                self.folders.setdefault(isms_oid, ("policies", ""))
            key = self.key(tree, isms_oid)
            assert key is not None
            self.loaded[key] = found
        if isinstance(found, FatalError):
            raise found
        return dataclasses.replace(found, tree=tree)


def timeline(
    history: History | None,
    display: DisplayPaths,
    today: datetime.date,
    cel: Engine,
    documents: Documents,
    by: str = "month",
) -> Timeline:
    """The posture at each point of the history (docs/format.md, `report`)."""
    if history is None:
        return Timeline(by, note="not a git repository: no posture over time")
    if history.is_shallow():
        return Timeline(
            by,
            note="a shallow clone: the history is cut off, so there is no posture over time "
            "(with actions/checkout set `fetch-depth: 0`)",
        )
    commits = read_log(history)
    if not commits:
        return Timeline(by, note="no commits yet: no posture over time")
    under = history.prefix + "/" if history.prefix else ""
    points = []
    with GitObjects(history.top) as objects:
        policies = _Policies(display, cel, documents)
        context = _Context(objects, policies, history, commits, under, display, documents)
        try:
            for label, day, commit in choose(commits, today, by):
                points.append(_judge(context, label, day, commit))
        except GitObjectsError as e:
            return Timeline(by, note=f"the history could not be read ({e}): no posture over time")
        read = objects.objects_read
    return Timeline(by, tuple(points), objects_read=read, policies_loaded=len(policies.loaded))


@dataclass(frozen=True)
class _Context:
    objects: GitObjects
    policies: _Policies
    history: History
    commits: Sequence[Commit]
    under: str  # the ISMS root's work-tree path, with a slash ("" at the top)
    display: DisplayPaths
    documents: Documents


def _judge(c: _Context, label: str, day: datetime.date, commit: Commit) -> Point:
    def skipped(note: str) -> Point:
        return Point(label, day, commit.sha, commit.date, False, note=note)

    prefix = c.history.prefix
    found = c.objects.read(f"{commit.sha}:{prefix}" if prefix else f"{commit.sha}^{{tree}}")
    if found is None or found[1] != "tree":
        return skipped("the ISMS folder does not exist in this commit")
    tree = SnapshotTree(c.objects, found[0])
    isms_rel = isms_file(tree)
    if isms_rel is None:
        return skipped("no isms.yaml in this commit")
    origin = f"commit {commit.sha[:12]}"
    try:
        policy = c.policies.get(tree, isms_rel, origin)
        dates = last_changes(c.commits, commit.sha, c.under)
        snap = Snapshot(tree, c.display, dates, origin=origin)
        selected = {i.id for i in policy.infos}
        judged = evaluate(policy, snap, day, selected, documents=c.documents, findings_only=True)
    except FatalError as e:
        return skipped(f"not judged: {e}")
    counts = dict.fromkeys(SEVERITIES, 0)
    for r in judged.results:
        if r.outcome is Outcome.FAIL:
            counts[r.severity.value] += 1
    risks, above, total = posture(judged.model)
    return Point(label, day, commit.sha, commit.date, True, risks, above, total, counts)

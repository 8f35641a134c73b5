"""Posture over time: the ISMS of past commits judged as a check would have judged it
then (docs/format.md, `report`).

One `git log` pass lists the commits, their parents, dates and changed files. Each
point is one commit: per month, the last commit of the first-parent line dated on or
before the month's end (the current month: on or before `today`); with `--by commit`,
every commit of that line. A point is judged as of its day (the month's last day, or
`today`), with the methodology, rule files and waivers of its own commit, and each
file's last-change date as of that commit (for GIT-001).

Trees and blobs come from one `git cat-file --batch` process (gitobjects.py), each
object read once, all before any point is judged; each file is parsed and schema-checked
once per content (documents.py remembers it, by git blob id; `report` hands over the
files its check read), each entity normalised once per content and rebuilt only where
its source or inputs changed (model.Normalised), and a policy is loaded once per
distinct isms.yaml and rule files. A point is judged for its findings alone (posture
counts them), and a finding is carried from the point judged before where nothing it
reads changed (carry.py). With 2 CPUs and enough points, every file is checked first,
then a forked worker judges points from the newest back while this process judges from
the oldest on, until they meet, and hands its points back. The working tree, the index
and HEAD are never touched.

Outside git, in a repository without commits, or in a shallow clone (the history is cut
off) there is no timeline: `Timeline.note` says why.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime
import gc
import os
import pickle
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from checker.carry import Carry
from checker.cel import Engine
from checker.documents import Documents
from checker.errors import FatalError
from checker.findings import Outcome
from checker.gitobjects import GitObjects, GitObjectsError, SnapshotTree
from checker.history import History
from checker.loader import DisplayPaths
from checker.methodology import isms_file
from checker.model import Model, Normalised
from checker.policy import Policy, load_policy
from checker.snapshot import Snapshot, check_files, evaluate

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
        return found


def timeline(
    history: History | None,
    display: DisplayPaths,
    today: datetime.date,
    cel: Engine,
    documents: Documents,
    by: str = "month",
    workers: int | None = None,
) -> Timeline:
    """The posture at each point of the history (docs/format.md, `report`). `workers`:
    how many processes judge the points (None: see _workers)."""
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
    with GitObjects(history.top) as objects:
        policies = _Policies(display, cel, documents)
        context = _Context(
            objects, policies, history, commits, under, display, documents, Normalised(), Carry()
        )
        try:
            gc.freeze()  # what is there already (the check's files): see _judge_each
            # every tree, file and policy is read here, once; judging then reads nothing
            prepared = [_prepare(context, *point) for point in choose(commits, today, by)]
            points, read = _judge_all(context, prepared, _workers(workers, len(prepared)))
        except GitObjectsError as e:
            return Timeline(by, note=f"the history could not be read ({e}): no posture over time")
        finally:
            gc.unfreeze()  # what _judge_each froze is the collector's again
        read += objects.objects_read
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
    normalised: Normalised  # entities' normalised values, by source, for the whole run
    carry: Carry  # the findings of the point this process judged last (carry.py)


@dataclass(frozen=True)
class _Prepared:
    """A point with what judging it needs, read from git: its tree and its policy (or
    why it cannot be judged)."""

    label: str
    day: datetime.date
    commit: Commit
    tree: str | None = None  # the ISMS folder's tree id
    policy: Policy | None = None  # with another tree: give it the point's
    note: str = ""  # why it is not judged


def _prepare(c: _Context, label: str, day: datetime.date, commit: Commit) -> _Prepared:
    def skipped(note: str) -> _Prepared:
        return _Prepared(label, day, commit, note=note)

    prefix = c.history.prefix
    found = c.objects.read(f"{commit.sha}:{prefix}" if prefix else f"{commit.sha}^{{tree}}")
    if found is None or found[1] != "tree":
        return skipped("the ISMS folder does not exist in this commit")
    tree = SnapshotTree(c.objects, found[0])  # reads every YAML file of the commit
    isms_rel = isms_file(tree)
    if isms_rel is None:
        return skipped("no isms.yaml in this commit")
    try:
        policy = c.policies.get(tree, isms_rel, f"commit {commit.sha[:12]}")
    except FatalError as e:
        return skipped(f"not judged: {e}")
    return _Prepared(label, day, commit, found[0], policy)


def _snapshot(
    c: _Context, p: _Prepared, policy: Policy, dates: Mapping[str, datetime.date] | None
) -> tuple[Policy, Snapshot]:
    tree = SnapshotTree(c.objects, p.tree)
    snap = Snapshot(tree, c.display, dates, origin=f"commit {p.commit.sha[:12]}")
    return dataclasses.replace(policy, tree=tree), snap


def _judge(c: _Context, p: _Prepared) -> Point:
    commit = p.commit
    if p.policy is None:
        return Point(p.label, p.day, commit.sha, commit.date, False, note=p.note)
    try:
        dates = last_changes(c.commits, commit.sha, c.under)
        policy, snap = _snapshot(c, p, p.policy, dates)
        selected = {i.id for i in policy.infos}
        judged = evaluate(
            policy,
            snap,
            p.day,
            selected,
            documents=c.documents,
            findings_only=True,
            normalised=c.normalised,
            carry=c.carry,
        )
    except FatalError as e:
        return Point(p.label, p.day, commit.sha, commit.date, False, note=f"not judged: {e}")
    counts = dict.fromkeys(SEVERITIES, 0)
    for r in judged.results:
        if r.outcome is Outcome.FAIL:
            counts[r.severity.value] += 1
    risks, above, total = posture(judged.model)
    return Point(p.label, p.day, commit.sha, commit.date, True, risks, above, total, counts)


def _judge_each(
    c: _Context, prepared: Sequence[_Prepared], take: Callable[[], int | None]
) -> list[tuple[int, Point]]:
    """The points judged in this process, each as `take` gives its index (None: no
    more), with their indexes. What judging one leaves for the next (files parsed,
    values normalised, findings to carry) is frozen for Python's cyclic collector
    (gc.freeze): else each full collection walks all of it again, a quarter of the run
    on a large history. Nothing frozen is kept from being freed: the run makes no
    reference cycles (errors are kept without their tracebacks)."""
    points = []
    while (i := take()) is not None:
        points.append((i, _judge(c, prepared[i])))
        gc.freeze()
    return points


MIN_PER_WORKER = 4  # when choosing by itself: fewer points per worker cost more to fork


def _workers(asked: int | None, points: int) -> int:
    """How many processes judge the points: 1 or 2 (as asked, else 2 where this process
    may run on 2 CPUs, as Linux tells, and there are enough points), 1 without os.fork
    (Windows) or where threads run (forking them is unsafe)."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return 1
    if asked is None:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        asked = min(cpus, points // MIN_PER_WORKER)
    return max(1, min(asked, 2, points))


class _Ends:
    """The points left to judge, taken by two processes from either end until they
    meet: this one from the oldest, the forked worker from the newest. Each takes the
    next as soon as it is done, so the two finish together however the points' costs
    differ (the first point a process judges builds and judges every entity; later
    ones only what changed, and carry the rest). Shared memory, set up before the
    fork."""

    def __init__(self, count: int) -> None:
        import multiprocessing  # only where a worker is forked

        self._lock = multiprocessing.Lock()
        self._next = multiprocessing.RawArray("i", [0, count])  # [first, one past last]

    def oldest(self) -> int | None:
        with self._lock:
            first, end = int(self._next[0]), int(self._next[1])
            if first >= end:
                return None
            self._next[0] = first + 1
            return first

    def newest(self) -> int | None:
        with self._lock:
            first, end = int(self._next[0]), int(self._next[1])
            if first >= end:
                return None
            self._next[1] = end - 1
            return end - 1


def _judge_all(c: _Context, prepared: list[_Prepared], workers: int) -> tuple[list[Point], int]:
    """The points judged in order, and how many git objects a worker read. With 2
    workers, every file of every point is checked here first (so none is checked
    twice), then a forked child judges points from the newest back while this process
    judges from the oldest on (_Ends); the child hands back its points, pickled
    through a pipe."""
    if workers < 2:
        order = iter(range(len(prepared)))
        return [p for _, p in _judge_each(c, prepared, lambda: next(order, None))], 0
    for p in prepared:  # every file checked here once, before the fork: none twice
        if p.policy is not None:
            check_files(*_snapshot(c, p, p.policy, None), c.documents)
            gc.freeze()  # what both processes read: not walked (nor so copied) by the collector
    ends = _Ends(len(prepared))
    before = set(c.documents.used)
    persistent = c.documents.store.path is not None
    reader, writer = os.pipe()
    read_before = c.objects.objects_read
    pid = os.fork()
    if pid == 0:  # the child: judge, answer, and leave without running the parent's exits
        try:
            os.close(reader)
            c.objects.forked()
            points = _judge_each(c, prepared, ends.newest)
            used = {k: v for k, v in c.documents.used.items() if k not in before}
            read = c.objects.objects_read - read_before  # by its own git process
            answer: object = (points, used if persistent else {}, read)
        except BaseException as e:  # handed to the parent, which raises it
            answer = _picklable(e)
        try:
            with os.fdopen(writer, "wb") as out:
                pickle.dump(answer, out, protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            os._exit(0)
    os.close(writer)
    try:
        mine = _judge_each(c, prepared, ends.oldest)
    finally:
        with os.fdopen(reader, "rb") as answers:
            data = answers.read()  # all of it, so that the child can end
        os.waitpid(pid, 0)
    try:
        answer = pickle.loads(data)
    except Exception as e:  # the child died before answering
        raise RuntimeError(f"a posture worker ended without an answer ({e})") from e
    if isinstance(answer, BaseException):
        raise answer
    theirs, entries, read = cast(tuple[list[tuple[int, Point]], dict[str, Any], int], answer)
    c.documents.adopt(entries)
    return [p for _, p in sorted([*mine, *theirs], key=lambda pair: pair[0])], read


def _picklable(e: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(e))
    except Exception:  # an exception that does not survive pickling: its text does
        return RuntimeError(f"{type(e).__name__}: {e}")
    return e

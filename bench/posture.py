"""`python -m bench posture`: posture over 24 monthly snapshots against one check.

The repository: the generated ISMS of N risks (bench/generate.py, the same files as the
`check` scenario's HEAD), given a history of 24 months in one `git fast-import` stream:
the whole ISMS in the first month (December 2024), then each month a share of the
entity files rewritten (`churn`, default 5%: risks reassessed, controls reviewed), each
file's dates as they were when it was written (`aged`), so that each changed file is a
new blob to read and parse and no month holds records dated after it. The last commit
is the generated HEAD's tree, so a check of it is the `check` scenario.

Timed in this process, cold (no cache across runs), interleaved: one check
(`engine.judge`, what `isms-check check` does), the posture (`timeline.timeline`, what
`isms-check report` adds to its check for posture over time: the files the check read
are known, 2 processes where there are 2 CPUs), the same in this process alone
(`workers=1`), and the posture with no file known (every file of the history read),
`repeat` times each. CPU counts the forked worker's too. Target: posture at most 3
times one check.
"""

from __future__ import annotations

import datetime
import random
import re
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import generate
from bench.gitstream import FastImport, git, timestamp

MONTHS = 24
FIRST_MONTH = datetime.datetime(2024, 12, 3, 9, 0)


def entity_files(repo: Path) -> list[str]:
    return sorted(git(repo, "ls-files").split())


_DATE = re.compile(rb"\b(20\d\d)-(\d\d)-(\d\d)\b")


def aged(text: bytes, months: int) -> bytes:
    """`text` with every date `months` months earlier (days past 28 become 28): a file as
    it was written that much before its final version, its dates consistent with the
    commit that holds it (no record dated after its commit)."""

    def earlier(m: re.Match[bytes]) -> bytes:
        year, month, day = (int(g) for g in m.groups())
        index = year * 12 + (month - 1) - months
        return b"%04d-%02d-%02d" % (index // 12, index % 12 + 1, min(day, 28))

    return _DATE.sub(earlier, text) if months else text


def make_posture_repo(source: Path, out: Path, churn: float, seed: int = 1) -> None:
    """A 24-month history whose last commit holds the files of `source` (a generated
    ISMS repository). A file written in month m holds the final text with its dates
    23 - m months earlier, so each month's ISMS is as current as the final one was when
    it was written, and files left alone go stale as the months pass."""
    files = entity_files(source)
    content = {rel: (source / rel).read_bytes() for rel in files}
    changing = [
        f for f in files if f.startswith(("risks/", "controls/", "plans/")) and f.endswith(".yaml")
    ]
    rng = random.Random(seed)
    stream = FastImport()
    when = FIRST_MONTH
    for month in range(MONTHS):
        back = MONTHS - 1 - month
        if month == 0:
            changes = [(rel, aged(content[rel], back)) for rel in files]
        elif month == MONTHS - 1:
            changes = [(rel, content[rel]) for rel in files]  # the generated HEAD itself
        else:
            picked = rng.sample(changing, max(1, int(len(changing) * churn)))
            changes = [(rel, aged(content[rel], back)) for rel in picked]
        stream.commit(timestamp(when), f"month {month}", changes)
        when = (when.replace(day=1) + datetime.timedelta(days=32)).replace(day=3)
    stream.write(out)


def bench_posture(risks: int, churn: float, repeat: int, workdir: Path) -> str:
    from bench.run import ensure_repo
    from checker import engine
    from checker.cel import engine as cel_engine
    from checker.documents import Documents
    from checker.history import History
    from checker.loader import DisplayPaths
    from checker.options import Options
    from checker.timeline import timeline

    source = ensure_repo(generate.Params(risks=risks), workdir)
    repo = workdir / "repos" / f"posture-{risks}-churn-{churn}"
    if not (repo / ".git").exists():
        make_posture_repo(source, repo, churn)
    today = generate.TODAY
    history = History.open(repo)
    assert history is not None
    display = DisplayPaths.for_root(repo)

    checked: list[Documents] = []  # the files the last check read

    def check() -> None:
        checked[:] = [Documents()]
        engine.judge(Options(path=repo, today=today), checked[0])

    def after_check() -> Documents:
        documents = Documents()
        documents.adopt(checked[0].used)  # as `isms-check report` does after its check
        return documents

    points: list[Any] = []

    def posture() -> None:
        found = timeline(history, display, today, cel_engine(), after_check())
        points[:] = found.points

    def alone() -> None:
        found = timeline(history, display, today, cel_engine(), after_check(), workers=1)
        assert found.points == tuple(points)  # the same points, in one process

    def afresh() -> None:
        found = timeline(history, display, today, cel_engine(), Documents())
        assert found.points == tuple(points)  # the same points, every file read again

    checks: list[tuple[float, float]] = []
    postures: list[tuple[float, float]] = []
    alones: list[tuple[float, float]] = []
    afreshes: list[tuple[float, float]] = []
    for _ in range(repeat):  # interleaved
        for fn, into in ((check, checks), (posture, postures), (alone, alones), (afresh, afreshes)):
            into.append(timed(fn))
    judged = len([p for p in points if p.evaluated])

    def line(name: str, samples: list[tuple[float, float]]) -> str:
        wall, cpu = [s[0] for s in samples], [s[1] for s in samples]
        return (
            f"{name}: wall median {statistics.median(wall):.2f} s (min {min(wall):.2f}), "
            f"CPU median {statistics.median(cpu):.2f} s (min {min(cpu):.2f})"
        )

    def ratio(samples: list[tuple[float, float]], i: int) -> float:
        return statistics.median(s[i] for s in samples) / statistics.median(c[i] for c in checks)

    return (
        f"repository: {repo} ({risks} risks, {MONTHS} months, {churn:.0%} of entity files "
        f"changed a month)\n"
        f"{line('check  ', checks)}\n"
        f"{line('posture', postures)} ({judged} of {len(points)} monthly snapshots judged)\n"
        f"{line('posture, 1 process', alones)}\n"
        f"{line('posture, no file read by the check', afreshes)}\n"
        f"posture / check: {ratio(postures, 0):.2f}x wall, {ratio(postures, 1):.2f}x CPU; "
        f"in 1 process {ratio(alones, 0):.2f}x wall, {ratio(alones, 1):.2f}x CPU; "
        f"with no file read by the check {ratio(afreshes, 0):.2f}x wall, "
        f"{ratio(afreshes, 1):.2f}x CPU (medians of {repeat} interleaved runs; target <= 3x)"
    )


def timed(fn: Callable[[], None]) -> tuple[float, float]:
    """Wall and CPU seconds of `fn`, its git children's CPU included."""

    def children() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    wall, cpu, child = time.perf_counter(), time.process_time(), children()
    fn()
    return (
        time.perf_counter() - wall,
        time.process_time() - cpu + children() - child,
    )

"""`python -m bench posture`: posture over 24 monthly snapshots against one check.

The repository: the generated ISMS of N risks (bench/generate.py, the same files as the
`check` scenario's HEAD), given a history of 24 months in one `git fast-import` stream:
the whole ISMS in the first month (December 2024), then each month a share of the
entity files changed (`churn`, default 5%: a risk re-rated, a control reviewed...,
here a line appended, so that each changed file is a new blob to read and parse). The
last commit is the generated HEAD's tree, so a check of it is the `check` scenario.

Timed in this process, cold (no cache across runs), interleaved: one check
(`engine.run`, what `isms-check check` does) and the posture (`timeline.timeline`, what
`isms-check report` adds for posture over time), `repeat` times each. Target: posture at
most 3 times one check.
"""

from __future__ import annotations

import datetime
import random
import statistics
import time
from pathlib import Path
from typing import Any

from bench import generate
from bench.gitstream import FastImport, git, timestamp

MONTHS = 24
FIRST_MONTH = datetime.datetime(2024, 12, 3, 9, 0)


def entity_files(repo: Path) -> list[str]:
    return sorted(git(repo, "ls-files").split())


def make_posture_repo(source: Path, out: Path, churn: float, seed: int = 1) -> None:
    """A 24-month history whose last commit holds the files of `source` (a generated
    ISMS repository)."""
    files = entity_files(source)
    content = {rel: (source / rel).read_bytes() for rel in files}
    changing = [
        f for f in files if f.startswith(("risks/", "controls/", "plans/")) and f.endswith(".yaml")
    ]
    rng = random.Random(seed)
    stream = FastImport()
    when = FIRST_MONTH
    for month in range(MONTHS):
        if month == 0:
            changes = [(rel, content[rel] + b"# month 0\n") for rel in files]
        elif month == MONTHS - 1:
            changes = [(rel, content[rel]) for rel in files]  # the generated HEAD itself
        else:
            picked = rng.sample(changing, max(1, int(len(changing) * churn)))
            changes = [(rel, content[rel] + f"# month {month}\n".encode()) for rel in picked]
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

    def check() -> None:
        engine.run(Options(path=repo, today=today))

    points: list[Any] = []

    def posture() -> None:
        found = timeline(history, display, today, cel_engine(), Documents())
        points[:] = found.points

    checks: list[float] = []
    postures: list[float] = []
    for _ in range(repeat):  # interleaved
        for fn, into in ((check, checks), (posture, postures)):
            t0 = time.perf_counter()
            fn()
            into.append(time.perf_counter() - t0)
    judged = len([p for p in points if p.evaluated])
    ratio = statistics.median(postures) / statistics.median(checks)
    return (
        f"repository: {repo} ({risks} risks, {MONTHS} months, {churn:.0%} of entity files "
        f"changed a month)\n"
        f"check:   median {statistics.median(checks):.2f} s, min {min(checks):.2f} s\n"
        f"posture: median {statistics.median(postures):.2f} s, min {min(postures):.2f} s "
        f"({judged} of {len(points)} monthly snapshots judged)\n"
        f"posture / check: {ratio:.2f}x (medians of {repeat} interleaved runs; target <= 3x)"
    )

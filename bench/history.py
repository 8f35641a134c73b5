"""`python -m bench history`: one pass over the git log of a large repository.

A repository of `files` risk files under isms/risks and `commits` commits, each changing
one to three files (one `git fast-import` stream), then the checker's History reads
every file's last change (one `git log`) and the uncommitted files (`git status`).
Target: at most 1 s for 1,000 files and 5,000 commits.
"""

from __future__ import annotations

import datetime
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bench.gitstream import FastImport

RISK = """id: R-{n:04d}
title: Generated risk {n}
owner: CISO
inherent: {{likelihood: {li}, impact: {im}}}
treatment: mitigate
controls: [A.8.7]
assessed: 2026-0{month}-01
"""
START = int(datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc).timestamp())


def make_history_repo(path: Path, files: int, commits: int, seed: int = 1) -> None:
    """`files` risk files under isms/risks and `commits` commits an hour apart."""
    rng = random.Random(seed)
    stream = FastImport()
    for c in range(commits):
        touched = range(files) if c == 0 else rng.sample(range(files), rng.randint(1, 3))
        changes = []
        for n in touched:
            body = RISK.format(
                n=n, li=rng.randint(1, 5), im=rng.randint(1, 5), month=rng.randint(1, 9)
            )
            changes.append((f"isms/risks/r{n:04d}.yaml", (body + f"# revision {c}\n").encode()))
        stream.commit(START + c * 3600, f"commit {c}", changes)
    stream.write(path)


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def bench_history(files: int, commits: int, repeat: int, workdir: Path) -> str:
    from checker.history import History

    repo = workdir / "repo"
    t0 = time.perf_counter()
    make_history_repo(repo, files, commits)
    made = f"generated {files} files, {commits} commits in {time.perf_counter() - t0:.1f} s"
    history = History.open(repo / "isms")
    assert history is not None
    dates: dict[str, datetime.date] = {}

    def one_pass() -> None:
        dates.clear()
        dates.update(history.last_changes())
        history.uncommitted()

    times = timed(one_pass, repeat)
    assert len(dates) == files, f"expected {files} files, got {len(dates)}"
    return (
        f"{made}\nhistory pass (log + status): median {statistics.median(times):.3f} s, "
        f"max {max(times):.3f} s over {repeat} runs; target <= 1 s"
    )

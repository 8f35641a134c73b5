"""Benchmarks: `python -m bench history` and `python -m bench check`.

history: one pass over the log of a generated repository (default 1,000 ISMS files and
5,000 commits, built with `git fast-import` in a temporary folder); target <= 1 s.
check:   a whole `isms-check` run (engine only, no git) over a generated ISMS of N risks
and plans plus the full Annex A SoA, to see where a run's time goes.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

RISK = """id: R-{n:04d}
title: Generated risk {n}
owner: CISO
inherent: {{likelihood: {li}, impact: {im}}}
treatment: mitigate
controls: [A.8.7]
assessed: 2026-0{month}-01
"""


def _git_env() -> dict[str, str]:
    return {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}


def make_history_repo(path: Path, files: int, commits: int, seed: int = 1) -> None:
    """A repository with `files` risk files under isms/risks and `commits` commits, each
    changing one to three files, written in one `git fast-import` stream."""
    rng = random.Random(seed)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True, env=_git_env())
    start = int(datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc).timestamp())
    chunks: list[bytes] = []
    for c in range(commits):
        when = start + c * 3600
        touched = range(files) if c == 0 else rng.sample(range(files), rng.randint(1, 3))
        message = f"commit {c}".encode()
        chunks.append(b"commit refs/heads/main\n")
        chunks.append(f"committer Bench <bench@example.com> {when} +0000\n".encode())
        chunks.append(b"data %d\n%s\n" % (len(message), message))
        for n in touched:
            body = RISK.format(
                n=n, li=rng.randint(1, 5), im=rng.randint(1, 5), month=rng.randint(1, 9)
            )
            data = (body + f"# revision {c}\n").encode()
            chunks.append(f"M 100644 inline isms/risks/r{n:04d}.yaml\n".encode())
            chunks.append(b"data %d\n%s\n" % (len(data), data))
    subprocess.run(
        ["git", "fast-import", "--quiet"],
        cwd=path,
        input=b"".join(chunks),
        check=True,
        env=_git_env(),
    )
    subprocess.run(["git", "checkout", "-q", "main"], cwd=path, check=True, env=_git_env())


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def bench_history(args: argparse.Namespace) -> None:
    from checker.history import History

    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        t0 = time.perf_counter()
        make_history_repo(repo, args.files, args.commits)
        print(
            f"generated {args.files} files, {args.commits} commits "
            f"in {time.perf_counter() - t0:.1f} s"
        )
        history = History.open(repo / "isms")
        assert history is not None
        dates: dict[str, datetime.date] = {}

        def one_pass() -> None:
            dates.clear()
            dates.update(history.last_changes())
            history.uncommitted()

        times = timed(one_pass, args.repeat)
        assert len(dates) == args.files, f"expected {args.files} files, got {len(dates)}"
        print(
            f"history pass (log + status): median {statistics.median(times):.3f} s, "
            f"max {max(times):.3f} s over {args.repeat} runs; target <= 1 s"
        )


def bench_check(args: argparse.Namespace) -> None:
    from checker import engine

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "isms"
        shutil.copytree(Path(__file__).resolve().parents[1] / "examples", root)
        rng = random.Random(2)
        for n in range(args.risks):
            body = RISK.format(
                n=n, li=rng.randint(1, 3), im=rng.randint(1, 2), month=rng.randint(1, 9)
            )
            (root / "risks" / f"gen-{n:05d}.yaml").write_text(body, encoding="utf-8")
        options = engine.Options(path=root, today=datetime.date(2026, 11, 27))
        times = timed(lambda: engine.run(options), args.repeat)
        report = engine.run(options)
        print(
            f"check of {args.risks} extra risks + examples/: {len(report.results)} checks, "
            f"median {statistics.median(times):.2f} s over {args.repeat} runs"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="name", required=True)
    h = sub.add_parser("history", help="one pass over the git log")
    h.add_argument("--files", type=int, default=1000)
    h.add_argument("--commits", type=int, default=5000)
    h.add_argument("--repeat", type=int, default=5)
    c = sub.add_parser("check", help="a whole check run")
    c.add_argument("--risks", type=int, default=1000)
    c.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    {"history": bench_history, "check": bench_check}[args.name](args)


if __name__ == "__main__":
    main()

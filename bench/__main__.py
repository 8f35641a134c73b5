"""Benchmarks of isms-check (docs/performance.md explains them and holds the figures).

generate  write a generated ISMS git repository of N risks (deterministic for a seed)
run       time isms-check as users run it (installed, fresh processes, interleaved),
          against the floor (find + C-parse YAML + JSON Schema), as a Markdown table
profile   where one check's time goes, by phase (cProfile, in this process)
history   one pass over the git log of a 1,000-file, 5,000-commit repository
check     a whole check of a generated ISMS in this process (quick, for development)
posture   posture over 24 monthly snapshots of a generated ISMS against one check
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench import generate, history, phases, posture, run

DEFAULT_WORKDIR = Path(tempfile.gettempdir()) / "isms-check-bench"


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part.replace("_", "")) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}': write sizes like 1000,10000") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive numbers of risks")
    return sizes


def _scenarios(text: str) -> tuple[str, ...]:
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [n for n in names if n not in run.SCENARIOS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown scenario {', '.join(unknown)}: choose from {', '.join(run.SCENARIOS)}"
        )
    return names


def cmd_generate(args: argparse.Namespace) -> int:
    params = generate.Params(
        risks=args.risks,
        plans=args.plans,
        seed=args.seed,
        single_files=args.single_files,
        commits=args.commits,
    )
    out: Path = args.out or Path(f"isms-{args.risks}" + ("-single" if args.single_files else ""))
    started = time.perf_counter()
    try:
        manifest = generate.generate(params, out)
    except (FileExistsError, ValueError) as e:
        sys.stderr.write(f"bench: {e}\n")
        return 2
    print(f"{out}: {generate.summary(manifest)} ({time.perf_counter() - started:.1f} s)")
    print(f"check it: isms-check {out} --today {generate.TODAY.isoformat()}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    plan = run.Plan(
        sizes=args.sizes,
        scenarios=args.scenarios,
        runs=args.runs,
        seed=args.seed,
        single_files_risks=args.single_files_risks,
        workdir=args.workdir.resolve(),
    )
    return run.main(plan, args.isms_check, args.json, sys.stdout.write)


def cmd_profile(args: argparse.Namespace) -> int:
    repo = run.ensure_repo(generate.Params(risks=args.risks, seed=args.seed), args.workdir)
    argv = [str(repo), "--today", generate.TODAY.isoformat(), *args.extra]
    startup = phases.import_times()
    stats, code = phases.profile_check(argv)
    print(f"isms-check {' '.join(argv)}  (exit {code})")
    for line in phases.report(stats, startup, top=args.top):
        print(line)
    return 0 if code in (0, 1) else 1


def cmd_history(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        print(history.bench_history(args.files, args.commits, args.repeat, Path(tmp)))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    import contextlib
    import io

    from checker import main as cli

    repo = run.ensure_repo(generate.Params(risks=args.risks, seed=args.seed), args.workdir)
    argv = [str(repo), "--today", generate.TODAY.isoformat()]
    times = []
    code = 0
    for _ in range(args.repeat):
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            code = cli.main(argv)
        times.append(time.perf_counter() - started)
    print(
        f"check of {args.risks} risks in this process (exit {code}): median "
        f"{statistics.median(times):.2f} s, min {min(times):.2f} s over {args.repeat} runs"
    )
    return 0


def cmd_posture(args: argparse.Namespace) -> int:
    print(posture.bench_posture(args.risks, args.churn, args.repeat, args.workdir))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="name", required=True)

    g = sub.add_parser("generate", help="write a generated ISMS git repository")
    g.add_argument("--risks", type=int, required=True, help="number of risks (N)")
    g.add_argument("--plans", type=int, help="number of treatment plans (default N/5)")
    g.add_argument("--commits", type=int, help="commits of history (default N/2)")
    g.add_argument("--out", type=Path, help="new folder (default ./isms-N)")
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("--single-files", action="store_true", help="one risk per file")

    r = sub.add_parser("run", help="time isms-check against the floor")
    r.add_argument("--sizes", type=_sizes, default=(1000,), help="risks, e.g. 1000,10000")
    r.add_argument("--runs", type=int, default=3, help="timed runs of each scenario")
    r.add_argument(
        "--scenarios",
        type=_scenarios,
        default=run.SCENARIOS,
        help=f"comma-separated, of {', '.join(run.SCENARIOS)} (default: all)",
    )
    r.add_argument("--single-files-risks", type=int, default=5000, metavar="N")
    r.add_argument("--seed", type=int, default=1)
    r.add_argument(
        "--isms-check",
        metavar="PATH",
        help="time this isms-check (default: pip install . of this checkout into a venv)",
    )
    r.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help="venv, repos, caches")
    r.add_argument("--json", type=Path, metavar="FILE", help="also write every sample as JSON")

    p = sub.add_parser("profile", help="where a check's time goes, by phase")
    p.add_argument("--risks", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--top", type=int, default=12, help="functions listed by own time")
    p.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    p.add_argument("extra", nargs="*", help="more isms-check arguments (after --)")

    h = sub.add_parser("history", help="one pass over the git log")
    h.add_argument("--files", type=int, default=1000)
    h.add_argument("--commits", type=int, default=5000)
    h.add_argument("--repeat", type=int, default=5)

    c = sub.add_parser("check", help="a whole check in this process")
    c.add_argument("--risks", type=int, default=1000)
    c.add_argument("--repeat", type=int, default=3)
    c.add_argument("--seed", type=int, default=1)
    c.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)

    t = sub.add_parser("posture", help="posture over 24 months against one check")
    t.add_argument("--risks", type=int, default=1000)
    t.add_argument("--churn", type=float, default=0.05, help="share of files changed a month")
    t.add_argument("--repeat", type=int, default=3)
    t.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    return parser


COMMANDS = {
    "generate": cmd_generate,
    "run": cmd_run,
    "profile": cmd_profile,
    "history": cmd_history,
    "check": cmd_check,
    "posture": cmd_posture,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return COMMANDS[args.name](args)


if __name__ == "__main__":
    sys.exit(main())

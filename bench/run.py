"""`python -m bench run`: times isms-check as users run it, against a floor, in one run.

Each timed run is a fresh process of an isms-check installed non-editable (`pip install
.` into a venv the harness builds under its work folder, rebuilt when the checker's
sources change), or of the one `--isms-check PATH` names. Scenarios run interleaved:
repetition r runs every job once, round-robin (the start rotating by one each
repetition), so that a noisy minute on the machine spreads over all of them instead of
landing on one. Each job reports the median wall time, min and max, CPU time and the
child's peak RSS (`ru_maxrss` from `os.wait4`, exactly that child's: see LAUNCHER), and
the ratio of its median to the median of the floor measured the same way on the same
repository.

Cold and warm: before every cold run the generated repository is reset (`git clean
-fdx`: a cache the checker left inside is gone) and the child gets a fresh, empty
XDG_CACHE_HOME; if the checker has a `--no-cache` flag it is passed too. When the
checker has a cache (the flag exists, or a first run left files behind), each
repository scenario also gets a warm variant: one untimed run, then the timed one,
with the cache kept.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.generate import TODAY, Params, generate, read_manifest, summary
from bench.gitstream import git, git_env

SCENARIOS = ("check", "pr", "example", "version", "single-files")
FLOOR_SCRIPT = Path(__file__).resolve().parent / "floor.py"
REPO_ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("checker", "policies", "schemas", "pyproject.toml", "README.md")
HEAVY = ("celpy", "git", "lark")  # imported by the checker proper, never by the floor
FLOOR_MODULES = {"checker", "checker.schema", "checker.loader", "checker.tree",
                 "checker.resources", "checker.errors", "checker.findings"}  # fmt: skip
PR_BASE = "HEAD~5"


def log(message: str) -> None:
    sys.stderr.write(f"bench: {message}\n")
    sys.stderr.flush()


# --- the checker under test -----------------------------------------------------------


@dataclass(frozen=True)
class Checker:
    exe: Path  # the isms-check console script
    python: Path  # the interpreter it runs with (also runs the floor)
    version: str
    origin: str  # where it came from, for the report
    no_cache_flag: bool
    floor_validator: str  # checker | jsonschema
    schemas: Path  # the schemas/ folder the jsonschema floor reads


def source_stamp(src: Path) -> str:
    """A digest of the files that make the installed checker."""
    h = hashlib.sha256()
    for name in SOURCES:
        base = src / name
        paths = sorted(base.rglob("*")) if base.is_dir() else [base]
        for p in paths:
            if p.is_file() and "__pycache__" not in p.parts:
                h.update(p.relative_to(src).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


def install(src: Path, workdir: Path) -> Path:
    """isms-check installed from `src` with `pip install .` (not editable) into a venv
    under `workdir`, reused while the sources are unchanged. Returns the console script."""
    stamp = source_stamp(src)
    venv = workdir / f"venv-{stamp}"
    exe = venv / "bin" / "isms-check"
    if exe.is_file() and (venv / ".installed").is_file():
        return exe
    for old in workdir.glob("venv-*"):
        shutil.rmtree(old, ignore_errors=True)
    log(f"installing isms-check from {src} into {venv} (pip install ., not editable)")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(src)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (venv / ".installed").write_text(stamp + "\n", encoding="utf-8")
    return exe


def interpreter_of(exe: Path) -> Path:
    """The Python a console script runs with: its shebang (pip's `#!/bin/sh` + `exec`
    form for long paths too), else the python next to it."""
    try:
        head = exe.read_bytes()[:1024].decode("utf-8", "replace")
    except OSError:
        head = ""
    first = head.splitlines()[0] if head else ""
    if first.startswith("#!") and "python" in first:
        words = first[2:].split()
        if Path(words[0]).name == "env" and len(words) > 1:  # #!/usr/bin/env python3
            found = shutil.which(words[-1])
            return Path(found) if found else Path(sys.executable)
        return Path(words[0])
    m = re.search(r"exec' (\S+python\S*)", head)
    if m:
        return Path(m.group(1))
    sibling = exe.parent / "python"
    return sibling if sibling.exists() else Path(sys.executable)


def _output(argv: Sequence[str], cwd: Path | None = None) -> str:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    return done.stdout + done.stderr


def floor_validator(python: Path) -> tuple[str, Path]:
    """`checker` when checker.schema imports without the rest of the checker (no CEL, no
    git, no engine), else `jsonschema`; and the schemas/ folder the checker ships."""
    probe = (
        "import importlib.util, json, sys, pathlib\n"
        "spec = importlib.util.find_spec('checker')\n"
        "pkg = pathlib.Path(spec.origin).parent if spec and spec.origin else None\n"
        "ok = True\n"
        "try:\n"
        "    import checker.schema\n"
        "except Exception:\n"
        "    ok = False\n"
        "pkg = str(pkg) if pkg else ''\n"
        "print(json.dumps({'ok': ok, 'pkg': pkg, 'mods': sorted(sys.modules)}))\n"
    )
    out = subprocess.run(
        [str(python), "-I", "-c", probe], capture_output=True, text=True, check=False
    )
    try:
        info = json.loads(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        info = {"ok": False, "pkg": "", "mods": []}
    pkg = Path(info["pkg"]) if info["pkg"] else None
    schemas = REPO_ROOT / "schemas"
    for candidate in (pkg / "schemas", pkg.parent / "schemas") if pkg else ():
        if candidate.is_dir():
            schemas = candidate
            break
    mods = [str(m) for m in info["mods"]]
    ours = {m for m in mods if m == "checker" or m.startswith("checker.")}
    heavy = [m for m in mods if m.split(".")[0] in HEAVY]
    clean = info["ok"] and ours <= FLOOR_MODULES and not heavy
    return ("checker" if clean else "jsonschema"), schemas


def describe(exe: Path, origin: str) -> Checker:
    exe = exe.resolve() if exe.exists() else exe
    python = interpreter_of(exe)
    version = _output([str(exe), "--version"]).strip() or "unknown"
    helps = _output([str(exe), "--help"]) + _output([str(exe), "check", "--help"])
    validator, schemas = floor_validator(python)
    return Checker(exe, python, version, origin, "--no-cache" in helps, validator, schemas)


def checker_from(args_path: str | None, workdir: Path) -> Checker:
    if args_path:
        exe = Path(args_path)
        found = shutil.which(args_path) if not exe.exists() else str(exe)
        if not found:
            raise SystemExit(f"bench: --isms-check {args_path}: no such program")
        return describe(Path(found), f"given: {found}")
    exe = install(REPO_ROOT, workdir)
    return describe(exe, f"pip install . of {REPO_ROOT} at {_source_revision(REPO_ROOT)}")


def _source_revision(src: Path) -> str:
    try:
        # the last commit that changed what gets installed (not bench/ or the docs)
        sha = git(src, "log", "-1", "--format=%h", "--", *SOURCES).strip()
        dirty = git(src, "status", "--porcelain", "--", *SOURCES).strip()
    except (subprocess.CalledProcessError, OSError):
        return "(not a git checkout)"
    return sha + (" + uncommitted changes" if dirty else "")


# --- repositories ---------------------------------------------------------------------


def ensure_repo(params: Params, workdir: Path) -> Path:
    """The generated repository for `params` under workdir/repos, reused when its
    manifest matches (same parameters, generator version and HEAD), else regenerated."""
    name = f"risks-{params.risks}-seed-{params.seed}" + ("-single" if params.single_files else "")
    repo = workdir / "repos" / name
    manifest = read_manifest(repo)
    if manifest is not None and manifest.params == params.to_json():
        try:
            if git(repo, "rev-parse", "HEAD").strip() == manifest.head:
                reset(repo)
                return repo
        except subprocess.CalledProcessError:
            pass
    shutil.rmtree(repo, ignore_errors=True)
    started = time.perf_counter()
    manifest = generate(params, repo)
    log(f"generated {repo}: {summary(manifest)} in {time.perf_counter() - started:.1f} s")
    return repo


def reset(repo: Path) -> None:
    """Back to the committed tree: no cache or stray file left by a previous run."""
    git(repo, "reset", "-q", "--hard")
    git(repo, "clean", "-q", "-fdx")


def example_repo(workdir: Path) -> Path:
    """A clone of the checker's repository at its HEAD (the bundled examples/ with their
    git history, as the project's own CI checks them); a plain copy outside git."""
    dest = workdir / "example-clone"
    try:
        head = git(REPO_ROOT, "rev-parse", "HEAD").strip()
    except (subprocess.CalledProcessError, OSError):
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(REPO_ROOT / "examples", dest / "examples")
        return dest
    if (dest / ".git").is_dir():
        try:
            if git(dest, "rev-parse", "HEAD").strip() == head:
                reset(dest)
                return dest
        except subprocess.CalledProcessError:
            pass
    shutil.rmtree(dest, ignore_errors=True)
    subprocess.run(
        ["git", "clone", "-q", "--no-checkout", str(REPO_ROOT), str(dest)],
        check=True,
        env=git_env(),
    )
    git(dest, "checkout", "-q", "--detach", head)
    return dest


# --- timing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    wall: float  # seconds
    cpu: float  # user + system seconds of the child
    maxrss_mib: float  # the child's peak resident set size
    exit: int


@dataclass
class Job:
    key: str  # unique: scenario@size
    scenario: str
    size: int | None  # risks in the repository, if any
    argv: list[str]
    cwd: Path
    expect: tuple[int, ...] = (0, 1)
    floor: str | None = None  # key of the job this one is compared with
    repo: Path | None = None  # reset before each cold run
    warm: bool = False
    samples: list[Sample] = field(default_factory=list)
    error: str = ""  # stderr of the first unexpected exit

    @property
    def label(self) -> str:
        return self.scenario + (" (warm)" if self.warm else "")


# Starts the timed command and reports its wall time and rusage. Run as `python -I -S`
# (about 8 MiB): Linux counts the memory image a child had before its exec in its
# ru_maxrss, and a child spawned by the harness itself (tens of MiB after generating a
# repository) would report the harness's size, not its own. Imports nothing but os,
# sys and time, so its own peak stays below any checker's.
LAUNCHER = """
import os, sys, time
out, argv = sys.argv[1], sys.argv[2:]
started = time.perf_counter()
pid = os.posix_spawnp(argv[0], argv, os.environ)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - started
with open(out, "w") as f:
    f.write("%r %r %r %r" % (wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss,
                             os.waitstatus_to_exitcode(status)))
"""


def run_child(argv: Sequence[str], cwd: Path, env: dict[str, str]) -> tuple[Sample, str]:
    """One process: its wall time, CPU time and peak RSS (`ru_maxrss`, KiB on Linux) as
    `os.wait4` gives them for exactly that child (its own children included), taken by
    the launcher above; and its stderr."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "rusage"
        launcher = [sys.executable, "-I", "-S", "-c", LAUNCHER, str(out), *argv]
        code = subprocess.run(
            launcher, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=err, check=False,
        ).returncode  # fmt: skip
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
        if code != 0 or not out.is_file():
            return Sample(float("nan"), float("nan"), float("nan"), 127), stderr
        wall, cpu, maxrss, exit_code = out.read_text(encoding="utf-8").split()
    return Sample(float(wall), float(cpu), int(maxrss) / 1024, int(exit_code)), stderr


def measure(job: Job, caches: Path) -> Sample:
    env = dict(os.environ)
    if job.warm:
        env["XDG_CACHE_HOME"] = str(caches / job.key.replace("/", "_"))
        run_child(job.argv, job.cwd, env)  # fills the cache; not timed
        sample, stderr = run_child(job.argv, job.cwd, env)
    else:
        if job.repo is not None:
            reset(job.repo)
        with tempfile.TemporaryDirectory(dir=caches) as empty:
            env["XDG_CACHE_HOME"] = empty
            sample, stderr = run_child(job.argv, job.cwd, env)
    if sample.exit not in job.expect and not job.error:
        job.error = f"exit {sample.exit}: " + stderr.strip()[-2000:]
    return sample


def run_jobs(jobs: list[Job], runs: int, caches: Path) -> None:
    total = runs * len(jobs)
    done = 0
    for rep in range(runs):
        shift = rep % len(jobs)
        for job in jobs[shift:] + jobs[:shift]:
            sample = measure(job, caches)
            job.samples.append(sample)
            done += 1
            log(
                f"[{done}/{total}] {job.key}: {sample.wall:.2f} s, "
                f"{sample.maxrss_mib:.0f} MiB, exit {sample.exit}"
            )


# --- scenarios ------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    sizes: tuple[int, ...]
    scenarios: tuple[str, ...]
    runs: int
    seed: int
    single_files_risks: int
    workdir: Path


def floor_job(
    key: str, checker: Checker, root: Path, size: int | None, label: str = "floor"
) -> Job:
    argv = [str(checker.python), "-I", str(FLOOR_SCRIPT), str(root),
            "--validator", checker.floor_validator, "--schemas", str(checker.schemas)]  # fmt: skip
    return Job(key, label, size, argv, root, expect=(0,))


def repo_jobs(
    checker: Checker, repo: Path, size: int, tag: str,
    scenarios: Sequence[tuple[str, list[str]]], cache: bool,
) -> list[Job]:  # fmt: skip
    """The floor of one generated repository and each scenario on it (cold, and warm
    when the checker has a cache)."""
    label = "floor (single files)" if tag.endswith("single") else "floor"
    floor = floor_job(f"floor@{tag}", checker, repo, size, label)
    jobs = [floor]
    cold = ["--no-cache"] if checker.no_cache_flag else []
    for name, extra in scenarios:
        argv = [str(checker.exe), "check", str(repo), "--today", TODAY.isoformat(), *extra]
        jobs.append(Job(f"{name}@{tag}", name, size, argv + cold, repo, floor=floor.key, repo=repo))
        if cache:
            jobs.append(
                Job(
                    f"{name}-warm@{tag}",
                    name,
                    size,
                    argv,
                    repo,
                    floor=floor.key,
                    repo=repo,
                    warm=True,
                )
            )
    return jobs


def build_jobs(plan: Plan, checker: Checker, cache: bool) -> list[Job]:
    exe = str(checker.exe)
    today = ["--today", TODAY.isoformat()]
    cold = ["--no-cache"] if checker.no_cache_flag else []
    jobs: list[Job] = []

    if "version" in plan.scenarios:
        python = Job(
            "interpreter",
            "python -c pass",
            None,
            [str(checker.python), "-c", "pass"],
            plan.workdir,
            expect=(0,),
        )
        jobs.append(python)
        jobs.append(
            Job(
                "version",
                "version",
                None,
                [exe, "--version"],
                plan.workdir,
                expect=(0,),
                floor=python.key,
            )
        )
    if "example" in plan.scenarios:
        clone = example_repo(plan.workdir)
        floor = floor_job("floor@example", checker, clone / "examples", None, "floor (examples)")
        jobs.append(floor)
        argv = [exe, "examples", *today]
        jobs.append(
            Job(
                "example",
                "example",
                None,
                argv + cold,
                clone,
                expect=(0,),
                floor=floor.key,
                repo=clone,
            )
        )
        if cache:
            jobs.append(
                Job(
                    "example-warm",
                    "example",
                    None,
                    argv,
                    clone,
                    expect=(0,),
                    floor=floor.key,
                    repo=clone,
                    warm=True,
                )
            )
    for size in plan.sizes:
        # the pr scenario as measured before policy_from base became the default
        pr = ["--base", PR_BASE, "--policy-from", "head"]
        wanted = [(s, x) for s, x in (("check", []), ("pr", pr)) if s in plan.scenarios]
        if wanted:
            repo = ensure_repo(Params(risks=size, seed=plan.seed), plan.workdir)
            jobs += repo_jobs(checker, repo, size, str(size), wanted, cache)
    if "single-files" in plan.scenarios:
        n = plan.single_files_risks
        repo = ensure_repo(Params(risks=n, seed=plan.seed, single_files=True), plan.workdir)
        jobs += repo_jobs(checker, repo, n, f"{n}-single", [("single-files", [])], cache)
    return jobs


def detect_cache(checker: Checker, repo: Path, caches: Path) -> list[str]:
    """Files a run leaves behind (in the repository or under XDG_CACHE_HOME): a cache,
    whatever its flag is called. Empty when the checker keeps none."""
    reset(repo)
    with tempfile.TemporaryDirectory(dir=caches) as home:
        env = {**os.environ, "XDG_CACHE_HOME": home}
        run_child([str(checker.exe), "check", str(repo), "--today", TODAY.isoformat()], repo, env)
        left = [str(p.relative_to(home)) for p in Path(home).rglob("*") if p.is_file()]
    status = git(repo, "status", "--porcelain", "--ignored", "--untracked-files=all")
    left += [line[3:] for line in status.splitlines() if line.strip()]
    reset(repo)
    return sorted(left)


# --- report ---------------------------------------------------------------------------


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def stats(job: Job) -> dict[str, Any]:
    walls = [s.wall for s in job.samples]
    return {
        "median": _median(walls),
        "min": min(walls, default=float("nan")),
        "max": max(walls, default=float("nan")),
        "cpu": _median([s.cpu for s in job.samples]),
        "maxrss_mib": max((s.maxrss_mib for s in job.samples), default=float("nan")),
        "exits": sorted({s.exit for s in job.samples}),
    }


def machine() -> dict[str, Any]:
    model = ""
    mem_gib = 0.0
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        m = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
        model = m.group(1).strip() if m else ""
        meminfo = Path("/proc/meminfo").read_text(encoding="utf-8", errors="replace")
        m = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.M)
        mem_gib = int(m.group(1)) / 1024 / 1024 if m else 0.0
    except OSError:
        pass
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpus": cpus,
        "cpu_model": model,
        "memory_gib": round(mem_gib, 1),
        "system": f"{platform.system()} {platform.release()}",
        "load_before": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
    }


def _fmt(x: float, digits: int = 2) -> str:
    return "—" if x != x else f"{x:.{digits}f}"  # nan → dash


def _times(ratio: float) -> str:
    return f"{ratio:.1f}x" if ratio == ratio else "—"


def table(jobs: Sequence[Job]) -> str:
    by_key = {j.key: j for j in jobs}
    rows = [
        "| scenario | risks | median s | min s | max s | x floor | CPU s | CPU x floor "
        "| peak RSS MiB | exit |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for job in jobs:
        s = stats(job)
        floor = by_key.get(job.floor or "")
        base = stats(floor) if floor and floor.samples else None
        ratio = s["median"] / base["median"] if base else float("nan")
        cpu_ratio = s["cpu"] / base["cpu"] if base and base["cpu"] else float("nan")
        exits = ", ".join(map(str, s["exits"]))
        if any(e not in job.expect for e in s["exits"]):
            exits += " (unexpected)"
        size = f"{job.size:,}" if job.size is not None else "—"
        rows.append(
            f"| {job.label} | {size} | {_fmt(s['median'])} | {_fmt(s['min'])} | {_fmt(s['max'])} "
            f"| {_times(ratio)} | {_fmt(s['cpu'])} | {_times(cpu_ratio)} "
            f"| {_fmt(s['maxrss_mib'], 0)} | {exits} |"
        )
    return "\n".join(rows)


def render(plan: Plan, checker: Checker, jobs: Sequence[Job], meta: dict[str, Any]) -> str:
    m = meta["machine"]
    lines = [
        "## isms-check benchmark",
        "",
        f"- command: `{meta['command']}`",
        f"- checker: {checker.version}, {checker.origin}",
        f"- machine: {m['cpus']} CPUs ({m['cpu_model'] or 'unknown model'}), "
        f"{m['memory_gib']} GiB, {m['system']}, Python {meta['python']}; "
        f"load average before: {m['load_before']}",
        f"- {plan.runs} run{'s' if plan.runs > 1 else ''} per scenario, interleaved; "
        f"`--today {TODAY.isoformat()}`; "
        f"seed {plan.seed}; date {meta['date']}",
        f"- cache: {meta['cache']}",
        f"- floor: bench/floor.py (C YAML loader + "
        f"{'checker.schema.validate' if checker.floor_validator == 'checker' else 'jsonschema'}"
        "), same interpreter; `version` is compared with `python -c pass`",
        "",
        table(jobs),
    ]
    errors = [j for j in jobs if j.error]
    for job in errors:
        lines += ["", f"**{job.key}** exited unexpectedly: ```{job.error}```"]
    return "\n".join(lines) + "\n"


def to_json(plan: Plan, checker: Checker, jobs: Sequence[Job], meta: dict[str, Any]) -> str:
    doc = {
        **meta,
        "plan": {**dataclasses.asdict(plan), "workdir": str(plan.workdir)},
        "checker": {k: str(v) for k, v in dataclasses.asdict(checker).items()},
        "jobs": [
            {
                "key": j.key, "scenario": j.scenario, "warm": j.warm, "size": j.size,
                "argv": j.argv, "floor": j.floor, "expect": list(j.expect), "error": j.error,
                **stats(j), "samples": [dataclasses.asdict(s) for s in j.samples],
            }
            for j in jobs
        ],
    }  # fmt: skip
    return json.dumps(doc, indent=2) + "\n"


def main(
    plan: Plan, isms_check: str | None, json_out: Path | None, write: Callable[[str], Any]
) -> int:
    plan.workdir.mkdir(parents=True, exist_ok=True)
    caches = plan.workdir / "caches"
    caches.mkdir(exist_ok=True)
    checker = checker_from(isms_check, plan.workdir)
    log(f"timing {checker.version} ({checker.exe}); floor validator: {checker.floor_validator}")
    meta: dict[str, Any] = {
        "command": " ".join(["python -m bench", *sys.argv[1:]]),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "python": _output(
            [str(checker.python), "-c", "import sys; print(sys.version.split()[0])"]
        ).strip(),
        "machine": machine(),
    }
    jobs = build_jobs(plan, checker, cache=False)
    # one untimed check of a small repository: does the checker leave a cache behind?
    left = detect_cache(
        checker, ensure_repo(Params(risks=50, seed=plan.seed), plan.workdir), caches
    )
    cache = checker.no_cache_flag or bool(left)
    if cache:
        jobs = build_jobs(plan, checker, cache=True)
    notes = ["cold runs pass --no-cache"] if checker.no_cache_flag else []
    notes += [f"a run leaves {', '.join(left[:5])}"] if left else []
    notes.append(
        "warm rows run once untimed first, then timed with the cache kept"
        if cache
        else "none (no --no-cache flag, and a run leaves no files behind)"
    )
    meta["cache"] = "; ".join(notes)
    run_jobs(jobs, plan.runs, caches)
    write(render(plan, checker, jobs, meta))
    if json_out is not None:
        json_out.write_text(to_json(plan, checker, jobs, meta), encoding="utf-8")
    return 1 if any(j.error for j in jobs) else 0

"""`python -m bench profile`: where a check's time goes, by phase.

Startup is measured apart, as `python -X importtime -c "import checker.main"` in a fresh
process (the sum of every module's own import time). The run itself goes through
`checker.main.main` in this process under cProfile, and its time is split into phases by
module prefix: each function belongs to the group of its module (a phase below, or its
own module when no phase claims it, or "outside" for libraries and built-ins). A group's
time is what enters it from other checker groups (cProfile's per-caller cumulative
time), minus what it passes on to other checker groups; so library time (PyYAML,
jsonschema, cel-python, GitPython), callbacks from a library into the checker included,
counts for the checker phase that called the library, and the groups add up to the run.
Modules no phase claims are listed by name when they take a noticeable share, so a
renamed or new module shows up instead of vanishing.
"""

from __future__ import annotations

import contextlib
import cProfile
import io
import os
import pstats
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PHASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("read + YAML", ("checker.loader", "checker.tree", "checker.documents")),
    ("command line", ("checker.main", "checker.commands")),
    ("schema", ("checker.schema", "checker.structure")),
    ("model", ("checker.model", "checker.methodology")),
    ("compiling rules (CEL)", ("checker.rules", "checker.policy", "checker.celnative.parser",
                               "checker.celnative.codegen", "checker.celnative.literals")),
    ("evaluation (CEL)", ("checker.evaluate", "checker.cel", "checker.celnative",
                          "checker.celpython", "checker.waivers")),
    ("git", ("checker.history",)),
    ("output", ("checker.reporters", "checker.outputs", "checker.findings")),
    ("cache", ("checker.cache",)),
)  # fmt: skip
OUTSIDE = "outside"
Func = tuple[str, int, str]  # pstats' (file, line, function name)


def phase_of(module: str | None) -> str:
    """The phase a module belongs to (longest matching prefix), its own name for a
    checker module no phase claims, or OUTSIDE."""
    if module is None:
        return OUTSIDE
    best, length = "", -1
    for name, prefixes in PHASES:
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > length:
                best, length = name, len(prefix)
    if best:
        return best
    if module == "checker" or module.startswith("checker."):
        return module
    return OUTSIDE


def module_files() -> dict[str, str]:
    """Real path of each loaded module's file -> module name."""
    out: dict[str, str] = {}
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str):
            out[os.path.realpath(path)] = name
    return out


@dataclass(frozen=True)
class Split:
    total: float  # seconds in the profiled call
    groups: dict[str, float]  # phase or module -> exclusive seconds


def split(raw: Mapping[Func, Any], modules: Mapping[str, str]) -> Split:
    """Groups' exclusive time from pstats' raw table {func: (cc, nc, tt, ct, callers)}."""
    cache: dict[str, str] = {}

    def group(func: Func) -> str:
        path = func[0]
        if path not in cache:
            cache[path] = phase_of(modules.get(os.path.realpath(path)) if path != "~" else None)
        return cache[path]

    entered: dict[str, float] = defaultdict(float)
    passed_on: dict[str, float] = defaultdict(float)
    total = 0.0
    for func, (_cc, _nc, _tt, ct, callers) in raw.items():
        g = group(func)
        total = max(total, ct)
        if not callers:
            entered[g] += ct
        for caller, edge in callers.items():
            c = group(caller)
            if c == g or (c == OUTSIDE and g != OUTSIDE):
                # a library calling back into the checker (cel-python into a custom
                # function, sorted() into a key): the checker code that called the
                # library already counts this time
                continue
            edge_ct = edge[3] if isinstance(edge, tuple) else 0.0
            entered[g] += edge_ct
            if g != OUTSIDE:
                passed_on[c] += edge_ct
    groups = {g: entered[g] - passed_on[g] for g in set(entered) | set(passed_on)}
    return Split(total, groups)


def import_times(python: str = sys.executable) -> tuple[float, list[tuple[str, float]]]:
    """Seconds of `import checker.main` in a fresh interpreter (the sum of every module's
    own import time), and that sum per top-level package (celpy, lark, git, ...),
    largest first."""
    done = subprocess.run(
        [python, "-X", "importtime", "-c", "import checker.main"],
        capture_output=True,
        text=True,
        check=False,
    )
    per_package: dict[str, float] = defaultdict(float)
    rx = re.compile(r"^import time:\s+(\d+) \|\s+\d+ \| *(\S+)")
    for line in done.stderr.splitlines():
        m = rx.match(line)
        if m:
            per_package[m.group(2).split(".")[0]] += int(m.group(1)) / 1e6
    ranked = sorted(per_package.items(), key=lambda item: -item[1])
    return sum(per_package.values()), ranked


def profile_check(argv: list[str]) -> tuple[pstats.Stats, int]:
    """Runs `isms-check ARGV` in this process under cProfile; stdout is swallowed."""
    from checker import main as cli

    profiler = cProfile.Profile()
    with contextlib.redirect_stdout(io.StringIO()):
        code = profiler.runcall(cli.main, argv)
    return pstats.Stats(profiler), int(code)


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    —"


def report(
    stats: pstats.Stats,
    startup: tuple[float, list[tuple[str, float]]],
    top: int = 12,
    threshold: float = 0.02,
) -> Iterable[str]:
    raw: Mapping[Func, Any] = stats.stats  # type: ignore[attr-defined]
    result = split(raw, module_files())
    known = [name for name, _ in PHASES]
    total_startup, imports = startup
    yield f"startup (imports, fresh process): {total_startup:7.2f} s"
    for name, secs in imports[:8]:
        yield f"    {name:<28} {secs:7.2f} s {_pct(secs, total_startup)}"
    yield ""
    yield f"run (in-process, under cProfile):  {result.total:7.2f} s"
    for name in known:
        secs = result.groups.get(name, 0.0)
        yield f"    {name:<28} {secs:7.2f} s {_pct(secs, result.total)}"
    others = sorted(
        ((g, s) for g, s in result.groups.items() if g not in known and g != OUTSIDE),
        key=lambda item: -item[1],
    )
    small = sum(s for _, s in others if s < threshold * result.total)
    for name, secs in others:
        if secs >= threshold * result.total:
            yield f"    {name + ' (no phase)':<28} {secs:7.2f} s {_pct(secs, result.total)}"
    yield f"    {'other checker modules':<28} {small:7.2f} s {_pct(small, result.total)}"
    rest = result.total - sum(result.groups.get(g, 0.0) for g in result.groups if g != OUTSIDE)
    yield f"    {'outside (top level)':<28} {rest:7.2f} s {_pct(rest, result.total)}"
    yield ""
    yield f"top {top} functions by own time:"
    rows = sorted(raw.items(), key=lambda item: -item[1][2])[:top]
    for (path, line, func), (_cc, nc, tt, ct, _callers) in rows:
        where = f"{Path(path).name}:{line}" if path != "~" else "~"
        yield f"    {tt:7.2f} s own {ct:7.2f} s cum {nc:>9} calls  {func} ({where})"

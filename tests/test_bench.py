"""The benchmark harness (bench/): the generator is deterministic and its ISMS loads with
the planted mix of findings; the checker's work grows linearly with the number of
entities (counted in calls and results, never in seconds); the floor, the phase split
and the timing harness do what docs/performance.md says."""

from __future__ import annotations

import contextlib
import cProfile
import io
import json
import pstats
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bench import floor, history, phases, posture, run
from bench.generate import TODAY, Params, generate, read_manifest, tree_digest
from bench.gitstream import git
from checker import main as cli

SIZES = (25, 50, 100)
REPORTS: dict[tuple[Path, tuple[str, ...]], tuple[int, dict[str, Any]]] = {}


@pytest.fixture(scope="module")
def repos(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    base = tmp_path_factory.mktemp("bench")
    out = {}
    for n in SIZES:
        out[n] = base / f"isms-{n}"
        generate(Params(risks=n), out[n])
    return out


def check(repo: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    """isms-check REPO --format json, in this process (once per repo and arguments)."""
    if (repo, extra) not in REPORTS:
        buffer = io.StringIO()
        argv = [str(repo), "--today", TODAY.isoformat(), "--format", "json", *extra]
        with contextlib.redirect_stdout(buffer):
            code = cli.main(argv)
        REPORTS[repo, extra] = code, json.loads(buffer.getvalue())
    return REPORTS[repo, extra]


def test_generator_is_deterministic(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(Params(risks=40), a)
    generate(Params(risks=40), b)
    generate(Params(risks=40, seed=2), c)
    assert tree_digest(a) == tree_digest(b)
    assert git(a, "rev-parse", "HEAD") == git(b, "rev-parse", "HEAD")
    assert tree_digest(a) != tree_digest(c)


def test_generated_repo_shape(repos: dict[int, Path]) -> None:
    repo = repos[100]
    manifest = read_manifest(repo)
    assert manifest is not None
    assert manifest.entities["risk"] == 100
    assert manifest.entities["plan"] == 20
    assert 40 <= manifest.entities["action"] <= 100  # 2-5 per plan
    assert manifest.entities["control"] >= 93
    assert manifest.commits == 50
    assert git(repo, "status", "--porcelain") == ""  # the manifest lives in .git/
    assert len(list((repo / "policies").glob("*.yaml"))) == 1
    assert (repo / "waivers.yaml").is_file()


def test_single_files(tmp_path: Path) -> None:
    generate(Params(risks=30, single_files=True), tmp_path / "s")
    files = list((tmp_path / "s" / "risks").rglob("*.yaml"))
    assert len(files) == 30
    code, _ = check(tmp_path / "s")
    assert code in (0, 1)


# PR mode with the head's own waivers: the last commits planted waiver findings (WV-001)
@pytest.mark.parametrize(
    "extra", [(), ("--base", run.PR_BASE, "--policy-from", "head")], ids=["check", "pr"]
)
def test_generated_repo_loads_with_a_realistic_mix(
    repos: dict[int, Path], extra: tuple[str, ...]
) -> None:
    code, report = check(repos[100], *extra)
    assert code == 1  # findings, never 2 (unusable) or 3 (crash)
    assert report["summary"]["errors"] == 0  # no CEL evaluation errors
    rules = Counter(f["rule"] for f in report["findings"])
    for rule in ("ISMS-PARSE", "ISMS-SCHEMA", "ISMS-DUP", "ISMS-REF", "RT-001", "RT-002",
                 "RTP-001", "RTP-002", "ST-001", "ST-006", "SOA-001", "SOA-006", "GIT-001",
                 "WV-001", "WV-002", "ORG-001", "ORG-002", "ORG-003"):  # fmt: skip
        assert rule in rules, rule
    assert len(rules) >= 28
    assert rules["ISMS-PARSE"] == 1  # only the planted broken file
    judged = sum(1 for r in report["rules"].values() if r["evaluated"])
    assert judged >= 30
    failing = {(f["kind"], f["entity"]) for f in report["findings"]}
    manifest = read_manifest(repos[100])
    assert manifest is not None
    entities = sum(manifest.entities.values())
    assert 0.1 <= len(failing) / entities <= 0.3  # about 80% clean
    if extra:  # PR mode: the last commits changed ratings, and the waivers
        assert {"GIT-002", "GIT-003"} <= set(rules)


def work(repo: Path) -> tuple[int, int]:
    """Function calls of one check (cProfile's count) and the results it reports."""
    profiler = cProfile.Profile()
    buffer = io.StringIO()
    argv = [str(repo), "--today", TODAY.isoformat(), "--format", "json"]
    with contextlib.redirect_stdout(buffer):
        code = profiler.runcall(cli.main, argv)
    assert code in (0, 1)
    results = sum(r["evaluated"] for r in json.loads(buffer.getvalue())["rules"].values())
    return pstats.Stats(profiler).total_calls, results  # type: ignore[attr-defined]


def test_work_grows_linearly(repos: dict[int, Path]) -> None:
    check(repos[SIZES[0]])  # compiles the rules and fills the caches for all three
    calls, results = zip(*(work(repos[n]) for n in SIZES), strict=True)
    # doubling the entities at most ~doubles the work...
    assert calls[2] / calls[1] <= 2.2, calls
    assert results[2] / results[1] <= 2.2, results
    # ...and so does the part that grows with them (the fixed part, the Annex A SoA and
    # the rules, would hide a quadratic term at these sizes): 50 more risks cost at most
    # ~2.2 times what 25 more did (a quadratic rule or join would make it ~4)
    assert (calls[2] - calls[1]) / (calls[1] - calls[0]) <= 2 * 1.1, calls
    assert (results[2] - results[1]) / (results[1] - results[0]) <= 2 * 1.1, results


def test_floor_agrees_with_the_checker(repos: dict[int, Path]) -> None:
    counts = floor.floor(repos[100], floor.checker_validator())
    _, report = check(repos[100])
    schema_findings = sum(1 for f in report["findings"] if f["rule"] == "ISMS-SCHEMA")
    assert counts["violations"] == schema_findings
    assert counts["unparsable"] == 1
    manifest = read_manifest(repos[100])
    assert manifest is not None
    # every risk, control and plan but the one in the broken file, and the 5 waivers
    entities = sum(manifest.entities[k] for k in ("risk", "control", "plan"))
    assert counts["entities"] == entities - 1 + 5
    schemas = Path(run.REPO_ROOT) / "schemas"
    assert (
        floor.floor(repos[100], floor.jsonschema_validator(schemas))["entities"]
        == (counts["entities"])
    )


def test_floor_validator_probe() -> None:
    validator, schemas = run.floor_validator(Path(sys.executable))
    assert validator in ("checker", "jsonschema")
    assert (schemas / "risk.schema.json").is_file()


def test_phase_split_adds_up() -> None:
    mods = {"/c/loader.py": "checker.loader", "/c/evaluate.py": "checker.evaluate",
            "/c/engine.py": "checker.engine", "/c/cel.py": "checker.cel",
            "/l/yaml.py": "yaml", "/l/celpy.py": "celpy.evaluation",
            "/c/newthing.py": "checker.newthing"}  # fmt: skip
    main = ("/c/engine.py", 1, "run")
    load = ("/c/loader.py", 1, "load")
    parse = ("/l/yaml.py", 1, "parse")
    judge = ("/c/evaluate.py", 1, "judge")
    celrun = ("/l/celpy.py", 1, "evaluate")
    present = ("/c/cel.py", 1, "present")  # called back by cel-python
    new = ("/c/newthing.py", 1, "go")
    raw = {  # func: (cc, nc, tt, ct, {caller: (cc, nc, tt, ct)})
        main: (1, 1, 0.5, 10.0, {}),
        load: (1, 1, 0.5, 3.0, {main: (1, 1, 0.5, 3.0)}),
        parse: (1, 1, 2.5, 2.5, {load: (1, 1, 2.5, 2.5)}),
        judge: (1, 1, 1.0, 5.0, {main: (1, 1, 1.0, 5.0)}),
        celrun: (1, 1, 3.0, 4.0, {judge: (1, 1, 3.0, 4.0)}),
        present: (1, 1, 1.0, 1.0, {celrun: (1, 1, 1.0, 1.0)}),
        new: (1, 1, 1.5, 1.5, {main: (1, 1, 1.5, 1.5)}),
    }
    result = phases.split(raw, mods)
    assert result.total == 10.0
    assert result.groups["read + YAML"] == 3.0  # its library time included
    assert result.groups["evaluation (CEL)"] == 5.0  # the callback counted once
    assert result.groups["checker.newthing"] == 1.5  # an unknown module is named
    assert result.groups["checker.engine"] == 0.5
    assert sum(v for g, v in result.groups.items() if g != phases.OUTSIDE) == 10.0
    assert phases.phase_of("checker.reporters.json_report") == "output"
    assert phases.phase_of("checker.cel") == "evaluation (CEL)"
    assert phases.phase_of("jsonschema.validators") == phases.OUTSIDE


def test_history_bench(tmp_path: Path) -> None:
    text = history.bench_history(files=20, commits=40, repeat=1, workdir=tmp_path)
    assert "history pass" in text


def test_posture_bench(tmp_path: Path) -> None:
    text = posture.bench_posture(risks=25, churn=0.1, repeat=1, workdir=tmp_path)
    assert "(24 of 24 monthly snapshots judged)" in text and "posture / check:" in text
    source = tmp_path / "repos" / "risks-25-seed-1"
    made = tmp_path / "repos" / "posture-25-churn-0.1"
    assert git(made, "rev-list", "--count", "HEAD").strip() == "24"
    # the last month is the generated ISMS itself: the same tree as the check scenario's
    assert git(made, "rev-parse", "HEAD^{tree}") == git(source, "rev-parse", "HEAD^{tree}")


def test_run_end_to_end(tmp_path: Path) -> None:
    exe = shutil.which("isms-check", path=str(Path(sys.executable).parent))
    assert exe, "isms-check is installed next to this interpreter"
    plan = run.Plan(
        sizes=(30,),
        scenarios=("check", "version"),
        runs=1,
        seed=1,
        single_files_risks=10,
        workdir=tmp_path,
    )
    out: list[str] = []
    code = run.main(plan, exe, tmp_path / "out.json", out.append)
    assert code == 0
    text = "".join(out)
    assert "| check | 30 |" in text and "| version |" in text and "| floor | 30 |" in text
    doc = json.loads((tmp_path / "out.json").read_text())
    jobs = {j["key"]: j for j in doc["jobs"]}
    assert set(jobs) >= {"interpreter", "version", "floor@30", "check@30"}
    check_job = jobs["check@30"]
    assert check_job["floor"] == "floor@30"
    assert len(check_job["samples"]) == 1
    assert all(s["exit"] == 1 and s["maxrss_mib"] > 10 for s in check_job["samples"])
    assert check_job["argv"][1:3] == ["check", str(tmp_path / "repos" / "risks-30-seed-1")]


FAKE_CHECKER = """#!{python}
# A stand-in isms-check with a cache: --no-cache in its help, a cache file written to
# XDG_CACHE_HOME unless --no-cache is given.
import os, sys
args = sys.argv[1:]
if "--help" in args:
    print("usage: isms-check check [--no-cache] [path]")
elif "--version" in args:
    print("isms-check 9.9.9")
else:
    if "--no-cache" not in args:
        folder = os.path.join(os.environ["XDG_CACHE_HOME"], "isms-check")
        os.makedirs(folder, exist_ok=True)
        open(os.path.join(folder, "cache"), "w").close()
    sys.exit(1)
"""


def test_run_with_a_cache_has_cold_and_warm_rows(tmp_path: Path) -> None:
    fake = tmp_path / "isms-check"
    fake.write_text(FAKE_CHECKER.format(python=sys.executable))
    fake.chmod(0o755)
    plan = run.Plan((20,), ("check", "version"), 1, 1, 10, tmp_path / "work")
    out: list[str] = []
    assert run.main(plan, str(fake), tmp_path / "out.json", out.append) == 0
    text = "".join(out)
    assert "| check (warm) | 20 |" in text and "cold runs pass --no-cache" in text
    doc = json.loads((tmp_path / "out.json").read_text())
    assert doc["checker"]["version"] == "isms-check 9.9.9"
    jobs = {j["key"]: j for j in doc["jobs"]}
    assert jobs["check@20"]["argv"][-1] == "--no-cache"
    assert "--no-cache" not in jobs["check-warm@20"]["argv"]
    assert jobs["check-warm@20"]["floor"] == "floor@20"


def test_interpreter_of_console_scripts(tmp_path: Path) -> None:
    plain = tmp_path / "a"
    plain.write_text("#!/opt/venv/bin/python3.11\nimport sys\n")
    assert run.interpreter_of(plain) == Path("/opt/venv/bin/python3.11")
    long = tmp_path / "b"  # pip's form for interpreter paths that are too long
    long.write_text("#!/bin/sh\n'''exec' /very/long/venv/bin/python \"$0\" \"$@\"\n' '''\n")
    assert run.interpreter_of(long) == Path("/very/long/venv/bin/python")
    env = tmp_path / "c"
    env.write_text("#!/usr/bin/env python3\n")
    assert run.interpreter_of(env).name.startswith("python")

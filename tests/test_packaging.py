"""The wheel carries the built-in policies, schemas and catalog: it is built, installed
into a fresh virtual environment and run from a folder outside the source tree."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_and_runs_outside_the_source_tree(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(ROOT)],
        check=True,
    )
    wheel = next(dist.glob("isms_check-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "checker/policies/risk-treatment.yaml" in names
    assert "checker/policies/tests/risk-treatment.test.yaml" in names
    assert "checker/schemas/risk.schema.json" in names
    assert "checker/catalogs/iso27001-2022.yaml" in names

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True)

    work = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "examples", work / "isms")
    exe = venv / "bin" / "isms-check"
    done = subprocess.run(
        [str(exe), "isms", "--today", "2026-11-27", "--format", "json"],
        cwd=work, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    doc = json.loads(done.stdout)
    assert "RT-002" in doc["rules"] and doc["summary"]["error"] == 0

    where = subprocess.run(
        [str(python), "-c", "from checker.resources import data_dir; print(data_dir('policies'))"],
        cwd=work, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert Path(where).is_relative_to(venv), where
    rules = subprocess.run(
        [str(exe), "rules"], cwd=work, capture_output=True, text=True, check=True
    )
    assert len(rules.stdout.splitlines()) == len(json.loads(
        subprocess.run([str(exe), "rules", "--format", "json"], cwd=work, capture_output=True,
                       text=True, check=True).stdout
    ))  # fmt: skip
    assert "(no tests)" not in rules.stdout.replace("ISMS-PARSE", "").split("\n", 1)[0]
    builtin = subprocess.run(
        [str(exe), "test", "--builtin"], cwd=work, capture_output=True, text=True
    )
    assert builtin.returncode == 0, builtin.stdout + builtin.stderr
    assert ", 0 failed, 0 errors" in builtin.stdout.splitlines()[-1]

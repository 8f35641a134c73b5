"""Fixture ISMS cases: tests/cases/base is a clean mini ISMS; every other folder under
tests/cases/ holds only the files it adds or replaces, plus expect.yaml:

    description: what the case shows
    today: 2026-06-01            # optional, this is the default
    remove: [risks/r1.yaml]      # optional: base files to delete first
    findings:                    # exactly the findings expected, "RULE ENTITY [status]"
      - RT-001 R-1               # status: open (default), waived or error; entity - for none
    fatal: "text"                # instead of findings: the run stops (exit 2) with this text
"""

from __future__ import annotations

import datetime
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CASES = Path(__file__).parent / "cases"
BASE = CASES / "base"
DEFAULT_TODAY = datetime.date(2026, 6, 1)


@dataclass(frozen=True)
class Case:
    name: str
    folder: Path
    expect: dict[str, Any]

    @property
    def today(self) -> datetime.date:
        value = self.expect.get("today", DEFAULT_TODAY)
        return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)

    def expected(self) -> list[tuple[str, str, str]]:
        out = []
        for line in self.expect.get("findings") or []:
            parts = str(line).split()
            rule, entity = parts[0], parts[1]
            status = parts[2] if len(parts) > 2 else "open"
            out.append((rule, entity, status))
        return sorted(out)

    def build(self, target: Path) -> Path:
        """Materialises base + this case's files into `target`; returns the ISMS root."""
        shutil.copytree(BASE, target)
        for name in self.expect.get("remove") or []:
            path = target / name
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        for path in sorted(self.folder.rglob("*")):
            rel = path.relative_to(self.folder)
            if path.is_file() and rel.as_posix() != "expect.yaml":
                (target / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target / rel)
        return target


def all_cases() -> list[Case]:
    out = []
    for folder in sorted(p for p in CASES.iterdir() if p.is_dir() and p.name != "base"):
        expect_file = folder / "expect.yaml"
        expect = yaml.safe_load(expect_file.read_text(encoding="utf-8")) or {}
        out.append(Case(folder.name, folder, expect))
    return out


def risk_yaml(rid: str, title: str, owner: str, assessed: str = "2026-05-01") -> str:
    """One risk as a YAML list item, every text a double-quoted scalar (json.dumps: any
    character, control characters included, as an escape), for tests of hostile text."""
    return (
        f"- id: {json.dumps(rid)}\n"
        f"  title: {json.dumps(title)}\n"
        f"  owner: {json.dumps(owner)}\n"
        "  inherent: {likelihood: 1, impact: 1}\n"
        "  treatment: mitigate\n"
        f"  assessed: {assessed}\n"
    )

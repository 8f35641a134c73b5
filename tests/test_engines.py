"""Same findings, always (issue 8): every fixture case, the example, a generated repo and
a PR-mode run give byte-identical JSON reports with the native engine and with
cel-python, the reference. Both engines are always installed (cel-python is a
dependency; the native engine is pure Python)."""

from __future__ import annotations

import datetime
import random
import shutil
from pathlib import Path

import pytest

from checker import engine
from checker.cel import ENGINES
from checker.reporters import RenderOptions, json_report
from tests.caselib import BASE, Case, all_cases
from tests.gitrepo import isms_repo

CASES = [c for c in all_cases() if "fatal" not in c.expect]
EXAMPLE = Path(__file__).resolve().parents[1] / "examples"


def reports(path: Path, today: datetime.date, **kw: object) -> dict[str, str]:
    out = {}
    for name in ENGINES:
        options = engine.Options(path=path, today=today, engine=name, **kw)  # type: ignore[arg-type]
        out[name] = json_report.render(engine.run(options), RenderOptions())
    return out


def assert_same(found: dict[str, str]) -> None:
    native, reference = found["native"], found["cel-python"]
    assert native == reference


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_case(case: Case, tmp_path: Path) -> None:
    assert_same(reports(case.build(tmp_path / "isms"), case.today))


def test_the_example() -> None:
    assert_same(reports(EXAMPLE, datetime.date(2026, 11, 27)))


def test_a_generated_register_in_pr_mode(tmp_path: Path) -> None:
    """Many risks of every shape, waivers, an organisation rule; judged in PR mode, with
    every rule (GIT-* included) and a date at which much is stale or overdue."""
    repo = isms_repo(tmp_path / "r", date="2026-01-10")
    rng = random.Random(7)
    treatments = ["none", "mitigate", "accept", "avoid", "transfer"]
    for n in range(60):
        li, im = rng.randint(1, 5), rng.randint(1, 5)
        residual = (
            f"residual: {{likelihood: {rng.randint(1, li)}, impact: {im}}}\n" if n % 3 else ""
        )
        month = rng.randint(2, 9)
        accept = (
            f"acceptance: {{by: CISO, date: 2026-01-01, expires: 2026-0{month}-01, rationale: r}}\n"
            if n % 4 == 0 else ""
        )  # fmt: skip
        repo.write(
            f"risks/gen-{n:03d}.yaml",
            f"id: G-{n}\ntitle: Generated {n}\nowner: {rng.choice(['CISO', 'CIO'])}\n"
            f"inherent: {{likelihood: {li}, impact: {im}}}\n{residual}{accept}"
            f"treatment: {rng.choice(treatments)}\ncontrols: [C.{rng.randint(1, 3)}]\n"
            f"plans: [P-{rng.randint(1, 2)}]\nassessed: 2025-{rng.randint(1, 12):02d}-01\n",
        )
    shutil.copy(BASE / "risks" / "r1.yaml", repo.path / "risks" / "r1.yaml")
    base = repo.commit("generated", "2026-01-11")
    (repo.path / "risks" / "gen-001.yaml").write_text(
        "id: G-1\ntitle: changed\nowner: CISO\ninherent: {likelihood: 5, impact: 5}\n"
        "treatment: none\nassessed: 2025-01-01\n",
        encoding="utf-8",
    )
    assert_same(reports(repo.path, datetime.date(2026, 8, 1), base=base))

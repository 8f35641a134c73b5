"""Rule files: a rule that does not compile says what is wrong, where, and shows it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checker.celnative.parser import syntax_problem
from tests.caselib import BASE
from tests.conftest import Cli


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("risk.level > (3 +", "the expression ends too soon; expected a value or a name"),
        ("present(risk.owner", "the expression ends too soon; expected ',', ')' or ']'"),
        ("risk.level >> 3", "unexpected '>'; expected a value or a name"),
        ("risk.owner $ 'x'", "unexpected character '$'"),
        ("risk.level > 3", None),
    ],
)
def test_syntax_problems_in_words(expression: str, problem: str | None) -> None:
    found = syntax_problem(expression)
    assert found == problem if problem is None else found is not None and problem in found


def test_a_rule_that_does_not_compile_shows_the_expression_and_a_caret(
    cli: Cli, tmp_path: Path
) -> None:
    root = tmp_path / "isms"
    shutil.copytree(BASE, root)
    (root / "policies").mkdir()
    (root / "policies" / "org.yaml").write_text(
        "rules:\n  - id: ORG-001\n    title: T\n    severity: error\n    resource: risk\n"
        "    check: risk.level >> 3\n",
        encoding="utf-8",
    )
    run = cli(str(root), "--today", "2026-06-01")
    assert run.code == 2
    assert "policies/org.yaml:6:24: rule ORG-001: `check` does not compile: unexpected '>'" in (
        run.err
    )
    assert "    risk.level >> 3\n                ^\n" in run.err


@pytest.mark.parametrize(
    ("check", "message"),
    [
        ("frobnicate(risk.level)", "unknown function 'frobnicate'"),
        ("risk.title.startswth('x')", "unknown function 'startswth' (did you mean startsWith()?)"),
    ],
)
def test_an_unknown_function_does_not_compile(
    cli: Cli, tmp_path: Path, check: str, message: str
) -> None:
    """A typo in a function name stops the run when the rules load, not with an
    evaluation error on every entity (or none, when `when` matches nothing today)."""
    root = tmp_path / "isms"
    shutil.copytree(BASE, root)
    (root / "policies").mkdir()
    (root / "policies" / "org.yaml").write_text(
        "rules:\n  - id: ORG-001\n    title: T\n    severity: error\n    resource: risk\n"
        f"    when: 'false'\n    check: \"{check}\"\n",
        encoding="utf-8",
    )
    run = cli(str(root), "--today", "2026-06-01")
    assert run.code == 2 and message in run.err, run.err

"""The evaluation budget: steps (macro iterations, function calls) and the sizes of
strings, bytes, lists and maps an expression builds."""

from __future__ import annotations

from typing import Any

import pytest

from checker.cel import EvalError, NativeEngine
from checker.celnative import Budget, BudgetError

SMALL = Budget(steps=50, string_length=100, items=20)


def run(expression: str, budget: Budget = SMALL, **activation: Any) -> Any:
    return NativeEngine(budget).compile(expression).run(activation)


def test_defaults_are_generous() -> None:
    budget = Budget()
    assert budget.steps >= 100_000
    assert budget.string_length >= 1 << 20
    assert budget.items >= 100_000


def test_within_budget_evaluates() -> None:
    assert run("l.map(x, x * 2).filter(x, x > 10).size()", l=list(range(20))) == 14


def test_loop_iterations_count() -> None:
    with pytest.raises(BudgetError, match="more than 50 steps"):
        run("l.all(x, l.exists(y, y == x))", l=list(range(10)))


def test_function_calls_count() -> None:
    assert run(" + ".join(["size(s)"] * 50), s="a") == 50
    with pytest.raises(BudgetError, match="steps"):
        run(" + ".join(["size(s)"] * 51), s="a")


def test_concatenated_string_is_limited() -> None:
    assert len(run("s + s", s="a" * 50)) == 100
    with pytest.raises(BudgetError, match="a string longer than 100"):
        run("s + s + 'x'", s="a" * 50)


def test_concatenated_list_and_macro_results_are_limited() -> None:
    with pytest.raises(BudgetError, match="a list of more than 20 items"):
        run("l + l", l=list(range(15)))
    with pytest.raises(BudgetError, match="a list of more than 20 items"):
        run("l.map(x, x)", l=list(range(21)))


def test_repetition_is_checked_before_it_is_built() -> None:
    """cel-python repeats a string by a plain int (`true + ...` is one)."""
    with pytest.raises(BudgetError, match="string"):
        run("'ab' * (true + 999999999999)", Budget())


def test_join_and_string_results_are_limited() -> None:
    with pytest.raises(BudgetError, match="string"):
        run("join(l, ',')", l=["x" * 10] * 10)
    with pytest.raises(BudgetError, match="string"):
        run("string(l)", l=list(range(20)))


def test_budget_errors_are_not_absorbed() -> None:
    """`||` absorbs errors, not an exhausted budget (it stops the evaluation)."""
    with pytest.raises(BudgetError):
        run("true || l.all(x, l.all(y, true))", l=list(range(10)))
    with pytest.raises(BudgetError):
        run("l.exists(x, !l.all(y, true))", l=list(range(10)))


def test_budget_errors_are_eval_errors() -> None:
    assert issubclass(BudgetError, EvalError)


def test_budget_is_per_engine_and_per_evaluation() -> None:
    program = NativeEngine(Budget(steps=15)).compile("l.all(x, true)")
    for _ in range(3):  # the counter starts again with every evaluation
        assert program.run({"l": list(range(10))}) is True
    assert NativeEngine().compile("l.all(x, true)").run({"l": list(range(1000))}) is True

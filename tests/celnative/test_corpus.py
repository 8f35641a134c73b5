"""The hand-written corpus through both engines: same value (as cel-python shows it),
same error message, same compile error."""

from __future__ import annotations

import pytest

from tests.celnative.corpus import CORPUS, DATA
from tests.celnative.harness import both


def test_corpus_is_large_and_distinct() -> None:
    assert len(CORPUS) >= 150
    assert len(set(CORPUS)) == len(CORPUS)


@pytest.mark.parametrize("expression", CORPUS)
def test_same_result(expression: str) -> None:
    reference, native = both(expression, DATA)
    assert native == reference


@pytest.mark.parametrize("expression", CORPUS[::3])
def test_same_result_as_a_check(expression: str) -> None:
    """run_bool: non-bool results are reported the same way."""
    reference, native = both(expression, DATA, mode="bool")
    assert native == reference


def test_corpus_covers_values_errors_and_syntax() -> None:
    kinds = {both(e, DATA)[0][0] for e in CORPUS}
    assert kinds == {"value", "error", "compile"}

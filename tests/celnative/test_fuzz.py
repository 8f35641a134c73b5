"""Every operator on every pair of sample values of every type, through both engines
(slow: ~25,000 expressions)."""

from __future__ import annotations

import itertools

import pytest

from tests.celnative.corpus import DATA
from tests.celnative.harness import both

SAMPLES = [
    "null", "true", "false", "0", "1", "-7", "9223372036854775807", "1u", "1.5", "0.0", "'a'",
    "''", "b'ab'", "[1]", "[]", "['a']", "[1, 'a']", "{'a': 1}", "{}", "{1: 'x'}", "today", "ts",
    "duration('1h')", "days(1)", "int", "m.missing", "('a' + 'b')", "(1.5 + 1.5)", "(true + 1)",
    "([1] + [2])", "(days(2) - days(1))", "d", "x", "m", "m.l",
]  # fmt: skip
BINARY = ["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "in", "&&", "||"]
UNARY = [
    "-{}", "!{}", "size({})", "string({})", "int({})", "uint({})", "double({})", "bool({})",
    "bytes({})", "type({})", "present({})", "join({}, ',')", "isodate({})", "days({})",
    "has({})", "timestamp({})", "duration({})", "{}.getFullYear()", "{}.getHours()",
    "{}.map(v, v)", "{}.filter(v, v)", "{}.all(v, v)", "{}.exists(v, v)", "{}.exists_one(v, v)",
    "{}.min()", "{} ? 1 : 2", "true ? {}.map(v, v) : 1", "[{}]", "{{{}: 1}}", "{}.x",
    "'abc'.contains({})", "{}.contains('a')", "{}.startsWith('a')", "{}.matches('a')",
    "list({})", "map({})",
]  # fmt: skip
# cel-python shows an error value kept in a map with its exception details
KNOWN = {"{'k': " + s + "}" for s in SAMPLES}


def _pairs() -> list[str]:
    out = [f"{a} {op} {b}" for a, b in itertools.product(SAMPLES, SAMPLES) for op in BINARY]
    out += [f"{a}[{b}]" for a, b in itertools.product(SAMPLES, SAMPLES)]
    out += [f.format(a) for a in SAMPLES for f in UNARY]
    return out


@pytest.mark.slow
@pytest.mark.parametrize("chunk", range(10))
def test_operators_on_all_types(chunk: int) -> None:
    expressions = _pairs()[chunk::10]
    bad = []
    for expression in expressions:
        reference, native = both(expression, DATA)
        if native != reference and expression not in KNOWN:
            bad.append(f"{expression}: {reference} != {native}")
    assert bad == []

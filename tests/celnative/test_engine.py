"""The engine interface of checker.cel: both engines compile, convert and run."""

from __future__ import annotations

import datetime

import pytest
from celpy import celtypes

from checker.cel import CompileError, EvalError, NativeEngine, engine
from checker.celpython import Compiler
from checker.rules import _check_names


def test_auto_is_native() -> None:
    assert engine().name == engine("auto").name == "native"
    assert isinstance(engine("native"), NativeEngine)
    assert isinstance(engine("cel-python"), Compiler)
    with pytest.raises(ValueError, match="unknown CEL engine"):
        engine("fast")


@pytest.mark.parametrize("name", ["native", "cel-python"])
def test_both_engines_run_rules_on_model_data(name: str) -> None:
    e = engine(name)
    data = {"risk": {"assessed": datetime.date(2026, 1, 1), "id": "R-1"}}
    activation = {k: e.value(v) for k, v in data.items()}
    activation["today"] = e.value(datetime.date(2026, 6, 1))
    assert e.compile("risk.assessed + days(30) < today").run_bool(activation) is True
    program = e.compile("'risk ' + risk.id + ' assessed ' + isodate(risk.assessed)")
    assert program.run_str(activation) == "risk R-1 assessed 2026-01-01"
    assert e.compile("size(risk)").run_str(activation) == "int 2"
    with pytest.raises(EvalError, match="no such member in mapping: 'level'"):
        e.compile("risk.level > 1").run_bool(activation)
    with pytest.raises(EvalError, match="expression gave string R-1, not true or false"):
        e.compile("risk.id").run_bool(activation)
    with pytest.raises(CompileError):
        e.compile("risk.")


def test_values() -> None:
    data = {"d": datetime.date(2026, 1, 1), "l": [1, "a"]}
    assert engine("native").value(data) is data
    converted = engine("cel-python").value(data)
    assert isinstance(converted, celtypes.MapType)
    assert isinstance(converted["d"], celtypes.TimestampType)


def test_the_tree_serves_the_name_check() -> None:
    program = engine("native").compile("rsk.level > 1")
    with pytest.raises(CompileError, match="unknown name 'rsk'"):
        _check_names(program, {"risk", "isms"}, ("risk",))
    assert program.ast == Compiler().compile("rsk.level > 1").ast


def test_programs_compile_once_per_engine_and_budget() -> None:
    native = engine("native")
    assert native.compile("1 + 1") is native.compile("1 + 1")

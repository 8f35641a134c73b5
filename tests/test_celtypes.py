"""checker/celtypes.py: the fields and comparisons rules are checked for when they load."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any, cast

import pytest

from checker import engine
from checker.cache import Store
from checker.cel import NativeEngine
from checker.celnative.parser import parse
from checker.celtypes import Type, check, fields, problem, remembered
from checker.evaluate import isms_values
from checker.kinds import KINDS
from checker.model import Model
from checker.snapshot import Judgement

ROOT = Path(__file__).resolve().parents[1]


def _fits(value: Any, t: Type) -> bool:
    """Whether a model value is of the static type the checker gives its field."""
    if value is None or t.name == "dyn":
        return True
    expected: dict[str, type | tuple[type, ...]] = {
        "int": int, "double": (int, float), "string": str, "bool": bool,
        "timestamp": datetime.date, "list": list, "map": dict, "object": dict,
    }  # fmt: skip
    if not isinstance(value, expected[t.name]) or (t.name == "int" and isinstance(value, bool)):
        return False
    value = cast(Any, value)
    if t.name == "list" and t.item is not None:
        return all(_fits(v, t.item) for v in value)
    if t.name == "object":
        known = {k: v for ref in t.refs for k, v in fields(ref).items()}
        return all(
            k.startswith("x-") or (k in known and _fits(v, known[k])) for k, v in value.items()
        )
    return True


def _model(path: Path) -> Model:
    captured: list[Model] = []
    import checker.snapshot as snapshot

    original = snapshot.judge

    def spy(*args: Any, **kwargs: Any) -> Judgement:
        judged = original(*args, **kwargs)
        captured.append(judged.model)
        return judged

    snapshot.judge = spy
    try:
        engine.run(engine.Options(path=path, today=datetime.date(2026, 12, 1)))
    finally:
        snapshot.judge = original
    return captured[-1]


@pytest.mark.parametrize("isms", ["examples", "tests/cases/base"])
def test_the_types_are_those_of_the_model(isms: str) -> None:
    """Every value the model gives a rule has the type the checker assumes: DERIVED and the
    schemas cannot drift from model.py without this test failing."""
    model = _model(ROOT / isms)
    checked = 0
    for kind in KINDS:
        for e in model.of_kind(kind.name):
            t = Type("object", refs=(kind.name,))
            assert _fits(e.values, t), (kind.name, e.id, e.values)
            checked += 1
    assert checked > 10
    assert _fits(isms_values(model), Type("object", refs=("$isms",)))


# resource, expression, message, column of the problem
WRONG = [
    ("risk", "risk.onwer == 'CEO'", "`risk` has no field 'onwer' (did you mean 'owner'?)", 6),
    ("risk", "risk.inherent.likelyhood > 3", "`risk.inherent` has no field 'likelyhood'", 15),
    (
        "plan",
        "plan.actions.exists(a, a.stauts == 'done')",
        "`plan.actions[...]` has no field 'stauts'",
        26,
    ),
    (
        "plan",
        "plan.risks.all(r, isms.risks[r].levle > 3)",
        "`isms.risks[...]` has no field 'levle'",
        33,
    ),
    ("risk", "isms.review.risk_dayz > 1", "`isms.review` has no field 'risk_dayz'", 13),
    (
        "action",
        "plan.approval != null && action.stauts == 'x'",
        "`action` has no field 'stauts'",
        33,
    ),
    ("risk", "risk['ownr'] == 'x'", "`risk` has no field 'ownr'", 6),
    ("risk", "risk.level == 'high'", "compares `risk.level` (a number) with a text", 1),
    (
        "plan",
        "plan.due > 3",
        "compares `plan.due` (a date) with a number: they cannot be ordered",
        1,
    ),
    ("risk", "risk.owner.name == 'x'", "`risk.owner` (a text) has no fields", 12),
    ("risk", "[risk.level].exists(l, l == 'x')", "compares a number with a text", 24),
    ("catalog", "catalog.titel != ''", "`catalog` has no field 'titel'", 9),
    ("isms", "entity.appetit > 1", "`entity` has no field 'appetit'", 8),
    ("waiver", "waiver.matches == 'none'", "compares `waiver.matches` (a number)", 1),
]  # fmt: skip


@pytest.mark.parametrize(("resource", "expression", "message", "column"), WRONG)  # fmt: skip
def test_wrong_expressions(resource: str, expression: str, message: str, column: int) -> None:
    found = problem(parse(expression), (resource,))
    assert found is not None
    assert message in found[0]
    assert found[2] == column


RIGHT = [
    ("risk", "risk['x-category'] == 'cyber'"),
    ("risk", "'x-category' in risk && risk['x-team'].lead == 'x'"),
    ("risk", "risk.level > 3.5 && risk.assessed + days(30) < today"),
    ("risk", "risk.base == null || risk.base.level >= risk.level"),
    ("risk", "isms.review.by_band[risk.band] > 0 && isms.catalog['A.5.1'].theme != ''"),
    ("plan", "plan.approval.by == 'x' || plan.approval[0].by == 'x'"),
    ("plan", "plan.actions.map(a, a.due).all(d, d < today)"),
    ("risk", "isms.risks.exists(id, isms.risks[id].owner == risk.owner)"),
    ("risk", "risk.level == null && risk.controls == [] && risk.owner != ''"),
    ("risk", "dyn(risk.level) == 'x'"),
    ("control", "size(control.missing_evidence) == 0 && control.theme in ['People']"),
    ("risk", "has(isms.soa) && isms.soa.version != ''"),
]


@pytest.mark.parametrize(("resource", "expression"), RIGHT)
def test_right_expressions(resource: str, expression: str) -> None:
    assert problem(parse(expression), (resource,)) is None


def test_a_warm_run_remembers_the_check(tmp_path: Path) -> None:
    """celtypes.remembered keeps the result by the expression's text: the second time
    it is asked, the program's tree is not needed (a program from the cache has none)."""
    typecheck = remembered(Store(None, "rule types"))
    program = NativeEngine().compile("risk.onwer == 'x'")
    first = typecheck(program, ("risk",))

    class NoTree:
        source = program.source

        @property
        def ast(self) -> Any:
            raise AssertionError("parsed again")

    assert typecheck(NoTree(), ("risk",)) == first  # type: ignore[arg-type]
    assert first.problem is not None and "onwer" in first.problem[0]
    text = NativeEngine().compile("'risk ' + risk.id + ': ' + isodate(risk.assessed)")
    assert typecheck(text, ("risk",)) == (None, "string")
    assert typecheck(text, ("risk",)).type == "string"  # remembered too


@pytest.mark.parametrize(
    ("expression", "type_name"),
    [
        ("'a' + risk.id", "string"),
        ("risk.level > 3 ? 'high' : 'low'", "string"),
        ("risk.level > 3 ? 'high' : risk.level", "dyn"),
        ("size(risk.controls)", "int"),
        ("risk['x-note']", "dyn"),
        ("join(risk.plan_ids, ', ')", "string"),
    ],
)
def test_the_type_an_expression_gives(expression: str, type_name: str) -> None:
    """What decides whether posture over time may leave a rule's message unrun."""
    program = NativeEngine().compile(expression)
    assert check(program, ("risk",)).type == type_name

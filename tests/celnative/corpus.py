"""A hand-written corpus: every feature of the native engine and the errors rules run
into, each evaluated by both engines on DATA (test_corpus.py)."""

from __future__ import annotations

import datetime
from typing import Any

UTC = datetime.timezone.utc

DATA: dict[str, Any] = {
    "today": datetime.date(2026, 6, 1),
    "d": datetime.date(2026, 1, 1),
    "ts": datetime.datetime(2026, 3, 1, 14, 30, 15, 250000, tzinfo=UTC),
    "kind": "risk",
    "n": None,
    "m": {"a": 1, "n": None, "l": [1, 2], "s": "x", "e": {}, "el": [], "f": 2.5, "b": True},
    "risk": {
        "id": "R-1",
        "title": "Ransomware on file servers",
        "owner": "CIO",
        "level": 12,
        "band": "High",
        "inherent": {"likelihood": 4, "impact": 3},
        "residual": None,
        "treatment": "mitigate",
        "plan_ids": ["P-1", "P-9"],
        "controls": ["A.8.7", "A.5.1"],
        "acceptance": {"by": "CIO", "date": datetime.date(2026, 1, 10), "expires": None},
        "assessed": datetime.date(2026, 3, 1),
        "recorded": [
            {"field": "assessed", "date": datetime.date(2026, 3, 1)},
            {"field": "acceptance.date", "date": datetime.date(2026, 7, 1)},
        ],
        "tags": [],
        "notes": "",
    },
    "isms": {
        "appetite": 8,
        "review": {"acceptance_max_days": 365, "warn_days": 30},
        "scales": {
            "likelihood": [{"value": v} for v in range(1, 6)],
            "impact": [{"value": v} for v in range(1, 6)],
        },
        "plans": {
            "P-1": {"status": "completed", "completed": datetime.date(2026, 2, 1)},
            "P-2": {"status": "approved", "completed": None},
        },
        "controls": {
            "A.8.7": {"applicable": True, "status": "implemented"},
            "A.5.1": {"applicable": False, "status": None},
        },
        "ids": {"controls": ["A.8.7", "A.5.1"]},
    },
}

CORPUS: list[str] = [
    # literals
    "1", "-7", "0x1F", "-0x10", "9223372036854775807", "9223372036854775808", "1u", "0x10u",
    "1.5", "-2.5e3", ".5", "'text'", '"double"', "'''multi\nline'''", "r'raw\\n'", "'esc\\t\\x41\\u00e9\\101'",
    "b'bytes'", "b'\\x00\\xff'", "true", "false", "null", "[]", "{}", "[1, 'a', null, [2]]",
    "{'a': 1, 'b': [true]}", "{1: 'one', true: 'yes'}",
    # names, fields, indexing
    "risk.id", "risk.inherent.likelihood", "risk.missing", "risk.residual.likelihood",
    "risk.id.length", "risk.plan_ids.first", "m.l[0]", "m.l[-1]", "m.l[2]", "m.l['a']", "m.l[1u]",
    "m['a']", "m['zz']", "m[1]", "m[null]", "m.missing['x']", "m.l[m.missing]", "'abc'[1]", "'abc'[5]",
    "isms.plans['P-1'].status", "isms.plans[risk.plan_ids[0]].completed", "unknown", "unknown.field",
    ".risk.id", ".nothing", "{'a': 1/0, 'b': 2}.b", "{'a': 1/0, 'b': 2}.a", "{'a': 1, 'a': 2}",
    "{[1]: 2}", "{m.missing: 1}", "[1, 1/0, 3]", "[m.missing]",
    # null equality (checker.cel's _==_), equality and comparison across types
    "risk.residual == null", "risk.residual != null", "null == null", "m.l == null", "m == null",
    "1 == 1", "1 == 1.0", "1.0 == 1", "true == 1", "1 == true", "'a' == 1", "1 == 'a'", "'a' == 'a'",
    "[1, 2] == [1, 2]", "[1, 2] == [1, '2']", "[1] == ['a']", "[1] != ['a']", "{'a': 1} == {'a': 1}",
    "{'a': 1} != {'a': 2}", "m.l == m.l", "today == d", "d == timestamp('2026-01-01T00:00:00Z')",
    "today != ts", "duration('1h') == duration('60m')", "1 < 2", "2.5 > 1", "1 < 2.5", "'a' < 'b'",
    "'a' < 1", "true < false", "null < 1", "[1] < [2]", "today > d", "d <= ts", "ts >= today",
    "today - d > duration('100d')", "1u < 2u", "1u < 2",
    # logic: error absorption, commutative
    "false && m.missing", "m.missing && false", "true || m.missing", "m.missing || true",
    "true && m.missing", "m.missing || false", "m.missing && m.other", "1 && true", "1 && 2",
    "true && 'x'", "false || 0", "!true", "!m.missing", "!1", "!null", "!!false",
    "risk.residual != null && risk.residual.likelihood > 2",
    "risk.residual == null || risk.residual.likelihood > 2",
    "false && [0].map(x, 1 / x) == []", "true || null.all(x, x)",
    "risk.level > isms.appetite && risk.treatment in ['mitigate', 'avoid']",
    # conditional
    "kind == 'risk' ? risk.id : plan.id", "kind == 'plan' ? plan.id : risk.id",
    "risk.missing ? 'a' : 'b'", "1 ? 'a' : 'b'", "0 ? 'a' : 'b'", "null ? 1 : 2",
    "true ? 1 / 0 : 2", "false ? 1 / 0 : 2", "true ? 'a' : 1 / 0",
    "risk.acceptance == null ? 'none' : present(risk.acceptance.by) ? 'by' : 'no by'",
    # Python errors out of macros: a ?: branch and a map literal catch some of them
    "true ? null.map(x, x) : 1", "false ? 1 : null.all(x, x)", "1 ? null.map(x, x) : 2",
    "true ? [1].map(x, x, x) : 1", "(true ? null.map(x, x) : 1) || true", "null.map(x, x) || true",
    "{'a': null.map(x, x)}", "{'a': [1].all(x)}", "{'a': null.map(x, x)} == {} || true",
    "has({'a': null.map(x, x)}.a)", "{'a': [0].map(x, 1 / x)}", "{'a': [1, 'b'].min()}",
    # arithmetic
    "1 + 2", "7 - 10", "6 * 7", "7 / 2", "-7 / 2", "7 % 3", "-7 % 3", "1 / 0", "1 % 0",
    "9223372036854775807 + 1", "-9223372036854775807 - 2", "9223372036854775807 * 2",
    "-(-9223372036854775807 - 1)", "-risk.level", "-'a'", "-true", "-1.5", "-duration('1h')",
    "1.5 + 1.5", "1.5 * 2.0", "1.5 / 0.0", "3.0 / 2.0", "1.5 % 1.0", "1.5 + 1", "1 + 1.5",
    "7 / 2.0", "true + 1", "1u + 2u", "1u - 2u", "1 + 1u", "'a' + 'b'", "'a' + 1", "'a' + 'b' + 1",
    "'level ' + risk.level", "'risk ' + risk.id + ' level ' + risk.level",
    "'level ' + string(risk.level)", "1 + risk.missing", "risk.missing + 1", "'a' + risk.missing",
    "[1] + [2]", "[1] + 2", "m.l + m.el", "b'a' + b'b'", "today + days(30)", "days(30) + today",
    "d + duration('36h')", "today - days(1)", "today - d", "d - today", "ts - today",
    "duration('1h') + duration('30m')", "duration('2h') - duration('1h')", "duration('1h') * 2",
    "risk.assessed + days(isms.review.acceptance_max_days) < today", "today + 1", "today + today",
    "'ab' * 2", "'ab' * true", "[1] * (true + 1)",
    # in
    "'a' in ['a', 'b']", "'c' in ['a', 'b']", "1 in [1, 2]", "1 in ['a', 1]", "2 in ['a', 1]",
    "null in ['a']", "null in [1]", "'P-1' in isms.plans", "'P-9' in isms.plans", "1 in isms.plans",
    "'a' in 'abc'", "'a' in null", "'a' in 5", "risk.missing in ['a']", "'a' in risk.missing",
    "catalog_id in isms.ids.controls", "'A.8.7' in isms.ids.controls",
    # macros
    "risk.plan_ids.all(p, p in isms.plans)", "risk.plan_ids.exists(p, p in isms.plans)",
    "risk.plan_ids.exists_one(p, p in isms.plans)", "risk.plan_ids.map(p, p + '!')",
    "risk.plan_ids.filter(p, p in isms.plans)", "[1, 2, 3].map(x, x * 2)",
    "[1, 2, 3].filter(x, x > 1)", "[1, 2, 3].all(x, x > 0)", "[1, 2, 3].exists(x, x > 2)",
    "[1, 2, 3].exists_one(x, x > 2)", "[].all(x, x)", "[].exists(x, x)",
    "[1, 0].all(x, 1 / x > 0)", "[0, 1].all(x, 1 / x > 0)", "[0, -1].all(x, 1 / x > 0)",
    "[0, 1].exists(x, 1 / x > 0)", "[0].exists(x, 1 / x > 0)", "[1, 'a'].exists(x, x == 1)",
    "[1, 'a'].all(x, x == 1)", "[1, 2].all(x, x)", "[1].all(x, x)", "[0, 1].map(x, 1 / x)",
    "[0, 1].filter(x, 1 / x > 0)", "[0, 1].exists_one(x, 1 / x > 0)", "[1, 2].filter(x, x)",
    "[1, 2].exists_one(x, x)", "null.all(x, x)", "null.map(x, x)", "1.all(x, x)",
    "m.missing.all(x, x)", "{'a': 1, 'b': 2}.map(k, k)", "'abc'.map(c, c + c)",
    "[1, 2].map(x, x, x)", "[1, 2].map(x, x > 1, x * 2)", "[1, 2].all(x)",
    "[[1, 2], [3]].map(l, l.map(x, x * 10))", "[[1], [0]].all(l, l.all(x, 1 / x > 0))",
    "[1, 2].exists(x, [x].map(y, 1 / 0) == [])", "[1, 2].all(x, [1, 2].exists(x, x == 2))",
    "[3, 1, 2].min()", "[].min()", "['b', 'a'].min()", "[1, 'a'].min()",
    "[1, 2, 3].reduce(r, x, 0, r + x)",
    "has(risk.id)", "has(risk.missing)", "has(risk.residual.likelihood)", "has(m.e.x)",
    "has(1 / 0)", "dyn(1) + 1", "dyn(risk.missing)",
    "entity_recorded_after_today",
    "risk.recorded.filter(r, r.date > today).map(r, r.field + ' ' + isodate(r.date))",
    # functions
    "size('abc')", "size([1, 2])", "size({'a': 1})", "size(b'ab')", "size(null)", "size(1)",
    "risk.plan_ids.size()", "'abc'.size()", "size(risk.missing)", "size()", "size(1, 2)",
    "'abc'.contains('b')", "'abc'.contains(1)", "[1, 2].contains(2)", "{'a': 1}.contains('a')",
    "'abc'.startsWith('ab')", "'abc'.endsWith('bc')", "'abc'.startsWith(1)", "null.startsWith('a')",
    "'abc'.matches('^a.c$')", "'abc'.matches('[')", "risk.id.matches('R-[0-9]+')",
    "int('42')", "int('0x2A')", "int(' 7 ')", "int('x')", "int(2.9)", "int(-2.9)", "int(true)",
    "int(null)", "int(1e30)", "int(today)", "int([1])", "int('1', 2)",
    "uint(5)", "uint(-5)", "uint('7')", "double(1)", "double('2.5')", "double('x')", "double(null)",
    "string(1)", "string(1.5)", "string(true)", "string(null)", "string(today)", "string(ts)",
    "string(duration('90m'))", "string([1, 'a'])", "string({'a': 1})", "string(b'hi')",
    "string(risk.plan_ids)", "string('x')", "bool('true')", "bool('no')", "bool(1)", "bytes('hé')",
    "timestamp('2026-01-02T03:04:05Z')", "timestamp('2026-01-02T03:04:05+02:00')",
    "timestamp('2026-01-02')", "timestamp('not a date')", "timestamp(1)", "duration('1h30m')",
    "duration('-1.5h')", "duration('2d')", "duration('1x')", "duration(90)", "duration('')",
    "type(1)", "type('a')", "type(null)", "type(type(1))", "type(1) == int", "type(risk) == map",
    "type('a' + 'b') == string", "type(1.5 + 1.5)", "type(today)", "int", "string",
    "ts.getFullYear()", "ts.getMonth()", "ts.getDate()", "ts.getDayOfMonth()", "ts.getDayOfWeek()",
    "ts.getDayOfYear()", "ts.getHours()", "ts.getMinutes()", "ts.getSeconds()",
    "ts.getMilliseconds()", "today.getDayOfWeek()", "today.getHours()", "ts.getHours('+02:00')",
    "ts.getHours('Europe/Paris')", "ts.getDate('America/New_York')", "ts.getHours('Nowhere/Town')",
    "duration('90m').getMinutes()", "duration('90m').getHours()", "'a'.getHours()",
    "foo(1)", "risk.foo()", "risk.missing.foo()", "foo(1 / 0)",
    # checker.cel's functions
    "present(risk.notes)", "present(risk.id)", "present(risk.tags)", "present(m.e)",
    "present(null)", "present(0)", "present('' + '')", "present(risk.missing)",
    "days(30)", "days(-1)", "days('30')", "days('x')", "days(null)", "days(1.7)",
    "days(99999999999)", "isodate(today)", "isodate(ts)", "isodate(null)", "isodate('x')",
    "isodate(today + duration('36h'))", "join(risk.plan_ids, ', ')", "join([1, true, null, 1.5], '/')",
    "join([], ',')", "join(null, ',')", "join('abc', '-')", "join([today], '')", "join(['a'], 1)",
    "risk.plan_ids.join('+')", "today.isodate()", "risk.notes.present()",
    # rule-shaped expressions
    "risk.acceptance != null && present(risk.acceptance.by) && present(risk.acceptance.expires)",
    "today <= risk.acceptance.expires",
    "risk.acceptance.expires <= risk.acceptance.date + days(isms.review.acceptance_max_days)",
    "risk.plan_ids.exists(p, p in isms.plans && isms.plans[p].status in ['approved', 'in_progress'])",
    "risk.plan_ids.all(p, !(p in isms.plans) || isms.plans[p].status != 'completed'"
    " || risk.assessed >= isms.plans[p].completed)",
    "risk.controls.all(c, !(c in isms.controls) || isms.controls[c].applicable)",
    "join(risk.controls.filter(c, c in isms.controls && !isms.controls[c].applicable), ', ')",
    "risk.controls.map(c, c + ' (' + string(isms.controls[c].status) + ')')",
    "[risk.inherent, risk.residual].filter(r, r != null).all(r,"
    " isms.scales.likelihood.exists(s, s.value == r.likelihood))",
    "risk.recorded.all(r, r.date <= today)",
    "'risk ' + risk.id + ' records a date after today (' + isodate(today) + '): '"
    " + join(risk.recorded.filter(r, r.date > today).map(r, r.field + ' ' + isodate(r.date)), ', ')",
    # syntax errors (compile)
    "risk.", "1 +", "(1", "risk..id", "'unterminated", "a ? b", "1 = 1",
]  # fmt: skip

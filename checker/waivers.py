"""Applying waivers: a finding with an active waiver for its (rule, entity) is reported
as waived, never dropped. Expired or over-long waivers do not apply (WV-001 says why)."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable

from checker.findings import Outcome, Result, Waiver
from checker.model import Entity, Model


def is_active(waiver: Entity, today: datetime.date, max_days: int) -> bool:
    v = waiver.values
    date, expires = v["date"], v["expires"]
    if not waiver.valid or date is None or expires is None:
        return False
    return bool(today <= expires <= date + datetime.timedelta(days=max_days))


def apply_waivers(
    results: Iterable[Result], model: Model, today: datetime.date, evaluated: set[str]
) -> tuple[list[Result], dict[str, int | None]]:
    """Turns waived findings into waived results; also returns, by waiver id, how many
    findings each matched (None when the waiver is not in force or its rule did not run,
    so that WV-002 only calls a waiver stale when it had the chance to match)."""
    max_days = model.methodology.review["acceptance_max_days"]
    by_key: dict[tuple[str, str], Entity] = {}
    for w in model.unique("waiver"):
        if is_active(w, today, max_days):
            by_key[(w.values["rule"], w.values["target"])] = w
    matches: dict[int, int] = {}
    out = []
    for r in results:
        waiver = by_key.get((r.rule, r.entity or ""))
        if waiver is not None and r.outcome is Outcome.FAIL:
            matches[id(waiver)] = matches.get(id(waiver), 0) + 1
            v = waiver.values
            info = Waiver(v["reason"], v["approved_by"], v["expires"].isoformat())
            r = dataclasses.replace(r, outcome=Outcome.WAIVED, waiver=info)
        out.append(r)
    in_force = {id(w) for w in by_key.values()}
    counts = {
        w.id: matches.get(id(w), 0) if id(w) in in_force and w.values["rule"] in evaluated else None
        for w in model.unique("waiver")
    }
    return out, counts

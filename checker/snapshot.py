"""One state of an ISMS (the working tree, or a commit's tree) judged by a Policy:
files → documents → schema findings → entities → CEL results → waivers."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from checker.errors import ConfigError
from checker.evaluate import Evaluator
from checker.findings import Result, number_occurrences
from checker.loader import (
    DisplayPaths,
    ParsedFile,
    Source,
    YamlProblem,
    entities_of,
    load_entity_files,
    load_file,
)
from checker.methodology import Methodology
from checker.model import Model, build_model, entity_id, link_base
from checker.policy import Policy
from checker.structure import dup_results, parse_results, ref_results, schema_results
from checker.tree import FileTree
from checker.waivers import apply_waivers

ENTITY_FOLDERS = (("risk", "risks"), ("control", "controls"), ("plan", "plans"))
REQUIRED_FOLDERS = {"risks", "controls"}


@dataclass(frozen=True)
class Snapshot:
    """One state of the ISMS to evaluate: the working tree, or a commit's tree."""

    tree: FileTree
    display: DisplayPaths
    dates: Mapping[str, datetime.date] | None  # last commit date per file; None: no git
    origin: str = ""  # names the commit in messages


def _load_files(
    snap: Snapshot, m: Methodology, waivers_tree: FileTree
) -> dict[str, list[ParsedFile]]:
    out: dict[str, list[ParsedFile]] = {}
    for kind, name in ENTITY_FOLDERS:
        folder = m.paths[name]
        if not snap.tree.is_dir(folder) and name in REQUIRED_FOLDERS:
            where = snap.display.of(folder) + (f" (at {snap.origin})" if snap.origin else "")
            raise ConfigError(
                f"{where}: the {name} folder does not exist: "
                f"create it, or set paths.{name} in {m.file}"
            )
        out[kind] = load_entity_files(snap.tree, snap.tree.yaml_files(folder), snap.display)
    rel = m.paths["waivers"]
    out["waiver"] = []
    if waivers_tree.is_file(rel):
        shown = snap.display.of(rel)
        try:
            parsed = load_file(waivers_tree, rel)
            # an empty list, or a file of comments, is an empty waiver register
            empty = parsed.data is None or parsed.data == []
            out["waiver"] = [ParsedFile(shown) if empty else entities_of(shown, parsed)]
        except YamlProblem as p:
            out["waiver"] = [ParsedFile(shown, problem=p)]
    return out


def evaluate(
    policy: Policy,
    snap: Snapshot,
    today: datetime.date,
    selected: set[str],
    base: Model | None = None,
    change: dict[str, Any] | None = None,
) -> tuple[list[Result], Model]:
    """Every result of the selected rules on one snapshot, waivers applied."""
    m = policy.methodology
    results: list[Result] = []
    sources: dict[str, list[tuple[Source, bool]]] = {}
    for kind, files in _load_files(snap, m, policy.tree).items():
        results += parse_results(files)
        sources[kind] = []
        for f in files:
            for src in f.sources:
                ok, schema_out = schema_results(kind, src, entity_id(kind, src))
                results += schema_out
                sources[kind].append((src, ok))
    model = build_model(
        m,
        snap.tree,
        sources["risk"],
        sources["control"],
        sources["plan"],
        sources["waiver"],
        snap.dates,
    )
    model.change = change
    if base is not None:
        link_base(model, base)
    results += dup_results(model)
    results += ref_results(model, [i.id for i in policy.infos])
    rules = [r for r in policy.rules if r.info.id in selected]
    evaluator = Evaluator(model, today)
    results += evaluator.run(r for r in rules if "waiver" not in r.resources)
    results = [r for r in results if r.rule in selected]
    results = apply_waivers(results, model, today, selected)
    waiver_rules = [r for r in rules if "waiver" in r.resources]
    results += evaluator.run(waiver_rules, {"waiver": evaluator.waiver_targets()})
    return number_occurrences(results), model

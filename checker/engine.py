"""Runs the steps of a check in order and returns a Report. Never prints, never exits.

files → documents (loader) → schema findings (structure) → entities (model)
→ CEL results (evaluate) → waivers → Report
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from checker import __version__
from checker.cel import Compiler
from checker.errors import ConfigError, UsageError
from checker.evaluate import Evaluator
from checker.findings import Report, Result, RuleInfo
from checker.loader import DisplayPaths, ParsedFile, Source, load_entity_folder
from checker.methodology import Methodology, find_root, load_methodology
from checker.model import build_model
from checker.rules import Rule, builtin_rule_files, load_rules, org_rule_files
from checker.structure import (
    STRUCTURAL_RULES,
    dup_results,
    parse_results,
    ref_results,
    schema_results,
)
from checker.waivers import apply_waivers

ENTITY_FOLDERS = (("risk", "risks"), ("control", "controls"), ("plan", "plans"))
REQUIRED_FOLDERS = {"risks", "controls"}


@dataclass(frozen=True)
class Options:
    path: Path = Path(".")
    today: datetime.date = field(
        default_factory=lambda: datetime.datetime.now(datetime.timezone.utc).date()
    )
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


@dataclass(frozen=True)
class Setup:
    """What a check needs before it reads the register: methodology and rules."""

    root: Path
    display: DisplayPaths
    methodology: Methodology
    rules: tuple[Rule, ...]
    infos: tuple[RuleInfo, ...]  # every rule, structural ones included, sorted by id


def builtin_infos() -> tuple[RuleInfo, ...]:
    """Every built-in rule, without an ISMS (for `rules` and `explain`)."""
    rules = load_rules(
        builtin_rule_files(), DisplayPaths(builtin_rule_files()[0].parent.parent), Compiler()
    )
    return tuple(sorted([*STRUCTURAL_RULES, *(r.info for r in rules)], key=lambda i: i.id))


def prepare(path: Path) -> Setup:
    root = find_root(path)
    display = DisplayPaths.for_root(root)
    m = load_methodology(root, display)
    files = [*builtin_rule_files(), *org_rule_files(root / m.paths["policies"])]
    rules = tuple(load_rules(files, display, Compiler()))
    infos = tuple(sorted([*STRUCTURAL_RULES, *(r.info for r in rules)], key=lambda i: i.id))
    return Setup(root, display, m, rules, infos)


def select_rules(
    infos: Sequence[RuleInfo], select: Sequence[str], ignore: Sequence[str]
) -> set[str]:
    """Rule ids kept by --select and --ignore (ids or prefixes); unknown ones are errors."""
    ids = [i.id for i in infos]
    for flag, prefixes in (("--select", select), ("--ignore", ignore)):
        for prefix in prefixes:
            if not any(i.startswith(prefix) for i in ids):
                raise UsageError(
                    f"{flag} {prefix}: no rule id starts with '{prefix}' (see isms-check rules)"
                )
    kept = {i for i in ids if not select or any(i.startswith(p) for p in select)}
    return {i for i in kept if not any(i.startswith(p) for p in ignore)}


def _load_folder(setup: Setup, name: str) -> list[ParsedFile]:
    folder = setup.root / setup.methodology.paths[name]
    if not folder.is_dir():
        if name in REQUIRED_FOLDERS:
            raise ConfigError(
                f"{setup.display.of(folder)}: the {name} folder does not exist: create it, "
                f"or set paths.{name} in {setup.methodology.file}"
            )
        return []
    return load_entity_folder(folder, setup.display)


def _load_waivers(setup: Setup) -> list[ParsedFile]:
    path = setup.root / setup.methodology.paths["waivers"]
    if not path.is_file():
        return []
    from checker.loader import YamlProblem, entities_of, load_file

    shown = setup.display.of(path)
    try:
        return [entities_of(shown, load_file(path))]
    except YamlProblem as p:
        return [ParsedFile(shown, problem=p)]


def run(options: Options) -> Report:
    setup = prepare(options.path)
    selected = select_rules(setup.infos, options.select, options.ignore)
    m = setup.methodology
    results: list[Result] = []
    sources: dict[str, list[tuple[Source, bool]]] = {}
    files_by_kind = {kind: _load_folder(setup, folder) for kind, folder in ENTITY_FOLDERS}
    files_by_kind["waiver"] = _load_waivers(setup)
    for kind, files in files_by_kind.items():
        results += parse_results(files)
        sources[kind] = []
        for f in files:
            for src in f.sources:
                ok, schema_out = schema_results(kind, src, _entity_label(kind, src))
                results += schema_out
                sources[kind].append((src, ok))
    model = build_model(m, sources["risk"], sources["control"], sources["plan"], sources["waiver"])
    results += dup_results(model)
    results += ref_results(model, [i.id for i in setup.infos])
    rules = [r for r in setup.rules if r.info.id in selected]
    evaluator = Evaluator(model, options.today)
    results += evaluator.run(r for r in rules if "waiver" not in r.resources)
    results = [r for r in results if r.rule in selected]
    results = apply_waivers(results, model, options.today, selected)
    results += evaluator.run(
        (r for r in rules if "waiver" in r.resources), {"waiver": evaluator.waiver_targets()}
    )
    return Report(
        today=options.today,
        tool_version=__version__,
        rules=tuple(i for i in setup.infos if i.id in selected),
        results=Report.ordered(_unique_cases(results)),
    )


def _entity_label(kind: str, src: Source) -> str:
    from checker.model import entity_id

    if kind == "waiver":
        return f"{src.data.get('rule')}:{src.data.get('target')}"
    return entity_id(kind, src)


def _unique_cases(results: Sequence[Result]) -> list[Result]:
    """Makes JUnit testcase names unique (an id used twice gets ` #2`, ...)."""
    import dataclasses

    seen: dict[str, int] = {}
    out = []
    for r in results:
        n = seen.get(r.case, 0) + 1
        seen[r.case] = n
        out.append(r if n == 1 else dataclasses.replace(r, case=f"{r.case} #{n}"))
    return out

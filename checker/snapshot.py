"""One state of an ISMS (the working tree, or a commit's tree) judged by a Policy:
files → documents → schema findings → entities → CEL results → waivers."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from checker.carry import Carry
from checker.documents import Document, Documents
from checker.errors import ConfigError, FatalError
from checker.evaluate import Evaluator
from checker.findings import Result, number_occurrences
from checker.gitobjects import SnapshotTree
from checker.kinds import FOLDER_KINDS
from checker.loader import DisplayPaths, Source
from checker.methodology import Methodology
from checker.model import Model, Normalised, PolicyChange, build_model, entity_id
from checker.policy import Policy
from checker.structure import dup_results, parse_results, ref_results, schema_results
from checker.tree import YAML_SUFFIXES, FileTree
from checker.waivers import apply_waivers


@dataclass(frozen=True)
class Snapshot:
    """One state of the ISMS to evaluate: the working tree, or a commit's tree."""

    tree: FileTree
    display: DisplayPaths
    dates: Mapping[str, datetime.date] | None  # last commit date per file; None: no git
    origin: str = ""  # names the commit in messages


@dataclass(frozen=True)
class Judgement:
    """What judging one snapshot gives: every result, the model it judged, and notices."""

    results: list[Result]
    model: Model
    notices: list[str]


def _ignored(rel: str) -> bool:
    """Files in an entity folder that are not read and need no notice: hidden files
    (.gitkeep) and documentation (README.md)."""
    name = rel.rsplit("/", 1)[-1]
    return name.startswith(".") or name.lower().endswith(".md")


def _load_files(
    snap: Snapshot,
    m: Methodology,
    waivers_tree: FileTree,
    documents: Documents,
    notices: list[str],
) -> dict[str, list[Document]]:
    out: dict[str, list[Document]] = {}
    for kind in FOLDER_KINDS:
        folder = m.paths[kind.plural]
        if not snap.tree.is_dir(folder) and kind.required_folder:
            where = snap.display.of(folder) + (f" (at {snap.origin})" if snap.origin else "")
            raise ConfigError(
                f"{where}: the {kind.plural} folder does not exist: "
                f"create it, or set paths.{kind.plural} in {m.file}"
            )
        files = snap.tree.files(folder)
        yaml_files = [f for f in files if f.endswith(YAML_SUFFIXES)]
        skipped = [snap.display.of(f) for f in files if f not in yaml_files and not _ignored(f)]
        if skipped:
            notices.append(
                f"not read, as only .yaml and .yml files hold {kind.plural}: "
                + ", ".join(skipped)
                + (f" (at {snap.origin})" if snap.origin else "")
            )
        # links that lead outside are loaded too: reading them fails, so each is an
        # ISMS-PARSE finding at the link, never a silent skip
        out[kind.name] = [
            documents.load(
                kind.name,
                snap.tree,
                rel,
                snap.display.of(rel),
                content_id=_content_id(snap.tree, rel),
            )
            for rel in sorted([*yaml_files, *snap.tree.outside(folder)])
        ]
    rel = m.paths["waivers"]
    out["waiver"] = []
    if waivers_tree.is_file(rel):
        shown = snap.display.of(rel)
        # an empty list, or a file of comments, is an empty waiver register
        out["waiver"] = [
            documents.load(
                "waiver", waivers_tree, rel, shown, empty_ok=True,
                content_id=_content_id(waivers_tree, rel),
            )
        ]  # fmt: skip
    return out


def _content_id(tree: FileTree, rel: str) -> str | None:
    """The git blob id of a commit's file (None for a link that leads outside, and for
    the working tree, whose files are read and hashed)."""
    return tree.blob_id(rel) if isinstance(tree, SnapshotTree) else None


def check_files(policy: Policy, snap: Snapshot, documents: Documents) -> None:
    """Parses and schema-checks the entity files `evaluate` will read, into `documents`
    (posture over time does it before forking a worker, which then reads them from
    memory); a snapshot that cannot be loaded is left for `evaluate` to report."""
    with contextlib.suppress(FatalError):
        _load_files(snap, policy.methodology, policy.tree, documents, [])


def evaluate(
    policy: Policy,
    snap: Snapshot,
    today: datetime.date,
    selected: set[str],
    base: Model | None = None,
    change: PolicyChange | None = None,
    documents: Documents | None = None,
    findings_only: bool = False,
    normalised: Normalised | None = None,
    carry: Carry | None = None,
) -> Judgement:
    """Every result of the selected rules on one snapshot, waivers applied. `documents`
    remembers checked files across the snapshots of one run, `normalised` their
    entities' normalised values (model.py). `findings_only`, `carry`: see judge."""
    notices: list[str] = []
    loaded = _load_files(snap, policy.methodology, policy.tree, documents or Documents(), notices)
    judged = judge(
        policy, snap, loaded, today, selected, base, change, findings_only, normalised, carry
    )
    return Judgement(judged.results, judged.model, [*notices, *judged.notices])


def judge(
    policy: Policy,
    snap: Snapshot,
    loaded: Mapping[str, Sequence[Document]],
    today: datetime.date,
    selected: set[str],
    base: Model | None = None,
    change: PolicyChange | None = None,
    findings_only: bool = False,
    normalised: Normalised | None = None,
    carry: Carry | None = None,
) -> Judgement:
    """Every result of the selected rules on the documents of one snapshot, by kind (a
    rule test gives its own, read from the test file). `findings_only` (posture over
    time, which counts findings): the results are the findings alone, passes left out
    and occurrences not numbered; the findings are those of a full judgement. `carry`
    (with findings_only): findings carried from the snapshot this process judged last
    (carry.py)."""
    only = findings_only
    results: list[Result] = []
    sources: dict[str, list[tuple[Source, bool]]] = {}
    for kind, docs in loaded.items():
        results += parse_results((d.parsed for d in docs), only)
        sources[kind] = []
        for doc in docs:
            for src, violations in zip(doc.parsed.sources, doc.violations, strict=True):
                if violations or not only:
                    results += schema_results(kind, src, entity_id(kind, src), violations, only)
                sources[kind].append((src, not violations))
    model = build_model(
        policy.methodology, snap.tree, sources, snap.dates, base, change, normalised
    )
    rules = [r for r in policy.rules if r.info.id in selected]
    if carry is not None and only:
        carry.start(model, today, rules)
    results += dup_results(model, only)
    results += ref_results(model, [i.id for i in policy.infos], only, carry if only else None)
    evaluator = Evaluator(model, today, policy.engine)
    results += evaluator.run(rules, None, only, carry)  # every kind but waivers, judged last
    results = [r for r in results if r.rule in selected]
    results, matches = apply_waivers(results, model, today, selected)
    waiver_rules = [r for r in rules if "waiver" in r.resources]
    results += evaluator.run(waiver_rules, {"waiver": evaluator.waiver_targets(matches)}, only)
    return Judgement(results if only else number_occurrences(results), model, [])

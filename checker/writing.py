"""Where imported records go and how their files read: risks and plans one per file
(`risks/R-001.yaml`), controls one file per catalog theme (`controls/organizational.yaml`,
custom controls in `controls/custom.yaml`), in the folders isms.yaml's `paths:` names.

Each file starts with a schema modeline when the ISMS has the schemas `init` writes
(`.schemas/`), so editors complete and validate it, and says where it came from.
"""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.errors import UsageError
from checker.importer import Record
from checker.kinds import BY_NAME
from checker.loader import DisplayPaths, YamlProblem, entities_of, load_file
from checker.methodology import DEFAULT_PATHS, ISMS_FILES, load_catalog, load_methodology
from checker.outputs import write_atomic
from checker.schema import field_shapes
from checker.tree import DiskTree
from checker.yamlwrite import Comments, dump, ordered

SCHEMA_FOLDER = ".schemas"  # where init puts the bundled schemas, for modelines


@dataclass(frozen=True)
class Target:
    root: Path
    paths: Mapping[str, str]
    themes: Mapping[str, str]  # catalog control id -> theme
    scale_labels: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    scale_values: Mapping[str, tuple[int, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class File:
    rel: str  # relative to the ISMS root, forward slashes
    text: str
    ids: tuple[str, ...]

    @property
    def summary(self) -> str:
        return self.ids[0] if len(self.ids) == 1 else f"{len(self.ids)} entries"


def target(out: Path | None) -> Target:
    """The ISMS to write into: `out`, else the one holding the current folder, else the
    current folder; its paths, catalog and scales when it has an isms.yaml."""
    root = out if out is not None else _enclosing(Path.cwd())
    if root.exists() and not root.is_dir():
        raise UsageError(f"--out {root}: not a folder")
    if not any((root / name).is_file() for name in ISMS_FILES):
        catalog = load_catalog(DiskTree(root), "iso27001:2022", UsageError)
        return Target(root, dict(DEFAULT_PATHS), {c.id: c.theme for c in catalog})
    m = load_methodology(DiskTree(root), DisplayPaths.for_root(root.resolve()))
    labels = {
        axis: {str(p["label"]).lower(): int(p["value"]) for p in m.data["scales"][axis]}
        for axis in ("likelihood", "impact")
    }
    return Target(
        root,
        dict(m.paths),
        {c.id: c.theme for c in m.catalog},
        labels,
        {"likelihood": m.likelihood, "impact": m.impact},
    )


def _enclosing(start: Path) -> Path:
    for folder in (start, *start.parents):
        if any((folder / name).is_file() for name in ISMS_FILES):
            return folder
    return start


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-.") or "other"


def modeline(root: Path, rel: str, schema: str) -> str:
    """`yaml-language-server: $schema=...` pointing at the ISMS's own copy of the schema
    (offline), or "" when the ISMS has none."""
    if not (root / SCHEMA_FOLDER / f"{schema}.schema.json").is_file():
        return ""
    up = "../" * rel.count("/")
    return f"yaml-language-server: $schema={up}{SCHEMA_FOLDER}/{schema}.schema.json"


def comments_for(kind: str, data: Mapping[str, Any], index: int | None) -> Comments:
    """Comments where a field needs a decision."""
    notes: dict[str, str] = {}
    if kind == "risk" and data.get("treatment") == "none":
        notes["treatment"] = "to decide: mitigate | accept | avoid | transfer"
    if kind == "control":
        if not data.get("justification"):
            notes["applicable"] = "justify the inclusion or exclusion"
        elif data.get("applicable") and data.get("status") in (None, "not_implemented"):
            notes["status"] = "not_implemented | planned | partial | implemented"
    at: tuple[str | int, ...] = () if index is None else (index,)
    return {(*at, name): text for name, text in notes.items()}


def layout(
    target: Target,
    kinds: str,
    records: Sequence[Record],
    source: str,
    merge: Sequence[str] | None = None,
) -> list[File]:
    """The files `records` go into. `merge` (the fields the sheet has columns for): a
    control file that exists keeps its other entries, and an entry with an imported id
    keeps the fields the sheet has no column for."""
    kind = BY_NAME[kinds.rstrip("s")]
    folder = target.paths.get(kind.plural, kind.plural).rstrip("/")
    header = f"Imported from {source} by isms-check import"
    if kind.name != "control":
        files = []
        for r in records:
            rel = f"{folder}/{r.data['id']}.yaml"
            files.append(_file(target, rel, kind.schema, r.data, header, kind.name))
        return files
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for r in records:
        theme = target.themes.get(str(r.data["id"]))
        name = _slug(theme) if theme and not r.data.get("custom") else "custom"
        groups.setdefault(name, []).append(r.data)
    out = []
    for name, entries in groups.items():
        rel = f"{folder}/{name}.yaml"
        if merge is not None and (target.root / rel).is_file():
            entries = _merged(target.root, rel, kind.name, entries, merge)
        out.append(_file(target, rel, kind.schema, entries, header, kind.name))
    return out


def _merged(
    root: Path,
    rel: str,
    kind: str,
    entries: Sequence[Mapping[str, Any]],
    fields: Sequence[str],
) -> list[Mapping[str, Any]]:
    """The entries of the file at `rel` in their order, those with an imported id
    updated: the sheet's fields from the sheet, the others kept; new ids after them."""
    try:
        loaded = entities_of(rel, load_file(DiskTree(root), rel))
    except YamlProblem as p:
        raise UsageError(f"{rel}:{p.line}: {p.message}: fix it before importing into it") from p
    if loaded.problem is not None:
        bad = loaded.problem
        raise UsageError(f"{rel}:{bad.line}: {bad.message}: fix it before importing into it")
    new = {str(e["id"]): e for e in entries}
    out: list[Mapping[str, Any]] = []
    for source in loaded.sources:
        key = source.data.get("id")
        entry = typed(kind, source.data)
        if isinstance(key, str) and key in new:
            kept = {k: v for k, v in entry.items() if k not in fields}
            entry = ordered({**kept, **new.pop(key)}, list(field_shapes(kind)))
        out.append(entry)
    return out + list(new.values())


def typed(kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """An entity as read (dates as text) with the dates of its date fields as dates,
    so that they are written unquoted."""
    shapes = field_shapes(kind)
    out: dict[str, Any] = {}
    for key, value in data.items():
        shape = shapes.get(key)
        if shape is not None and "date" in shape.types and isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = datetime.date.fromisoformat(value)
        elif shape is not None and shape.nested and isinstance(value, Mapping):
            value = typed(shape.nested, value)
        elif shape is not None and shape.nested and isinstance(value, list):
            value = [typed(shape.nested, v) if isinstance(v, Mapping) else v for v in value]
        out[key] = value
    return out


def _file(target: Target, rel: str, schema: str, data: Any, header: str, kind: str) -> File:
    lines = [line for line in (modeline(target.root, rel, schema), header) if line]
    if isinstance(data, list):
        comments: dict[tuple[str | int, ...], str] = {}
        for i, entry in enumerate(data):
            comments.update(comments_for(kind, entry, i))
        ids = tuple(str(e["id"]) for e in data)
    else:
        comments = dict(comments_for(kind, data, None))
        ids = (str(data["id"]),)
    return File(rel, dump(data, "\n".join(lines), comments), ids)


def check_duplicates(target: Target, kinds: str, files: Sequence[File]) -> None:
    """An imported id that another file of the ISMS already holds would be ISMS-DUP:
    exit 2, naming both, before anything is written."""
    kind = BY_NAME[kinds.rstrip("s")]
    folder = target.paths.get(kind.plural, kind.plural)
    tree = DiskTree(target.root)
    replaced = {f.rel for f in files}
    new = {i: f.rel for f in files for i in f.ids}
    clashes = []
    for rel in tree.yaml_files(folder):
        if rel in replaced:
            continue
        try:
            loaded = entities_of(rel, load_file(tree, rel))
        except YamlProblem:
            continue
        for s in loaded.sources:
            if isinstance(s.data.get("id"), str) and s.data["id"] in new:
                clashes.append(f"{s.data['id']} (in {rel})")
    if clashes:
        raise UsageError(
            f"already in the ISMS, in other files: {', '.join(clashes)}: "
            "remove them there, or import only new ids"
        )


def write(path: Path, text: str) -> None:
    write_atomic(path, text)

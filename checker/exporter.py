"""The records of one kind as a sheet (headings and rows), read from an ISMS's files as
written: no derived values, no defaults, so that `import` of the sheet gives the same
entities back.

A kind is any top-level kind of kinds.py (risks, controls, plans, waivers and the
management-system records), or a child kind (actions), whose rows carry their parent's
id first. A file that does not parse stops the export (exit 2, naming it): a sheet
without its records would look complete and not be.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.columns import Column, columns, extra_keys, rows
from checker.errors import UsageError
from checker.kinds import BY_NAME, KINDS, Kind
from checker.loader import DisplayPaths, YamlProblem, entities_of, load_file
from checker.methodology import find_root, load_methodology
from checker.tree import DiskTree
from checker.yamlwrite import plain_data

EXPORTABLE: tuple[str, ...] = tuple(k.plural for k in KINDS)


@dataclass(frozen=True)
class Sheet:
    headings: list[str]
    rows: list[list[Any]]
    count: int  # records exported
    invalid: tuple[str, ...] = ()  # records that break their schema: values may be missing
    lossy: tuple[str, ...] = ()  # valid records that the sheet does not give back the same


def kind_named(plural: str) -> Kind:
    for kind in KINDS:
        if plural in (kind.plural, kind.name):
            return kind
    raise UsageError(f"unknown kind '{plural}': one of {', '.join(EXPORTABLE)}")


def read_records(path: Path, kind: Kind) -> tuple[Path, list[Mapping[str, Any]]]:
    """The ISMS root and every record of `kind` (a top-level kind) in file order."""
    root = find_root(path)
    tree = DiskTree(root)
    display = DisplayPaths.for_root(root)
    methodology = load_methodology(tree, display)
    where = methodology.paths.get(kind.plural, kind.default_path)
    files = [where] if kind.single_file else tree.yaml_files(where)
    out: list[Mapping[str, Any]] = []
    for rel in files:
        if not tree.is_file(rel):
            continue
        try:
            parsed = load_file(tree, rel)
        except YamlProblem as p:
            raise UsageError(f"{display.of(rel)}:{p.line}: {p.message}: fix it first") from p
        loaded = entities_of(rel, parsed)
        if loaded.problem is not None and not (kind.single_file and parsed.data is None):
            bad = loaded.problem
            raise UsageError(f"{display.of(rel)}:{bad.line}: {bad.message}: fix it first")
        out += [s.data for s in loaded.sources]
    return root, out


def sheet(path: Path, plural: str, dates: bool) -> Sheet:
    kind = kind_named(plural)
    if kind.parent is not None:
        return _child_sheet(path, kind, dates)
    _, records = read_records(path, kind)
    cols = columns(kind, extra_keys(kind, records))
    table = rows(kind, cols, records, dates)
    headings = [c.heading for c in cols]
    invalid = _invalid(kind, records)
    lossy = _lossy(kind, headings, table, records, set(invalid))
    return Sheet(headings, table, len(records), invalid, lossy)


def _lossy(
    kind: Kind,
    headings: list[str],
    table: list[list[Any]],
    records: Sequence[Mapping[str, Any]],
    invalid: set[str],
) -> tuple[str, ...]:
    """The valid records that importing the sheet would not give back as they are
    (empty values aside: absent, null, "" and [] read alike). The sheet is read back
    with the importer itself, so this is what `import` would do."""
    from checker.importer import Settings, convert
    from checker.tabular import Table

    back = convert(kind.name, Table(tuple(headings), _numbered(table)), Settings())
    got = {kind.entity_id(r.data, None): _solid(plain_data(r.data)) for r in back.records}
    out = []
    for record in records:
        name = str(kind.entity_id(record, None) or "(no id)")
        if name not in invalid and got.get(name) != _solid(record):
            out.append(name)
    return tuple(out)


def _numbered(table: list[list[Any]]) -> tuple[tuple[int, tuple[Any, ...]], ...]:
    return tuple((n, tuple(row)) for n, row in enumerate(table, start=2))


def _solid(value: Any) -> Any:
    """`value` without its empty values, which the checker reads as absent."""
    if isinstance(value, Mapping):
        kept = {k: _solid(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_solid(v) for v in value]
    return value


def _invalid(kind: Kind, records: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    from checker.schema import validate

    return tuple(
        str(kind.entity_id(r, None) or "(no id)") for r in records if validate(kind.name, r)
    )


def _child_sheet(path: Path, kind: Kind, dates: bool) -> Sheet:
    """One row per child record (an action), its parent's id first."""
    parent = BY_NAME[kind.parent or ""]
    _, records = read_records(path, parent)
    cols: list[Column] = [c for c in columns(parent) if c.child and c.path[0] == kind.field]
    id_heading = f"{parent.name.capitalize()} ID"
    out: list[list[Any]] = []
    for record in records:
        kids = record.get(kind.field or "")
        for kid in kids if isinstance(kids, Sequence) and not isinstance(kids, str) else []:
            if isinstance(kid, Mapping):
                row = rows(parent, cols, [{kind.field or "": [kid]}], dates)[0]
                out.append([record.get("id"), *row])
    return Sheet([id_heading, *(c.heading for c in cols)], out, len(out))

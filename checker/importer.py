"""Spreadsheet rows to entities, each validated as the checker validates it.

`convert` reads a Table (tabular.py) as records of one kind (columns.py): it matches
the headings to fields, converts each cell (value synonyms, Excel serial dates, scale
labels), groups child rows (a plan's actions) under their parent, and validates every
entity against the kind's JSON Schema and the methodology's scales. Each problem names
the spreadsheet row and the column heading. It never writes anything (commands/import_.py
decides what to write).
"""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from checker.columns import (
    FALSE_WORDS,
    TRUE_WORDS,
    VALUE_SYNONYMS,
    Column,
    columns,
    norm,
    spoken,
)
from checker.errors import UsageError
from checker.kinds import BY_NAME, Kind, children
from checker.loader import INT_MAX, INT_MIN, YamlProblem, parse_yaml
from checker.schema import validate
from checker.tabular import Cell, Table, restore
from checker.yamlwrite import plain_data

EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 1 = 1900-01-01 (with Excel's leap bug)
_LEADING_INT = re.compile(r"^\s*(\d+)\b")
RATINGS = ("likelihood", "impact")


@dataclass(frozen=True)
class Settings:
    maps: Mapping[str, str] = field(default_factory=dict)  # field path -> heading (--map)
    date_format: str | None = None  # strptime format for text dates (--date-format)
    scales: Mapping[str, Mapping[str, int]] = field(default_factory=dict)  # axis -> label -> value
    scale_values: Mapping[str, tuple[int, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    row: int
    heading: str | None  # None: the row as a whole
    message: str

    def text(self, source: str) -> str:
        where = f"{source} row {self.row}"
        if self.heading is not None:
            where += f', column "{self.heading}"'
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Record:
    data: dict[str, Any]  # the entity, dates as datetime.date
    rows: tuple[int, ...]


@dataclass(frozen=True)
class Result:
    records: tuple[Record, ...]
    problems: tuple[Problem, ...]
    ignored: tuple[str, ...]  # headings no field took
    fields: tuple[str, ...] = ()  # the top-level fields the sheet has a column for


class CellError(Exception):
    pass


def heading_score(kind_name: str) -> Callable[[tuple[str, ...]], int]:
    """How many of a row's cells name a field of the kind: picks the heading row below
    a title (tabular.read)."""
    keys = {key for column in columns(BY_NAME[kind_name]) for key in column.keys}
    return lambda headings: sum(1 for h in headings if norm(h) in keys or h.startswith("x-"))


def match(kind: Kind, table: Table, settings: Settings) -> tuple[dict[int, Column], list[str]]:
    """Column index -> Column, and the headings left unmatched. UsageError (exit 2) when
    --map names an unknown field or heading, or two headings give the same field."""
    extra = [h for h in table.headings if h.startswith("x-")]
    cols = columns(kind, extra)
    by_path = {c.dotted: c for c in cols}
    taken: dict[int, Column] = {}
    lowered = [norm(h) for h in table.headings]
    for path, heading in settings.maps.items():
        column = by_path.get(path)
        if column is None:
            raise UsageError(
                f"--map {path}={heading}: {kind.plural} have no field '{path}' "
                f"(fields: {', '.join(by_path)})"
            )
        hits = [i for i, h in enumerate(table.headings) if norm(h) == norm(heading)]
        if not hits:
            raise UsageError(
                f"--map {path}={heading}: no column is headed '{heading}' "
                f"(headings: {', '.join(table.headings)})"
            )
        taken[hits[0]] = column
    mapped = set(taken.values())
    # exact field paths and labels first, then synonyms, in the order the columns list them
    for rank in range(max(len(c.keys) for c in cols)):
        for column in cols:
            if column in mapped or rank >= len(column.keys):
                continue
            for i, key in enumerate(lowered):
                if i not in taken and key == column.keys[rank]:
                    taken[i] = column
                    mapped.add(column)
                    break
    for i, key in enumerate(lowered):
        if i not in taken and key:
            for column in cols:
                if key in column.keys and column in mapped:
                    other = next(table.headings[j] for j, c in taken.items() if c == column)
                    raise UsageError(
                        f'columns "{other}" and "{table.headings[i]}" both give {column.dotted}: '
                        f"name the right one with --map {column.dotted}=HEADING"
                    )
    ignored = [h for i, h in enumerate(table.headings) if i not in taken and h]
    return dict(sorted(taken.items())), ignored


def _text(value: Cell) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return restore(str(value)).strip()


def _date(value: Cell, settings: Settings) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2_958_466:  # Excel serials up to 9999-12-31
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise CellError(f"{value} is not a date")
    text = _text(value)
    if settings.date_format:
        try:
            return datetime.datetime.strptime(text, settings.date_format).date()
        except ValueError:
            pass
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    if re.fullmatch(r"\d{4,6}(\.0+)?", text):
        return _date(float(text), settings)
    hint = "" if settings.date_format else " or pass --date-format (e.g. %d/%m/%Y)"
    raise CellError(f"'{text}' is not a date: write YYYY-MM-DD{hint}")


def _integer(column: Column, value: Cell, settings: Settings) -> int:
    if isinstance(value, bool):
        raise CellError(f"'{value}' is not a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value)
    axis = column.path[-1]
    labels = settings.scales.get(axis, {}) if axis in RATINGS else {}
    if text.lower() in labels:
        return labels[text.lower()]
    m = _LEADING_INT.match(text)
    if m:
        return int(m.group(1))
    known = f" or one of the labels {', '.join(labels)}" if labels else ""
    raise CellError(f"'{text}' is not a whole number{known}")


def _boolean(value: Cell) -> bool:
    if isinstance(value, bool):
        return value
    text = spoken(_text(value))
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(f"'{_text(value)}' is not yes or no")


def _list(value: Cell) -> list[Any]:
    text = _text(value)
    if text.startswith("["):
        data = _json(text)
        if not isinstance(data, list):
            raise CellError(f"'{text}' is not a list")
        return data
    parts = text.split(";") if ";" in text else text.split(",")
    return [p.strip() for p in parts if p.strip()]


def _json(text: str) -> Any:
    """JSON (as export writes it) or YAML flow text, read with the checker's own limits
    (depth, size, 64-bit integers), as the written file will be."""
    try:
        return parse_yaml(text).data
    except YamlProblem as p:
        raise CellError(f"'{text}' is not readable as YAML or JSON: {p.message}") from p


def convert_cell(kind: Kind, column: Column, value: Cell, settings: Settings) -> Any:
    """The value of one non-empty cell; CellError with the reason."""
    if column.type == "date":
        return _date(value, settings)
    if column.type == "integer":
        return _integer(column, value, settings)
    if column.type == "number":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        try:
            return float(_text(value))
        except ValueError:
            raise CellError(f"'{_text(value)}' is not a number") from None
    if column.type == "boolean":
        return _boolean(value)
    if column.type == "list":
        return _list(value)
    if column.type == "json":
        return _json(_text(value))
    text = _text(value)
    owner = _owner(kind, column)
    synonyms = VALUE_SYNONYMS.get(f"{owner}:{column.path[-1]}")
    if synonyms is not None:
        key = spoken(text)
        return synonyms.get(key, key if key in synonyms.values() else text)
    return text


def _owner(kind: Kind, column: Column) -> str:
    if column.child:
        return next(k.name for k in children(kind.name) if k.field == column.path[0])
    return kind.name


def _empty(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and restore(value).strip() == "")


def _put(data: dict[str, Any], path: Sequence[str], value: Any, multi: bool) -> None:
    for part in path[:-1]:
        data = data.setdefault(part, {})
    if multi and isinstance(value, str) and ";" in value:
        data[path[-1]] = [v.strip() for v in value.split(";")]
    else:
        data[path[-1]] = value


def _spread(data: dict[str, Any], cols: Sequence[Column]) -> None:
    """A mapping that may be a list of mappings (approval): `; `-separated sub-cells
    become the list."""
    for column in cols:
        if not column.multi:
            continue
        holder = data.get(column.path[0])
        if isinstance(holder, dict) and any(isinstance(v, list) for v in holder.values()):
            n = max(len(v) if isinstance(v, list) else 1 for v in holder.values())
            data[column.path[0]] = [
                {k: (v[i] if isinstance(v, list) and i < len(v) else v) for k, v in holder.items()}
                for i in range(n)
            ]


def _typed_multi(kind: Kind, cols: Sequence[Column], data: dict[str, Any], s: Settings) -> None:
    """Converts the items of a spread mapping list (each was kept as text)."""
    holder = data.get(cols[0].path[0]) if cols else None
    if not isinstance(holder, list):
        return
    for item in holder:
        for column in cols:
            key = column.path[-1]
            if isinstance(item.get(key), str) and item[key] != "":
                with contextlib.suppress(CellError):  # else left as text: the schema names it
                    item[key] = convert_cell(kind, column, item[key], s)


def convert(kind_name: str, table: Table, settings: Settings) -> Result:
    kind = BY_NAME[kind_name]
    taken, ignored = match(kind, table, settings)
    own = {i: c for i, c in taken.items() if not c.child}
    kid = {i: c for i, c in taken.items() if c.child}
    id_index = next((i for i, c in own.items() if c.path == ("id",)), None)
    required = _required(kind)
    missing = [f for f in required if not any(c.path[0] == f for c in taken.values())]
    kid_fields = {c.path[0] for c in columns(kind) if c.child}
    missing = [f for f in missing if f not in kid_fields]
    if missing:
        raise UsageError(
            f"no column gives {', '.join(missing)}, which every {kind.name} needs "
            f"(headings: {', '.join(h for h in table.headings if h)}); "
            f"name the column with --map FIELD=HEADING"
        )
    problems: list[Problem] = []
    groups: dict[str, _Group] = {}
    bad: set[str] = set()  # groups with a problem of their own rows: never written
    for number, cells in table.rows:
        data, child, failed = _read_row(kind, taken, table.headings, number, cells, settings)
        problems += failed
        if kid and not data and child and groups:
            key = next(reversed(groups))  # an action row under the plan above it
        elif id_index is not None and "id" in data:
            key = str(data["id"])
        else:
            key = f"row {number}"
        if failed:
            bad.add(key)
        group = groups.get(key)
        if group is None:
            if data or child:
                groups[key] = _Group(data, [number])
                group = groups[key]
            else:
                continue
        elif not kid:
            heading = table.headings[id_index] if id_index is not None else None
            problems.append(
                Problem(
                    number, heading, f"{key} is also on row {group.rows[0]}: neither is imported"
                )
            )
            bad.add(key)
            continue
        else:
            for i, column in own.items():
                if not _empty(cells[i]) and _get_path(data, column.path) != _get_path(
                    group.data, column.path
                ):
                    message = f"differs from row {group.rows[0]} for {kind.name} {key}"
                    problems.append(Problem(number, table.headings[i], message))
                    bad.add(key)
            group.rows.append(number)
        if child:
            group.rows_of[len(group.kids)] = number
            group.kids.append(child)
    records: list[Record] = []
    for key, group in groups.items():
        if kid:
            group.data[next(iter(kid.values())).path[0]] = group.kids
        if key in bad:
            continue
        entity = _ordered(kind, group.data)
        found = _check(kind, entity, taken, table, group.rows[0], group.rows_of, settings)
        problems += found
        if not found:
            records.append(Record(entity, tuple(group.rows)))
    problems.sort(key=lambda p: (p.row, p.heading or ""))
    fields = tuple(dict.fromkeys(c.path[0] for c in taken.values()))
    return Result(tuple(records), tuple(problems), tuple(ignored), fields)


@dataclass
class _Group:
    """The rows of one record: its own data (from its first row), its row numbers, its
    child records (a plan's actions) and the row each child came from."""

    data: dict[str, Any]
    rows: list[int]
    kids: list[dict[str, Any]] = field(default_factory=list)
    rows_of: dict[int, int] = field(default_factory=dict)


def _read_row(
    kind: Kind,
    taken: Mapping[int, Column],
    headings: Sequence[str],
    number: int,
    cells: Sequence[Cell],
    settings: Settings,
) -> tuple[dict[str, Any], dict[str, Any], list[Problem]]:
    """One row: the record's own fields, a child record's fields, the cells that failed."""
    data: dict[str, Any] = {}
    child: dict[str, Any] = {}
    failed: list[Problem] = []
    for i, column in taken.items():
        value = cells[i]
        if _empty(value):
            continue
        try:
            if column.multi and isinstance(value, str) and ";" in value:
                converted: Any = _text(value)  # items converted once spread (_typed_multi)
            else:
                converted = convert_cell(kind, column, value, settings)
        except CellError as e:
            failed.append(Problem(number, headings[i], str(e)))
            continue
        if column.child:
            _put(child, column.path[1:], converted, False)
        else:
            _put(data, column.path, converted, column.multi)
    multi = [c for c in taken.values() if c.multi and not c.child]
    _spread(data, multi)
    _typed_multi(kind, multi, data, settings)
    return data, child, failed


def _get_path(data: Mapping[str, Any], path: Sequence[str]) -> Any:
    value: Any = data
    for part in path:
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _required(kind: Kind) -> list[str]:
    from checker.schema import _located

    node, _ = _located(kind.name)
    return [str(f) for f in node.get("required", [])]


def _ordered(kind: Kind, data: dict[str, Any]) -> dict[str, Any]:
    from checker.schema import field_shapes
    from checker.yamlwrite import ordered

    out = ordered(data, list(field_shapes(kind.name)))
    for kid in children(kind.name):
        assert kid.field is not None
        if isinstance(out.get(kid.field), list):
            out[kid.field] = [ordered(k, list(field_shapes(kid.name))) for k in out[kid.field]]
    return out


def _check(
    kind: Kind,
    entity: Mapping[str, Any],
    taken: Mapping[int, Column],
    table: Table,
    row: int,
    rows_of: Mapping[int, int],
    settings: Settings,
) -> list[Problem]:
    """The schema's violations and off-scale ratings, each at its row and column."""
    out: list[Problem] = []
    for path in _huge_numbers(entity, ()):
        message = "a number beyond 64 bits: YAML readers cannot hold it"
        out.append(_at(path, message, taken, table, row, rows_of))
    if out:
        return out
    for v in validate(kind.name, plain_data(entity)):
        out.append(_at(v.path, v.message, taken, table, row, rows_of))
    for path, value in _ratings(entity):
        allowed = settings.scale_values.get(path[-1])
        if allowed and isinstance(value, int) and value not in allowed:
            message = f"{value} is not on the {path[-1]} scale ({allowed[0]}-{allowed[-1]})"
            out.append(_at(path, message, taken, table, row, rows_of))
    return out


def _huge_numbers(value: Any, path: tuple[str | int, ...]) -> list[tuple[str | int, ...]]:
    """Where `value` holds an integer the checker's YAML reading refuses (loader.py)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return [] if INT_MIN <= value <= INT_MAX else [path]
    if isinstance(value, Mapping):
        return [p for k, v in value.items() for p in _huge_numbers(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _huge_numbers(v, (*path, i))]
    return []


def _ratings(entity: Mapping[str, Any]) -> list[tuple[tuple[str, ...], Any]]:
    out: list[tuple[tuple[str, ...], Any]] = []
    for name, value in entity.items():
        if isinstance(value, Mapping) and set(RATINGS) & set(value):
            out += [((name, axis), value.get(axis)) for axis in RATINGS if axis in value]
    return out


def _at(
    path: Sequence[str | int],
    message: str,
    taken: Mapping[int, Column],
    table: Table,
    row: int,
    rows_of: Mapping[int, int],
) -> Problem:
    if len(path) >= 2 and isinstance(path[1], int) and path[1] in rows_of:
        row = rows_of[path[1]]
        named = (str(path[0]), *(str(p) for p in path[2:]))
    else:
        named = tuple(str(p) for p in path if not isinstance(p, int))
    best: tuple[int, str] | None = None
    for i, column in taken.items():
        n = len(column.path)
        if column.path == named[:n] and (best is None or n > best[0]):
            best = (n, table.headings[i])
    if best is None and named:  # a required field with no value: its column, if any
        for i, column in taken.items():
            if column.path[: len(named)] == named:
                best = (0, table.headings[i])
                break
    return Problem(row, best[1] if best else None, message)

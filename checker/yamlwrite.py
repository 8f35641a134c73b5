"""YAML as a person would write it, for the files `init` and `import` write.

- Keys in the order docs/format.md shows them (the schema's property order, which is
  the same), then any other keys in the order given.
- Block style; a list of plain scalars, or a mapping of a few plain scalars, that fits
  on one line is written in flow style (`controls: [A.8.7, A.8.13]`,
  `inherent: {likelihood: 4, impact: 5}`), as the docs' own examples are.
- Dates (`datetime.date`) unquoted. A string is quoted only when it must be: when it
  would read back as something else (`no`, `yes`, `on`, `12:30`, `2026-01-01`, `1e3`,
  `null`) under YAML 1.1 or the checker's YAML 1.2 reading, or holds characters that
  plain YAML cannot carry. Whether a plain scalar reads back the same is tested by
  reading it back, not by a list of special words.
- Comments: a header, and one per field where a person has a decision to make
  (`Comments` maps a field path to its text).

`dump` checks its own output: it parses what it wrote with the checker's loader and
raises ValueError if the data would not come back the same, so a writer bug can never
produce a file that means something else.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from checker.loader import parse_yaml

Path_ = tuple[str | int, ...]
Comments = Mapping[Path_, str]

FLOW_WIDTH = 88  # a flow list or mapping longer than this is written as a block
_PLAIN_START = re.compile(r"^[\w./(][^\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]*$")
# what some YAML reader (1.1 or 1.2) could take for a number, boolean or null
_AMBIGUOUS = re.compile(
    r"^([-+]?(\.?[0-9]|\.inf|\.nan)|(y|n|yes|no|on|off|true|false|null)$)", re.IGNORECASE
)
_FLOW_BREAKERS = set(",[]{}")
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")


def _reads_back(text: str, value: str, flow: bool) -> bool:
    """Whether `text`, written plain after `key: ` (or inside `[...]`), reads back as the
    string `value` under both YAML 1.1 (PyYAML, most tools) and the checker's reading."""
    document, expected = (
        (f"k: [{text}]\n", {"k": [value]}) if flow else (f"k: {text}\n", {"k": value})
    )
    try:
        if yaml.safe_load(document) != expected:
            return False
        return bool(parse_yaml(document).data == expected)
    except Exception:
        return False


def scalar(value: Any, flow: bool = False) -> str:
    """One scalar as YAML text; `flow`: inside `[...]` or `{...}`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, datetime.datetime):
        raise ValueError("a datetime: write dates as datetime.date")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise ValueError(f"cannot write a {type(value).__name__} as a YAML scalar")
    plain = (
        value == value.strip()
        and bool(_PLAIN_START.match(value))
        and not _AMBIGUOUS.match(value)
        and ": " not in value
        and " #" not in value
        and not value.endswith(":")
        and not (flow and _FLOW_BREAKERS & set(value))
        and _reads_back(value, value, flow)
    )
    if plain:
        return value
    return _quoted(value)


def _quoted(value: str) -> str:
    """A double-quoted YAML string, any character escaped as YAML requires."""
    text = yaml.safe_dump(value, default_style='"', allow_unicode=True, width=1_000_000)
    return text.rstrip("\n").removesuffix("\n...").rstrip("\n")


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool, datetime.date))


def _literal(value: str, indent: str) -> str | None:
    """A multi-line string as a `|` block, when that reads back exactly."""
    if "\n" not in value or value != value.rstrip() or value.startswith((" ", "\n")):
        return None
    if _UNPRINTABLE.search(value.replace("\n", "")):
        return None
    lines = value.split("\n")
    if any(line != line.rstrip() for line in lines):
        return None
    body = "\n".join(f"{indent}  {line}" if line else "" for line in lines)
    return f"|-\n{body}"


def _flow(value: Any) -> str | None:
    """A short list of scalars or mapping of scalars in flow style, or None."""
    if isinstance(value, list) and all(_is_scalar(v) for v in value):
        text = "[" + ", ".join(scalar(v, flow=True) for v in value) + "]"
    elif (
        isinstance(value, Mapping)
        and value
        and len(value) <= 4
        and all(_is_scalar(v) for v in value.values())
    ):
        items = ", ".join(
            f"{scalar(k, flow=True)}: {scalar(v, flow=True)}" for k, v in value.items()
        )
        text = "{" + items + "}"
    else:
        return None
    return text if len(text) <= FLOW_WIDTH else None


def ordered(data: Mapping[str, Any], order: Sequence[str]) -> dict[str, Any]:
    """`data` with the keys in `order` first, in that order, then the rest as given."""
    out = {k: data[k] for k in order if k in data}
    out.update((k, v) for k, v in data.items() if k not in out)
    return out


def _comment(text: str, indent: str) -> list[str]:
    return [f"{indent}# {line}".rstrip() for line in text.splitlines()]


def _mapping(data: Mapping[str, Any], indent: str, path: Path_, comments: Comments) -> list[str]:
    lines: list[str] = []
    for key, value in data.items():
        head = f"{indent}{scalar(key)}:"
        note = comments.get((*path, key))
        lines += _value(head, value, indent, (*path, key), comments, note)
    return lines


def _value(
    head: str, value: Any, indent: str, path: Path_, comments: Comments, note: str | None
) -> list[str]:
    trailer = f"  # {note}" if note and "\n" not in note else ""
    before = _comment(note, indent) if note and not trailer else []
    if isinstance(value, str) and (literal := _literal(value, indent)) is not None:
        return [*before, f"{head} {literal.splitlines()[0]}{trailer}", *literal.splitlines()[1:]]
    if _is_scalar(value):
        return [*before, f"{head} {scalar(value)}{trailer}"]
    flow = _flow(value)
    if flow is not None:
        return [*before, f"{head} {flow}{trailer}"]
    if isinstance(value, Mapping):
        return [*before, f"{head}{trailer}", *_mapping(value, indent + "  ", path, comments)]
    return [*before, f"{head}{trailer}", *_sequence(value, indent + "  ", path, comments)]


def _sequence(items: Sequence[Any], indent: str, path: Path_, comments: Comments) -> list[str]:
    lines: list[str] = []
    for i, item in enumerate(items):
        if isinstance(item, Mapping) and item and _flow(item) is None:
            lines += _item(_mapping(item, indent + "  ", (*path, i), comments), indent)
        else:
            lines += _value(f"{indent}-", item, indent, (*path, i), comments, None)
    return lines


def _item(inner: list[str], indent: str) -> list[str]:
    """A mapping's lines as a list item: `- ` before its first key (comments above it)."""
    first = next(i for i, line in enumerate(inner) if not line.lstrip().startswith("#"))
    notes = [f"{indent}{line.lstrip()}" for line in inner[:first]]
    return [*notes, f"{indent}- {inner[first].lstrip()}", *inner[first + 1 :]]


def dump(
    data: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    header: str = "",
    comments: Comments | None = None,
) -> str:
    """A YAML document for one mapping or a list of mappings; `header` becomes comment
    lines at the top. ValueError if the text would not read back as `data`."""
    comments = comments or {}
    lines = _comment(header, "") if header else []
    if isinstance(data, Mapping):
        lines += _mapping(data, "", (), comments)
    else:
        for i, item in enumerate(data):
            if i:
                lines.append("")
            lines += _item(_mapping(item, "  ", (i,), comments), "")
    text = "\n".join(lines) + "\n"
    if parse_yaml(text).data != plain_data(data):
        raise ValueError("the YAML written would not read back as the same data")
    return text


def plain_data(value: Any) -> Any:
    """`value` as the checker reads it back: dates as ISO text, tuples as lists."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: plain_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_data(v) for v in value]
    return value

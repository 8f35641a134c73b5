"""What a program generated to note it (Program.tracked) reads that changes from one
judgement to the next: each comparison with `today`, and each key it reads of the
entity maps of `isms` (`isms.plans[p]`, `p in isms.plans`, `isms.plans.x`).

Posture over time (checker/carry.py) judges the same entity at one point after
another, each with its own `today` and its own other entities. A program is a pure
function of what it reads: where every comparison with `today` comes out as it did and
no map entry it read has changed, it takes the same path to the same result, so the
result holds without running it again."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, NamedTuple


class Failed(NamedTuple):
    """The outcome of a comparison that raised."""

    error: type[BaseException]
    message: str


class Compared(NamedTuple):
    """A comparison with `today`: `compare(today, other)`, or `(other, today)`."""

    compare: Callable[[Any, Any], Any]
    left: bool  # `today` is the left operand
    other: Any
    outcome: Any  # the result, or Failed


class KeyRead(NamedTuple):
    """A read of `isms.<map>[key]` (or of whether the key is there)."""

    map: str
    key: str | None  # None: a key that is not a text, which may match any key


Note = Compared | KeyRead
NOTES: list[Note] | None = None  # where a running program notes (None: nowhere)


def compared(compare: Callable[[Any, Any], Any], left: bool, other: Any, today: Any) -> Any:
    """`compare(today, other)` (or `(other, today)`), noted in NOTES."""
    try:
        outcome = compare(today, other) if left else compare(other, today)
    except BaseException as e:
        if NOTES is not None:
            NOTES.append(Compared(compare, left, other, Failed(type(e), str(e))))
        raise
    if NOTES is not None:
        NOTES.append(Compared(compare, left, other, outcome))
    return outcome


def key_read(name: str, key: Any) -> None:
    """A key of `isms.<name>` about to be read, noted in NOTES (a key that is not a
    text may match any key of the map, which is then searched: noted as None)."""
    if NOTES is not None:
        NOTES.append(KeyRead(name, str(key) if isinstance(key, str) else None))


def holds(notes: list[Note], today: Any | None, changed: Mapping[str, Collection[str]]) -> bool:
    """Whether each noted comparison comes out the same with `today` (None: `today` is
    what it was) and no noted key was among the `changed` ids of its map (a map absent
    from `changed` did not change; any change counts for the key None)."""
    for note in notes:
        if isinstance(note, KeyRead):
            keys = changed.get(note.map)
            if keys is not None and (note.key is None or note.key in keys):
                return False
        elif today is not None:
            compare, left, other, outcome = note.compare, note.left, note.other, note.outcome
            try:
                now = compare(today, other) if left else compare(other, today)
            except BaseException as e:
                if type(outcome) is not Failed or outcome != (type(e), str(e)):
                    return False
                continue
            if type(now) is not type(outcome) or now != outcome:
                return False
    return True

"""What a check run is asked to do: the engine's options, in a module of their own so
that the command line can build them without importing the engine (`isms-check
--version` and `--help` stay fast)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ENGINES = ("native", "cel-python")  # --engine's choices, besides auto (= native)


def utc_today() -> datetime.date:
    return datetime.datetime.now(datetime.timezone.utc).date()


@dataclass(frozen=True)
class Options:
    path: Path = Path(".")
    today: datetime.date = field(default_factory=utc_today)
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    base: str | None = None  # PR mode: the base commit
    new_only: bool = False
    policy_from: str = "head"  # head | base
    allow_shallow: bool = False
    engine: str = "auto"  # the CEL engine: auto (= native) | native | cel-python
    cache_dir: Path | None = None  # the cache across runs (cache.py); None: no cache
    progress: Callable[[str], None] | None = None  # told each step of a long run

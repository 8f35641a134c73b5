"""What the code generator makes of an expression: Python source and its constants.
Kept apart from the generator (which needs lark) so that a program read back from the
cache across runs imports neither."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The generated code's own version, part of its key in the cache across runs: raise it
# whenever the generator's output changes for the same expression.
GENERATION = 2


@dataclass
class Generated:
    """The Python source of `_cel(act)` and the constants it names."""

    source: str
    constants: dict[str, Any] = field(default_factory=dict)

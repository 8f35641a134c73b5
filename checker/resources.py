"""Where the built-in policies, schemas and catalogs live.

In an installed wheel, `policies/` and `schemas/` are package data inside `checker/`;
in a source checkout they are the top-level folders next to `checker/`.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """`policies` or `schemas`: the packaged copy if installed, else the source tree's."""
    packaged = _PACKAGE / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / name


def catalog_file(name: str) -> Path | None:
    """The built-in catalog for a name like `iso27001:2022`, or None if there is none."""
    path = _PACKAGE / "catalogs" / (name.replace(":", "-") + ".yaml")
    return path if path.is_file() else None

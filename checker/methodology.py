"""isms.yaml: finding the ISMS root, reading the methodology, and the control catalog.

An unusable isms.yaml stops the run (ConfigError, exit 2): without scales, bands and
an appetite no risk can be judged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker import schema
from checker.errors import ConfigError
from checker.kinds import KINDS
from checker.loader import DisplayPaths, Parsed, YamlProblem, load_file, parse_yaml, read_text
from checker.resources import catalog_file
from checker.tree import DiskTree, FileTree

ISMS_FILES = ("isms.yaml", "isms.yml")
DEFAULT_PATHS = {
    **{k.plural: k.default_path for k in KINDS if k.parent is None},
    "policies": "policies",
}
DEFAULT_NONCONFORMITY_DAYS = {"major": 30, "minor": 90}
DEFAULT_REVIEW: dict[str, Any] = {
    "risk_days": 365,
    "control_days": 365,
    "audit_days": 365,
    "acceptance_max_days": 365,
    "warn_days": 30,
    "objective_days": 90,
    "management_review_days": 365,
    "audit_cycle_days": 365,
    "nonconformity_days": DEFAULT_NONCONFORMITY_DAYS,
}


@dataclass(frozen=True)
class Band:
    name: str
    max: int


@dataclass(frozen=True)
class CatalogControl:
    id: str
    title: str
    theme: str


@dataclass(frozen=True)
class Methodology:
    file: str  # display path of isms.yaml
    data: Mapping[str, Any]
    parsed: Parsed
    likelihood: tuple[int, ...]
    impact: tuple[int, ...]
    matrix: tuple[tuple[int, ...], ...] | None
    bands: tuple[Band, ...]
    appetite: int
    review: Mapping[str, Any]
    catalog_name: str
    catalog: tuple[CatalogControl, ...]
    paths: Mapping[str, str] = field(default_factory=dict)

    def level(self, likelihood: Any, impact: Any) -> int | None:
        """The risk level of a rating, or None when a value is not on the scale."""
        on_scale = (
            type(likelihood) is int
            and type(impact) is int
            and likelihood in self.likelihood
            and impact in self.impact
        )
        if not on_scale:
            return None
        if self.matrix is not None:
            return int(self.matrix[likelihood - 1][impact - 1])
        return int(likelihood) * int(impact)

    def band(self, level: int | None) -> str | None:
        if level is None:
            return None
        for band in self.bands:
            if level <= band.max:
                return band.name
        return None

    def line_of(self, *path: str | int) -> int:
        return self.parsed.position(path)[0]


def find_root(start: Path) -> Path:
    """The folder holding isms.yaml: `start` itself or the nearest ancestor."""
    start = start.resolve()
    if start.is_file() and start.name in ISMS_FILES:
        return start.parent
    if not start.exists():
        raise ConfigError(f"{start}: no such file or folder")
    for folder in (start, *start.parents):
        if any((folder / name).is_file() for name in ISMS_FILES):
            return folder
    raise ConfigError(
        f"no isms.yaml found in {start} or any folder above it: "
        "pass the folder that holds your ISMS (isms-check PATH)"
    )


def isms_file(tree: FileTree) -> str | None:
    return next((name for name in ISMS_FILES if tree.is_file(name)), None)


def parse_isms(
    tree: FileTree, rel: str, display: str, validate: schema.Validate = schema.validate_text
) -> Parsed:
    """Reads isms.yaml and checks its schema; any problem is a ConfigError."""
    try:
        text = read_text(tree, rel)
        parsed = parse_yaml(text)
    except YamlProblem as p:
        raise ConfigError(f"{display}:{p.line}:{p.column}: {p.message}") from p
    if not isinstance(parsed.data, dict):
        raise ConfigError(
            f"{display}:1: isms.yaml must be a mapping of settings (version, scales, ...)"
        )
    version = parsed.data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version != 1:
        line = parsed.position(("version",))[0]
        raise ConfigError(
            f"{display}:{line}: unknown isms.yaml version {version}: "
            "this isms-check reads version 1"
        )
    problems = [
        f"{display}:{parsed.position(v.path)[0]}: {v.message}"
        for v in validate("isms", text, parsed.data)
    ]
    if problems:
        raise ConfigError("isms.yaml is invalid:\n  " + "\n  ".join(problems))
    return parsed


def load_methodology(
    tree: FileTree,
    display: DisplayPaths,
    origin: str = "",
    validate: schema.Validate = schema.validate_text,
) -> Methodology:
    """The methodology of the ISMS in `tree`; `origin` names a commit in messages."""
    rel = isms_file(tree)
    if rel is None:
        raise ConfigError(f"{origin or 'the ISMS'} has no isms.yaml")
    shown = display.of(rel) + (f" (at {origin})" if origin else "")
    parsed = parse_isms(tree, rel, shown, validate)
    data = parsed.data

    def fail(message: str, *where: str | int) -> ConfigError:
        return ConfigError(f"{shown}:{parsed.position(where)[0]}: {message}")

    scales = {}
    for axis in ("likelihood", "impact"):
        values = tuple(entry["value"] for entry in data["scales"][axis])
        if values != tuple(range(1, len(values) + 1)):
            raise fail(
                f"scales.{axis}: values must ascend 1, 2, 3, ... (got {list(values)})",
                "scales",
                axis,
            )
        scales[axis] = values
    levels = data["levels"]
    matrix = levels.get("matrix")
    if matrix is not None:
        if len(matrix) != len(scales["likelihood"]) or any(
            len(row) != len(scales["impact"]) for row in matrix
        ):
            raise fail(
                f"levels.matrix must have {len(scales['likelihood'])} rows (likelihood) of "
                f"{len(scales['impact'])} levels (impact)",
                "levels",
                "matrix",
            )
        matrix = tuple(tuple(row) for row in matrix)
        possible = {level for row in matrix for level in row}
    else:
        possible = {li * im for li in scales["likelihood"] for im in scales["impact"]}
    bands = tuple(Band(b["name"], b["max"]) for b in levels["bands"])
    maxes = [b.max for b in bands]
    if maxes != sorted(set(maxes)):
        raise fail("levels.bands must ascend strictly by max", "levels", "bands")
    if len({b.name for b in bands}) != len(bands):
        raise fail("levels.bands: band names must be unique", "levels", "bands")
    if max(possible) > bands[-1].max or min(possible) < 1:
        raise fail(
            f"levels.bands: every level must fall in a band, but levels run from {min(possible)} "
            f"to {max(possible)} and the last band ends at {bands[-1].max}",
            "levels",
            "bands",
        )
    review = {**DEFAULT_REVIEW, **data.get("review", {})}
    review["nonconformity_days"] = {  # a user may set one severity and keep the other's default
        **DEFAULT_NONCONFORMITY_DAYS,
        **data.get("review", {}).get("nonconformity_days", {}),
    }
    unknown_bands = set(review.get("by_band", {})) - {b.name for b in bands}
    if unknown_bands:
        raise fail(
            f"review.by_band names unknown bands: {', '.join(sorted(unknown_bands))}",
            "review",
            "by_band",
        )
    review.setdefault("by_band", {})
    catalog_name = data.get("catalog", "iso27001:2022")
    return Methodology(
        file=display.of(rel),
        data=data,
        parsed=parsed,
        likelihood=scales["likelihood"],
        impact=scales["impact"],
        matrix=matrix,
        bands=bands,
        appetite=data["appetite"],
        review=review,
        catalog_name=catalog_name,
        catalog=load_catalog(tree, catalog_name, lambda m: fail(m, "catalog")),
        paths={**DEFAULT_PATHS, **data.get("paths", {})},
    )


def load_catalog(tree: FileTree, name: str, fail: Any) -> tuple[CatalogControl, ...]:
    """A built-in catalog by name, or a catalog file relative to the ISMS root."""
    builtin = catalog_file(name)
    source: FileTree = DiskTree(builtin.parent) if builtin else tree
    rel = builtin.name if builtin else name
    if not source.is_file(rel):
        raise fail(f"catalog '{name}' is neither a built-in catalog (iso27001:2022) nor a file")
    try:
        data = load_file(source, rel).data
    except YamlProblem as p:
        raise fail(f"catalog file {name}:{p.line}: {p.message}") from p
    controls = data.get("controls") if isinstance(data, dict) else None
    if not isinstance(controls, list) or not all(
        isinstance(c, dict) and isinstance(c.get("id"), str) for c in controls
    ):
        raise fail(f"catalog file {name} must hold `controls:`, a list of {{id, title, theme}}")
    return tuple(
        CatalogControl(c["id"], str(c.get("title", "")), str(c.get("theme", ""))) for c in controls
    )

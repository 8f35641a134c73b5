"""Shape checks for the example ISMS in examples/ (the real checker runs over it elsewhere)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples"
CATALOG = ROOT / "checker" / "catalogs" / "iso27001-2022.yaml"
KINDS = ("risks", "controls", "plans")


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _entities(kind: str) -> list[tuple[Path, dict[str, Any]]]:
    """(file, entity) pairs of one kind; a file holds one mapping or a list of mappings."""
    out = []
    for path in sorted((EXAMPLE / kind).rglob("*")):
        if path.suffix not in (".yaml", ".yml"):
            continue
        doc = _load(path)
        for entity in doc if isinstance(doc, list) else [doc]:
            assert isinstance(entity, dict), f"{path}: not a mapping"
            out.append((path, entity))
    return out


def test_isms_yaml_at_example_root() -> None:
    isms = _load(EXAMPLE / "isms.yaml")
    assert isms["version"] == 1
    assert isms["catalog"] == "iso27001:2022"


@pytest.mark.parametrize(
    "path",
    sorted(p for p in EXAMPLE.rglob("*") if p.suffix in (".yaml", ".yml")),
    ids=lambda p: str(p.relative_to(EXAMPLE)),
)
def test_every_yaml_file_loads(path: Path) -> None:
    doc = _load(path)
    assert isinstance(doc, (dict, list)), path


@pytest.mark.parametrize("kind", KINDS)
def test_ids_unique_per_kind(kind: str) -> None:
    ids = [e["id"] for _, e in _entities(kind)]
    assert ids, f"no {kind} found"
    dups = sorted({i for i in ids if ids.count(i) > 1})
    assert not dups, f"duplicate {kind} ids: {dups}"


def test_soa_covers_catalog() -> None:
    catalog_ids = [c["id"] for c in _load(CATALOG)["controls"]]
    assert len(catalog_ids) == 93
    soa = {e["id"]: e for _, e in _entities("controls")}
    missing = [i for i in catalog_ids if i not in soa]
    assert not missing, f"catalog controls missing from the SoA: {missing}"
    extra = [i for i, e in soa.items() if i not in catalog_ids and not e.get("custom")]
    assert not extra, f"SoA ids neither in the catalog nor custom: {extra}"


def test_evidence_paths_exist() -> None:
    missing = []
    for path, control in _entities("controls"):
        for item in control.get("evidence") or []:
            if re.match(r"^[a-z][a-z0-9+.-]*://", item):
                continue  # URL
            if not (EXAMPLE / item).is_file():
                missing.append(f"{control['id']} ({path.name}): {item}")
    assert not missing, "evidence paths that do not exist:\n" + "\n".join(missing)


def test_links_name_known_ids() -> None:
    risks = {e["id"] for _, e in _entities("risks")}
    controls = {e["id"] for _, e in _entities("controls")}
    plans = {e["id"] for _, e in _entities("plans")}
    for _, risk in _entities("risks"):
        assert set(risk.get("controls") or []) <= controls, risk["id"]
        assert set(risk.get("plans") or []) <= plans, risk["id"]
    for _, plan in _entities("plans"):
        assert set(plan["risks"]) <= risks, plan["id"]
        for action in plan["actions"]:
            assert set(action.get("controls") or []) <= controls, (plan["id"], action["id"])
    for waiver in _load(EXAMPLE / "waivers.yaml"):
        assert waiver["target"] in risks | controls | plans, waiver

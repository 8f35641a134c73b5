"""The docs pages that show commands with their output show what the commands print
(tests/docs_sessions.py runs them)."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest

from tests.docs_sessions import run_page

DOCS = Path(__file__).resolve().parents[1] / "docs"
TODAY = datetime.date(2026, 12, 1)
PAGES = ["getting-started.md", "waivers.md", "custom-rules.md"]


@pytest.mark.parametrize("name", PAGES)
def test_page_output_is_real(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    update = os.environ.get("ISMS_DOCS_UPDATE") == "1"
    problems = run_page(DOCS / name, tmp_path, monkeypatch, capsys, TODAY, update)
    assert not problems, "\n\n".join(problems) + (
        "\n\n(ISMS_DOCS_UPDATE=1 writes the outputs into the page)" if not update else ""
    )


NEW_PAGES = [*PAGES, "ci.md", "clause-map.md"]


def _anchors(page: Path) -> set[str]:
    from tests.test_docs_format import _slug

    out: set[str] = set()
    fenced = False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            out.add(_slug(line.lstrip("#").strip()))
    return out


@pytest.mark.parametrize("name", NEW_PAGES)
def test_links_resolve(name: str) -> None:
    import re

    page = DOCS / name
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"`[^`]*`", "", text)
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if target.startswith(("http://", "https://")):
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path) if path else page
        assert linked.exists(), f"{name}: link to a missing file: {target}"
        if anchor:
            assert anchor in _anchors(linked), f"{name}: link to a missing heading: {target}"


def test_readme_minimal_isms_yaml_and_waiver_are_valid(tmp_path: Path) -> None:
    import re

    from checker.loader import DisplayPaths, parse_yaml
    from checker.methodology import load_methodology
    from checker.schema import validate
    from checker.tree import DiskTree

    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Start your own ISMS", 1)[1].split("\n## ", 1)[0]
    isms, waiver = re.findall(r"```yaml\n(.*?)```", section, re.S)
    (tmp_path / "isms.yaml").write_text(isms, encoding="utf-8")
    methodology = load_methodology(DiskTree(tmp_path), DisplayPaths.for_root(tmp_path))
    assert methodology.appetite == 4
    [entry] = parse_yaml(waiver).data
    assert validate("waiver", entry) == []


def test_readme_rule_and_its_test_pass(tmp_path: Path) -> None:
    """The README's own rule and the rule test under it, in a copy of the example ISMS:
    `isms-check test` runs the test against the rule as the README writes it."""
    import re
    import shutil

    from checker.main import main

    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Your own rules", 1)[1].split("\n## ", 1)[0]
    rule, test = re.findall(r"```yaml\n(.*?)```", section, re.S)
    isms = tmp_path / "isms"
    shutil.copytree(DOCS.parent / "examples", isms)
    shutil.rmtree(isms / "policies")
    (isms / "policies" / "tests").mkdir(parents=True)
    (isms / "policies" / "org.yaml").write_text(rule, encoding="utf-8")
    (isms / "policies" / "tests" / "org.test.yaml").write_text(test, encoding="utf-8")
    assert main(["test", str(isms / "policies")]) == 0

"""Every built-in rule is documented: the texts `isms-check explain` shows, and an example."""

from __future__ import annotations

import pytest
import yaml

from checker.findings import RuleInfo
from checker.main import main
from checker.policy import builtin_infos

INFOS = builtin_infos()

# The rule ids of the spec's default policy pack (section 3).
SPEC_IDS = {
    "ISMS-PARSE", "ISMS-SCHEMA", "ISMS-DUP", "ISMS-REF", "RA-001",
    *(f"RT-00{n}" for n in range(1, 8)), *(f"SOA-00{n}" for n in range(1, 8)),
    *(f"RTP-00{n}" for n in range(1, 5)), *(f"ST-00{n}" for n in range(1, 7)),
    "WV-001", "WV-002", "GIT-001", "GIT-002", "GIT-003",
    # section 8 (1.1): the management-system records
    "RT-008", "SOA-008", "SOA-009", *(f"OBJ-00{n}" for n in range(1, 4)),
    *(f"AUD-00{n}" for n in range(1, 5)), *(f"MR-00{n}" for n in range(1, 4)),
    *(f"NC-00{n}" for n in range(1, 5)),
}  # fmt: skip
# Rules that cite no ISO clause: a waiver is the checker's own exception, not a risk
# acceptance (docs/format.md, WV-001)
NO_ISO_CLAUSE = {"WV-001"}


def _ids(info: RuleInfo) -> str:
    return info.id


def test_every_spec_rule_is_built_in() -> None:
    assert {i.id for i in INFOS} == SPEC_IDS


@pytest.mark.parametrize("info", INFOS, ids=_ids)
def test_rule_is_documented(info: RuleInfo) -> None:
    assert info.title.strip(), "no title"
    assert info.description.strip(), "no description"
    assert info.remediation.strip(), "no remediation"
    assert info.references or info.id in NO_ISO_CLAUSE, "no references"
    assert all(r.strip() for r in info.references), "an empty reference"
    assert info.example.strip(), "no example"


@pytest.mark.parametrize("info", INFOS, ids=_ids)
def test_example_parses_as_yaml(info: RuleInfo) -> None:
    doc = yaml.safe_load(info.example)
    assert isinstance(doc, (dict, list)), f"example is not a mapping or a list: {doc!r}"


@pytest.mark.parametrize("info", INFOS, ids=_ids)
def test_explain_shows_the_example(info: RuleInfo, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["explain", info.id])
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = out.splitlines()
    assert "Example" in lines, out
    section = lines[lines.index("Example") + 1 :]
    for line in info.example.rstrip().splitlines():
        assert "  " + line in section, f"example line missing from explain: {line!r}"

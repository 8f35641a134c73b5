"""--format sarif: SARIF 2.1.0, validated against the official OASIS schema (a copy in
tests/data), plus the parts GitHub code scanning relies on: rule entries, physical
locations, levels, suppressions and fingerprints that survive line moves."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from checker.findings import Location, Report
from checker.reporters import RenderOptions, sarif
from tests.conftest import Cli
from tests.report_samples import ERR, RULES, hostile, pr_report, report, result

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())


def validate(document: dict[str, Any]) -> None:
    # The OASIS file declares draft-04 (`"$schema": ".../draft-04/schema#"`), so the
    # validator is chosen from it rather than assumed; format checks are on.
    cls = jsonschema.validators.validator_for(SCHEMA)
    cls.check_schema(SCHEMA)
    errors = sorted(
        cls(SCHEMA, format_checker=cls.FORMAT_CHECKER).iter_errors(document),
        key=lambda e: list(e.absolute_path),
    )
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def render(r: Report, fail_on: str = "error") -> dict[str, Any]:
    text = sarif.render(r, RenderOptions(fail_on=fail_on))
    document: dict[str, Any] = json.loads(text)
    return document


SAMPLES = {
    "plain": report,
    "pr": pr_report,
    "empty": lambda: report(results=(), notices=()),
    "hostile": lambda: hostile("x\n::error::y <script>|`%0A\u2028\x00"),
}


@pytest.mark.parametrize("name", SAMPLES)
def test_valid_sarif_2_1_0(name: str) -> None:
    validate(render(SAMPLES[name]()))


def test_the_schema_rejects_a_broken_log() -> None:
    """The validation above is real: a result without a message is refused."""
    document = render(report())
    del document["runs"][0]["results"][0]["message"]
    with pytest.raises(AssertionError, match="'message' is a required property"):
        validate(document)


def test_driver_and_one_rule_entry_per_rule() -> None:
    run = render(report())["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["informationUri"]) == (
        "isms-check",
        "1.2.3",
        "https://isms-check.dev/",
    )
    assert [rule["id"] for rule in driver["rules"]] == sorted(i.id for i in RULES)
    rt002 = driver["rules"][[r["id"] for r in driver["rules"]].index("RT-002")]
    assert rt002 == {
        "id": "RT-002",
        "name": "RisksAboveAppetiteHaveAPlanOrAValidAcceptance",
        "shortDescription": {"text": "Risks above appetite have a plan or a valid acceptance"},
        "fullDescription": {"text": "A risk above appetite needs a treatment in force."},
        "help": {
            "text": "Risks above appetite have a plan or a valid acceptance\n\n"
            "A risk above appetite needs a treatment in force.\n\n"
            "How to fix: Add an approved or in-progress plan, or a valid acceptance.\n\n"
            "References: ISO/IEC 27001:2022 6.1.3 e; ISO/IEC 27001:2022 8.3\n\n"
            "Expression (CEL):\n"
            "when: risk.level > isms.appetite\ncheck: risk.plan_ids.size() > 0",
            "markdown": "**Risks above appetite have a plan or a valid acceptance**\n\n"
            "A risk above appetite needs a treatment in force.\n\n"
            "**How to fix:** Add an approved or in-progress plan, or a valid acceptance.\n\n"
            "**References:**\n\n- ISO/IEC 27001:2022 6.1.3 e\n- ISO/IEC 27001:2022 8.3\n\n"
            "**Expression (CEL):**\n\n"
            "```\nwhen: risk.level > isms.appetite\ncheck: risk.plan_ids.size() > 0\n```",
        },
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "tags": ["isms", "iso27001", "risk"],
            "references": ["ISO/IEC 27001:2022 6.1.3 e", "ISO/IEC 27001:2022 8.3"],
            "source": "(built-in) policies/treatment.yaml:12",
        },
    }
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in driver["rules"]}
    assert (levels["ST-004"], levels["ORG-INFO"]) == ("warning", "note")


def _by_rule(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["ruleId"]: r for r in document["runs"][0]["results"]}


def test_exact_result() -> None:
    document = render(report())
    results = document["runs"][0]["results"]
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    assert _by_rule(document)["RT-002"] == {
        "ruleId": "RT-002",
        "ruleIndex": 3,
        "level": "error",
        "message": {"text": "risk R-001 (level 20) is above appetite 8 without a plan"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": "isms/risks/ransomware.yaml",
                        "uriBaseId": "%SRCROOT%",
                    },
                    "region": {"startLine": 2},
                }
            }
        ],
        "partialFingerprints": {"isms/v1": hashlib.sha256(b"RT-002::R-001").hexdigest()},
        "properties": {
            "kind": "risk",
            "entity": "R-001",
            "status": "open",
            "change": None,
            "failsBuild": True,
            "references": ["ISO/IEC 27001:2022 6.1.3 e", "ISO/IEC 27001:2022 8.3"],
        },
    }


def test_every_finding_is_a_result_passes_are_not() -> None:
    r = report()
    results = render(r)["runs"][0]["results"]
    assert len(results) == len(r.findings) == len(r.results) - 1
    assert {x["ruleId"]: x["level"] for x in results} == {
        "ISMS-PARSE": "error",
        "ORG-INFO": "note",
        "RT-002": "error",
        "ORG-900": "error",  # a warning rule whose evaluation failed: an error
        "SOA-006": "error",
        "ST-004": "warning",
    }


def test_waived_finding_is_suppressed_not_dropped() -> None:
    waived = _by_rule(render(report()))["SOA-006"]
    assert waived["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "waived until 2027-01-31 (approved by CISO): "
            "Landlord holds the evidence",
            "properties": {
                "reason": "Landlord holds the evidence",
                "approvedBy": "CISO",
                "expires": "2027-01-31",
            },
        }
    ]
    assert waived["properties"]["status"] == "waived"
    assert waived["properties"]["failsBuild"] is False
    results = render(report())["runs"][0]["results"]
    assert [x["ruleId"] for x in results if "suppressions" in x] == ["SOA-006"]


def test_evaluation_error_says_so() -> None:
    error = _by_rule(render(report()))["ORG-900"]
    assert error["level"] == "error"
    assert error["message"]["text"] == (
        "Evaluation error (the rule could not be judged): "
        "rule ORG-900: `check` failed on R-003: no such key: missing"
    )
    assert error["properties"]["status"] == "error"


def test_fingerprints_survive_line_moves_and_message_changes() -> None:
    before = report()
    moved = dataclasses.replace(
        before,
        results=tuple(
            dataclasses.replace(
                r,
                location=Location(r.location.file, r.location.line + 40, None),
                message=r.message + " (reworded)",
            )
            for r in before.results
        ),
    )

    def prints(r: Report) -> dict[str, str]:
        results = render(r)["runs"][0]["results"]
        return {x["ruleId"]: x["partialFingerprints"]["isms/v1"] for x in results}

    assert prints(before) == prints(moved)
    values = list(prints(before).values())
    assert len(set(values)) == len(values)
    # a file-level finding (no entity) is named by its file
    assert (
        prints(before)["ISMS-PARSE"]
        == hashlib.sha256(b"ISMS-PARSE::isms/risks/broken.yaml").hexdigest()
    )
    # the same rule on another entity is another alert
    other = result("RT-002", ERR, "risk", "R-002", ("isms/risks/ransomware.yaml", 2, None))
    assert sarif.fingerprint(other) != prints(before)["RT-002"]


def test_pr_mode_baseline_state() -> None:
    states = {x["ruleId"]: x["baselineState"] for x in render(pr_report())["runs"][0]["results"]}
    assert states["RT-002"] == "new" and states["ORG-900"] == "new"
    assert states["ST-004"] == "unchanged"
    assert all("baselineState" not in x for x in render(report())["runs"][0]["results"])


def test_uris_are_relative_and_percent_encoded() -> None:
    r = report(
        results=(result("RT-002", ERR, "risk", "R-1", ("isms/risks/a b#1%.yaml", 3, 5)),),
    )
    loc = render(r)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {
        "uri": "isms/risks/a%20b%231%25.yaml",
        "uriBaseId": "%SRCROOT%",
    }
    assert loc["region"] == {"startLine": 3, "startColumn": 5}


def test_notices_become_tool_notifications() -> None:
    invocation = render(report())["runs"][0]["invocations"][0]
    assert invocation == {
        "executionSuccessful": True,
        "exitCode": 1,
        "toolExecutionNotifications": [
            {"level": "note", "message": {"text": "GIT-* rules skipped: not a git repository"}}
        ],
    }


def test_deterministic_and_free_of_timestamps() -> None:
    first, second = sarif.render(report(), RenderOptions()), sarif.render(report(), RenderOptions())
    assert first == second
    assert "Time" not in first  # no startTimeUtc / endTimeUtc
    assert '"today": "2026-11-27"' in first


def test_unknown_rule_of_a_finding_still_gets_an_entry() -> None:
    r = report(rules=(), results=(result("X-1", ERR, "risk", "R-1", ("r.yaml", 1, None)),))
    document = render(r)
    validate(document)
    assert document["runs"][0]["tool"]["driver"]["rules"][0]["id"] == "X-1"


def test_cli_writes_sarif_to_stdout_and_file(tmp_path: Path, cli: Cli) -> None:
    out = tmp_path / "reports" / "isms.sarif"
    code, stdout, _ = cli(
        str(ROOT / "examples"), "--today", "2026-11-27", "--format", "sarif", "--sarif", str(out)
    )
    assert code == 0
    assert stdout == out.read_text(encoding="utf-8")
    document = json.loads(stdout)
    validate(document)
    run = document["runs"][0]
    assert len(run["tool"]["driver"]["rules"]) >= 33
    uris = [
        x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for x in run["results"]
    ]
    assert uris and all(uri.startswith("examples/") for uri in uris)  # relative to the git root
    waived = _by_rule(document)["SOA-006"]
    assert uris[run["results"].index(waived)] == "examples/controls/physical.yaml"
    assert waived["suppressions"][0]["kind"] == "external"

"""The files of a new ISMS (`isms-check init`): data in, (path, text) pairs out.

What it writes (docs/getting-started.md walks through it): isms.yaml with a documented
5x5 methodology, `established` (the day init runs) and the `soa` block; the full SoA of
the catalog, one file per theme, every control applicable and not implemented with a
justification to complete; one example risk, treatment plan and objective; a custom
rule and its test; the pre-commit configuration and a GitHub workflow using the Action;
a README; and the bundled JSON Schemas under `.schemas/`, which the `# yaml-language-server:
$schema=` modeline of each YAML file points at, so that editors complete and validate
fields offline.

The result checks with exit 0 on the day it is written (tests/commands/test_init.py).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass

from checker import __version__
from checker.methodology import CatalogControl
from checker.writing import SCHEMA_FOLDER, comments_for
from checker.yamlwrite import dump, scalar

JUSTIFICATION = "TO COMPLETE: the risk or requirement this control addresses"
ACTION_REF = "isms-check/isms-check"  # the Action's repository (README: "Running it in CI")


@dataclass(frozen=True)
class ScaffoldFile:
    rel: str
    text: str


def _modeline(rel: str, schema: str) -> str:
    up = "../" * rel.count("/")
    return f"yaml-language-server: $schema={up}{SCHEMA_FOLDER}/{schema}.schema.json"


def isms_yaml(organization: str, today: datetime.date) -> str:
    org = scalar(organization)
    return f"""\
# {_modeline("isms.yaml", "isms")}
# The ISMS methodology (ISO/IEC 27001:2022 6.1.2): risk criteria, review intervals and
# where the records are. Reference: docs/format.md of isms-check ("isms.yaml").
version: 1
organization: {org}
established: {today.isoformat()}  # when the ISMS started (audits and reviews are due a cycle later)
scales:                           # 6.1.2: likelihood and impact, 1 (lowest) to 5
  likelihood:
    - {{value: 1, label: Rare}}            # less than once in 10 years
    - {{value: 2, label: Unlikely}}        # once in 3-10 years
    - {{value: 3, label: Possible}}        # once in 1-3 years
    - {{value: 4, label: Likely}}          # about once a year
    - {{value: 5, label: Almost certain}}  # several times a year
  impact:
    - {{value: 1, label: Negligible}}      # no noticeable effect
    - {{value: 2, label: Minor}}           # contained, recovered within a day
    - {{value: 3, label: Moderate}}        # customers affected; days to recover
    - {{value: 4, label: Major}}           # serious harm, regulator or contract breach
    - {{value: 5, label: Severe}}          # threatens the organisation
levels:
  # no matrix: level = likelihood * impact (1..25)
  bands:
    - {{name: Low, max: 4}}
    - {{name: Medium, max: 9}}
    - {{name: High, max: 16}}
    - {{name: Critical, max: 25}}
appetite: 8  # the acceptance criterion (6.1.2 a): risks above it need a plan or a formal acceptance
review:
  risk_days: 365                      # reassess each risk yearly (8.2) ...
  by_band: {{Critical: 90, High: 180}}  # ... and high risks more often
  control_days: 365                   # review each SoA entry yearly
  audit_days: 365                     # audit each implemented control yearly (9.2)
  acceptance_max_days: 365            # an acceptance or waiver runs at most a year
  warn_days: 30                       # warn a month before an acceptance expires
catalog: iso27001:2022
soa:
  version: "1"
  # approved: {{by: CEO, date: YYYY-MM-DD}}   # to do: record who approved this SoA version
check:                                # how isms-check judges this ISMS, locally and in CI
  fail_on: error                      # error | warning | never
  # select: [RT, SOA]                 # only these rules (ids or prefixes)
  # ignore: [ST-005]                  # leave these out
  policy_from: base                   # in PR mode the base's rules judge the change
paths: {{risks: risks, controls: controls, plans: plans, policies: policies, waivers: waivers.yaml}}
"""


def soa_files(catalog: Sequence[CatalogControl]) -> list[ScaffoldFile]:
    themes: dict[str, list[CatalogControl]] = {}
    for control in catalog:
        themes.setdefault(control.theme or "Other", []).append(control)
    out = []
    for theme, controls in themes.items():
        rel = f"controls/{theme.lower().replace(' ', '-')}.yaml"
        entries = [
            {
                "id": c.id,
                "title": c.title,
                "applicable": True,
                "justification": JUSTIFICATION,
                "status": "not_implemented",
            }
            for c in controls
        ]
        comments: dict[tuple[str | int, ...], str] = {}
        for i, entry in enumerate(entries):
            comments.update(comments_for("control", entry, i))
        header = (
            f"{_modeline(rel, 'control')}\n"
            f"Statement of Applicability (6.1.3 d): the {theme} controls of the catalog.\n"
            "For each control: keep applicable: true and say why, or set applicable: false\n"
            "and justify the exclusion; then track status, owner and evidence."
        )
        out.append(ScaffoldFile(rel, dump(entries, header, comments)))
    return out


def example_records(today: datetime.date) -> list[ScaffoldFile]:
    def days(n: int) -> datetime.date:
        return today + datetime.timedelta(days=n)

    risk = {
        "id": "R-001",
        "title": "Ransomware encrypts file servers and backups",
        "description": "An example risk: replace it with your own (or import your register: "
        "isms-check import risks FILE.xlsx).",
        "owner": "CISO",
        "assets": ["file-servers", "backups"],
        "threats": ["ransomware"],
        "inherent": {"likelihood": 4, "impact": 4},
        "treatment": "mitigate",
        "controls": ["A.8.7", "A.8.13"],
        "plans": ["RTP-001"],
        "assessed": today,
    }
    plan = {
        "id": "RTP-001",
        "title": "Ransomware resilience",
        "risks": ["R-001"],
        "owner": "CISO",
        "status": "approved",
        "approval": {"by": "CISO", "date": today},
        "created": today,
        "due": days(180),
        "actions": [
            {
                "id": "A1",
                "title": "Deploy EDR to all servers and laptops",
                "owner": "IT Operations",
                "due": days(90),
                "status": "open",
                "controls": ["A.8.7"],
            },
            {
                "id": "A2",
                "title": "Immutable, tested backups",
                "owner": "IT Operations",
                "due": days(150),
                "status": "open",
                "controls": ["A.8.13"],
            },
        ],
    }
    objective = {
        "id": "OBJ-001",
        "title": "Restore critical services within 4 hours",
        "owner": "CISO",
        "measure": "Median restore time in quarterly restore tests (hours)",
        "target": "<= 4 hours",
        "due": days(365),
        "status": "active",
        "created": today,
    }
    return [
        ScaffoldFile(
            "risks/R-001.yaml",
            dump(
                risk,
                f"{_modeline('risks/R-001.yaml', 'risk')}\nAn example risk (6.1.2).",
                {
                    ("inherent",): "before treatment: likelihood and impact on the 1-5 scales",
                    ("treatment",): "none | mitigate | accept | avoid | transfer",
                },
            ),
        ),
        ScaffoldFile(
            "plans/RTP-001.yaml",
            dump(
                plan,
                f"{_modeline('plans/RTP-001.yaml', 'plan')}\n"
                "An example risk treatment plan (6.1.3 e), approved by the risk owner (6.1.3 f).",
                {("status",): "draft | approved | in_progress | completed | cancelled"},
            ),
        ),
        ScaffoldFile(
            "objectives/OBJ-001.yaml",
            dump(
                objective,
                f"{_modeline('objectives/OBJ-001.yaml', 'objective')}\n"
                "An information security objective (6.2); add results as you measure (9.1).",
            ),
        ),
    ]


RULES = """\
# yaml-language-server: $schema=../.schemas/rules.schema.json
# Your own rules, judged with the built-in ones (docs/custom-rules.md of isms-check).
rules:
  - id: ORG-001
    title: Critical risks are owned by an executive
    severity: error
    resource: risk
    when: risk.level >= 17          # the Critical band
    check: risk.owner in ['CEO', 'CTO', 'CISO']
    message: "'Risk ' + risk.id + ' is Critical but owned by ' + risk.owner"
    references: ["ISO/IEC 27001:2022 6.1.2 c"]
    remediation: Assign the risk to the CEO, the CTO or the CISO.
"""

RULE_TESTS = """\
# yaml-language-server: $schema=../.schemas/ruletests.schema.json
# Tests of policies/org.yaml: run them with `isms-check test`.
tests:
  - name: a critical risk owned by an engineer fails
    rule: ORG-001
    given:
      risks:
        - {id: R-1, title: Outage, owner: Engineer, inherent: {likelihood: 5, impact: 4},
           treatment: mitigate, assessed: 2026-11-01}
    fail: [R-1]
  - name: a critical risk owned by the CISO passes, a low one is not judged
    rule: ORG-001
    given:
      risks:
        - {id: R-2, title: Outage, owner: CISO, inherent: {likelihood: 5, impact: 4},
           treatment: mitigate, assessed: 2026-11-01}
        - {id: R-3, title: Typo, owner: Engineer, inherent: {likelihood: 1, impact: 1},
           treatment: accept, assessed: 2026-11-01}
    pass: [R-2]
"""


def precommit() -> str:
    return f"""\
# pre-commit (https://pre-commit.com): `pre-commit install` checks the ISMS on every commit.
repos:
  - repo: https://github.com/{ACTION_REF}
    rev: v{__version__}
    hooks:
      - id: isms-check        # checks the ISMS
      - id: isms-check-test   # runs the tests of your rules (policies/*.test.yaml)
"""


def workflow() -> str:
    return f"""\
# Checks the ISMS on every push and pull request; findings show as annotations, in the
# job summary, in code scanning (SARIF) and as a test report (JUnit).
name: ISMS
on: [push, pull_request]
permissions:
  contents: read
  security-events: write   # upload-sarif
jobs:
  isms-check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
        with:
          fetch-depth: 0    # the rules read git history; a shallow clone stops the check
      - uses: {ACTION_REF}@v{__version__}
        # fail-on, select, ignore and policy-from come from isms.yaml's `check:` block
      - uses: github/codeql-action/upload-sarif@v3
        if: ${{{{ !cancelled() }}}}
        with:
          sarif_file: isms-check.sarif
"""


def readme(organization: str) -> str:
    return f"""\
# ISMS of {organization}

The information security management system (ISO/IEC 27001:2022) as YAML files, checked
by [isms-check](https://github.com/{ACTION_REF}) on every commit and pull request.

| Where | What |
|---|---|
| `isms.yaml` | the methodology: scales, risk levels, appetite, review intervals, `check:` |
| `risks/` | the risk register (6.1.2) |
| `controls/` | the Statement of Applicability, one file per Annex A theme (6.1.3 d) |
| `plans/` | risk treatment plans (6.1.3 e) |
| `objectives/` | information security objectives (6.2) |
| `policies/` | our own rules (`org.yaml`) and their tests (`org.test.yaml`) |
| `.schemas/` | JSON Schemas for editors (the `yaml-language-server` line atop each file) |

First steps:

1. Replace the example risk, plan and objective with your own, or import your
   register: `isms-check import risks register.xlsx`.
2. Complete each SoA entry under `controls/`: why it applies (or `applicable: false` and
   why not), then its status, owner and evidence as you implement it.
3. Record the SoA's approval in `isms.yaml` (`soa.approved`).

Check locally with `isms-check` (exit 0: nothing fails), `isms-check test` for the rule
tests; `isms-check export risks -o risks.xlsx` gives managers a spreadsheet.
"""


def schema_files() -> list[ScaffoldFile]:
    from checker.kinds import DOCUMENTS
    from checker.schema import bundled_schema

    names = [*DOCUMENTS, "objective"]
    return [
        ScaffoldFile(
            f"{SCHEMA_FOLDER}/{name}.schema.json",
            json.dumps(bundled_schema(name), indent=2, ensure_ascii=False) + "\n",
        )
        for name in dict.fromkeys(names)
    ]


def files(
    organization: str, today: datetime.date, catalog: Sequence[CatalogControl]
) -> list[ScaffoldFile]:
    return [
        ScaffoldFile("isms.yaml", isms_yaml(organization, today)),
        *soa_files(catalog),
        *example_records(today),
        ScaffoldFile("policies/org.yaml", RULES),
        ScaffoldFile("policies/org.test.yaml", RULE_TESTS),
        ScaffoldFile(".pre-commit-config.yaml", precommit()),
        ScaffoldFile(".github/workflows/isms.yml", workflow()),
        ScaffoldFile("README.md", readme(organization)),
        *schema_files(),
    ]

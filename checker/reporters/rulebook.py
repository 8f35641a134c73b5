"""Rules as `isms-check rules` shows them: a text table, JSON rows, and the Markdown rule
reference (docs/rules.md is this output, kept in sync by tests/test_rule_docs.py).

A rule's texts may come from an organisation's rule files: text goes through
`safe.console` (the command's stdout is a terminal or a log), Markdown through the
markdown reporter's `cell` and fences longer than any backquote run in the text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from checker.findings import RuleInfo
from checker.reporters.markdown import cell
from checker.reporters.safe import console, json_text, unicode_safe
from checker.ruletests import RuleTest

Tests = Mapping[str, Sequence[RuleTest]]


def _count(tests: Tests, rule: str) -> int:
    return len(tests.get(rule, ()))


def text(infos: Sequence[RuleInfo], tests: Tests) -> str:
    width = max((len(i.id) for i in infos), default=0)
    lines = []
    for i in infos:
        refs = f"  [{'; '.join(i.references)}]" if i.references else ""
        n = _count(tests, i.id)
        tested = f"  ({n} test{'s' * (n != 1)})" if n else "  (no tests)"
        lines.append(
            f"{i.id:<{width}}  {i.severity.value:<7}  {i.resource:<8}  {i.title}{refs}{tested}"
        )
    return console("\n".join(lines)) + "\n"


def json(infos: Sequence[RuleInfo], tests: Tests) -> str:
    rows = [
        {
            "id": i.id,
            "severity": i.severity.value,
            "title": i.title,
            "resource": i.resource,
            "references": list(i.references),
            "source": i.source,
            "tests": _count(tests, i.id),
        }
        for i in infos
    ]
    return json_text(rows)


def _fence(body: str, lang: str = "") -> list[str]:
    """A fenced code block that the body cannot close."""
    longest = max((len(m) for m in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + lang, unicode_safe(body).rstrip("\n"), fence]


def _anchor(rule_id: str) -> str:
    return re.sub(r"[^a-z0-9-]", "", rule_id.lower())


def _entry(i: RuleInfo, tests: Sequence[RuleTest]) -> list[str]:
    out = [
        f'<a id="{_anchor(i.id)}"></a>',
        "",
        f"## {cell(i.id)}: {cell(i.title)}",
        "",
        f"Severity **{i.severity.value}** · judges **{cell(i.resource)}** · "
        f"defined in {cell(i.source)}",
        "",
        cell(" ".join((i.description or i.title).split())),
    ]
    expression = [f"{name}: {value.strip()}" for name, value in
                  (("when", i.when), ("check", i.check), ("at", i.at)) if value]  # fmt: skip
    if expression:
        out += ["", "Expression (CEL):", "", *_fence("\n".join(expression))]
    if i.references:
        out += ["", "References: " + "; ".join(cell(r) for r in i.references)]
    if i.remediation:
        out += ["", "How to fix it: " + cell(" ".join(i.remediation.split()))]
    if i.example:
        out += ["", "Example:", "", *_fence(i.example, "yaml")]
    if tests:
        out += ["", f"Tests ({len(tests)}):", ""]
        for t in tests:
            fails = ", ".join(t.fail) or "none"
            passes = ", ".join(t.passing) or "none"
            out.append(
                f"- {cell(t.name)}: fails {cell(fails)}; passes {cell(passes)} "
                f"({cell(t.file)}:{t.line})"
            )
    else:
        out += ["", "Tests: none."]
    return [*out, ""]


def markdown(infos: Sequence[RuleInfo], tests: Tests) -> str:
    out = [
        "# Rule reference",
        "",
        "Every rule, as `isms-check rules --format markdown` prints it: do not edit by hand.",
        "`isms-check explain RULE` shows the same for one rule; docs/format.md, section 9,",
        "gives the precise meanings.",
        "",
        "| Rule | Severity | Judges | Title | References | Tests |",
        "|---|---|---|---|---|---|",
    ]
    for i in infos:
        out.append(
            f"| [{cell(i.id)}](#{_anchor(i.id)}) | {i.severity.value} | {cell(i.resource)} | "
            f"{cell(i.title)} | {'; '.join(cell(r) for r in i.references)} | "
            f"{_count(tests, i.id)} |"
        )
    out.append("")
    for i in infos:
        out += _entry(i, tests.get(i.id, ()))
    return "\n".join(out).rstrip("\n") + "\n"

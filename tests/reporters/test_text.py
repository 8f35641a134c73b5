"""--format text on hand-made Reports (no ISMS, no engine)."""

from __future__ import annotations

from checker.reporters import RenderOptions, text
from tests.report_samples import hostile, pr_report, report


def test_text_exact() -> None:
    assert text.render(report(), RenderOptions()) == (
        "isms/risks/broken.yaml:4: error ISMS-PARSE [-] mapping values are not allowed here\n"
        "isms/controls/org.yaml:10: warning ST-004 [A.5.1] A.5.1 was last reviewed on 2025-01-01\n"
        "isms/risks/ransomware.yaml:2: info ORG-INFO [R-001] risk R-001 names no assets\n"
        "isms/risks/ransomware.yaml:2: error RT-002 [R-001] risk R-001 (level 20) is above "
        "appetite 8 without a plan\n"
        "isms/risks/third.yaml:5: warning ORG-900 [R-003] rule ORG-900: `check` failed on R-003: "
        "no such key: missing (evaluation error)\n"
        "\n"
        "Waived:\n"
        "isms/controls/physical.yaml:37: error SOA-006 [A.7.4] implemented control A.7.4 has no "
        "evidence (waived by CISO until 2027-01-31: Landlord holds the evidence)\n"
        "\n"
        "failed: 2 errors, 1 warnings, 1 info, 1 waived, 1 evaluation errors "
        "(7 checks of 6 rules, today 2026-11-27)\n"
    )


def test_text_pr_mode_marks_new_and_lists_resolved() -> None:
    out = text.render(pr_report(), RenderOptions())
    assert "[R-001] risk R-001 (level 20) is above appetite 8 without a plan (new)" in out
    assert "A.5.1 was last reviewed on 2025-01-01 (existing)" in out
    assert "Resolved by this change:\nisms/risks/old.yaml:1: error RT-001 [R-009]" in out


def test_text_keeps_one_line_per_finding() -> None:
    out = text.render(hostile("x\n::error::injected\r\x1b[31m"), RenderOptions())
    body = [ln for ln in out.splitlines() if ln and not ln.startswith(("Waived", "failed"))]
    assert len(body) == 4
    assert "\x1b" not in out and "\r" not in out


def test_text_color_only_when_asked() -> None:
    assert "\033[" not in text.render(report(), RenderOptions(color=False))
    assert "\033[31merror\033[0m" in text.render(report(), RenderOptions(color=True))

"""checker/reporters/__init__.py: the registry and the contract every reporter keeps,
`render(report, options) -> str`, deterministic and free of side effects."""

from __future__ import annotations

import inspect
import os

import pytest

from checker.reporters import FILE_FORMATS, REPORTERS, RenderOptions, github, markdown
from tests.report_samples import hostile, pr_report, report

SAMPLES = {"plain": report, "pr": pr_report, "hostile": lambda: hostile("x\n::error::y")}


def test_the_spec_formats_and_file_flags() -> None:
    assert list(REPORTERS) == ["text", "json", "junit", "sarif", "github", "markdown"]
    assert FILE_FORMATS == ("json", "junit", "sarif", "markdown")
    assert all(r.help for r in REPORTERS.values())


@pytest.mark.parametrize("name", REPORTERS)
def test_render_takes_a_report_and_options(name: str) -> None:
    render = REPORTERS[name].render
    assert list(inspect.signature(render).parameters) == ["report", "options"]


@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize("name", REPORTERS)
def test_deterministic_and_reads_nothing_else(
    name: str, sample: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same report and options, same text, whatever the environment says."""
    options = RenderOptions(fail_on="warning")
    first = REPORTERS[name].render(SAMPLES[sample](), options)
    environment = {"GITHUB_SERVER_URL": "https://x", "GITHUB_REPOSITORY": "o/r",
                   "GITHUB_SHA": "abc", "NO_COLOR": "1", "TZ": "Asia/Tokyo"}  # fmt: skip
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    assert REPORTERS[name].render(SAMPLES[sample](), options) == first
    assert first.endswith("\n") and not first.endswith("\n\n")
    assert "https://x" not in first
    assert os.environ["TZ"] == "Asia/Tokyo"


def test_only_github_has_a_step_summary() -> None:
    assert [n for n, r in REPORTERS.items() if r.step_summary] == ["github"]


def test_the_step_summary_is_the_markdown_summary_with_the_options_link_base() -> None:
    base = "https://github.com/acme/isms/blob/0123abc/"
    options = RenderOptions(link_base=base)
    summary = github.step_summary(report(), options)
    assert summary == markdown.render(report(), options)
    assert f"]({base}isms/controls/physical.yaml#L37)" in summary
    assert "](isms/controls/physical.yaml#L37)" in markdown.render(report(), RenderOptions())


def test_colour_is_an_option_of_the_text_format_only() -> None:
    coloured = RenderOptions(color=True)
    for name, reporter in REPORTERS.items():
        out = reporter.render(report(), coloured)
        assert ("\033[" in out) == (name == "text"), name


def test_empty_report_renders_everywhere() -> None:
    empty = report(results=(), notices=(), rules=())
    for reporter in REPORTERS.values():
        assert reporter.render(empty, RenderOptions()).strip()

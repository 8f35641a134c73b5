"""Shared test set-up: tests do not see the CI runner's own GitHub variables (on GitHub
Actions they are set for the whole job), so results are the same everywhere."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _hermetic_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("GITHUB_", "RUNNER_", "INPUT_")) or name == "NO_COLOR":
            monkeypatch.delenv(name)

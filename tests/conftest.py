"""Shared test set-up.

- Tests do not see the CI runner's own GitHub variables (on GitHub Actions they are set
  for the whole job), so results are the same everywhere.
- The cache across runs lives in one folder per test session, never in the user's.
- `cli`: the in-process runner. `cli("rules")` calls checker.main.main(["rules"]) and
  returns its exit code, stdout and stderr (captured with capsys).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import NamedTuple

import pytest

from checker.main import main


@pytest.fixture(scope="session")
def _cache_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("isms-check-cache"))


@pytest.fixture(autouse=True)
def _hermetic_environment(monkeypatch: pytest.MonkeyPatch, _cache_dir: str) -> None:
    for name in list(os.environ):
        if name.startswith(("GITHUB_", "RUNNER_", "INPUT_")) or name == "NO_COLOR":
            monkeypatch.delenv(name)
    monkeypatch.setenv("ISMS_CHECK_CACHE_DIR", _cache_dir)


@pytest.fixture
def umask() -> Iterator[None]:
    """Restores the process's umask after a test that sets it."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


class Run(NamedTuple):
    code: int
    out: str
    err: str


Cli = Callable[..., Run]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    def run(*argv: str) -> Run:
        capsys.readouterr()  # what earlier steps of the test printed is not this run's
        code = main(list(argv))
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run

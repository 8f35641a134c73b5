"""The `check:` block of isms.yaml: how a team judges its ISMS, set once for local runs,
the pre-commit hook and the GitHub Action alike.

Precedence, the same everywhere (docs/format.md, "check: settings"): a command-line
flag or an Action input, else the `check:` block, else the built-in default. The
built-in default of `policy_from` is `base`, for local runs and the Action alike: in PR
mode a change is judged by the rules it is proposed against, so it cannot pass by
weakening them.

In PR mode the block is read from the base commit, like the rules under `policy_from:
base`: a pull request cannot loosen how it is itself judged, and GIT-003 shows a change
to the block. The block is read here leniently, before the run: the engine validates the whole
isms.yaml against its schema and stops on an invalid one (exit 2), so a wrong value
here is never silently used, only left for that message.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.errors import FatalError
from checker.findings import FAIL_ON_CHOICES
from checker.loader import YamlProblem, parse_yaml
from checker.methodology import ISMS_FILES, find_root

DEFAULT_FAIL_ON = "error"
DEFAULT_POLICY_FROM = "base"
POLICY_FROM_CHOICES = ("head", "base")


@dataclass(frozen=True)
class CheckSettings:
    """The `check:` block; None (or ()) where it says nothing."""

    fail_on: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    policy_from: str | None = None


def _ids(value: Any) -> tuple[str, ...]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    return ()


def from_data(data: Any) -> CheckSettings:
    block = data.get("check") if isinstance(data, Mapping) else None
    if not isinstance(block, Mapping):
        return CheckSettings()
    fail_on = block.get("fail_on")
    policy_from = block.get("policy_from")
    return CheckSettings(
        fail_on=fail_on if fail_on in FAIL_ON_CHOICES else None,
        select=_ids(block.get("select")),
        ignore=_ids(block.get("ignore")),
        policy_from=policy_from if policy_from in POLICY_FROM_CHOICES else None,
    )


def read(path: Path, base: str | None = None) -> CheckSettings:
    """The `check:` block of the isms.yaml that judges `path`; in PR mode (`base`) the
    block as the base commit has it, so that a change cannot choose how it is judged
    (a change to the block itself takes effect once merged). Empty when there is none,
    or when isms.yaml cannot be read: the run then stops with that error."""
    try:
        root = find_root(path)
    except FatalError:
        return CheckSettings()
    for name in ISMS_FILES:
        file = root / name
        if file.is_file():
            try:
                text = _at_commit(root, name, base) if base else file.read_text("utf-8")
                return from_data(parse_yaml(text).data) if text is not None else CheckSettings()
            except (OSError, UnicodeDecodeError, YamlProblem):
                return CheckSettings()
    return CheckSettings()


def _at_commit(root: Path, name: str, commit: str) -> str | None:
    """isms.yaml's text at `commit` (None when git cannot say: the run reports that)."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    try:
        prefix = subprocess.run(
            ["git", "rev-parse", "--show-prefix"], cwd=root, env=env,
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        shown = subprocess.run(
            ["git", "show", f"{commit}:{prefix}{name}"], cwd=root, env=env,
            capture_output=True, check=True,
        )  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    return shown.stdout.decode("utf-8")


def choose(given: str | None, configured: str | None, default: str) -> str:
    """A flag or input if given, else the `check:` block's value, else the default."""
    return given or configured or default

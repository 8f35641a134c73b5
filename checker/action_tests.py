"""The GitHub Action's rule-test step: `python -m checker.action_tests`.

Runs `isms-check test` on the ISMS's policies folder when the `rule-tests` input asks
for it: `auto` (the default) runs the tests when the folder has any and says so in a
notice when it has none, `true` runs them and fails when there are none, `false` skips
the step. A test that fails or errors is an `::error` annotation at the test's line;
`rule-tests-junit` names a JUnit file for them. Inputs come from INPUT_* variables
(action.yml passes them through `env:`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from checker.errors import FatalError, UsageError
from checker.main import guard
from checker.options import utc_today
from checker.reporters.github import escape_data, escape_property

MODES = ("auto", "true", "false")


def run(env: Mapping[str, str]) -> int:
    from checker import ruletests
    from checker.cache import Cache, default_dir
    from checker.outputs import write_atomic
    from checker.reporters.ruletests import junit, summary, text
    from checker.reporters.safe import console

    mode = env.get("INPUT_RULE_TESTS", "").strip().lower() or "auto"
    if mode not in MODES:
        raise UsageError(f"input rule-tests: '{mode}' is not one of {', '.join(MODES)}")
    if mode == "false":
        return 0
    try:
        cache = Cache(default_dir())
        try:
            suite = ruletests.suite_at(
                None, Path(env.get("INPUT_PATH", "").strip() or "."), cache=cache
            )
        finally:
            cache.save()
    except FatalError as e:
        sys.stdout.write(f"::error title=isms-check test::{escape_data(str(e))}\n")
        raise
    if not suite.tests:
        if mode == "auto":
            sys.stdout.write("::notice title=isms-check test::no rule tests in the ISMS\n")
            return 0
        message = "rule-tests: true, but the ISMS's policies folder has no rule tests"
        sys.stdout.write(f"::error title=isms-check test::{escape_data(message)}\n")
        return 1
    results = ruletests.run_tests(suite.tests, suite.bench, utc_today())
    target = env.get("INPUT_RULE_TESTS_JUNIT", "").strip()
    if target:
        write_atomic(Path(target), junit(results))
    sys.stdout.write(console(text(results)))
    for r in results:
        if r.status is not ruletests.Status.PASS:
            t = r.test
            title = escape_property(f"{r.status.value} {t.rule}: {t.name}")
            body = escape_data("\n".join(r.reasons))
            where = f"file={escape_property(t.file)},line={t.line}"
            sys.stdout.write(f"::error {where},title={title}::{body}\n")
    sys.stdout.write(f"::notice title=isms-check test::{escape_data(summary(results))}\n")
    return 0 if all(r.status is ruletests.Status.PASS for r in results) else 1


def main(env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    return guard(lambda: run(env), debug=env.get("RUNNER_DEBUG") == "1")


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: the native CEL engine against cel-python (`python -m bench.cel_engines`).

Measures, on the fixture ISMS (tests/cases/base, in PR mode with git dates so that
every built-in rule has targets):
  - building the CEL parser: cel-python's, the native engine's without and with the
    lark cache;
  - compiling each built-in expression (when, check, message);
  - evaluating each built-in rule on each of its entities as the evaluator does
    (`when`, then `check`, then `message` if the check fails), per entity;
  - converting the model to cel-python values (what the native engine skips).
cel-python's CompiledRunner (its transpiler) is measured too where it compiles.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import statistics
import tempfile
import time
import timeit
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tests.celnative.harness import case_targets, plain

BASE = Path(__file__).resolve().parent.parent / "tests" / "cases" / "base"
TODAY = datetime.date(2026, 6, 1)


def _best(fn: Callable[[], object], budget: float = 0.2) -> float:
    """Seconds per call: the best of a few timed batches of about `budget` seconds."""
    timer = timeit.Timer(fn)
    number, took = timer.autorange()
    number = max(1, int(number * budget / max(took, 1e-9)))
    return min(timer.repeat(repeat=3, number=number)) / number


def fixture(root: Path) -> tuple[Any, list[tuple[str, Mapping[str, Any]]], Any]:
    """The policy, (resource, cel-python activation) targets, and the model of the
    fixture ISMS (tests/cases/base), as the engines' differential tests build them."""
    policy, targets, model = case_targets(BASE, root.parent)
    return policy, list(targets), model


def parser_times() -> dict[str, float]:
    from celpy.celparser import CELParser

    from checker.celnative import parser

    out: dict[str, float] = {}
    CELParser.CEL_PARSER = None
    start = time.perf_counter()
    CELParser()
    out["cel-python CELParser()"] = time.perf_counter() - start
    start = time.perf_counter()
    parser.build_parser(None)
    out["native, no cache"] = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cel.lark"
        start = time.perf_counter()
        parser.build_parser(cache)
        out["native, first run (writes the cache)"] = time.perf_counter() - start
        start = time.perf_counter()
        parser.build_parser(cache)
        out["native, from the cache"] = time.perf_counter() - start
    return out


def _judge(programs: list[Any], activation: Mapping[str, Any]) -> None:
    """when, check, message as evaluate.judge runs them (errors count as results)."""
    from checker.cel import EvalError

    when, check, message = programs
    try:
        if when is not None and not when.run_bool(activation):
            return
        if check.run_bool(activation):
            return
        if message is not None:
            message.run_str(activation)
    except EvalError:
        return


def rule_times(policy: Any, targets: list[tuple[str, Mapping[str, Any]]]) -> list[list[str]]:
    from checker.cel import NativeEngine
    from checker.celpython import Compiler

    native_engine, reference_engine = NativeEngine(), Compiler()
    plain_targets = [(r, {k: plain(v) for k, v in a.items()}) for r, a in targets]
    rows = []
    for rule in policy.rules:
        programs = (rule.when, rule.check, rule.message)
        sources = [p.source if p is not None else None for p in programs]
        native = [native_engine.compile(s) if s else None for s in sources]
        reference = [reference_engine.compile(s) if s else None for s in sources]
        cel = [a for r, a in targets if r in rule.resources]
        mine = [a for r, a in plain_targets if r in rule.resources]
        if not mine:
            continue

        def run_native(programs: list[Any] = native, data: list[Any] = mine) -> None:
            for activation in data:
                _judge(programs, activation)

        def run_reference(programs: list[Any] = reference, data: list[Any] = cel) -> None:
            for activation in data:
                _judge(programs, activation)

        t_native = _best(run_native, 0.05) / len(mine)
        t_reference = _best(run_reference, 0.05) / len(mine)
        rows.append(
            [rule.info.id, str(len(mine)), f"{t_native * 1e6:.1f}", f"{t_reference * 1e6:.0f}",
             f"{t_reference / t_native:.0f}x"]
        )  # fmt: skip
    return rows


def compiled_runner_times(
    policy: Any, targets: list[tuple[str, Mapping[str, Any]]]
) -> list[list[str]]:
    """cel-python's CompiledRunner against its interpreter and the native engine, on
    the built-in expressions where it gives the interpreter's results (in cel-python
    0.5 its code cannot call checker.cel's functions, `==` and `!=` among them)."""
    import logging

    import celpy
    from celpy.celparser import CELParser

    from checker.cel import NativeEngine
    from checker.celpython import FUNCTIONS, Compiler

    logging.getLogger("celpy").setLevel(logging.CRITICAL)
    CELParser.CEL_PARSER = None  # the transpiler needs its own tree class
    env = celpy.Environment(runner_class=celpy.CompiledRunner)
    native_engine, reference_engine = NativeEngine(), Compiler()
    rows = []
    seen = set()
    for rule in policy.rules:
        for program in (rule.when, rule.check):
            if program is None or program.source in seen:
                continue
            seen.add(program.source)
            cel = [a for r, a in targets if r in rule.resources]
            mine = [{k: plain(v) for k, v in a.items()} for a in cel]
            if not cel:
                continue
            interpreter = reference_engine.compile(program.source)
            try:
                runner = env.program(env.compile(program.source), FUNCTIONS)
                if any(runner.evaluate(a) != interpreter.run(a) for a in cel):
                    continue
            except Exception:
                continue
            native = native_engine.compile(program.source)
            times = [
                _best(functools.partial(_run_all, run, data), 0.05) / len(cel)
                for run, data in (
                    (runner.evaluate, cel), (interpreter.run, cel), (native.run, mine),
                )
            ]  # fmt: skip
            rows.append(
                [program.source[:48], f"{times[2] * 1e6:.1f}", f"{times[1] * 1e6:.0f}",
                 f"{times[0] * 1e6:.0f}"]
            )  # fmt: skip
    CELParser.CEL_PARSER = None
    return rows


def _run_all(run: Callable[[Any], Any], data: list[Any]) -> list[Any]:
    return [run(a) for a in data]


def compile_times(policy: Any) -> dict[str, list[float]]:
    from checker.celnative import compile_program
    from checker.celnative.parser import parse
    from checker.celpython import Compiler

    programs = [p for r in policy.rules for p in (r.when, r.check, r.message) if p is not None]
    sources = [p.source for p in programs]
    reference = Compiler()
    out: dict[str, list[float]] = {"native": [], "native parse only": [], "cel-python": []}
    for s in sources:
        for name, fn in (
            ("native", compile_program), ("native parse only", parse),
            ("cel-python", reference._compile),
        ):  # fmt: skip
            once = functools.partial(fn, s)
            out[name].append(min(timeit.repeat(once, number=1, repeat=5)))
    return out


def _table(rows: list[list[str]], head: list[str]) -> str:
    widths = [max(len(x) for x in col) for col in zip(head, *rows, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__).parse_args(argv)
    print("parser construction (seconds)")
    for name, took in parser_times().items():
        print(f"  {name:40} {took * 1e3:8.1f} ms")

    with tempfile.TemporaryDirectory() as tmp:
        policy, targets, model = fixture(Path(tmp) / "isms")

    times = compile_times(policy)
    print(f"\ncompile time per expression ({len(times['native'])} built-in expressions)")
    for name, values in times.items():
        print(
            f"  {name:20} mean {statistics.mean(values) * 1e3:6.2f} ms   "
            f"max {max(values) * 1e3:6.2f} ms   total {sum(values) * 1e3:7.1f} ms"
        )

    from checker.celpython import Compiler
    from checker.evaluate import Evaluator

    convert = _best(lambda: Evaluator(model, TODAY, Compiler()), 0.2)
    print(
        f"\nbuilding the activations (the evaluator converts the model to cel-python values):"
        f" {convert * 1e3:.2f} ms (native: no conversion)"
    )

    rows = rule_times(policy, targets)
    print("\nper evaluation of a rule on one entity (when, check, message if it fails), µs")
    print(_table(rows, ["rule", "entities", "native", "cel-python", "speedup"]))
    native_total = sum(float(r[2]) * int(r[1]) for r in rows)
    reference_total = sum(float(r[3]) * int(r[1]) for r in rows)
    print(
        f"all rules on all entities: native {native_total / 1e3:.2f} ms, "
        f"cel-python {reference_total / 1e3:.1f} ms"
    )

    rows = compiled_runner_times(policy, targets)
    print(
        f"\ncel-python's CompiledRunner gives the interpreter's results on {len(rows)} of the"
        " built-in when/check expressions (it cannot call checker.cel's functions, == and !="
        " among them); per evaluation, µs"
    )
    print(_table(rows, ["expression", "native", "interpreter", "CompiledRunner"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Rule files (CEL) → compiled Rules. Built-in and organisation rules alike.

A rule file that is not valid YAML, breaks the rules schema, reuses a rule id, or holds
an expression that does not compile stops the run (RuleError, exit 2) with file, line
and column. Expressions are compiled once per run. Beyond CEL's own syntax, each
expression is checked for names it cannot know: a variable other than those of its
resource (a typo such as `rsk.level`) is a compile error, not an error on every entity.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from checker import celtypes, schema
from checker.cel import CompileError, Engine, NativeEngine, Program
from checker.celnative.functions import FUNCTIONS
from checker.celnative.parser import syntax_problem
from checker.errors import RuleError
from checker.findings import RuleInfo, Severity
from checker.kinds import variables
from checker.loader import DisplayPaths, Parsed, YamlProblem, parse_yaml, read_text
from checker.resources import data_dir
from checker.tree import DiskTree, FileTree

COMMON_VARIABLES = ("isms", "today", "kind", "entity")


@dataclass(frozen=True)
class Rule:
    info: RuleInfo
    resources: tuple[str, ...]
    check: Program
    when: Program | None = None
    message: Program | None = None
    at: Program | None = None  # the field a finding points at, e.g. 'due' or 'actions/0/due'
    # whether `message` always gives a text (celtypes): then only a report that shows
    # messages runs it (posture over time counts findings, evaluate.judge)
    message_is_text: bool = False
    # With an engine other than the native one: the same rule compiled natively, run
    # first on the model's own values, so that the evaluation budget (steps, sizes) is
    # the native engine's whatever the engine (evaluate.py)
    guard: Rule | None = None


@dataclass(frozen=True)
class RuleFile:
    tree: FileTree
    rel: str
    shown: str  # how messages name it


# Rule tests (`isms-check test`) live beside the rules; they are not rule files.
TEST_FILE_SUFFIXES = ("_test.yaml", ".test.yaml", "_test.yml", ".test.yml")


def is_test_file(rel: str) -> bool:
    return rel.rsplit("/", 1)[-1].endswith(TEST_FILE_SUFFIXES)


def rule_file_paths(tree: FileTree, folder: str) -> list[str]:
    """The rule files under `folder`: every .yaml/.yml file but the rule tests."""
    return [rel for rel in tree.yaml_files(folder) if not is_test_file(rel)]


def builtin_rule_files() -> list[RuleFile]:
    tree = DiskTree(data_dir("policies"))
    return [RuleFile(tree, rel, f"(built-in) policies/{rel}") for rel in rule_file_paths(tree, ".")]


def org_rule_files(tree: FileTree, folder: str, display: DisplayPaths) -> list[RuleFile]:
    return [RuleFile(tree, rel, display.of(rel)) for rel in rule_file_paths(tree, folder)]


def load_rules(
    files: Iterable[RuleFile],
    compiler: Engine,
    validate: schema.Validate = schema.validate_text,
    typecheck: celtypes.TypeCheck = celtypes.check,
) -> list[Rule]:
    """Every rule of `files`, in order; ids must be unique across all of them."""
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for f in files:
        for rule in _load_file(f, compiler, validate, typecheck):
            if rule.info.id in seen:
                raise RuleError(
                    f"{rule.info.source}: rule id {rule.info.id} is already defined at "
                    f"{seen[rule.info.id]}: rule ids must be unique; rename yours"
                )
            seen[rule.info.id] = rule.info.source
            rules.append(rule)
    if compiler.name != "native":
        rules = [dataclasses.replace(r, guard=_native_twin(r)) for r in rules]
    return rules


def _native_twin(rule: Rule) -> Rule | None:
    """`rule` compiled by the native engine, to hold another engine to its budget; None
    where the native engine refuses an expression (one that crashes cel-python)."""
    native = NativeEngine()

    def twin(program: Program | None) -> Program | None:
        return native.compile(program.source) if program is not None else None

    try:
        return Rule(
            rule.info, rule.resources, native.compile(rule.check.source),
            twin(rule.when), twin(rule.message), twin(rule.at),
        )  # fmt: skip
    except CompileError:
        return None


def _load_file(
    f: RuleFile, compiler: Engine, validate: schema.Validate, typecheck: celtypes.TypeCheck
) -> list[Rule]:
    shown = f.shown
    try:
        text = read_text(f.tree, f.rel)
        parsed = parse_yaml(text)
    except YamlProblem as p:
        raise RuleError(f"{shown}:{p.line}:{p.column}: {p.message}") from p
    violations = validate("rules", text, parsed.data)
    if violations:
        lines = [f"{shown}:{parsed.position(v.path)[0]}: {v.message}" for v in violations]
        raise RuleError("rule file is invalid:\n  " + "\n  ".join(lines))
    lines_of_text = text.splitlines()
    return [
        _compile_rule(raw, (("rules", i)), parsed, shown, lines_of_text, compiler, typecheck)
        for i, raw in enumerate(parsed.data["rules"])
    ]


def _compile_rule(
    raw: dict[str, Any],
    path: tuple[str, int],
    parsed: Parsed,
    shown: str,
    text: Sequence[str],
    compiler: Engine,
    typecheck: celtypes.TypeCheck,
) -> Rule:
    resource = raw["resource"]
    resources = tuple(resource) if isinstance(resource, list) else (resource,)
    known = set(COMMON_VARIABLES).union(*(variables(r) for r in resources))
    types: dict[str, str] = {}  # the static type of each expression

    def compiled(field: str) -> Program | None:
        expression = raw.get(field)
        if expression is None or (field in ("message", "at") and not expression):
            return None
        line, column = parsed.position((*path, field))
        try:
            program = compiler.compile(expression)
            _check_names(program, known, resources)
            verdict = typecheck(program, resources)
            if verdict.problem is not None:
                raise CompileError(*verdict.problem)
            types[field] = verdict.type
        except CompileError as e:
            where = _expression_position(text, line, column, e.line, e.column)
            what = syntax_problem(expression) or e.message
            raise RuleError(
                f"{shown}:{where[0]}:{where[1]}: rule {raw['id']}: `{field}` does not compile: "
                f"{what}\n{_caret(expression, e.line, e.column)}"
            ) from e
        return program

    info = RuleInfo(
        id=raw["id"],
        title=raw["title"],
        severity=Severity(raw["severity"]),
        resource=", ".join(resources),
        references=tuple(raw.get("references") or ()),
        remediation=raw.get("remediation") or "",
        description=raw.get("description") or "",
        example=raw.get("example") or "",
        when=raw.get("when") or "",
        at=raw.get("at") or "",
        check=raw["check"],
        message=raw.get("message") or "",
        source=f"{shown}:{parsed.position(path)[0]}",
    )
    check = compiled("check")
    assert check is not None  # required by the schema
    when, message, at = compiled("when"), compiled("message"), compiled("at")
    return Rule(info, resources, check, when, message, at, types.get("message") == "string")


def _caret(expression: str, line: int, column: int) -> str:
    """The expression's line `line`, with a caret under `column`, indented."""
    lines = expression.splitlines() or [""]
    text = lines[min(max(line, 1), len(lines)) - 1]
    return f"    {text}\n    {' ' * (max(column, 1) - 1)}^"


def _expression_position(
    text: Sequence[str], line: int, column: int, e_line: int, e_column: int
) -> tuple[int, int]:
    """Maps a position inside an expression to the file. Literal blocks (`|`) keep their
    lines; plain, quoted and folded (`>`) scalars fold lines into one, so the offset is
    walked back across the source lines."""
    source_line = text[line - 1] if 0 < line <= len(text) else ""
    indicator = source_line[column - 1 : column]
    if indicator in ("|", ">"):
        body = text[line] if line < len(text) else ""
        indent = len(body) - len(body.lstrip(" "))
        if indicator == "|" or e_line > 1:
            return line + e_line, indent + e_column
        return _walk(text, line, indent + 1, e_column - 1)
    if e_line > 1:
        return line + e_line - 1, e_column
    start = column + (1 if indicator in ("'", '"') else 0)
    return _walk(text, line - 1, start, e_column - 1)


def _walk(text: Sequence[str], index: int, column: int, offset: int) -> tuple[int, int]:
    """The file position of character `offset` of a scalar that starts at line
    index+1, `column`, and whose continuation lines were folded into single spaces."""
    segment = text[index][column - 1 :].rstrip() if index < len(text) else ""
    while offset > len(segment) and index + 1 < len(text):
        offset -= len(segment) + 1
        index += 1
        stripped = text[index].lstrip(" ")
        column = len(text[index]) - len(stripped) + 1
        segment = stripped.rstrip()
    return index + 1, column + offset


# What an expression may call: CEL's functions as both engines implement them, ours
# (present, days, isodate, join) and the macros.
KNOWN_FUNCTIONS = frozenset(FUNCTIONS) | {
    "all", "exists", "exists_one", "map", "filter", "has", "dyn", "min", "reduce",
}  # fmt: skip


def _check_names(program: Program, known: set[str], resources: tuple[str, ...]) -> None:
    for name, line, column in program.calls:
        if name not in KNOWN_FUNCTIONS:
            close = difflib.get_close_matches(name, sorted(KNOWN_FUNCTIONS), n=1)
            hint = f"did you mean {close[0]}()?" if close else "docs/format.md lists the functions"
            raise CompileError(f"unknown function '{name}' ({hint})", line, column)
    for name, line, column in program.names:
        if name not in known:
            raise CompileError(
                f"unknown name '{name}': a {' / '.join(resources)} rule can use "
                f"{', '.join(sorted(known))}",
                line,
                column,
            )

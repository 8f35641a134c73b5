"""Parsing CEL with cel-python's own grammar, so that both engines read the same
language and build the same tree (rules.py checks names on that tree).

Building the LALR parser from the grammar takes ~130 ms; with lark's cache (`cache=`
a file) loading it takes ~8 ms. The cache lives in the run's cache folder (cache.py:
the user cache folder, never the checked repository; none with --no-cache), keyed by
lark's and Python's versions; lark checks the grammar's hash on load and rebuilds a
stale or broken file. Where the folder cannot be written the parser is built without
a cache.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from functools import cache
from pathlib import Path

import lark
from lark import Lark, Token, Tree
from lark.exceptions import LexError, ParseError, UnexpectedCharacters, UnexpectedToken

from checker.celnative.errors import CompileError
from checker.celnative.program import Name


def grammar_path() -> Path:
    """cel-python's grammar file, found without importing cel-python."""
    spec = importlib.util.find_spec("celpy")
    if spec is None or spec.origin is None:
        raise RuntimeError("cel-python is not installed")
    return Path(spec.origin).parent / "cel.lark"


def _ambiguous_literals(t: Token) -> Token:
    """cel-python's lexer callback: `true` and `false` are literals, not names."""
    if t.value in ("true", "false"):
        return Token("BOOL_LIT", t.value)
    return t


def build_parser(cache_file: Path | None) -> Lark:
    """The parser with cel-python's options (celpy.celparser.CELParser), cached in
    `cache_file` if given."""
    cached: str | bool = False
    if cache_file is not None:
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            cached = str(cache_file)
        except OSError:
            cached = False
    return Lark(
        grammar_path().read_text(),
        parser="lalr",
        start="expr",
        debug=True,
        g_regex_flags=re.M,
        lexer_callbacks={"IDENT": _ambiguous_literals},
        propagate_positions=True,
        maybe_placeholders=False,
        priority="invert",
        tree_class=Tree,
        cache=cached,
    )


def cache_file(folder: Path | None) -> Path | None:
    if folder is None:
        return None
    version = f"lark{lark.__version__}-py{sys.version_info[0]}{sys.version_info[1]}"
    return folder / f"cel-parser-{version}.lark"


@cache
def cel_parser(folder: Path | None = None) -> Lark:
    """The process's CEL parser (built on first use, from the cache in `folder` if
    there is one)."""
    return build_parser(cache_file(folder))


def parse(text: str, cache_dir: Path | None = None) -> Tree[Token]:
    """The lark tree of a CEL expression, or CompileError with the first line of the
    message cel-python gives (checker.celpython's compile does the same)."""
    try:
        return cel_parser(cache_dir).parse(text)
    except (UnexpectedToken, UnexpectedCharacters) as e:
        message = e.get_context(text)
        raise CompileError(message.splitlines()[0], e.line or 1, e.column or 1) from e
    except (LexError, ParseError) as e:
        first = str(e.args[0]).splitlines()[0] if e.args else "syntax error"
        raise CompileError(first, 1, 1) from e


_MACROS = {"all", "exists", "exists_one", "map", "filter"}
_TYPE_NAMES = {
    "int", "uint", "double", "bool", "string", "bytes", "list", "map", "null_type", "type",
    "timestamp", "duration", "google",
}  # fmt: skip


def free_names(tree: Tree[Token]) -> tuple[Name, ...]:
    """The variables an expression reads: identifiers that no macro binds (the `r` of
    `x.all(r, ...)`) and that are not type names, with their positions."""
    bound: set[str] = set()
    idents: list[Token] = []
    for node in tree.iter_subtrees():
        if node.data == "member_dot_arg" and len(node.children) >= 3:
            method, args = node.children[1], node.children[2]
            if str(method) in _MACROS and isinstance(args, Tree) and args.children:
                first = args.children[0]
                tokens = (
                    [first]
                    if isinstance(first, Token)
                    else first.scan_values(lambda v: isinstance(v, Token))
                )
                for name in tokens:
                    bound.add(str(name))
                    break
        elif node.data == "ident" and node.children:
            child = node.children[0]
            if isinstance(child, Token):
                idents.append(child)
    return tuple(
        (str(t), t.line or 1, t.column or 1)
        for t in idents
        if str(t) not in bound and str(t) not in _TYPE_NAMES
    )


_VALUES = {
    "INT_LIT", "UINT_LIT", "FLOAT_LIT", "STRING_LIT", "MLSTRING_LIT", "BYTES_LIT",
    "BOOL_LIT", "NULL_LIT", "IDENT",
}  # fmt: skip


def syntax_problem(text: str) -> str | None:
    """What is wrong with an expression that does not parse, in words: what was found
    and what could have come there instead; None when it parses."""
    parser = cel_parser()
    try:
        parser.parse(text)
    except UnexpectedToken as e:
        found = (
            "the expression ends too soon"
            if e.token.type == "$END"
            else (f"unexpected {str(e.token)!r}")
        )
        symbols = {t.name: t.pattern for t in parser.terminals}
        wanted: list[str] = []
        if set(e.expected) & _VALUES:
            wanted.append("a value or a name")
        for name in sorted(e.expected - _VALUES):
            pattern = symbols.get(name)
            if pattern is not None and pattern.type == "str":
                wanted.append(repr(pattern.value))
        expected = ", ".join(wanted[:-1]) + (" or " if len(wanted) > 1 else "") + wanted[-1]
        return f"{found}; expected {expected}" if wanted else found
    except UnexpectedCharacters as e:
        return f"unexpected character {e.char!r}"
    except (LexError, ParseError):
        return None
    return None


def called_functions(tree: Tree[Token]) -> tuple[Name, ...]:
    """The functions and methods an expression calls (`size(x)`, `x.startsWith(y)`,
    macros such as `all` included), with their positions."""
    out: list[Name] = []
    for node in tree.iter_subtrees():
        index = {"ident_arg": 0, "member_dot_arg": 1}.get(str(node.data))
        if index is not None and len(node.children) > index:
            token = node.children[index]
            if isinstance(token, Token):
                out.append((str(token), token.line or 1, token.column or 1))
    return tuple(sorted(out, key=lambda n: (n[1], n[2])))

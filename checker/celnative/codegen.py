"""CEL → Python: the source of one function `_cel(act)` for an expression's lark tree.

The generated code evaluates CEL as cel-python's evaluator does, on plain values:

- Every node's value goes to a local (`t1`, `t2`, ...) in evaluation order; a CEL
  error is an exception (`_CelError`). Where cel-python treats an error as a value
  (the operands of `&&`, `||` and `?:`, the body of `all()`, an operand that decides
  the error message), the node is *captured*: `try: t = ... except _CelError as e:
  t = e`. Python's try costs nothing until something raises.
- cel-python evaluates every operand of an operator before it looks at errors, so an
  error it raises (rather than returns) in a later operand wins over an error value in
  an earlier one. Operands after which nothing can raise that way (`hard_free`) are
  skipped once the first error is known; otherwise all are captured and the first
  error value raised after them.
- Macros are loops. The step budget counts their iterations and every function call
  (`_steps += 1`); it is checked in loops and before returning.

CPython allows 20 nested blocks (try, for) in a function: deeper code goes into a
nested function.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from lark import Token, Tree

from checker.celnative import bridge
from checker.celnative.errors import CompileError
from checker.celnative.functions import FUNCTIONS, TYPE_NAMES
from checker.celnative.generated import Generated
from checker.celnative.literals import literal_value

Node = Tree[Token]

MACROS = frozenset({"map", "filter", "all", "exists", "exists_one", "reduce", "min"})
_PASS_THROUGH = frozenset(
    {"expr", "conditionalor", "conditionaland", "relation", "addition", "multiplication",
     "unary", "member", "primary", "paren_expr"}
)  # fmt: skip
_RELATIONS = {
    "relation_lt": "_lt", "relation_le": "_le", "relation_gt": "_gt", "relation_ge": "_ge",
    "relation_eq": "_eq", "relation_ne": "_ne", "relation_in": "_in",
}  # fmt: skip
_ARITHMETIC = {
    "addition_add": "_add", "addition_sub": "_sub", "multiplication_mul": "_mul",
    "multiplication_div": "_div", "multiplication_mod": "_mod",
}  # fmt: skip
_BLOCK_LIMIT = 14  # nested try/for before the code moves into a nested function
_DEPTH_LIMIT = 90  # indentation levels (CPython's tokenizer allows 100)
_KEYWORD_ATOMS = ("True", "False", "None")


# reading the tree


def tree(node: object) -> Node:
    if not isinstance(node, Tree):
        raise CompileError(f"unexpected token {node!r}", 1, 1)
    return node


def child(node: Node, index: int) -> Node:
    return tree(node.children[index])


def token(node: Node, index: int) -> str:
    return str(node.children[index])


def arguments(node: Node, index: int) -> list[Node]:
    """The expressions of the exprlist at `index` (none if it is absent)."""
    if len(node.children) <= index:
        return []
    return [tree(c) for c in child(node, index).children]


def unwrap(node: Node) -> Node:
    """The node under a chain of single-child wrappers (expr → ... → primary)."""
    while node.data in _PASS_THROUGH and len(node.children) == 1:
        node = child(node, 0)
    return node


def literal_token(node: Node) -> Token | None:
    inner = unwrap(node)
    if inner.data == "literal" and isinstance(inner.children[0], Token):
        return inner.children[0]
    return None


def position(node: Node) -> tuple[int, int]:
    meta = getattr(node, "meta", None)
    return (getattr(meta, "line", None) or 1, getattr(meta, "column", None) or 1)


def macro_variable(arg: Node) -> str | None:
    """The variable a macro binds: cel-python takes the one `ident` in its first
    argument (`x` in `map(x, ...)`); None if there is not exactly one."""
    idents = list(arg.find_data("ident"))
    if len(idents) != 1:
        return None
    return token(idents[0], 0)


def unpack_message(count: int, expected: int) -> str:
    """Python's message for unpacking `count` values into `expected` names: how
    cel-python's macros fail with the wrong number of arguments."""
    values = list(range(count))
    try:
        if expected == 2:
            _a, _b = values
        else:
            _a, _b, _c, _d = values
    except ValueError as e:
        return str(e)
    return ""


def _host_call(name: str, arity: int) -> bool:
    function = FUNCTIONS.get(name)
    return function is not None and function.may_raise_host_error(arity)


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


class Codegen:
    def __init__(self, track_today: bool = False, track_maps: frozenset[str] = frozenset()) -> None:
        # `track_today`: each comparison with the variable `today` is noted; `track_maps`:
        # each key read of `isms.M` for these M (tracking.py)
        self.track_today = track_today
        self.today_reads = 0  # reads of the variable `today`
        self.today_compared = 0  # of them, operands of a noted comparison
        self.track_maps = track_maps
        self.map_reads: Counter[str] = Counter()  # reads of `isms.M`, by M
        self.map_keyed: Counter[str] = Counter()  # of them, read by a noted key
        self.lines: list[str] = []
        self.depth = 1
        self.blocks = 0
        self.counter = 0
        self.constants: dict[str, Any] = {}
        self.constant_names: dict[tuple[type, Any], str] = {}
        self.scopes: list[dict[str, tuple[str, bool]]] = []
        self.free: dict[str, str] = {}
        self.free_defaults: dict[str, str] = {}
        self.map_literals = False
        self._hard_free: dict[int, bool] = {}

    # output

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    @contextmanager
    def indent(self, block: bool = False) -> Iterator[None]:
        self.depth += 1
        self.blocks += block
        if self.depth > _DEPTH_LIMIT:
            raise CompileError("the expression is nested too deeply", 1, 1)
        try:
            yield
        finally:
            self.depth -= 1
            self.blocks -= block

    def tmp(self, prefix: str = "t") -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def assign(self, expression: str) -> str:
        result = self.tmp()
        self.emit(f"{result} = {expression}")
        return result

    def named(self, atom: str) -> str:
        """`atom` as a name (a literal such as `1` goes to a local) for `is` tests."""
        if atom.isidentifier() and atom not in _KEYWORD_ATOMS:
            return atom
        return self.assign(atom)

    def constant(self, value: Any) -> str:
        if value is None or type(value) is bool or (type(value) is int and abs(value) < 2**31):
            return repr(value)
        key = (type(value), value) if _hashable(value) else (type(value), id(value))
        name = self.constant_names.get(key)
        if name is None:
            name = f"_c{len(self.constants)}"
            self.constants[name] = value
            self.constant_names[key] = name
        return name

    def generate(self, root: Node) -> Generated:
        self.map_literals = any(True for _ in root.find_data("map_lit"))
        for node in root.iter_subtrees():  # bottom-up, without recursion
            self._hard_free[id(node)] = self._hard_free_node(node)
        result = self.expr(root)
        self.emit("if _steps > _MAX_STEPS: _over_steps(_BUDGET)")
        self.emit(f"return {result}")
        head = ["def _cel(act):", "    _steps = 0"]
        head += [
            f"    {local} = act.get({name!r}, {self.free_defaults[name]})"
            for name, local in self.free.items()
        ]
        return Generated("\n".join(head + self.lines) + "\n", self.constants)

    # what a subtree may do

    def hard_free(self, node: Node) -> bool:
        """Whether `node` can only give a value or a CEL error value: nothing that
        cel-python raises (a macro, some conversions). Such an operand may be
        skipped once the result is known. (Computed for every node by `generate`.)"""
        return self._hard_free[id(node)]

    def _hard_free_node(self, node: Node) -> bool:
        if node.data == "member_dot_arg":
            name = token(node, 1)
            if name in MACROS or _host_call(name, 1 + len(arguments(node, 2))):
                return False
        elif node.data == "ident_arg":
            if _host_call(token(node, 0), len(arguments(node, 1))):
                return False
        elif node.data in ("member_object", "dot_ident_arg"):
            return False
        return all(self._hard_free[id(c)] for c in node.children if isinstance(c, Tree))

    def can_fail(self, node: Node) -> bool:
        """Whether `node` may raise at all (literals and macro variables cannot)."""
        literal = literal_token(node)
        if literal is not None:
            try:
                literal_value(literal)
            except ValueError:
                return True
            return False
        inner = unwrap(node)
        if inner.data == "ident":
            scoped = self.scoped(token(inner, 0))
            return scoped is None or scoped[1]
        return True

    def scoped(self, name: str) -> tuple[str, bool] | None:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    # evaluation

    def expr(self, node: Node) -> str:
        """Emits the code of `node`; returns the name (or literal) of its value."""
        node = unwrap(node)
        if self.blocks >= _BLOCK_LIMIT:
            return self.hoist(node)
        method = getattr(self, f"_{node.data}", None)
        if method is None:
            raise CompileError(f"unsupported construct {node.data}", *position(node))
        result: str = method(node)
        return result

    def hoist(self, node: Node) -> str:
        """`node` evaluated in a nested function, whose blocks start from zero."""
        name = self.tmp("_h")
        self.emit(f"def {name}():")
        saved = self.blocks
        with self.indent():
            self.blocks = 0
            self.emit("nonlocal _steps")
            self.emit(f"return {self.expr(node)}")
        self.blocks = saved
        return self.assign(f"{name}()")

    def capture(self, node: Node) -> str:
        """`node`'s value, or the CelError it raised."""
        if not self.can_fail(node):
            return self.expr(node)
        result = self.tmp()
        self.emit("try:")
        with self.indent(block=True):
            self.emit(f"{result} = {self.expr(node)}")
        self.emit("except _CelError as _e:")
        self.emit(f"    {result} = _detached(_e)")
        return result

    def raise_if_error(self, name: str) -> None:
        self.emit(f"if type({name}) is _CelError: raise {name}.copy()")

    def operands(self, nodes: Sequence[Node]) -> list[str]:
        """The values of `nodes` in order; the first error raises, once every later
        operand that could raise otherwise has run."""
        if all(self.hard_free(n) for n in nodes[1:]):
            return [self.expr(n) for n in nodes]
        values = [self.capture(n) for n in nodes]
        for value, node in zip(values, nodes, strict=True):
            if self.can_fail(node):
                self.raise_if_error(value)
        return values

    def step(self) -> None:
        self.emit("_steps += 1")

    def loop_step(self) -> None:
        self.emit("_steps += 1")
        self.emit("if _steps > _MAX_STEPS: _over_steps(_BUDGET)")

    # the grammar's nodes (celpy's cel.lark)

    def _expr(self, node: Node) -> str:
        if len(node.children) == 1:
            return self.expr(child(node, 0))
        then, otherwise = child(node, 1), child(node, 2)
        c = self.named(self.capture(child(node, 0)))
        result = self.tmp()
        # cel-python picks a branch by the condition's truth (an error is true), then
        # refuses a condition that is not a bool; a TypeError out of the branch becomes
        # that refusal too, with the branch shown as a bool
        self.emit(f"if {c} is True or ({c} is not False and {c}):")
        with self.indent():
            self.branch(then, result, c, "True", f"{result}, False")
        self.emit("else:")
        with self.indent():
            self.branch(otherwise, result, c, "False", f"False, {result}")
        if self.can_fail(then) or self.can_fail(otherwise):
            self.raise_if_error(result)
        return result

    def branch(self, node: Node, result: str, condition: str, picked: str, shown: str) -> None:
        if self.hard_free(node):
            self.emit(f"{result} = {self.capture(node)}")
        else:
            self.emit("try:")
            with self.indent(block=True):
                self.emit(f"{result} = {self.capture(node)}")
            self.emit("except (_HostError, TypeError) as _h:")
            self.emit("    _branch_error(_h)")
            self.emit(f"    raise _cond_error({condition}, False, False) from None")
        self.emit(f"if {condition} is not {picked}: raise _cond_error({condition}, {shown})")

    def _logic(self, node: Node, op: str) -> str:
        """`a && b && c` (left-nested in the tree) as one fold of captured values."""
        operands: list[Node] = []
        while len(node.children) == 2:
            operands.append(child(node, 1))
            node = child(node, 0)
        operands.append(child(node, 0))
        operands.reverse()
        if len(operands) == 1:
            return self.expr(operands[0])
        decided, fold = ("False", "_and") if op == "and" else ("True", "_or")
        acc = self.assign(self.capture(operands[0]))
        for operand in operands[1:]:
            guard = self.hard_free(operand)
            if guard:
                self.emit(f"if {acc} is not {decided}:")
                self.depth += 1
            value = self.capture(operand)
            self.emit(
                f"{acc} = ({acc} {op} {value}) if type({acc}) is bool and type({value}) is bool"
                f" else {fold}({acc}, {value})"
            )
            if guard:
                self.depth -= 1
        self.raise_if_error(acc)
        return acc

    def _conditionalor(self, node: Node) -> str:
        return self._logic(node, "or")

    def _conditionaland(self, node: Node) -> str:
        return self._logic(node, "and")

    def _relation(self, node: Node) -> str:
        if len(node.children) == 1:
            return self.expr(child(node, 0))
        op_tree, right = child(node, 0), child(node, 1)
        left = child(op_tree, 0)
        a, b = self.operands([left, right])
        op = op_tree.data
        if op in ("relation_eq", "relation_ne") and (_is_null(left) or _is_null(right)):
            # `x == null`: checker.cel's _==_ (null equals only null)
            other = self.named(b if _is_null(left) else a)
            return self.assign(f"{other} {'is' if op == 'relation_eq' else 'is not'} None")
        if op == "relation_in" and (name := self._isms_map(right)):
            self.map_keyed[name] += 1
            self.emit(f"_key_read({name!r}, {a})")
        if self.track_today and op != "relation_in":
            left_is, right_is = self._is_today(left), self._is_today(right)
            if left_is != right_is:
                self.today_compared += 1
                today, other = (a, b) if left_is else (b, a)
                return self.assign(f"_compared({_RELATIONS[op]}, {left_is}, {other}, {today})")
        return self.assign(f"{_RELATIONS[op]}({a}, {b})")

    def _isms_map(self, node: Node) -> str | None:
        """M where `node` is `isms.M` (the variable `isms`) and M is tracked, else None."""
        node = unwrap(node)
        if node.data != "member_dot" or not self.track_maps:
            return None
        inner = unwrap(child(node, 0))
        name = token(node, 1)
        if inner.data == "ident" and token(inner, 0) == "isms" and not self.scoped("isms"):
            return name if name in self.track_maps else None
        return None

    def _is_today(self, node: Node) -> bool:
        """Whether `node` is the variable `today` (not a macro's variable of that name)."""
        node = unwrap(node)
        return node.data == "ident" and token(node, 0) == "today" and not self.scoped("today")

    def _arithmetic(self, node: Node) -> str:
        if len(node.children) == 1:
            return self.expr(child(node, 0))
        op_tree, right = child(node, 0), child(node, 1)
        left = child(op_tree, 0)
        op = op_tree.data
        # an error on the right is an operand (cel-python's int refuses it: "no
        # matching overload"); an error on the left is the result
        capture_left = not self.hard_free(right)
        a = self.capture(left) if capture_left else self.expr(left)
        b = self.capture(right)
        if capture_left and self.can_fail(left):
            self.raise_if_error(a)
        if op == "multiplication_mul":
            return self.assign(f"_mul({a}, {b}, _BUDGET)")
        result = self.assign(f"{_ARITHMETIC[op]}({a}, {b})")
        if op == "addition_add":
            self.emit(f"if type({result}) in _BUILT: _sized({result}, _BUDGET)")
        return result

    _addition = _arithmetic
    _multiplication = _arithmetic

    def _unary(self, node: Node) -> str:
        if len(node.children) == 1:
            return self.expr(child(node, 0))
        value = self.expr(child(node, 1))
        if child(node, 0).data == "unary_not":
            return self.assign(f"(not {value}) if type({value}) is bool else _not({value})")
        return self.assign(f"_neg({value})")

    def _member(self, node: Node) -> str:
        return self.expr(child(node, 0))

    _primary = _member
    _paren_expr = _member

    def _member_dot(self, node: Node) -> str:
        value = self.named(self.expr(child(node, 0)))
        name = repr(token(node, 1))
        if read := self._isms_map(node):  # `isms.M` itself
            self.map_reads[read] += 1
        if keyed := self._isms_map(child(node, 0)):  # `isms.M.k`: the key k of M
            self.map_keyed[keyed] += 1
            self.emit(f"_key_read({keyed!r}, {name})")
        result = self.assign(
            f"{value}[{name}] if type({value}) is dict and {name} in {value}"
            f" else _select({value}, {name})"
        )
        if self.map_literals:  # a map literal may hold an error value
            self.raise_if_error(result)
        return result

    def _member_index(self, node: Node) -> str:
        a = self.capture(child(node, 0))
        b = self.capture(child(node, 1))
        if name := self._isms_map(child(node, 0)):  # `isms.M[k]`
            self.map_keyed[name] += 1
            self.emit(f"_key_read({name!r}, {b})")
        return self.assign(f"_index({a}, {b})")

    def _member_object(self, node: Node) -> str:
        raise CompileError("message construction (T{...}) is not supported", *position(node))

    def _member_dot_arg(self, node: Node) -> str:
        name = token(node, 1)
        if name in MACROS:
            return self.macro(name, child(node, 0), arguments(node, 2), node)
        return self.call(name, [child(node, 0), *arguments(node, 2)])

    def _literal(self, node: Node) -> str:
        literal = node.children[0]
        assert isinstance(literal, Token)
        try:
            return self.constant(literal_value(literal))
        except ValueError as e:
            self.emit(f"raise _CelError({str(e.args[0])!r})")
            return "None"

    def _list_lit(self, node: Node) -> str:
        elements = arguments(node, 0)
        if not elements:
            return self.assign("[]")
        literals = [literal_token(e) for e in elements]
        if all(literals) and not any(self.can_fail(e) for e in elements):
            return self.constant(tuple(literal_value(t) for t in literals if t is not None))
        return self.assign(f"[{', '.join(self.operands(elements))}]")

    def _map_lit(self, node: Node) -> str:
        items = arguments(node, 0)
        if not items:
            return self.assign("{}")
        if all(self.hard_free(item) for item in items):
            values = [self.capture(item) for item in items]  # errors are values in a map
            return self.assign(f"_make_map(({', '.join(values)},))")
        result = self.tmp()
        self.emit("try:")
        with self.indent(block=True):
            values = [self.capture(item) for item in items]
            self.emit(f"{result} = _make_map(({', '.join(values)},))")
        self.emit("except (_HostError, TypeError, ValueError) as _h:")
        self.emit("    raise _map_error(_h) from None")
        return result

    def _ident(self, node: Node) -> str:
        return self.reference(token(node, 0), dotted=False)

    def _dot_ident(self, node: Node) -> str:
        return self.reference(token(node, 0), dotted=True)

    def _dot_ident_arg(self, node: Node) -> str:
        # cel-python evaluates the arguments and returns the name's value
        for arg in arguments(node, 1):
            self.capture(arg)
        return self.reference(token(node, 0), dotted=True)

    def _ident_arg(self, node: Node) -> str:
        name, args = token(node, 0), arguments(node, 1)
        if name == "has":
            return self.has(args, node)
        if name == "dyn":
            return self.dyn(args, node)
        return self.call(name, args)

    # names

    def reference(self, name: str, dotted: bool) -> str:
        scoped = self.scoped(name)
        if scoped is not None:
            local, may_be_error = scoped
            if may_be_error:
                self.raise_if_error(local)
            return local
        self.today_reads += name == "today"
        free = self.free.get(name)
        if free is None:
            free = f"a{len(self.free)}_{name}"
            self.free[name] = free
            self.free_defaults[name] = self.default(name)
        if self.free_defaults[name] == "_M":
            # `.name` fails with the bare name as its message (cel-python's KeyError)
            error = f"_CelError({name!r})" if dotted else f"_undeclared({name!r})"
            self.emit(f"if {free} is _M: raise {error}")
        return free

    def default(self, name: str) -> str:
        """What a name means if the activation lacks it: a type (`int`), a function
        (cel-python's function object), or nothing (`_M`)."""
        if name in TYPE_NAMES:
            return self.constant(bridge.type_value(name))
        if name == "google":
            return self.constant(bridge.google())
        function = FUNCTIONS.get(name)
        if function is not None:
            return self.constant(bridge.type_value(name) if function.standard else function.impl)
        return "_M"

    # functions and macros

    def call(self, name: str, args: Sequence[Node]) -> str:
        function = FUNCTIONS.get(name)
        if function is None:
            for arg in args:  # cel-python evaluates the arguments, then fails
                self.capture(arg)
            self.emit(f"raise _undeclared({name!r})")
            return "None"
        values = self.operands(args)
        self.step()
        if len(values) in function.arities:
            result = self.assign(f"{self.constant(function.impl)}({', '.join(values)})")
        else:
            listed = "".join(f"{v}, " for v in values)
            result = self.assign(f"_call_other({name!r}, ({listed}))")
        if name in ("string", "join"):
            self.emit(f"_sized({result}, _BUDGET)")
        return result

    def has(self, args: Sequence[Node], node: Node) -> str:
        if not args:
            raise CompileError("has() needs an argument", *position(node))
        result = self.tmp()
        if self.can_fail(args[0]):
            self.emit("try:")
            with self.indent(block=True):
                self.expr(args[0])
                self.emit(f"{result} = True")
            self.emit("except _CelError:")
            self.emit(f"    {result} = False")
        else:
            self.expr(args[0])
            self.emit(f"{result} = True")
        for arg in args[1:]:
            self.capture(arg)
        return result

    def dyn(self, args: Sequence[Node], node: Node) -> str:
        if not args:
            raise CompileError("dyn() needs an argument", *position(node))
        if len(args) == 1:
            return self.expr(args[0])
        first = self.capture(args[0])
        for arg in args[1:]:  # evaluated; their errors do not count
            self.capture(arg)
        if self.can_fail(args[0]):
            self.raise_if_error(first)
        return first

    def macro(self, name: str, member: Node, args: Sequence[Node], node: Node) -> str:
        target = self.named(self.expr(member))
        if name == "min":  # a cel-python extension: the least element
            return self.assign(f"_min({target})")
        expected = 4 if name == "reduce" else 2
        if not args:  # cel-python fails with an IndexError out of its evaluator
            raise CompileError(f"{name}() needs {expected} arguments", *position(node))
        if len(args) != expected:
            message = unpack_message(len(args), expected)
            self.emit(f"raise _HostError('ValueError', {message!r})")
            return "None"
        names = [macro_variable(a) for a in args[: expected - 1 - (expected == 4)]]
        variables = [n for n in names if n is not None]
        if len(variables) != len(names):  # cel-python: CELSyntaxError out of its evaluator
            raise CompileError(f"{name}(): the first argument must be a name", *position(node))
        if name == "reduce":
            return self.reduce(target, variables[0], variables[1], args[2], args[3])
        variable, body = variables[0], args[1]
        iterable = self.assign(
            f"{target} if type({target}) is list or type({target}) is tuple else _iterate({target})"
        )
        local = self.tmp(f"v_{variable}_")
        if name in ("all", "exists"):
            return self.quantifier(name, iterable, local, variable, body)
        result = self.assign("0" if name == "exists_one" else "[]")
        self.emit(f"for {local} in {iterable}:")
        with self.indent(block=True):
            self.loop_step()
            value = self.raising_body(variable, local, body)
            truth = f"{value} is True or ({value} is not False and {value})"
            if name == "map":
                self.emit(f"{result}.append({value})")
            elif name == "filter":
                self.emit(f"if {truth}: {result}.append({local})")
            else:
                self.emit(f"if {truth}: {result} += 1")
                if self.hard_free(body):
                    self.emit(f"if {result} > 1: break")
        if name == "exists_one":
            return self.assign(f"{result} == 1")
        self.emit(f"_sized({result}, _BUDGET)")
        return result

    def raising_body(self, variable: str, local: str, body: Node) -> str:
        """A map/filter/exists_one body: cel-python raises its errors."""
        result = self.tmp()
        self.scopes.append({variable: (local, False)})
        try:
            if self.can_fail(body):
                self.emit("try:")
                with self.indent(block=True):
                    self.emit(f"{result} = {self.expr(body)}")
                self.emit("except _CelError as _e:")
                self.emit("    raise _RaisedError(_e.message) from None")
            else:
                self.emit(f"{result} = {self.expr(body)}")
        finally:
            self.scopes.pop()
        return result

    def quantifier(self, name: str, iterable: str, local: str, variable: str, body: Node) -> str:
        """all() and exists(): cel-python folds every element's value, errors too,
        with logical and/or; a deciding false (true) ends the loop if nothing later
        could raise."""
        start, decided, fold = (
            ("True", "False", "_all_fold") if name == "all" else ("False", "True", "_exists_fold")
        )
        acc = self.assign(start)
        self.emit(f"for {local} in {iterable}:")
        with self.indent(block=True):
            self.loop_step()
            value = self.tmp()
            self.scopes.append({variable: (local, False)})
            try:
                self.emit("try:")
                with self.indent(block=True):
                    self.emit(f"{value} = {self.expr(body)}")
                self.emit("except (_CelError, _RaisedError) as _e:")
                self.emit(f"    {value} = _soft(_e)")
            finally:
                self.scopes.pop()
            self.emit(f"if {value} is {decided}:")
            self.emit(f"    {acc} = {decided}")
            if self.hard_free(body):
                self.emit("    break")
            self.emit(f"elif {value} is not {start}:")
            self.emit(f"    {acc} = {fold}({acc}, {value})")
        self.raise_if_error(acc)
        return acc

    def reduce(self, target: str, acc_name: str, item_name: str, init: Node, body: Node) -> str:
        """reduce(r, i, init, expr), a cel-python extension: r may hold an error."""
        acc = self.assign(self.capture(init))
        iterable = self.assign(
            f"{target} if type({target}) is list or type({target}) is tuple"
            f" else _iterate_reduce({target})"
        )
        local = self.tmp(f"v_{item_name}_")
        self.emit(f"for {local} in {iterable}:")
        with self.indent(block=True):
            self.loop_step()
            value = self.tmp()
            self.scopes.append({acc_name: (acc, True), item_name: (local, False)})
            try:
                self.emit("try:")
                with self.indent(block=True):
                    self.emit(f"{value} = {self.expr(body)}")
                self.emit("except _CelError as _e:")
                self.emit("    raise _RaisedError(_e.message) from None")
            finally:
                self.scopes.pop()
            self.emit(f"{acc} = {value}")
        self.raise_if_error(acc)
        return acc


def _is_null(node: Node) -> bool:
    literal = literal_token(node)
    return literal is not None and literal.type == "NULL_LIT"

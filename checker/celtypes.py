"""Static checks of a rule's expression against the schemas, when the rules load.

Every field an expression reads (`risk.onwer`, `plan.actions.exists(a, a.stauts ==
'done')`, `isms.risks[x].levle`) is looked up in the type of the value it is read from:
the entity's JSON Schema (checker/schema.py field_shapes) plus the derived values the
model adds (DERIVED, kept true by tests/test_celtypes.py against a built model). An
unknown field is a compile error with a "did you mean". A comparison between values of
types that can never be equal or ordered (`risk.level == 'high'`, `plan.due > 3`) where
the schema fixes both types is an error too.

What cannot be known before the data is read stays unchecked (the type `dyn`): keys of
maps built from data (`isms.risks[x]` is a risk, but whether `x` is an id is the data's
business), `x-` fields, fields that the schema lets take several types, and the results
of most functions. docs/format.md, "What the rules are checked for", says so to users.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from lark import Token, Tree

from checker.cache import Store, digest
from checker.kinds import BY_NAME, FOLDER_KINDS, variables
from checker.schema import field_shapes, fingerprint

if TYPE_CHECKING:
    from checker.cel import Program

Node = Tree[Token]
Problem = tuple[str, int, int]  # message, line, column (in the expression)


@dataclass(frozen=True)
class Type:
    """A CEL value's static type: a scalar (int, double, string, bool, timestamp,
    duration, bytes, null), a list or map of `item`, an object with the fields of the
    schema definitions `refs` (several: any of those), or dyn (not known)."""

    name: str
    item: Type | None = None
    refs: tuple[str, ...] = ()
    label: str = ""  # how messages name the value (`risk.level`), when it is a field

    def called(self, label: str) -> Type:
        return Type(self.name, self.item, self.refs, label)


DYN = Type("dyn")
INT = Type("int")
DOUBLE = Type("double")
STRING = Type("string")
BOOL = Type("bool")
TIMESTAMP = Type("timestamp")
DURATION = Type("duration")
NULL = Type("null")


def list_of(item: Type) -> Type:
    return Type("list", item)


def map_of(item: Type) -> Type:
    return Type("map", item)


def obj(*refs: str) -> Type:
    return Type("object", refs=refs)


# What the model adds to each kind's schema fields (model.py; docs/format.md, the
# "Derived values" of each kind). Kinds that record dates also get `recorded`,
# `committed` and `base` (RECORDED).
DERIVED: Mapping[str, Mapping[str, Type]] = {
    "risk": {
        "inherent_level": INT,
        "residual_level": INT,
        "level": INT,
        "band": STRING,
        "review_days_effective": INT,
        "next_review": TIMESTAMP,
        "plan_ids": list_of(STRING),
    },
    "control": {
        "custom": BOOL,
        "in_catalog": BOOL,
        "theme": STRING,
        "missing_evidence": list_of(STRING),
    },
    "waiver": {"id": STRING, "matches": INT},
    "plan": {"approvals": list_of(obj("approval"))},
    "objective": {"last_measured": TIMESTAMP},
    "audit": {"missing_report": BOOL},
    "review": {"missing_minutes": BOOL},
    "nonconformity": {"source_id": STRING},
}
RECORDED: Mapping[str, Type] = {
    "recorded": list_of(obj("$recorded")),
    "committed": TIMESTAMP,
    "base": DYN,  # the risk at the base commit (a risk), null for other kinds
}
# Objects that are no schema definition: the values the evaluator builds.
BUILT: Mapping[str, Mapping[str, Type]] = {
    "$recorded": {"field": STRING, "date": TIMESTAMP},
    "$catalog": {"id": STRING, "title": STRING, "theme": STRING},
    "$clause": {"id": STRING, "title": STRING},
    "$change": {"methodology": list_of(STRING), "policies": list_of(STRING), "waivers": BOOL},
}
_COARSE = {"date": TIMESTAMP, "string": STRING, "integer": INT, "number": DOUBLE, "boolean": BOOL}
_FAMILY = {"int": "number", "double": "number", "uint": "number"}


@functools.cache
def fields(ref: str) -> Mapping[str, Type]:
    """The fields of an object type: a schema definition's with the derived values, or a
    built object's."""
    if ref in BUILT:
        return BUILT[ref]
    if ref == "$isms":
        return _isms_fields()
    out: dict[str, Type] = {}
    home, *path = ref.split("/")
    for name, shape in field_shapes(home, *path).items():
        types = set(shape.types)
        if types == {"list"}:
            out[name] = list_of(obj(shape.nested) if shape.nested else DYN)
        elif types == {"object"} and shape.inline:
            out[name] = obj(f"{ref}/{name}")
        elif types == {"object"}:
            out[name] = obj(shape.nested) if shape.nested else map_of(DYN)
        elif len(types) == 1 and next(iter(types)) in _COARSE:
            out[name] = _COARSE[next(iter(types))]
        else:
            out[name] = DYN
    out.update(DERIVED.get(ref, {}))
    kind = BY_NAME.get(ref)
    if kind is not None and kind.recorded:
        out.update(RECORDED)
        if ref == "risk":
            out["base"] = obj("risk")
    return out


def _isms_fields() -> dict[str, Type]:
    """The `isms` variable: isms.yaml's fields and the maps the evaluator adds
    (evaluate.isms_values)."""
    out = dict(fields("isms"))
    out.update(
        {
            "paths": map_of(STRING),
            "catalog_name": STRING,
            "change": obj("$change"),
            "catalog": map_of(obj("$catalog")),
            "ids": map_of(list_of(STRING)),
            "clauses": map_of(obj("$clause")),
            "established": TIMESTAMP,
        }
    )
    for kind in FOLDER_KINDS:
        out[kind.plural] = map_of(obj(kind.name))
    return out


def variable_types(resources: tuple[str, ...]) -> dict[str, Type]:
    """The variables a rule on `resources` sees, with their types."""
    entities = [obj(r) if r in BY_NAME else obj(f"${r}") for r in resources if r != "isms"]
    if "isms" in resources:
        entities.append(obj("$isms"))
    out: dict[str, Type] = {
        "isms": obj("$isms").called("isms"),
        "today": TIMESTAMP.called("today"),
        "kind": STRING.called("kind"),
        "entity": (
            Type("object", refs=tuple(r for e in entities for r in e.refs)).called("entity")
        ),
    }
    for resource in resources:
        for name in variables(resource):
            ref = f"${name}" if name in ("catalog", "clause") else name
            out[name] = obj(ref).called(name)
    return out


class TypeProblem(Exception):
    def __init__(self, message: str, node: Node | Token) -> None:
        super().__init__(message)
        self.message = message
        meta = node if isinstance(node, Token) else getattr(node, "meta", None)
        self.line = getattr(meta, "line", None) or 1
        self.column = getattr(meta, "column", None) or 1


class Verdict(NamedTuple):
    """What the type check says of an expression: its first problem (None: none), and
    the name of the type it gives (`string`, `bool`, ...; `dyn` when not known)."""

    problem: Problem | None
    type: str


TypeCheck = Callable[["Program", tuple[str, ...]], Verdict]


def check(program: Program, resources: tuple[str, ...]) -> Verdict:
    """The Verdict on a compiled program (checker.cel's Program)."""
    return _verdict(program.ast, resources)


@functools.cache
def _assumed() -> str:
    """What a type check assumes besides the expression: the schemas and the derived and
    built values above (a development build changes them without a new version)."""
    return digest(fingerprint(), repr(DERIVED), repr(BUILT))


def remembered(store: Store) -> TypeCheck:
    """`check`, remembered in `store` (a namespace of the cache across runs) by the
    expression's text: a warm run neither parses an expression nor walks it."""

    def typecheck(program: Program, resources: tuple[str, ...]) -> Verdict:
        key = digest("types", _assumed(), program.source, *resources)
        found = store.get(key)
        if not (isinstance(found, tuple) and len(found) == 2):  # a miss, or a damaged entry
            verdict = check(program, resources)
            found = (verdict.problem or (), verdict.type)
            store.put(key, found)
        wrong, name = found
        return Verdict((str(wrong[0]), int(wrong[1]), int(wrong[2])) if wrong else None, name)

    return typecheck


def _verdict(tree: Node, resources: tuple[str, ...]) -> Verdict:
    try:
        return Verdict(None, _Checker(variable_types(resources)).infer(tree).name)
    except TypeProblem as e:
        return Verdict((e.message, e.line, e.column), DYN.name)


def problem(tree: Node, resources: tuple[str, ...]) -> Problem | None:
    """The first unknown field or impossible comparison in the expression, if any."""
    return _verdict(tree, resources).problem


_BOOL_FUNCTIONS = frozenset({"contains", "startsWith", "endsWith", "matches", "has", "present"})
_RESULTS: Mapping[str, Type] = {
    "size": INT,
    "int": INT,
    "uint": Type("uint"),
    "double": DOUBLE,
    "string": STRING,
    "bool": BOOL,
    "timestamp": TIMESTAMP,
    "duration": DURATION,
    "days": DURATION,
    "isodate": STRING,
    "join": STRING,
}
_LITERALS = {
    "INT_LIT": INT,
    "UINT_LIT": Type("uint"),
    "FLOAT_LIT": DOUBLE,
    "STRING_LIT": STRING,
    "MLSTRING_LIT": STRING,
    "BYTES_LIT": Type("bytes"),
    "BOOL_LIT": BOOL,
    "NULL_LIT": NULL,
}
_ORDERED = frozenset({"relation_lt", "relation_le", "relation_gt", "relation_ge"})
_EQUALITY = frozenset({"relation_eq", "relation_ne"})
_WORDS = {
    "int": "a number", "double": "a number", "uint": "a number", "string": "a text",
    "bool": "true or false", "timestamp": "a date", "duration": "a duration",
    "bytes": "bytes", "list": "a list", "map": "a map", "object": "a record",
}  # fmt: skip


def _describe(t: Type) -> str:
    what = _WORDS.get(t.name, t.name)
    return f"`{t.label}` ({what})" if t.label else what


def _family(t: Type) -> str:
    if t.name in ("map", "object"):
        return "map"
    return _FAMILY.get(t.name, t.name)


def _comparable(a: Type, b: Type, ordered: bool) -> bool:
    if DYN.name in (a.name, b.name) or NULL.name in (a.name, b.name):
        return True
    same = _family(a) == _family(b)
    if ordered:  # <, >: numbers, texts, dates, durations, each with its own kind
        return same and _family(a) in ("number", "string", "timestamp", "duration", "bool", "bytes")
    return same


def _join(a: Type, b: Type) -> Type:
    if a.name == NULL.name:
        return b
    if b.name == NULL.name:
        return a
    if a.name == b.name and a.item == b.item and a.refs == b.refs:
        return Type(a.name, a.item, a.refs)
    return DYN


@dataclass
class _Checker:
    scope: dict[str, Type]
    bound: list[dict[str, Type]] = field(default_factory=list)

    def lookup(self, name: str) -> Type:
        for frame in reversed(self.bound):
            if name in frame:
                return frame[name]
        return self.scope.get(name, DYN)  # an unknown name: rules.py reports those

    def infer(self, node: Node) -> Type:
        handler = getattr(self, "_" + str(node.data), None)
        if handler is None:  # a node this checker does not know: its children still are
            for c in node.children:
                if isinstance(c, Tree):
                    self.infer(c)
            return DYN
        result: Type = handler(node)
        return result

    def _single(self, node: Node) -> Type:
        return self.infer(_child(node, 0))

    _member = _primary = _paren_expr = _single

    def _expr(self, node: Node) -> Type:
        if len(node.children) == 1:
            return self._single(node)
        self.infer(_child(node, 0))
        return _join(self.infer(_child(node, 1)), self.infer(_child(node, 2)))

    def _logic(self, node: Node) -> Type:
        if len(node.children) == 1:
            return self._single(node)
        self.infer(_child(node, 0))
        self.infer(_child(node, 1))
        return BOOL

    _conditionalor = _conditionaland = _logic

    def _relation(self, node: Node) -> Type:
        if len(node.children) == 1:
            return self._single(node)
        op_tree = _child(node, 0)
        left, right = self.infer(_child(op_tree, 0)), self.infer(_child(node, 1))
        op = str(op_tree.data)
        if (op in _ORDERED or op in _EQUALITY) and not _comparable(left, right, op in _ORDERED):
            raise TypeProblem(
                f"compares {_describe(left)} with {_describe(right)}: "
                + ("they are never equal" if op in _EQUALITY else "they cannot be ordered")
                + "; compare values of the same type (docs/format.md, section 2)",
                op_tree,
            )
        return BOOL

    def _arithmetic(self, node: Node) -> Type:
        if len(node.children) == 1:
            return self._single(node)
        op_tree = _child(node, 0)
        left, right = self.infer(_child(op_tree, 0)), self.infer(_child(node, 1))
        names = {left.name, right.name}
        if names == {"timestamp", "duration"}:
            return TIMESTAMP
        if names == {"timestamp"} and op_tree.data == "addition_sub":
            return DURATION
        if left.name == right.name and left.name in ("int", "double", "string", "duration"):
            return Type(left.name)
        if left.name == right.name == "list":
            return list_of(_join(left.item or DYN, right.item or DYN))
        return DYN

    _addition = _multiplication = _arithmetic

    def _unary(self, node: Node) -> Type:
        if len(node.children) == 1:
            return self._single(node)
        value = self.infer(_child(node, 1))
        return BOOL if _child(node, 0).data == "unary_not" else Type(value.name)

    def _member_dot(self, node: Node) -> Type:
        return self.select(self.infer(_child(node, 0)), node.children[1], node)

    def select(self, base: Type, name_token: object, node: Node) -> Type:
        name = str(name_token)
        label = f"{base.label}.{name}" if base.label else name
        where = name_token if isinstance(name_token, Token) else node
        if base.name in ("dyn", "null"):
            return DYN
        if base.name == "map":
            return (base.item or DYN).called(label)
        if base.name != "object":
            raise TypeProblem(
                f"{_describe(base)} has no fields: '.{name}' cannot be read from it", where
            )
        known: dict[str, Type] = {}
        for ref in base.refs:
            for key, t in fields(ref).items():
                known[key] = t if key not in known else _join(known[key], t)
        if name in known:
            return known[name].called(label)
        if name.startswith("x-"):
            return DYN
        close = difflib.get_close_matches(name, sorted(known), n=1)
        owner = f"`{base.label}`" if base.label else "this record"
        hint = f"did you mean '{close[0]}'?" if close else "docs/format.md lists the fields"
        raise TypeProblem(f"{owner} has no field '{name}' ({hint})", where)

    def _member_index(self, node: Node) -> Type:
        base = self.infer(_child(node, 0))
        index_node = _child(node, 1)
        index = self.infer(index_node)
        key = _string_literal(index_node)
        if base.name == "object" and key is not None:
            return self.select(base, key, index_node)
        label = f"{base.label}[...]" if base.label else ""
        if base.name in ("list", "map"):
            return (base.item or DYN).called(label)
        if base.name not in ("dyn", "null", "object"):
            raise TypeProblem(f"{_describe(base)} cannot be indexed", index_node)
        del index
        return DYN

    def _member_dot_arg(self, node: Node) -> Type:
        target = self.infer(_child(node, 0))
        name = str(node.children[1])
        args = _arguments(node, 2)
        if name in ("all", "exists", "exists_one", "filter", "map") and args:
            return self.macro(name, target, args)
        for a in args:
            self.infer(a)
        if name in _BOOL_FUNCTIONS:
            return BOOL
        return _RESULTS.get(name, DYN)

    def macro(self, name: str, target: Type, args: list[Node]) -> Type:
        variable = _macro_variable(args[0])
        element = (
            (target.item or DYN)
            if target.name == "list"
            else STRING
            if target.name == "map"
            else DYN
        )
        label = f"{target.label}[...]" if target.label and target.name == "list" else ""
        self.bound.append({variable: element.called(label)} if variable else {})
        try:
            results = [self.infer(a) for a in args[1:]]
        finally:
            self.bound.pop()
        if name == "filter":
            return target if target.name == "list" else list_of(DYN)
        if name == "map":
            return list_of(results[-1] if results else DYN)
        return BOOL

    def _ident_arg(self, node: Node) -> Type:
        name = str(node.children[0])
        args = _arguments(node, 1)
        for a in args:
            self.infer(a)
        if name in _BOOL_FUNCTIONS:
            return BOOL
        return _RESULTS.get(name, DYN)

    def _ident(self, node: Node) -> Type:
        return self.lookup(str(node.children[0]))

    def _literal(self, node: Node) -> Type:
        literal = node.children[0]
        return _LITERALS.get(literal.type, DYN) if isinstance(literal, Token) else DYN

    def _list_lit(self, node: Node) -> Type:
        items = [self.infer(a) for a in _arguments(node, 0)]
        joined = items[0] if items else DYN
        for t in items[1:]:
            joined = _join(joined, t)
        return list_of(Type(joined.name, joined.item, joined.refs))

    def _map_lit(self, node: Node) -> Type:
        for c in node.children:
            if isinstance(c, Tree):
                self.infer(c)
        return map_of(DYN)

    def _mapinits(self, node: Node) -> Type:
        for c in node.children:
            if isinstance(c, Tree):
                self.infer(c)
        return DYN

    def _exprlist(self, node: Node) -> Type:
        return self._mapinits(node)


def _child(node: Node, index: int) -> Node:
    c = node.children[index]
    assert isinstance(c, Tree)
    return c


def _arguments(node: Node, index: int) -> list[Node]:
    if len(node.children) <= index or not isinstance(node.children[index], Tree):
        return []
    return [c for c in _child(node, index).children if isinstance(c, Tree)]


def _macro_variable(arg: Node) -> str | None:
    idents = list(arg.find_data("ident"))
    return str(idents[0].children[0]) if len(idents) == 1 else None


def _string_literal(node: Node) -> str | None:
    """The text of a node that is one plain string literal ('x-owner'), else None."""
    while len(node.children) == 1 and isinstance(node.children[0], Tree):
        node = node.children[0]
    if node.data != "literal" or not isinstance(node.children[0], Token):
        return None
    literal = node.children[0]
    if literal.type != "STRING_LIT":
        return None
    text = str(literal)
    if text[:1] in "rR" or text.startswith(("'''", '"""')):
        return None
    body = text[1:-1]
    return body if "\\" not in body else None

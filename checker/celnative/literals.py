"""CEL literals as cel-python's evaluator reads them (celpy.evaluation.literal,
celstr and celbytes), computed once when an expression compiles."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lark import Token

from checker.celnative.values import INT64_MAX, INT64_MIN, Uint

_ESCAPE = re.compile(
    "\\\\[abfnrtv\"'\\\\]|\\\\\\d{3}|\\\\x[0-9a-fA-F]{2}|\\\\u[0-9a-fA-F]{4}|\\\\U[0-9a-fA-F]{8}|."
)
_ESCAPES = {
    "\\a": "\a", "\\b": "\b", "\\f": "\f", "\\n": "\n", "\\r": "\r", "\\t": "\t",
    "\\v": "\v", '\\"': '"', "\\'": "'", "\\\\": "\\",
}  # fmt: skip


def parse_int(text: str) -> int:
    """IntType(text): hexadecimal after 0x (or -0x), else Python's int(); ValueError
    ("overflow") outside 64 bits."""
    if text[:2] in ("0x", "0X"):
        value = int(text[2:], 16)
    elif text[:3] in ("-0x", "-0X"):
        value = -int(text[3:], 16)
    else:
        value = int(text)
    if INT64_MIN <= value <= INT64_MAX:
        return value
    raise ValueError("overflow")


def parse_uint(text: str) -> Uint:
    """UintType(text): hexadecimal after 0x, else int(); ValueError outside 0..2**64."""
    value = int(text[2:], 16) if text[:2] in ("0x", "0X") else int(text)
    if not 0 <= value < 2**64:
        raise ValueError("overflow")
    return Uint(value)


def _expand(text: str) -> Iterator[str]:
    for match in (m.group() for m in _ESCAPE.finditer(text)):
        if len(match) == 1:
            yield match
        elif match[:2] in (r"\x", r"\u", r"\U"):
            yield chr(int(match[2:], 16))
        elif match[:1] == "\\" and len(match) == 4:
            yield chr(int(match[1:], 8))
        else:
            yield _ESCAPES.get(match, match)


def cel_string(text: str) -> str:
    """A string literal's value: raw strings keep backslashes; cooked strings expand
    CEL's escapes. (As in cel-python, a line break inside a triple-quoted string is
    dropped: its pattern's `.` does not match it.)"""
    if text[:1] in ("R", "r"):
        return text[4:-3] if text[1:4] in ('"""', "'''") else text[2:-1]
    body = text[3:-3] if text[0:3] in ('"""', "'''") else text[1:-1]
    return "".join(_expand(body))


def cel_bytes(text: str) -> bytes:
    if text[:2].lower() == "br":
        body = text[5:-3] if text[2:5] in ('"""', "'''") else text[3:-1]
        return bytes(ord(c) for c in body)
    body = text[4:-3] if text[1:4] in ('"""', "'''") else text[2:-1]
    out = bytearray()
    for match in (m.group() for m in _ESCAPE.finditer(body)):
        if len(match) == 1:
            out += match.encode("utf-8")
        elif match[:2] in (r"\x", r"\u"):
            out.append(int(match[2:], 16))
        elif match[:1] == "\\" and len(match) == 4:
            out.append(int(match[1:], 8))
        else:
            out.append(ord(_ESCAPES.get(match, match)))
    return bytes(out)


def literal_value(token: Token) -> Any:
    """A literal token's value; ValueError for a literal that is a CEL error (its
    message is the error's: "overflow")."""
    kind, text = token.type, token.value
    if kind == "INT_LIT":
        return parse_int(text)
    if kind == "UINT_LIT":
        return parse_uint(text[:-1])
    if kind == "FLOAT_LIT":
        return float(text)
    if kind in ("STRING_LIT", "MLSTRING_LIT"):
        return cel_string(text)
    if kind == "BYTES_LIT":
        return cel_bytes(text)
    if kind == "BOOL_LIT":
        return text.lower() == "true"
    if kind == "NULL_LIT":
        return None
    raise ValueError(f"unsupported literal {text!r}")

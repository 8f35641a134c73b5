"""Text from the ISMS files made safe for an output, shared by the reporters.

Everything a reporter writes besides its own punctuation comes from files anyone can
change in a pull request: ids, titles, owners, file names, custom rules' messages. Each
format escapes that text its own way (JSON and XML by their serialisers, Markdown per
table cell, workflow commands per field); this module holds what they share:

- `unicode_safe`: lone surrogates (from a YAML `"\\ud800"` escape, or a file name that is
  not UTF-8, decoded with surrogateescape) become U+FFFD, so that the output can be
  encoded as UTF-8 at all.
- `visible`: characters a terminal or an XML 1.0 parser must not receive raw (C0 and C1
  controls, DEL, bidirectional overrides and other format characters, surrogates,
  U+FFFE/U+FFFF) become a visible escape such as `\\x1b` or `\\u202e`.
- `json_text`: JSON whose strings carry no raw control character, bidirectional
  control, line or paragraph separator, and no surrogate.
"""

from __future__ import annotations

import json
import re
from typing import Any

_SURROGATES = re.compile("[\ud800-\udfff]")

# XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# raw in a JSON string, these still reach a terminal (`cat report.json`), reorder the
# text around them (bidirectional controls) or break JavaScript that embeds the
# document; json.dumps already escapes U+0000-U+001F
_JSON_RAW = re.compile("[\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def unicode_safe(text: str) -> str:
    """`text` with every lone surrogate replaced by U+FFFD (encodable as UTF-8)."""
    return _SURROGATES.sub("\ufffd", text)


def escape(ch: str) -> str:
    """One character as Python writes it in a string literal: `\\x1b`, `\\u202e`, ..."""
    return repr(ch)[1:-1] if ch not in "'\"" else ch


def visible(text: str, keep: str = "") -> str:
    """Non-printable characters (Unicode categories C* and Z* other than the space),
    except those in `keep`, as visible escapes: no control sequence, no line break, no
    reordering of the text around it."""
    return "".join(ch if ch.isprintable() or ch in keep else escape(ch) for ch in text)


def xml_safe(text: str) -> str:
    """Characters that XML 1.0 forbids (and that junit_xml would silently drop: DEL and
    the C1 controls) as visible escapes; tabs and line breaks stay."""
    return visible(text, keep="\t\n\r") if not text.isprintable() else text


def json_text(document: Any) -> str:
    """`document` as indented JSON, UTF-8 text kept readable (ensure_ascii=False) but with
    no raw DEL, C1 control, bidirectional control, line or paragraph separator (as
    `\\uXXXX` escapes), and no lone surrogate (U+FFFD)."""
    text = json.dumps(document, indent=2, ensure_ascii=False)
    text = _JSON_RAW.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
    return unicode_safe(text) + "\n"


def console(text: str) -> str:
    """Text for a terminal or a CI log (messages on stderr, `rules`, `explain`): control
    characters visible, line breaks kept, and no line the Actions runner would take for
    a workflow command (`::name::`, after any leading space; `##[name]` anywhere)."""
    lines = unicode_safe(visible(text, keep="\n")).split("\n")
    safe = [f"isms-check: {line}" if line.lstrip().startswith("::") else line for line in lines]
    return "\n".join(safe).replace("##[", "# #[")

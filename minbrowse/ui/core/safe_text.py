"""Make untrusted strings (keys, metadata, tags, server messages) safe to draw.

Every control character (C0, DEL, C1) and every bidi override / isolate
(U+202A-U+202E, U+2066-U+2069) is replaced by a visible escape such as `\\x1b`
or `\\u202e`, so nothing from a server reaches the terminal as a control
sequence. Callers wrap the result in `rich.text.Text` (never markup).
"""

from __future__ import annotations

import re

from rich.text import Text

_BIDI = "\u202a-\u202e\u2066-\u2069"
_CONTROL_RE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_CONTROL_KEEP_LINES_RE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def escape_control(value: object, *, keep_newlines: bool = False) -> str:
    """Return `value` as a string with control and bidi characters shown as escapes.

    With `keep_newlines`, `\\n` and `\\t` stay as they are (for multi-line previews).
    """
    text = value if isinstance(value, str) else str(value)
    pattern = _CONTROL_KEEP_LINES_RE if keep_newlines else _CONTROL_RE
    return pattern.sub(_escape_char, text)


def has_control(value: str) -> bool:
    """True when `value` holds a character `escape_control` would rewrite."""
    return _CONTROL_RE.search(value) is not None


def safe_text(value: object, style: str = "", *, keep_newlines: bool = False) -> Text:
    """A Rich Text of the escaped value: never parsed as markup."""
    return Text(escape_control(value, keep_newlines=keep_newlines), style=style)

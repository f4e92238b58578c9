"""Form helpers shared by the editors: labelled rows and parsing of typed values.

Every parser raises ValueError naming the field, so the editor shows it inline.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Label

from ..core.safe_text import escape_control

_ESCAPE_RE = re.compile(r"\\(\\|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4})")


def encode_text(value: str, *, keep_newlines: bool = False) -> str:
    """Server text made safe to put in an editable widget: control and bidi characters
    become visible escapes (`\\x1b`, `\\u202e`) and a backslash doubles, so
    `decode_text` gives back exactly the original value."""
    return escape_control(value.replace("\\", "\\\\"), keep_newlines=keep_newlines)


def decode_text(text: str) -> str:
    """Inverse of `encode_text`: `\\\\`, `\\xNN` and `\\uNNNN` turn back into characters."""
    def one(match: re.Match[str]) -> str:
        body = match.group(1)
        return "\\" if body == "\\" else chr(int(body[1:], 16))

    return _ESCAPE_RE.sub(one, text)


def row(label: str, widget: Widget) -> Horizontal:
    """A labelled form row; inputs and selects are drawn compact (one line each)."""
    if hasattr(widget, "compact"):
        widget.compact = True  # type: ignore[attr-defined]
    return Horizontal(Label(label), widget, classes="field-row")


def optional_int(text: str, field: str, *, positive: bool = True) -> int | None:
    """'' -> None; otherwise a positive (or non-negative) whole number."""
    text = text.strip()
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{field} must be a whole number, got {text!r}") from None
    if positive and value <= 0:
        raise ValueError(f"{field} must be a positive number of days, got {value}")
    if value < 0:
        raise ValueError(f"{field} must not be negative, got {value}")
    return value


def optional_date(text: str, field: str) -> datetime | None:
    """'' -> None; YYYY-MM-DD (midnight UTC) or a full ISO 8601 timestamp (UTC if naive)."""
    text = text.strip()
    if not text:
        return None
    candidate = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        value = datetime.fromisoformat(candidate)
    except ValueError:
        raise ValueError(f"{field} must be a date like 2030-01-31 or 2030-01-31T12:00:00Z, "
                         f"got {text!r}") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def date_text(value: datetime | None, *, date_only: bool = False) -> str:
    if value is None:
        return ""
    value = value.astimezone(timezone.utc)
    if date_only or (value.hour, value.minute, value.second) == (0, 0, 0):
        return value.strftime("%Y-%m-%d")
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def text_or_none(text: str) -> str | None:
    text = text.strip()
    return text or None

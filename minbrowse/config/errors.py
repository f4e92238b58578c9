"""`ConfigError` and reading TOML files into errors that name file, line and key — never a value.

Values in a configuration file may be secrets, so no message built here quotes one:
syntax errors report the file, the line and the key written on that line; type errors
report the file, the dotted key and the line where that key is written.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

_LINE = re.compile(r"at line (\d+)(?:, column (\d+))?")
_KEY_ON_LINE = re.compile(r"""^\s*((?:[A-Za-z0-9_\-]+|"[^"\n]*"|'[^'\n]*')(?:\s*\.\s*(?:[A-Za-z0-9_\-]+|"[^"\n]*"|'[^'\n]*'))*)\s*=""")
_QUOTED = re.compile(r"""\s*(['"]).*?\1""")
_TABLE_ON_LINE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")


class ConfigError(ValueError):
    """A configuration file cannot be used; the message is one line, secret-free."""

    def __init__(self, message: str, *, path: Path | None = None, line: int | None = None,
                 key: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.key = key


def _unquote_key(text: str) -> str:
    parts = re.findall(r"""[A-Za-z0-9_\-]+|"[^"\n]*"|'[^'\n]*'""", text)
    return ".".join(p[1:-1] if p[:1] in "\"'" else p for p in parts)


def key_on_line(text: str, line: int) -> str | None:
    """The key (or table header) written on 1-based `line` of `text`, if any."""
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return None
    source = lines[line - 1]
    match = _KEY_ON_LINE.match(source)
    if match:
        return _unquote_key(match.group(1))
    match = _TABLE_ON_LINE.match(source)
    if match:
        return f"[{_unquote_key(match.group(1))}]"
    return None


def line_of_key(text: str, dotted: tuple[str, ...]) -> int | None:
    """Best-effort 1-based line where the key path `dotted` is written (table-aware)."""
    table: tuple[str, ...] = ()
    for number, source in enumerate(text.splitlines(), start=1):
        header = _TABLE_ON_LINE.match(source)
        if header and not _KEY_ON_LINE.match(source):
            table = tuple(_unquote_key(header.group(1)).split("."))
            if table == dotted:
                return number
            continue
        match = _KEY_ON_LINE.match(source)
        if match:
            full = table + tuple(_unquote_key(match.group(1)).split("."))
            if full == dotted or full[: len(dotted)] == dotted:
                return number
    return None


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """Parse `path`; return (document, text). Raise ConfigError naming file, line and key."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or type(exc).__name__})",
                          path=path) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text", path=path) from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        found = _LINE.search(str(exc))
        line = int(found.group(1)) if found else None
        key = key_on_line(text, line) if line else None
        reason = _LINE.sub("", str(exc)).strip().rstrip("() ").strip()
        if "character" in reason:  # these tomllib messages quote a character of a value
            reason = _QUOTED.sub("", reason).strip()
        reason = reason or "invalid TOML"
        where = f"{path}, line {line}" if line else str(path)
        what = f" (key {key})" if key else ""
        raise ConfigError(f"{where}{what}: {reason}", path=path, line=line, key=key) from None


def error_at(path: Path | None, text: str, dotted: tuple[str, ...], problem: str) -> ConfigError:
    """A ConfigError for key path `dotted`, with its line when it can be found."""
    line = line_of_key(text, dotted) if text else None
    key = ".".join(dotted)
    where = str(path) if path else "<config>"
    if line:
        where += f", line {line}"
    return ConfigError(f"{where}: {key}: {problem}", path=path, line=line, key=key)

"""Turn the first bytes of an object into a Rich renderable: text, JSON, CSV table, log.

Everything drawn comes from escaped text (control and bidi characters made visible);
binary content is never decoded onto the screen.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import PurePosixPath

from rich.console import Group, RenderableType
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from ..core.format import human_size
from ..core.models import PreviewData
from ..core.safe_text import escape_control

CSV_MAX_ROWS = 200
CSV_MAX_COLUMNS = 30
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/x-ndjson",
              "application/javascript", "application/yaml", "application/toml")
LEXERS = {".py": "python", ".json": "json", ".yaml": "yaml", ".yml": "yaml", ".toml": "toml",
          ".xml": "xml", ".html": "html", ".md": "markdown", ".sh": "bash", ".js": "javascript",
          ".ini": "ini", ".cfg": "ini", ".sql": "sql", ".css": "css", ".go": "go", ".rs": "rust"}


def classify(key: str, content_type: str, data: bytes) -> str:
    """One of "json", "csv", "log", "text", "binary"."""
    suffix = PurePosixPath(key).suffix.lower()
    ctype = content_type.split(";")[0].strip().lower()
    if b"\x00" in data[:8192]:
        return "binary"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(data) - 4:  # not merely a character cut at the 64 KiB boundary
            return "binary"
    if suffix in (".json", ".ndjson", ".jsonl") or ctype in ("application/json", "application/x-ndjson"):
        return "json"
    if suffix in (".csv", ".tsv") or ctype in ("text/csv", "text/tab-separated-values"):
        return "csv"
    if suffix == ".log" or ctype == "text/x-log":
        return "log"
    if suffix in LEXERS or suffix in (".txt", "") or ctype.startswith(TEXT_TYPES):
        return "text"
    return "text" if data else "binary"


def _decode(data: bytes) -> str:
    return escape_control(data.decode("utf-8", errors="replace"), keep_newlines=True)


def _json(text: str, truncated: bool) -> RenderableType:
    if not truncated:
        try:
            pretty = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
            return Syntax(escape_control(pretty, keep_newlines=True), "json", word_wrap=True)
        except ValueError:
            pass
    return Syntax(text, "json", word_wrap=True)


def _csv(text: str, key: str) -> RenderableType:
    delimiter = "\t" if key.lower().endswith(".tsv") else ","
    table = Table(show_lines=False, header_style="bold", expand=False)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return Text(text)
    for name in header[:CSV_MAX_COLUMNS]:
        table.add_column(Text(name), overflow="fold")
    try:
        for count, row in enumerate(reader):
            if count >= CSV_MAX_ROWS:
                break
            table.add_row(*(Text(cell) for cell in row[:CSV_MAX_COLUMNS]))
    except csv.Error:
        pass
    return table


def _log(text: str) -> RenderableType:
    styled = Text()
    for line in text.splitlines(keepends=True):
        upper = line.upper()
        style = ("bold red" if "ERROR" in upper or "FATAL" in upper
                 else "yellow" if "WARN" in upper else "dim" if "DEBUG" in upper else "")
        styled.append(line, style=style)
    return styled


def render_preview(preview: PreviewData) -> tuple[str, RenderableType]:
    """(kind, renderable) for the preview modal."""
    kind = classify(preview.key, preview.content_type, preview.data)
    note = Text(f"{escape_control(preview.content_type or 'unknown type')} · "
                f"{human_size(preview.total_size)}", style="dim")
    if preview.truncated:
        note.append(f" · showing the first {human_size(len(preview.data))}", style="dim")
    if kind == "binary":
        return kind, Group(note, Text("Binary content: no preview. See the detail pane for metadata.",
                                      style="italic"))
    text = _decode(preview.data)
    if kind == "json":
        body = _json(text, preview.truncated)
    elif kind == "csv":
        body = _csv(text, preview.key)
    elif kind == "log":
        body = _log(text)
    else:
        lexer = LEXERS.get(PurePosixPath(preview.key).suffix.lower())
        body = Syntax(text, lexer, word_wrap=True) if lexer else Text(text)
    return kind, Group(note, Text(""), body)

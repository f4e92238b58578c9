"""S3 Select: SQL over one object (CSV with header and delimiter, JSON lines or document,
Parquet), output CSV or JSON, results added to a table as they stream, then the stats."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Label, Select, Static, TextArea

from ..core.format import human_size
from ..core.safe_text import escape_control
from .base import TOOL_CSS, ToolScreen
from .protocol import ToolFailed, ToolRequest
from .values import SelectBatch, SelectSummary

INPUTS = (("CSV", "csv"), ("JSON lines", "json-lines"), ("JSON document", "json-document"),
          ("Parquet", "parquet"))
HEADERS = (("header: use", "USE"), ("header: ignore", "IGNORE"), ("no header", "NONE"))
DELIMITERS = (("comma ,", ","), ("semicolon ;", ";"), ("tab", "\t"), ("pipe |", "|"))
COMPRESSIONS = (("not compressed", "NONE"), ("gzip", "GZIP"), ("bzip2", "BZIP2"))
OUTPUTS = (("output CSV", "csv"), ("output JSON", "json"))
DEFAULT_SQL = "SELECT * FROM S3Object s LIMIT 100"
MAX_ROWS_SHOWN = 10000


def guess_input(key: str) -> tuple[str, str]:
    """(input format, compression) from the key's extension."""
    name = key.lower()
    compression = "GZIP" if name.endswith(".gz") else "BZIP2" if name.endswith(".bz2") else "NONE"
    base = name.rsplit(".", 1)[0] if compression != "NONE" else name
    if base.endswith(".parquet"):
        return "parquet", "NONE"
    if base.endswith((".json", ".jsonl", ".ndjson")):
        return "json-lines", compression
    return "csv", compression


class SelectScreen(ToolScreen):
    TOOL = "select"
    TITLE = "S3 Select"
    DEFAULT_CSS = TOOL_CSS.format(name="SelectScreen") + """
    SelectScreen #select-sql { height: 4; }
    SelectScreen Select { width: 24; }
    SelectScreen #select-results { height: 1fr; }
    """
    BINDINGS = ToolScreen.BINDINGS + [Binding("ctrl+r", "run", "Run query", id="select.run")]

    def __init__(self, bucket: str, key: str | None = None, *, gateway: Any = None) -> None:
        super().__init__(bucket, key, gateway=gateway)
        self.columns: list[str] = []
        self.row_count = 0
        self.summary: SelectSummary | None = None

    def subtitle(self) -> str:
        return "ctrl+r run · Esc closes"

    def compose_body(self) -> ComposeResult:
        kind, compression = guess_input(self.key or "")
        yield TextArea(DEFAULT_SQL, id="select-sql")
        with Horizontal(classes="tool-row"):
            yield Label("Input", classes="tool-label")
            yield Select(INPUTS, value=kind, allow_blank=False, id="select-input")
            yield Select(HEADERS, value="USE", allow_blank=False, id="select-header")
            yield Select(DELIMITERS, value=",", allow_blank=False, id="select-delimiter")
            yield Select(COMPRESSIONS, value=compression, allow_blank=False, id="select-compression")
        with Horizontal(classes="tool-row"):
            yield Label("Output", classes="tool-label")
            yield Select(OUTPUTS, value="json", allow_blank=False, id="select-output")
            yield Button("Run (ctrl+r)", id="select-run", variant="primary", compact=True)
        yield Label("", classes="tool-error", id="select-error")
        yield DataTable(id="select-results", zebra_stripes=True)
        yield Static(Text(""), id="select-stats")

    def on_mount(self) -> None:
        self.query_one("#select-sql", TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "select-run":
            self.action_run()

    def form_params(self) -> tuple[dict | None, str | None]:
        sql = self.query_one("#select-sql", TextArea).text.strip()
        if not sql.lower().startswith("select"):
            return None, "SQL: the expression must start with SELECT … FROM S3Object"
        if "s3object" not in sql.lower():
            return None, "SQL: select FROM S3Object (the object itself)"
        kind = str(self.query_one("#select-input", Select).value)
        compression = str(self.query_one("#select-compression", Select).value)
        if kind == "parquet" and compression != "NONE":
            return None, "Parquet objects cannot be gzip/bzip2 compressed as a whole"
        params = {"sql": sql, "output": str(self.query_one("#select-output", Select).value),
                  "compression": None if compression == "NONE" else compression}
        if kind == "csv":
            params.update(input="csv", csv_header=str(self.query_one("#select-header", Select).value),
                          csv_delimiter=str(self.query_one("#select-delimiter", Select).value))
        elif kind.startswith("json"):
            params.update(input="json", json_type="LINES" if kind == "json-lines" else "DOCUMENT")
        else:
            params.update(input="parquet")
        return params, None

    def action_run(self) -> None:
        params, error = self.form_params()
        self.query_one("#select-error", Label).update(error or "")
        if error:
            self.last_error = error
            return
        self.cancel_runs()
        table = self.query_one("#select-results", DataTable)
        table.clear(columns=True)
        self.columns, self.row_count, self.summary = [], 0, None
        self.query_one("#select-stats", Static).update(Text(""))
        self.submit("run", params)
        self.set_status("running…")

    # ---- results ---------------------------------------------------------------------------------
    def tool_event(self, request: ToolRequest, value: Any) -> None:
        if isinstance(value, SelectBatch):
            self.add_batch(value)

    def add_batch(self, batch: SelectBatch) -> None:
        table = self.query_one("#select-results", DataTable)
        for name in batch.columns[len(self.columns):]:
            table.add_column(escape_control(name), default="")
            self.columns.append(name)
        room = MAX_ROWS_SHOWN - self.row_count
        for row in batch.rows[:max(room, 0)]:
            table.add_row(*(Text(escape_control(cell)) for cell in row))
        self.row_count += len(batch.rows)
        self.set_status(f"{self.row_count:,} row(s) so far…")

    def tool_done(self, request: ToolRequest, value: Any) -> None:
        self.summary = value
        self.show_summary(value)

    def show_summary(self, summary: SelectSummary) -> None:
        def size(value: int | None) -> str:
            return "n/a" if value is None else f"{human_size(value)} ({value:,} B)"

        shown = f" (first {MAX_ROWS_SHOWN:,} shown)" if summary.rows > MAX_ROWS_SHOWN else ""
        self.query_one("#select-stats", Static).update(Text(
            f"{summary.rows:,} row(s){shown} · scanned {size(summary.bytes_scanned)} · processed "
            f"{size(summary.bytes_processed)} · returned {size(summary.bytes_returned)}",
            style="bold"))
        self.set_status("done")

    def tool_failed(self, failure: ToolFailed) -> None:
        if failure.not_supported:
            self.show_error(f"S3 Select is not supported by this server ({failure.code})")

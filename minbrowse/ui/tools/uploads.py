"""Incomplete uploads: the bucket's unfinished multipart uploads (key, started, parts, size),
abort one or all of them (after a confirmation)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, DataTable

from ..core.format import human_size
from ..core.safe_text import escape_control
from .base import TOOL_CSS, ToolScreen
from .protocol import ToolRequest
from .values import UploadRow


class UploadsScreen(ToolScreen):
    TOOL = "uploads"
    TITLE = "Incomplete uploads"
    DEFAULT_CSS = TOOL_CSS.format(name="UploadsScreen") + """
    UploadsScreen #uploads-table { height: 1fr; }
    """

    def __init__(self, bucket: str, key: str | None = None, *, gateway: Any = None) -> None:
        super().__init__(bucket, key, gateway=gateway)
        self.prefix = key or ""
        self.rows: tuple[UploadRow, ...] = ()
        self.loaded = False

    def target_label(self) -> str:
        return escape_control(f"Unfinished multipart uploads in s3://{self.bucket}/{self.prefix}")

    def has_mutations(self) -> bool:
        return True

    def compose_body(self) -> ComposeResult:
        yield DataTable(id="uploads-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(classes="tool-row"):
            yield Button("Abort", id="uploads-abort", variant="error", compact=True)
            yield Button("Abort all", id="uploads-abort-all", variant="error", compact=True)
            yield Button("Refresh", id="uploads-refresh", compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#uploads-table", DataTable)
        table.add_columns("Key", "Started (UTC)", "Parts", "Size", "Upload id")
        if self.read_only:
            self.query_one("#uploads-abort", Button).disabled = True
            self.query_one("#uploads-abort-all", Button).disabled = True
        table.focus()
        self.reload()

    def reload(self) -> None:
        self.submit("load", {"prefix": self.prefix})
        self.set_status("listing unfinished uploads…")

    def tool_done(self, request: ToolRequest, value: Any) -> None:
        if request.action == "load":
            self.show_rows(value)
            return
        self.app.notify(escape_control(str(value)), markup=False)
        self.reload()

    def show_rows(self, rows: tuple[UploadRow, ...]) -> None:
        self.rows = tuple(rows)
        self.loaded = True
        table = self.query_one("#uploads-table", DataTable)
        table.clear()
        for row in self.rows:
            table.add_row(Text(escape_control(row.key)),
                          row.initiated.strftime("%Y-%m-%d %H:%M:%S") if row.initiated else "",
                          str(row.parts), human_size(row.size), Text(escape_control(row.upload_id)))
        total = sum(r.size for r in self.rows)
        self.set_status(f"{len(self.rows)} unfinished upload(s) holding {human_size(total)}"
                        if self.rows else "no unfinished uploads")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "uploads-refresh":
            self.reload()
        elif event.button.id == "uploads-abort":
            self.abort_one()
        elif event.button.id == "uploads-abort-all":
            self.abort_all()

    def abort_one(self) -> None:
        table = self.query_one("#uploads-table", DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            self.show_error("highlight an upload first")
            return
        row = self.rows[table.cursor_row]
        self.confirm("Abort upload",
                     [f"Abort the upload of {row.key}?",
                      f"Its {row.parts} part(s), {human_size(row.size)}, are discarded."],
                     lambda: self.submit("abort", {"upload_id": row.upload_id}, mutating=True,
                                         key=row.key), label="Abort")

    def abort_all(self) -> None:
        if not self.rows:
            self.show_error("there is nothing to abort")
            return
        uploads = tuple((row.key, row.upload_id) for row in self.rows)
        total = human_size(sum(r.size for r in self.rows))
        self.confirm("Abort all uploads",
                     [f"Abort all {len(uploads)} unfinished upload(s) listed ({total})?"],
                     lambda: self.submit("abort_all", {"uploads": uploads}, mutating=True),
                     label="Abort all")

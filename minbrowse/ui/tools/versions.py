"""Versions: every version and delete marker of the selected object (or of a prefix); download a
version, restore one (server-side copy onto the latest), undelete (remove the delete marker),
permanently delete one version — honouring legal hold and retention, with an explicit
bypass-governance option — and open the tags, retention or legal hold editor on one version."""

from __future__ import annotations

import os
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Checkbox, DataTable, Label

from ..core.format import human_size
from ..core.safe_text import escape_control
from .base import TOOL_CSS, ToolScreen
from .logic import local_name
from .protocol import ToolRequest
from .values import VersionRow

MUTATING = ("restore", "undelete", "delete")
#: Object editors that open on the highlighted version: button id suffix -> editor id.
VERSION_EDITORS = {"tags": "object_tags", "retention": "retention", "legal-hold": "legal_hold"}


class VersionsScreen(ToolScreen):
    TOOL = "versions"
    TITLE = "Versions"
    DEFAULT_CSS = TOOL_CSS.format(name="VersionsScreen") + """
    VersionsScreen #versions-table { height: 1fr; }
    VersionsScreen .versions-label { width: auto; padding: 0 1 0 0; }
    """
    BINDINGS = ToolScreen.BINDINGS + [
        Binding("t", "edit_version('object_tags')", "Tags", id="versions.tags"),
        Binding("e", "edit_version('retention')", "Retention", id="versions.retention"),
        Binding("l", "edit_version('legal_hold')", "Legal hold", id="versions.legal_hold"),
    ]

    def __init__(self, bucket: str, key: str | None = None, *, gateway: Any = None,
                 download_dir: str | None = None) -> None:
        super().__init__(bucket, key, gateway=gateway)
        self.prefix_mode = not key or key.endswith("/")
        self.rows: tuple[VersionRow, ...] = ()
        self.download_dir = download_dir or os.getcwd()
        self.loaded = False

    def subtitle(self) -> str:
        return "the buttons act on the highlighted row · Esc closes"

    def target_label(self) -> str:
        what = "under the prefix" if self.prefix_mode else "of"
        return escape_control(f"Versions and delete markers {what} s3://{self.bucket}/{self.key or ''}")

    def has_mutations(self) -> bool:
        return True

    def compose_body(self) -> ComposeResult:
        table: DataTable = DataTable(id="versions-table", cursor_type="row", zebra_stripes=True)
        yield table
        with Horizontal(classes="tool-row"):
            yield Button("Download", id="versions-download", compact=True)
            yield Button("Restore as latest", id="versions-restore", compact=True)
            yield Button("Undelete", id="versions-undelete", compact=True)
            yield Button("Delete version", id="versions-delete", variant="error", compact=True)
            yield Button("Refresh", id="versions-refresh", compact=True)
        with Horizontal(classes="tool-row"):
            yield Label("This version:", classes="versions-label")
            yield Button("Tags… (t)", id="versions-tags", compact=True)
            yield Button("Retention… (e)", id="versions-retention", compact=True)
            yield Button("Legal hold… (l)", id="versions-legal-hold", compact=True)
        yield Checkbox("bypass GOVERNANCE retention when deleting (needs the permission)",
                       id="versions-bypass", compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#versions-table", DataTable)
        table.add_columns(*((("Key",) if self.prefix_mode else ()) +
                            ("Version", "Latest", "Kind", "Size", "Modified (UTC)")))
        if self.read_only:
            for name in MUTATING:
                self.query_one(f"#versions-{name}", Button).disabled = True
        table.focus()
        self.reload()

    def reload(self) -> None:
        self.submit("load", {"prefix_mode": self.prefix_mode})
        self.set_status("reading versions…")

    # ---- results -------------------------------------------------------------------------------
    def tool_done(self, request: ToolRequest, value: Any) -> None:
        if request.action == "load":
            self.show_rows(value)
            return
        self.app.notify(escape_control(str(value)), markup=False)
        self.set_status(str(value))
        if request.action in MUTATING:
            self.reload()

    def show_rows(self, rows: tuple[VersionRow, ...]) -> None:
        self.rows = tuple(rows)
        self.loaded = True
        table = self.query_one("#versions-table", DataTable)
        table.clear()
        for row in self.rows:
            cells: list[Any] = [Text(escape_control(row.key))] if self.prefix_mode else []
            kind = Text("delete marker", style="red") if row.is_delete_marker else Text("version")
            cells += [Text(escape_control(row.version_id)), "latest" if row.is_latest else "",
                      kind, "" if row.is_delete_marker or row.size is None else human_size(row.size),
                      row.last_modified.strftime("%Y-%m-%d %H:%M:%S") if row.last_modified else ""]
            table.add_row(*cells)
        self.set_status(f"{len(self.rows)} version(s) and delete marker(s)" if self.rows
                        else "no versions (is versioning enabled on this bucket?)")

    def current(self) -> VersionRow | None:
        table = self.query_one("#versions-table", DataTable)
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            self.show_error("highlight a version first")
            return None
        return self.rows[table.cursor_row]

    # ---- actions ------------------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button = event.button.id or ""
        if button == "versions-refresh":
            self.reload()
            return
        action = button.removeprefix("versions-")
        if action in VERSION_EDITORS:
            self.action_edit_version(VERSION_EDITORS[action])
            return
        row = self.current()
        if row is not None and action in ("download", "restore", "undelete", "delete"):
            getattr(self, f"do_{action}")(row)

    def _params(self, row: VersionRow, **extra: Any) -> dict:
        return {"version_id": row.version_id, "is_delete_marker": row.is_delete_marker, **extra}

    def do_download(self, row: VersionRow) -> None:
        if row.is_delete_marker:
            self.show_error("a delete marker has no content to download")
            return
        from ..screens.prompt import PromptScreen

        default = os.path.join(self.download_dir, f"{local_name(row.key)}.{row.version_id[:12]}")

        def validate(path: str) -> str | None:
            if not path or path.endswith(os.sep):
                return "give a file path"
            if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
                return "that folder does not exist"
            return None

        def done(path: str | None) -> None:
            if path:
                self.submit("download", self._params(row, path=path), key=row.key)
                self.set_status("downloading…")

        self.app.push_screen(PromptScreen("Download version", "Save the version to:", default,
                                          validate), done)

    def do_restore(self, row: VersionRow) -> None:
        if row.is_delete_marker:
            self.show_error("pick a version to restore, not a delete marker (use Undelete)")
            return
        if row.is_latest:
            self.show_error("this version is already the latest")
            return
        self.confirm("Restore version",
                     [f"Copy version {row.version_id} of {row.key} over the latest?",
                      "A new latest version is written; no version is deleted."],
                     lambda: self.submit("restore", self._params(row), mutating=True, key=row.key),
                     label="Restore")

    def do_undelete(self, row: VersionRow) -> None:
        if not row.is_delete_marker:
            self.show_error("Undelete removes a delete marker: highlight one")
            return
        note = "" if row.is_latest else " (it is not the latest, so nothing reappears)"
        self.confirm("Undelete", [f"Remove delete marker {row.version_id} of {row.key}{note}?"],
                     lambda: self.submit("undelete", self._params(row), mutating=True, key=row.key),
                     label="Undelete")

    def do_delete(self, row: VersionRow) -> None:
        bypass = self.query_one("#versions-bypass", Checkbox).value
        what = "delete marker" if row.is_delete_marker else "version"
        lines = [f"Permanently delete {what} {row.version_id} of {row.key}?",
                 "This cannot be undone."]
        if bypass:
            lines.append("GOVERNANCE retention will be bypassed.")
        self.confirm("Delete version", lines,
                     lambda: self.submit("delete", self._params(row, bypass_governance=bypass),
                                         mutating=True, key=row.key))

    def action_edit_version(self, editor_id: str) -> None:
        """Open an object editor on the highlighted version (view-only when read-only)."""
        row = self.current()
        if row is None:
            return
        if row.is_delete_marker:
            self.show_error("a delete marker has no tags, retention or legal hold: "
                            "highlight a version")
            return
        from ..editors.wiring import object_editor

        self.app.push_screen(object_editor(self.app, editor_id, self.bucket, row.key,
                                           row.version_id))

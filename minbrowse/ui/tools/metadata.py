"""Metadata: edit an object's content type and user metadata (copy onto itself with
metadata_directive REPLACE), keeping its tags and standard headers and, when asked, its
retention. Validated before sending; the change is shown and confirmed; then read back."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Checkbox, Input, Label, Static, TextArea

from ..core.safe_text import escape_control
from .base import TOOL_CSS, ToolScreen
from .logic import metadata_text, parse_metadata
from .protocol import ToolFailed, ToolRequest
from .values import ObjectMetadata


def change_lines(live: ObjectMetadata, content_type: str, user: dict[str, str]) -> list[str]:
    """What applying the form changes, line by line ("- old", "+ new")."""
    lines = []
    if live.content_type != content_type:
        lines += [f"- Content-Type: {live.content_type}", f"+ Content-Type: {content_type}"]
    old = {k.lower(): (k, v) for k, v in live.user}
    new = {k.lower(): (k, v) for k, v in user.items()}
    for name in sorted(old.keys() | new.keys()):
        if old.get(name, (None, None))[1] == new.get(name, (None, None))[1]:
            continue
        if name in old:
            lines.append(f"- {old[name][0]}: {old[name][1]}")
        if name in new:
            lines.append(f"+ {new[name][0]}: {new[name][1]}")
    return lines


class MetadataScreen(ToolScreen):
    TOOL = "metadata"
    TITLE = "Metadata"
    DEFAULT_CSS = TOOL_CSS.format(name="MetadataScreen") + """
    MetadataScreen #meta-user { height: 8; }
    MetadataScreen #meta-kept { height: auto; }
    """
    BINDINGS = ToolScreen.BINDINGS + [Binding("ctrl+s", "apply", "Apply", id="metadata.apply")]

    def __init__(self, bucket: str, key: str | None = None, *, gateway: Any = None) -> None:
        super().__init__(bucket, key, gateway=gateway)
        self.live: ObjectMetadata | None = None
        self.loaded = False

    def subtitle(self) -> str:
        return "ctrl+s apply · Esc closes"

    def has_mutations(self) -> bool:
        return True

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="tool-row"):
            yield Label("Content type", classes="tool-label")
            yield Input(id="meta-content-type", disabled=True)
        yield Label("User metadata, one 'key: value' per line (sent as x-amz-meta-key):")
        yield TextArea("", id="meta-user", disabled=True)
        yield Static(Text(""), id="meta-kept")
        with Horizontal(classes="tool-row"):
            yield Checkbox("keep the retention (mode and date) on the new copy",
                           id="meta-keep-retention", value=True, compact=True)
            yield Button("Apply", id="meta-apply", variant="primary", compact=True, disabled=True)
        yield Static(Text(""), classes="tool-error", id="meta-error")

    def on_mount(self) -> None:
        self.submit("load")
        self.set_status("reading the object's metadata…")

    def tool_done(self, request: ToolRequest, value: ObjectMetadata) -> None:
        self.show(value, fill=True)
        if request.action == "apply":
            self.set_status("applied and read back from the server")
            self.app.notify(escape_control(f"Metadata of {self.key} replaced"), markup=False)
        else:
            self.set_status("live metadata read from the server")

    def tool_failed(self, failure: ToolFailed) -> None:
        if failure.request.action == "apply":  # the form keeps what the user typed
            self.query_one("#meta-apply", Button).disabled = self.read_only

    def show(self, meta: ObjectMetadata, *, fill: bool) -> None:
        self.live = meta
        self.loaded = True
        content_type = self.query_one("#meta-content-type", Input)
        area = self.query_one("#meta-user", TextArea)
        if fill:
            content_type.value = meta.content_type
            area.load_text(metadata_text(meta.user))
        content_type.disabled = area.disabled = False
        self.query_one("#meta-apply", Button).disabled = self.read_only
        kept = Text("Kept as they are: ", style="bold")
        kept.append(escape_control(", ".join(f"{k}: {v}" for k, v in meta.kept_headers) or
                                   "no other standard headers"))
        kept.append("\nTags (kept): ", style="bold")
        kept.append(escape_control(", ".join(f"{k}={v}" for k, v in meta.tags) or "none"))
        kept.append("\nRetention: ", style="bold")
        if meta.retention:
            mode, until = meta.retention
            kept.append(f"{mode} until {until.strftime('%Y-%m-%d %H:%M UTC')}")
        else:
            kept.append("none")
        kept.append("\nThe object is copied onto itself: on a versioned bucket this writes a new "
                    "version.", style="italic")
        self.query_one("#meta-kept", Static).update(kept)
        self.query_one("#meta-keep-retention", Checkbox).display = bool(meta.retention)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "meta-apply":
            self.action_apply()

    def action_apply(self) -> None:
        if self.live is None:
            return
        if self.read_only:
            self.show_error("disabled: minbrowse is in read-only mode")
            return
        content_type = self.query_one("#meta-content-type", Input).value.strip()
        user, errors = parse_metadata(content_type, self.query_one("#meta-user", TextArea).text)
        error_box = self.query_one("#meta-error", Static)
        error_box.update(Text("\n".join(errors)))
        if errors:
            self.last_error = errors[0]
            return
        changes = change_lines(self.live, content_type, user)
        if not changes:
            self.set_status("nothing to change")
            return
        keep = bool(self.live.retention) and self.query_one("#meta-keep-retention", Checkbox).value
        params = {"content_type": content_type, "user": user, "keep_retention": keep}
        self.confirm("Replace metadata", [f"Replace the metadata of {self.key}:", *changes],
                     lambda: self._send(params), label="Apply")

    def _send(self, params: dict) -> None:
        self.query_one("#meta-apply", Button).disabled = True
        self.submit("apply", params, mutating=True)
        self.set_status("copying the object onto itself…")

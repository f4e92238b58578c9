"""The detail pane: sections of the selected bucket/folder/object plus action buttons.

Extension point: other modules add buttons with `register_detail_action(...)`; a press
posts `DetailPane.ActionRequested(action)` and the app runs that action string (the
same action names the key bindings and command palette use).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Static

from ..core.models import Detail
from ..core.safe_text import escape_control


@dataclass(frozen=True)
class DetailAction:
    """A button in the detail pane. `scopes`: any of "bucket", "folder", "object"."""

    id: str
    label: str
    action: str
    scopes: tuple[str, ...] = ("object",)


DETAIL_ACTIONS: list[DetailAction] = [
    DetailAction("preview", "Preview (p)", "app.preview", ("object",)),
    DetailAction("presign", "Presigned URL (y)", "app.presign", ("object",)),
    DetailAction("usage", "Size & count (u)", "app.usage", ("bucket", "folder")),
]


def register_detail_action(action: DetailAction) -> None:
    """Add a detail-pane button, or replace the one with the same id in place (its position
    stays, so registering again never reorders the pane)."""
    for index, existing in enumerate(DETAIL_ACTIONS):
        if existing.id == action.id:
            DETAIL_ACTIONS[index] = action
            return
    DETAIL_ACTIONS.append(action)


def render_detail(detail: Detail) -> Group:
    """The detail as Rich renderables built from Text (never markup)."""
    parts: list = []
    title = Text(escape_control(detail.key or detail.bucket), style="bold")
    parts.append(title)
    if detail.badges:
        badges = Text()
        for badge in detail.badges:
            badges.append(f" {escape_control(badge)} ", style="bold white on red")
            badges.append(" ")
        parts.append(badges)
    for section in detail.sections:
        parts.append(Text(""))
        parts.append(Text(escape_control(section.title), style="bold underline"))
        if section.note is not None:
            style = "red" if section.is_error else "italic dim"
            parts.append(Text(escape_control(section.note), style=style))
        for label, value in section.rows:
            line = Text()
            line.append(f"{escape_control(label)}: ", style="bold")
            line.append(escape_control(value))
            parts.append(line)
    return Group(*parts)


class DetailPane(Vertical):
    """Shows one `Detail`; its buttons post `ActionRequested`."""

    DEFAULT_CSS = """
    DetailPane { width: 38; border-left: solid $panel-lighten-2; padding: 0 1; }
    DetailPane #detail-body { height: auto; }
    DetailPane #detail-scroll { height: 1fr; }
    DetailPane #detail-actions { height: auto; }
    DetailPane #detail-actions Button { width: 100%; margin-top: 1; }
    """

    class ActionRequested(Message):
        def __init__(self, action: str) -> None:
            super().__init__()
            self.action = action

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.scope: str | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail-scroll"):
            yield Static(Text("Select a bucket or object", style="dim italic"), id="detail-body")
        yield Vertical(id="detail-actions")

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.query_one("#detail-body", Static).update(
            Text(escape_control(text), style="red" if error else "dim italic"))

    def show(self, detail: Detail, scope: str) -> None:
        self.query_one("#detail-body", Static).update(render_detail(detail))
        self.set_scope(scope)

    def set_scope(self, scope: str | None) -> None:
        if scope == self.scope:
            return
        self.scope = scope
        box = self.query_one("#detail-actions", Vertical)
        box.remove_children()
        # Classes, not ids: remove_children() finishes asynchronously, so a quick scope
        # change would otherwise mount a button whose id the old one still holds.
        buttons = [Button(a.label, classes=f"detail-action detail-action-{a.id}", compact=True,
                          name=a.action)
                   for a in DETAIL_ACTIONS if scope in a.scopes]
        if buttons:
            box.mount_all(buttons)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.name:
            self.post_message(self.ActionRequested(event.button.name))

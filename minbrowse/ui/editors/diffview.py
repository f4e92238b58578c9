"""The "show what will change" modal: a coloured unified diff with Cancel / Apply."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from . import config_diff
from ..core.safe_text import escape_control


def render_diff(diff: str) -> Text:
    """Diff text as Rich Text (never markup); + green, - red, @@ dim."""
    text = Text()
    for line in diff.splitlines():
        safe = escape_control(line)
        if line.startswith(("+++", "---")):
            style = "bold"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        elif line.startswith("@@"):
            style = "dim"
        else:
            style = ""
        text.append(safe + "\n", style=style)
    return text


class DiffConfirmScreen(ModalScreen[bool]):
    """Shows `diff`; dismisses True when the user confirms."""

    DEFAULT_CSS = """
    DiffConfirmScreen { align: center middle; }
    DiffConfirmScreen > Vertical { width: 90; max-width: 100%; height: auto; max-height: 90%;
                                   border: thick $warning; background: $surface; padding: 0 1; }
    DiffConfirmScreen #diff-scroll { height: auto; max-height: 30; }
    DiffConfirmScreen Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    DiffConfirmScreen Button { margin-left: 2; }
    """
    BINDINGS = [Binding("escape,n", "cancel", "Cancel", id="diff.cancel"),
                Binding("y", "confirm", "Confirm", id="diff.yes")]

    def __init__(self, title: str, diff: str, confirm_label: str = "Apply") -> None:
        super().__init__()
        self.title_text = title
        self.diff = diff
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        added, removed = config_diff.summary(self.diff)
        with Vertical() as box:
            box.border_title = self.title_text
            yield Static(Text(f"What will change: {added} line(s) added, {removed} removed"))
            with VerticalScroll(id="diff-scroll"):
                yield Static(render_diff(self.diff), id="diff-text")
            with Horizontal():
                yield Button("Cancel (n)", id="cancel", compact=True)
                yield Button(f"{self.confirm_label} (y)", id="confirm", variant="warning",
                             compact=True)

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

"""Confirmation modals: a yes/no question, and "type the bucket name" for bucket removal."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static

MODAL_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 70; max-width: 100%; height: auto; max-height: 90%;
                     overflow-y: auto; border: thick $warning;
                     background: $surface; padding: 1 2; }}
{name} Horizontal {{ height: auto; align-horizontal: right; margin-top: 1; }}
{name} Button {{ margin-left: 2; }}
"""


class ConfirmScreen(ModalScreen[bool]):
    """Ask a question; dismisses True on confirm."""

    DEFAULT_CSS = MODAL_CSS.format(name="ConfirmScreen")
    BINDINGS = [Binding("escape,n", "cancel", "Cancel", id="confirm.cancel"),
                Binding("y", "confirm", "Confirm", id="confirm.yes")]

    def __init__(self, title: str, body: Text, confirm_label: str = "Delete") -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield Static(self.body)
            with Horizontal():
                yield Button("Cancel (n)", id="cancel")
                yield Button(f"{self.confirm_label} (y)", id="confirm", variant="error")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class RemoveBucketScreen(ModalScreen[tuple[bool, bool]]):
    """Type the bucket's name to confirm; optionally empty it first (versions included).

    Dismisses with (confirmed, empty_first).
    """

    DEFAULT_CSS = MODAL_CSS.format(name="RemoveBucketScreen")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="remove_bucket.cancel")]

    def __init__(self, bucket: str) -> None:
        super().__init__()
        self.bucket = bucket

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Remove bucket"
            body = Text("Type the bucket name ")
            body.append(self.bucket, style="bold")
            body.append(" to remove it. This cannot be undone.")
            yield Static(body)
            yield Input(placeholder="bucket name", id="bucket-name")
            yield Checkbox("Empty it first (all objects, versions and delete markers)", id="empty-first")
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button("Remove bucket", id="confirm", variant="error", disabled=True)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#confirm", Button).disabled = event.value != self.bucket

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value == self.bucket:
            self._confirm()

    def _confirm(self) -> None:
        self.dismiss((True, self.query_one("#empty-first", Checkbox).value))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "confirm":
            self._confirm()
        else:
            self.dismiss((False, False))

    def action_cancel(self) -> None:
        self.dismiss((False, False))

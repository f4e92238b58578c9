"""The dry run before a bulk job: count what the selection holds, then confirm (typed above 1000).

The dialog asks its gateway (the service) to count the selection on a worker and shows the
running count ("what would this delete?": objects and bytes). Confirming is possible only
once the count is complete; above `TYPED_CONFIRM_ABOVE` objects the user types the count
(or the word the caller names, e.g. the folder's prefix). Closing the dialog cancels the count.
"""

from __future__ import annotations

from typing import Any, Protocol

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from ..core.format import human_size
from ..core.messages import SelectionCounted
from ..jobs.bulk_jobs import TYPED_CONFIRM_ABOVE, Picked
from .confirm import MODAL_CSS


class CountGateway(Protocol):
    def count_selection(self, reply_to: Any, bucket: str, picked: list[Picked]) -> Any: ...


def typed_matches(typed: str, objects: int, word: str) -> bool:
    """The typed confirmation: the count (with or without separators) or the given word."""
    text = typed.strip()
    if not text:
        return False
    if text.replace(",", "").replace("_", "").replace(" ", "") == str(objects):
        return True
    return bool(word) and text.rstrip("/") == word.rstrip("/")


class BulkConfirmScreen(ModalScreen[bool]):
    """Count, then confirm a bulk job; dismisses True to run it."""

    DEFAULT_CSS = MODAL_CSS.format(name="BulkConfirmScreen") + """
    BulkConfirmScreen VerticalScroll { height: auto; max-height: 12; }
    BulkConfirmScreen #count { margin-top: 1; }
    BulkConfirmScreen Input { margin-top: 1; }
    """
    BINDINGS = [Binding("escape,n", "cancel", "Cancel", id="bulk_confirm.cancel"),
                Binding("y", "confirm", "Confirm", id="bulk_confirm.yes")]

    def __init__(self, gateway: CountGateway, title: str, body: Text, verb: str, bucket: str,
                 picked: list[Picked], word: str = "", destructive: bool = True) -> None:
        super().__init__()
        self.gateway = gateway
        self.title_text = title
        self.body = body
        self.verb = verb
        self.bucket = bucket
        self.picked = picked
        self.word = word
        self.destructive = destructive
        self.objects = -1  # -1 while counting
        self.nbytes = 0
        self._worker: Any = None

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            with VerticalScroll():
                yield Static(self.body)
            yield Static(Text("Counting…"), id="count")
            yield Input(id="typed", placeholder="type the number of objects to confirm")
            with Horizontal():
                yield Button("Cancel (n)", id="cancel")
                yield Button(f"{self.verb} (y)", id="confirm",
                             variant="error" if self.destructive else "primary", disabled=True)

    def on_mount(self) -> None:
        self.query_one("#typed", Input).display = False
        self.query_one("#cancel", Button).focus()
        self._worker = self.gateway.count_selection(self, self.bucket, self.picked)

    def on_unmount(self) -> None:
        if self._worker is not None:
            self._worker.cancel()

    # ---- the count ---------------------------------------------------------------------

    def on_selection_counted(self, message: SelectionCounted) -> None:
        count = self.query_one("#count", Static)
        if message.error:
            count.update(Text(f"Cannot count the selection: {message.error}", style="bold red"))
            return
        size = human_size(message.nbytes)
        if not message.done:
            count.update(Text(f"Counting… {message.objects:,} objects, {size} so far"))
            return
        self.objects, self.nbytes = message.objects, message.nbytes
        if not self.objects:
            count.update(Text(f"Nothing to {self.verb.lower()}: the selection holds no objects."))
            return
        line = Text(f"{self.verb} {self.objects:,} object(s), {size}.", style="bold")
        if self.objects > TYPED_CONFIRM_ABOVE:
            hint = f"{self.objects}" + (f" or {self.word}" if self.word else "")
            line.append(f"\nType {hint} to confirm.", style="")
            typed = self.query_one("#typed", Input)
            typed.placeholder = f"type {hint}"
            typed.display = True
            typed.focus()
        else:
            self.query_one("#confirm", Button).disabled = False
        count.update(line)

    # ---- confirming --------------------------------------------------------------------

    def _allowed(self) -> bool:
        if self.objects <= 0:
            return False
        if self.objects <= TYPED_CONFIRM_ABOVE:
            return True
        return typed_matches(self.query_one("#typed", Input).value, self.objects, self.word)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "typed":
            self.query_one("#confirm", Button).disabled = not self._allowed()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._allowed():
            self.dismiss(True)
        else:
            self.notify("That is not the count (or the name) shown", severity="warning",
                        markup=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "confirm":
            self.action_confirm()
        else:
            self.dismiss(False)

    def action_confirm(self) -> None:
        if self.objects > TYPED_CONFIRM_ABOVE:
            return  # typed confirmation only ('y' may be part of what is typed)
        if self._allowed():
            self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

"""A one-line input modal (bucket name, destination, new name, search prefix)."""

from __future__ import annotations

from typing import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ..core.safe_text import escape_control


class PromptScreen(ModalScreen[str | None]):
    """Ask for a string; `validate` returns an error message or None. Dismisses None on Esc."""

    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical { width: 70; max-width: 100%; height: auto; border: thick $primary; background: $surface;
                              padding: 1 2; }
    PromptScreen #prompt-error { color: $error; height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(self, title: str, prompt: str, value: str = "",
                 validate: Callable[[str], str | None] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.prompt = prompt
        self.value = value
        self.validate = validate

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield Static(Text(self.prompt))
            yield Input(value=self.value, id="prompt-input")
            yield Static(Text(""), id="prompt-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        error = self.validate(event.value) if self.validate else None
        if error:
            self.query_one("#prompt-error", Static).update(Text(escape_control(error)))
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)

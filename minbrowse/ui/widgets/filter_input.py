"""The `/` filter box under the listing: Esc clears and hides it, Enter keeps the filter."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class FilterInput(Input):
    DEFAULT_CSS = """
    FilterInput { dock: bottom; display: none; border: none; height: 1; padding: 0 1; }
    FilterInput.-active { display: block; }
    """
    BINDINGS = [Binding("escape", "clear_filter", "Clear filter", id="filter.clear")]

    class Closed(Message):
        """The user left the filter box (`cleared`: Esc, the filter is gone)."""

        def __init__(self, cleared: bool) -> None:
            super().__init__()
            self.cleared = cleared

    def open(self) -> None:
        self.add_class("-active")
        self.focus()

    def action_clear_filter(self) -> None:
        self.value = ""
        self.remove_class("-active")
        self.post_message(self.Closed(True))

    def close(self) -> None:
        """Leave the box; it stays visible while a filter is set."""
        if not self.value:
            self.remove_class("-active")
        self.post_message(self.Closed(False))

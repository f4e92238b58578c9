"""One-line status bar: profile, endpoint, read-only badge, location, listing state, debug log."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..safe_text import escape_control


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def __init__(self, *, profile: str, endpoint: str, read_only: bool, debug_path: str | None,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.profile = profile
        self.endpoint = endpoint
        self.read_only = read_only
        self.debug_path = debug_path
        self.location = ""
        self.state = ""

    def on_mount(self) -> None:
        self.redraw()

    def set_profile(self, profile: str, endpoint: str) -> None:
        self.profile, self.endpoint = profile, endpoint
        self.redraw()

    def set_location(self, location: str, state: str = "") -> None:
        self.location, self.state = location, state
        self.redraw()

    def set_state(self, state: str) -> None:
        self.state = state
        self.redraw()

    def redraw(self) -> None:
        text = Text()
        text.append(f" {escape_control(self.profile)} ", style="bold reverse")
        text.append(f" {escape_control(self.endpoint)} ")
        if self.read_only:
            text.append(" READ-ONLY ", style="bold black on yellow")
        text.append(f"  {escape_control(self.location)}", style="bold")
        if self.state:
            text.append(f"  {escape_control(self.state)}", style="dim")
        if self.debug_path:
            text.append(f"  debug log: {escape_control(self.debug_path)}", style="italic")
        self.update(text)

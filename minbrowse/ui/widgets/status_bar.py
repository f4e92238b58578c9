"""One-line status bar: profile, endpoint, read-only badge, location, listing state, debug log."""

from __future__ import annotations

import time

from rich.text import Text
from textual.widgets import Static

from ..core.safe_text import escape_control

STATE_INTERVAL = 0.2  # seconds between redraws caused by `set_state`


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
        self.server = ""  # the server's kind once probed (minbrowse.capabilities)
        self._last_state_draw = 0.0
        self._state_timer = None

    def on_mount(self) -> None:
        self.redraw()

    def set_profile(self, profile: str, endpoint: str) -> None:
        self.profile, self.endpoint, self.server = profile, endpoint, ""
        self.redraw()

    def set_server(self, kind: str) -> None:
        self.server = kind
        self.redraw()

    def set_location(self, location: str, state: str = "") -> None:
        self.location, self.state = location, state
        self.redraw()

    def set_state(self, state: str) -> None:
        """Show the listing state; while loading ("…" in the text: pages arrive fast) it is
        redrawn at most every `STATE_INTERVAL`, any other state at once."""
        self.state = state
        now = time.monotonic()
        if "…" not in state or now - self._last_state_draw >= STATE_INTERVAL:
            self._last_state_draw = now
            self.redraw()
        elif self._state_timer is None:
            self._state_timer = self.set_timer(STATE_INTERVAL, self._deferred_redraw)

    def _deferred_redraw(self) -> None:
        self._state_timer = None
        self._last_state_draw = time.monotonic()
        self.redraw()

    def redraw(self) -> None:
        text = Text()
        text.append(f" {escape_control(self.profile)} ", style="bold reverse")
        text.append(f" {escape_control(self.endpoint)} ")
        if self.server:
            text.append(f"({escape_control(self.server)}) ", style="dim")
        if self.read_only:
            text.append(" READ-ONLY ", style="bold black on yellow")
        text.append(f"  {escape_control(self.location)}", style="bold")
        if self.state:
            text.append(f"  {escape_control(self.state)}", style="dim")
        if self.debug_path:
            text.append(f"  debug log: {escape_control(self.debug_path)}", style="italic")
        self.update(text)

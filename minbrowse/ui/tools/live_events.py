"""Live events: MinIO's listen stream (or, on servers without it, a clearly labelled polling
mode diffing one prefix's listing) in a scrolling log with pause, clear, filters and Enter to
jump to the object. A dropped stream is reopened with back-off and the gap is said in the
status line. The stream's worker stops when the screen closes."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Input, Static

from ..core.format import human_size
from ..core.messages import NavigateRequest
from ..core.models import Location
from ..core.safe_text import escape_control
from .base import TOOL_CSS, ToolScreen
from .logic import event_matches
from .protocol import ToolFailed, ToolRequest
from .values import ListenStatus, LiveEvent, PollTick

MAX_EVENTS = 2000
POLL_INTERVAL = 3.0
POLL_CAP = 5000


class LiveEventsScreen(ToolScreen):
    TOOL = "live"
    TITLE = "Live events"
    DEFAULT_CSS = TOOL_CSS.format(name="LiveEventsScreen") + """
    LiveEventsScreen #live-log { height: 1fr; }
    LiveEventsScreen #live-mode { height: auto; }
    """
    BINDINGS = ToolScreen.BINDINGS + [
        Binding("space", "pause", "Pause/resume", id="live.pause"),
        Binding("c", "clear", "Clear", id="live.clear"),
    ]

    def __init__(self, bucket: str, key: str | None = None, *, gateway: Any = None,
                 start: bool = True, poll_interval: float = POLL_INTERVAL,
                 poll_cap: int = POLL_CAP) -> None:
        super().__init__(bucket, key, gateway=gateway)
        self.prefix = key or ""
        self.start = start
        self.poll_interval = poll_interval
        self.poll_cap = poll_cap
        self.events: list[LiveEvent] = []
        self.shown: list[LiveEvent] = []
        self.paused = False
        self.held = 0
        self.mode = "listen"
        self.listening = False

    def subtitle(self) -> str:
        return "Space pause · c clear · Enter jump to object · Esc closes"

    def target_label(self) -> str:
        return escape_control(f"Events of s3://{self.bucket}/{self.prefix}")

    def compose_body(self) -> ComposeResult:
        yield Static(Text("Connecting to the listen API…", style="italic"), id="live-mode")
        with Horizontal(classes="tool-row"):
            yield Input(placeholder="filter by event (e.g. Created)", id="live-event-filter")
            yield Input(placeholder="filter by key prefix", id="live-prefix-filter")
            yield Button("Pause", id="live-pause", compact=True)
            yield Button("Clear", id="live-clear", compact=True)
            yield Button("Start polling mode", id="live-poll", compact=True, variant="warning")
        table: DataTable = DataTable(id="live-log", cursor_type="row", zebra_stripes=True)
        table.add_columns("Time (UTC)", "Event", "Key", "Size")
        yield table

    def on_mount(self) -> None:
        self.query_one("#live-poll", Button).display = False
        self.query_one("#live-log", DataTable).focus()
        if self.start:
            self.start_listen()

    # ---- modes -------------------------------------------------------------------------------
    def start_listen(self) -> None:
        self.mode = "listen"
        self.listening = True
        self.submit("listen", {"prefix": self.prefix})
        self._mode_text(Text("Mode: MinIO listen API (events pushed by the server)",
                             style="bold green"))

    def start_polling(self) -> None:
        self.cancel_runs()
        self.mode = "poll"
        self.listening = True
        self.query_one("#live-poll", Button).display = False
        self.submit("poll", {"prefix": self.prefix, "interval": self.poll_interval,
                             "cap": self.poll_cap})
        self._mode_text(Text(
            f"Mode: POLLING — this server has no listen API; the listing of "
            f"s3://{escape_control(self.bucket)}/{escape_control(self.prefix)} is compared every "
            f"{self.poll_interval:g} s (at most {self.poll_cap:,} keys). Only created, changed "
            "and removed objects show; reads and changes between two polls that cancel out do not.",
            style="bold yellow"))
        self.set_status("polling: reading the first listing…")

    def _mode_text(self, text: Text) -> None:
        self.query_one("#live-mode", Static).update(text)

    # ---- results -----------------------------------------------------------------------------
    def tool_event(self, request: ToolRequest, value: Any) -> None:
        if isinstance(value, ListenStatus):
            self._listen_status(value)
        elif isinstance(value, PollTick):
            self.add_events(value.events)
            note = f"polling: watching {value.watched:,} keys"
            if value.capped:
                note += f" (capped at {self.poll_cap:,}: later keys are not watched)"
            if value.baseline:
                note += "; first listing taken, changes show from now on"
            self.set_status(note)
        else:
            self.add_events(value)

    def _listen_status(self, status: ListenStatus) -> None:
        since = status.since.strftime("%H:%M:%S")
        if status.state == "reconnecting":
            self.set_status(f"stream dropped at {since} UTC ({status.reason}); "
                            f"reopening in {status.retry_in:g} s (attempt {status.attempt})…",
                            error=True)
        else:
            self.set_status(f"stream reopened; events between {since} UTC and now may be "
                            "missing from this log")

    def tool_done(self, request: ToolRequest, value: Any) -> None:
        self.listening = False
        self.set_status("the server ended the event stream")

    def tool_failed(self, failure: ToolFailed) -> None:
        self.listening = False
        if failure.request.action == "listen" and failure.not_supported:
            self.query_one("#live-poll", Button).display = True
            self._mode_text(Text("This server has no listen API (MinIO's extension). Press "
                                 "'Start polling mode' to watch this prefix by listing it "
                                 "every few seconds instead.", style="bold yellow"))
            self.set_status(f"listen: not supported by this server ({failure.code})", error=True)

    def add_events(self, events: Any) -> None:
        events = list(events)
        if not events:
            return
        self.events.extend(events)
        if len(self.events) > MAX_EVENTS:
            del self.events[: len(self.events) - MAX_EVENTS]
        if self.paused:
            self.held += len(events)
            self.query_one("#live-pause", Button).label = f"Resume ({self.held} new)"
            return
        self._append_rows(events)

    def _filters(self) -> tuple[str, str]:
        return (self.query_one("#live-event-filter", Input).value.strip(),
                self.query_one("#live-prefix-filter", Input).value)

    def _append_rows(self, events: list[LiveEvent]) -> None:
        table = self.query_one("#live-log", DataTable)
        event_filter, prefix_filter = self._filters()
        for event in events:
            if not event_matches(event, event_filter, prefix_filter):
                continue
            self.shown.append(event)
            when = event.when.strftime("%H:%M:%S") if event.when else ""
            style = "red" if "Removed" in event.event or "removed" in event.event else ""
            table.add_row(when, Text(escape_control(event.event), style=style),
                          Text(escape_control(event.key)),
                          human_size(event.size) if event.size is not None else "")
        if len(self.shown) > MAX_EVENTS:
            self._rebuild()
        elif table.row_count:
            table.move_cursor(row=table.row_count - 1)

    def _rebuild(self) -> None:
        table = self.query_one("#live-log", DataTable)
        table.clear()
        self.shown = []
        self._append_rows(self.events[-MAX_EVENTS:])

    # ---- user actions ------------------------------------------------------------------------
    def action_pause(self) -> None:
        self.paused = not self.paused
        button = self.query_one("#live-pause", Button)
        if self.paused:
            button.label = "Resume"
            self.set_status("paused: new events are kept and shown on resume")
        else:
            button.label = "Pause"
            self.held = 0
            self._rebuild()
            self.set_status("resumed")

    def action_clear(self) -> None:
        self.events.clear()
        self.held = 0
        self._rebuild()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._rebuild()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "live-pause":
            self.action_pause()
        elif event.button.id == "live-clear":
            self.action_clear()
        elif event.button.id == "live-poll":
            self.start_polling()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.cursor_row < 0 or event.cursor_row >= len(self.shown):
            return
        self.jump_to(self.shown[event.cursor_row])

    def jump_to(self, event: LiveEvent) -> None:
        """Close the log and show the event's object in the listing."""
        cut = event.key.rfind("/")
        folder, name = event.key[: cut + 1], event.key[cut + 1:]
        self.cancel_runs()
        self.dismiss(None)
        self.app.post_message(NavigateRequest(Location(self.bucket, folder), name or None))

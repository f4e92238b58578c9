"""`ToolScreen`: the modal base of every ops tool — gateway, status line, errors, read-only,
confirmation, and cancelling its running jobs when it closes.

Subclasses compose their body in `compose_body()` and react in `tool_event/tool_done/
tool_failed`. Server errors show as "CODE: message" (never a traceback); what the user typed
stays in the form; "not supported by this server" for NotImplemented/MethodNotAllowed.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from ..core.safe_text import escape_control
from .protocol import ToolDone, ToolEvent, ToolFailed, ToolGateway, ToolRequest

TOOL_CSS = """
{name} {{ align: center middle; }}
{name} > #tool-box {{ width: 96%; max-width: 140; height: 94%; border: thick $primary;
                      background: $surface; padding: 0 1; }}
{name} .tool-row {{ height: auto; }}
{name} .tool-row > * {{ margin-right: 1; }}
{name} .tool-label {{ width: auto; padding: 1 1 0 0; }}
{name} Input {{ width: 1fr; }}
{name} #tool-status {{ height: auto; min-height: 1; }}
{name} .tool-error {{ color: $error; height: auto; }}
{name} .tool-warning {{ color: $warning; height: auto; }}
"""


class ToolScreen(ModalScreen[None]):
    """Base of the ops-tool modals. `gateway` defaults to the app's service."""

    TOOL = ""
    TITLE = ""
    BINDINGS = [Binding("escape", "close", "Close", id="tool.close")]

    def __init__(self, bucket: str, key: str | None = None, *,
                 gateway: ToolGateway | None = None) -> None:
        super().__init__()
        self.bucket = bucket
        self.key = key
        self._gateway = gateway
        self.runs: list[tuple[ToolRequest, Any]] = []
        self.busy = False
        self.last_error: str | None = None
        self.last_failure: ToolFailed | None = None

    # ---- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="tool-box") as box:
            box.border_title = self.TITLE
            box.border_subtitle = self.subtitle()
            yield Static(Text(self.target_label(), style="bold"), id="tool-target")
            if self.read_only and self.has_mutations():
                yield Static(Text("Read-only: actions that change the bucket are disabled "
                                  "(minbrowse was started with --read-only).",
                                  style="bold"), classes="tool-warning", id="tool-read-only")
            yield from self.compose_body()
            yield Static(Text(""), id="tool-status")

    def compose_body(self) -> ComposeResult:  # pragma: no cover - overridden
        yield from ()

    def subtitle(self) -> str:
        return "Esc closes"

    def target_label(self) -> str:
        where = f"s3://{self.bucket}/{self.key or ''}"
        return escape_control(where)

    def has_mutations(self) -> bool:
        return False

    @property
    def gateway(self) -> ToolGateway:
        return self._gateway if self._gateway is not None else self.app.service  # type: ignore[attr-defined]

    @property
    def read_only(self) -> bool:
        if self._gateway is not None:
            return bool(getattr(self._gateway, "read_only", False))
        try:
            return bool(getattr(self.app, "read_only", False))
        except Exception:  # noqa: BLE001 - no app yet (constructed outside one)
            return False

    # ---- jobs ----------------------------------------------------------------------------------
    def submit(self, action: str, params: dict | None = None, *, mutating: bool = False,
               key: str | None = None) -> ToolRequest | None:
        """Send a request; a mutating one is refused here (with the reason) when read-only."""
        if mutating and self.read_only:
            self.show_error("disabled: minbrowse is in read-only mode")
            return None
        request = ToolRequest(self.TOOL, action, self.bucket, key if key is not None else self.key,
                              dict(params or {}), mutating)
        self.busy = True
        self.last_error = None
        handle = self.gateway.tool_job(self, request)
        self.runs.append((request, handle))
        return request

    def cancel_runs(self, action: str | None = None) -> None:
        keep = []
        for request, handle in self.runs:
            if action is None or request.action == action:
                if handle is not None:
                    handle.cancel()
            else:
                keep.append((request, handle))
        self.runs = keep

    def _forget(self, request: ToolRequest) -> None:
        self.runs = [(r, h) for r, h in self.runs if r is not request]
        self.busy = bool(self.runs)

    def _is_current(self, request: ToolRequest) -> bool:
        return any(r is request for r, _ in self.runs)

    def on_tool_event(self, message: ToolEvent) -> None:
        message.stop()
        if self._is_current(message.request):
            self.tool_event(message.request, message.value)

    def on_tool_done(self, message: ToolDone) -> None:
        message.stop()
        if self._is_current(message.request):
            self._forget(message.request)
            self.tool_done(message.request, message.value)

    def on_tool_failed(self, message: ToolFailed) -> None:
        message.stop()
        if self._is_current(message.request):
            self._forget(message.request)
            self.last_failure = message
            self.show_error(f"{message.request.action} failed: {message.text()}")
            self.tool_failed(message)

    def tool_event(self, request: ToolRequest, value: Any) -> None:
        pass

    def tool_done(self, request: ToolRequest, value: Any) -> None:
        pass

    def tool_failed(self, failure: ToolFailed) -> None:
        pass

    # ---- feedback ------------------------------------------------------------------------------
    def set_status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#tool-status", Static)
        status.update(Text(escape_control(text), style="bold red" if error else "italic"))

    def show_error(self, text: str) -> None:
        self.last_error = text
        self.set_status(text, error=True)

    def confirm(self, title: str, lines: Iterable[str], then: Callable[[], None],
                label: str = "Delete") -> None:
        from ..screens.confirm import ConfirmScreen

        body = Text()
        for number, line in enumerate(lines):
            body.append(("\n" if number else "") + escape_control(line))

        def done(answer: bool | None) -> None:
            if answer:
                then()

        self.app.push_screen(ConfirmScreen(title, body, label), done)

    # ---- closing -------------------------------------------------------------------------------
    def action_close(self) -> None:
        self.cancel_runs()
        self.dismiss(None)

    def on_unmount(self) -> None:
        self.cancel_runs()

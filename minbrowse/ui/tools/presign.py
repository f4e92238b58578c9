"""Presigned URL: GET / PUT / DELETE, expiry presets up to 7 days or a custom value, version,
response content type and disposition; shows the exact expiry (the earlier of the URL's and
the signing credentials'), a curl example, and copies the URL (pyperclip + OSC 52) with honest
wording. The URL is a bearer credential and is marked as one."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from ..core.format import format_expiry
from .base import TOOL_CSS, ToolScreen
from .logic import EXPIRY_PRESETS, curl_for_url, parse_duration
from .protocol import ToolRequest
from .values import PresignOutcome

METHODS = ("GET", "PUT", "DELETE")
DEFAULT_EXPIRY = "1h"


def clipboard_note(outcome: PresignOutcome) -> str:
    if outcome.clipboard_ok:
        return "Copied to the clipboard (and sent to the terminal via OSC 52)."
    return ("Sent to the terminal via OSC 52 — the terminal gives no confirmation; "
            f"the system clipboard was not available ({outcome.clipboard_error}).")


class PresignScreen(ToolScreen):
    TOOL = "presign"
    TITLE = "Presigned URL"
    DEFAULT_CSS = TOOL_CSS.format(name="PresignScreen") + """
    PresignScreen > #tool-box { border: thick $warning; }
    PresignScreen Select { width: 22; }
    PresignScreen #presign-url { height: 6; }
    PresignScreen #presign-curl { height: 5; }
    """
    BINDINGS = ToolScreen.BINDINGS + [Binding("ctrl+g", "generate", "Generate & copy",
                                              id="presign.generate")]

    def __init__(self, bucket: str, key: str | None = None, *, gateway: Any = None,
                 version_id: str | None = None, auto: bool = True) -> None:
        super().__init__(bucket, key, gateway=gateway)
        self.version_id = version_id
        self.auto = auto
        self.outcome: PresignOutcome | None = None

    def subtitle(self) -> str:
        return "ctrl+g generate & copy · Esc closes"

    def has_mutations(self) -> bool:
        return True

    def compose_body(self) -> ComposeResult:
        yield Static(Text("Bearer credential: anyone holding this URL can use it (no login) until "
                          "it expires. Share it only with whom you mean to.", style="bold"),
                     classes="tool-warning")
        with Horizontal(classes="tool-row"):
            yield Label("Method", classes="tool-label")
            yield Select([(m, m) for m in METHODS], value="GET", allow_blank=False,
                         id="presign-method")
            yield Label("Expires in", classes="tool-label")
            yield Select([(label, value) for label, value in EXPIRY_PRESETS],
                         value=DEFAULT_EXPIRY, allow_blank=False, id="presign-expiry")
            yield Input(placeholder="custom: 90m, 36h, 5d", id="presign-custom", disabled=True)
        with Horizontal(classes="tool-row"):
            yield Input(self.key or "", placeholder="object key", id="presign-key")
            yield Input(self.version_id or "", placeholder="version id (optional)",
                        id="presign-version")
        with Horizontal(classes="tool-row"):
            yield Input(placeholder="response Content-Type (GET only)", id="presign-rct")
            yield Input(placeholder='response Content-Disposition, e.g. attachment; filename="a.csv"',
                        id="presign-rcd")
            yield Button("Generate & copy", id="presign-generate", variant="primary", compact=True)
        yield Static(Text(""), classes="tool-error", id="presign-error")
        yield Static(Text(""), id="presign-expires")
        yield TextArea("", read_only=True, soft_wrap=True, id="presign-url")
        yield Static(Text("curl example:", style="bold"))
        yield TextArea("", read_only=True, soft_wrap=True, id="presign-curl")
        yield Static(Text(""), id="presign-clipboard")

    def on_mount(self) -> None:
        if self.auto and self.key:
            self.action_generate()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id == "presign-expiry":
            self.query_one("#presign-custom", Input).disabled = event.value != "custom"

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "presign-generate":
            self.action_generate()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_generate()

    # ---- generate ----------------------------------------------------------------------------
    def form_params(self) -> tuple[dict | None, str | None]:
        """The request parameters, or (None, the first inline error)."""
        method = str(self.query_one("#presign-method", Select).value)
        preset = str(self.query_one("#presign-expiry", Select).value)
        text = self.query_one("#presign-custom", Input).value if preset == "custom" else preset
        try:
            expires = parse_duration(text)
        except ValueError as exc:
            return None, f"expiry: {exc}"
        key = self.query_one("#presign-key", Input).value
        if not key or key.endswith("/"):
            return None, "key: give an object key (not empty, not a folder)"
        if method != "GET" and self.read_only:
            return None, f"{method} URLs change the bucket: disabled in read-only mode"
        version = self.query_one("#presign-version", Input).value.strip() or None
        if version and method == "PUT":
            return None, "version: a PUT writes a new version; clear the version id"
        params = {"method": method, "expires": int(expires.total_seconds()), "version_id": version}
        for name, widget in (("response-content-type", "#presign-rct"),
                             ("response-content-disposition", "#presign-rcd")):
            value = self.query_one(widget, Input).value.strip()
            if value and method != "GET":
                return None, "response headers apply to GET URLs only"
            if value:
                params[name] = value
        return params, None

    def action_generate(self) -> None:
        params, error = self.form_params()
        error_box = self.query_one("#presign-error", Static)
        if error:
            self.last_error = error
            error_box.update(Text(error))
            return
        error_box.update(Text(""))
        self.submit("generate", params, key=self.query_one("#presign-key", Input).value)
        self.set_status("signing…")

    def tool_done(self, request: ToolRequest, value: Any) -> None:
        self.show_outcome(value)

    def show_outcome(self, outcome: PresignOutcome) -> None:
        self.outcome = outcome
        self.app.copy_to_clipboard(outcome.url)  # OSC 52: works over SSH, but unconfirmed
        note = clipboard_note(outcome)
        expires = Text(f"{outcome.method} URL valid until {format_expiry(outcome.expires_at)}",
                       style="bold")
        if outcome.limited_by_credentials:
            expires.append(" — limited by the temporary credentials that signed it (the URL "
                           f"itself says {format_expiry(outcome.url_expires_at)})", style="yellow")
        self.query_one("#presign-expires", Static).update(expires)
        self.query_one("#presign-url", TextArea).load_text(outcome.url)
        self.query_one("#presign-curl", TextArea).load_text(
            curl_for_url(outcome.method, outcome.url, outcome.key))
        self.query_one("#presign-clipboard", Static).update(Text(note, style="italic"))
        self.set_status("URL ready — change the form and press ctrl+g for another")
        self.app.notify(f"Presigned URL: {note} Expires {format_expiry(outcome.expires_at)}.",
                        markup=False, timeout=8)

"""`EditorScreen`: the editing contract every configuration editor follows.

Open showing the live configuration (or "none set"); validate on the client with inline
errors; show the diff against the live value and ask to confirm; apply; read back and
confirm; deleting asks first; a failed apply keeps the edit on screen with the server's
code and message; read-only opens view-only; NotImplemented-like answers say "not
supported by this server". Subclasses supply the form: `compose_body`, `show_value`,
`build_value` (raise ValueError for inline errors) and optionally `check_value`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from . import config_diff
from ..core.safe_text import escape_control
from . import protocol as p
from .diffview import DiffConfirmScreen

EDITOR_CSS = """
EditorScreen { align: center middle; }
EditorScreen > #editor-box { width: 96; max-width: 100%; height: auto; max-height: 95%; border: thick $accent;
                             background: $surface; padding: 0 1; }
EditorScreen #editor-status { height: auto; color: $text-muted; }
EditorScreen #editor-body { height: auto; max-height: 65vh; }
EditorScreen #editor-error { height: auto; color: $error; }
EditorScreen #editor-buttons { height: auto; align-horizontal: right; margin-top: 1; }
EditorScreen #editor-buttons Button { margin-left: 1; }
EditorScreen .field-row { height: auto; margin-bottom: 1; }
EditorScreen .field-row > Label { width: 26; }
EditorScreen .field-row > Input { width: 1fr; }
EditorScreen .field-row > Select { width: 1fr; }
EditorScreen .hint { color: $text-muted; height: auto; }
"""


class GatewayAccess:
    """The service (or a test's fake gateway) and the read-only flag of an editor screen.

    Screens set `self._gateway` and `self._read_only` (None: ask the gateway / the app)."""

    _gateway: Any
    _read_only: bool | None

    @property
    def gateway(self) -> Any:
        return self._gateway if self._gateway is not None else self.app.service  # type: ignore[attr-defined]

    @property
    def read_only(self) -> bool:
        if self._read_only is not None:
            return self._read_only
        return bool(getattr(self.gateway, "read_only", False))


class EditorScreen(GatewayAccess, ModalScreen[None]):
    """Base of every configuration editor; `KIND` names the configuration job."""

    DEFAULT_CSS = EDITOR_CSS
    KIND: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    CAN_DELETE: ClassVar[bool] = True
    NONE_TEXT: ClassVar[str] = "none set"
    BINDINGS = [Binding("escape", "close", "Close", id="editor.close"),
                Binding("ctrl+s", "apply", "Apply", id="editor.apply"),
                Binding("ctrl+r", "reload", "Reload", id="editor.reload")]

    def __init__(self, bucket: str, key: str | None = None, *, version_id: str | None = None,
                 read_only: bool | None = None, gateway: Any = None) -> None:
        super().__init__()
        self.bucket = bucket
        self.key = key
        self.version_id = version_id
        self._gateway = gateway
        self._read_only = read_only
        self.live: Any = None
        self.loaded = False
        self.busy = False
        self.unsupported = False
        self.last_error: str | None = None
        self.last_sent: Any = None

    # ---- wiring ---------------------------------------------------------------------------

    @property
    def target(self) -> str:
        where = f"s3://{self.bucket}/{self.key or ''}"
        return f"{where} (version {self.version_id})" if self.version_id else where

    def send(self, action: str, value: Any = None, **options: Any) -> None:
        self.busy = True
        self._sync_buttons()
        self.gateway.config_job(self, p.ConfigRequest(self.KIND, action, self.bucket, self.key,
                                                      self.version_id, value, **options))

    # ---- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="editor-box") as box:
            box.border_title = f"{self.TITLE} — {escape_control(self.target)}"
            yield Static(Text("loading the live configuration…"), id="editor-status")
            with VerticalScroll(id="editor-body"):
                yield from self.compose_body()
            yield Static("", id="editor-error")
            with Horizontal(id="editor-buttons"):
                yield from self.compose_extra_buttons()
                yield Button("Reload", id="editor-reload", compact=True)
                if self.CAN_DELETE:
                    yield Button("Delete…", id="editor-delete", variant="error", compact=True)
                yield Button("Apply (ctrl+s)", id="editor-apply", variant="primary", compact=True)
                yield Button("Close (esc)", id="editor-close", compact=True)

    def compose_body(self) -> ComposeResult:  # pragma: no cover - every editor overrides
        yield Static("")

    def compose_extra_buttons(self) -> ComposeResult:
        return iter(())

    def on_mount(self) -> None:
        self._sync_buttons()
        self.send(p.LOAD)

    # ---- subclass hooks -------------------------------------------------------------------

    def show_value(self, value: Any) -> None:
        """Fill the form from `value` (None: none set)."""

    def build_value(self) -> Any:
        """The edited configuration from the form; ValueError shows inline."""
        raise NotImplementedError

    def check_value(self, value: Any) -> None:
        """Client-side validation before anything is sent (ValueError shows inline)."""
        validate = getattr(value, "validate", None)
        if callable(validate):
            validate()

    def apply_options(self, value: Any) -> dict[str, Any]:
        return {}

    def deleted_value(self) -> Any:
        """What the server holds after a delete (None: none set)."""
        return None

    def describe(self, value: Any) -> str:
        """One line about the live value for the status line."""
        return "live configuration loaded" if value is not None else self.NONE_TEXT

    # ---- state display --------------------------------------------------------------------

    def set_status(self, text: str, style: str = "") -> None:
        self.query_one("#editor-status", Static).update(Text(escape_control(text), style=style))

    def show_error(self, text: str | None) -> None:
        self.last_error = text
        self.query_one("#editor-error", Static).update(Text(escape_control(text or "")))

    def _sync_buttons(self) -> None:
        blocked = self.read_only or self.unsupported or self.busy or not self.loaded
        for button_id in ("#editor-apply", "#editor-delete"):
            for button in self.query(button_id):
                button.disabled = blocked or (button_id == "#editor-delete" and self.live is None)
        for button in self.query("#editor-reload"):
            button.disabled = self.busy
        if self.read_only:
            for button in self.query("#editor-apply"):
                button.tooltip = "view only: minbrowse runs with --read-only"

    def _status_for_live(self, prefix: str = "") -> None:
        text = prefix + self.describe(self.live)
        if self.read_only:
            text += "  ·  view only (--read-only): apply and delete are disabled"
        self.set_status(text, "italic" if self.live is None else "")

    # ---- actions --------------------------------------------------------------------------

    def action_close(self) -> None:
        self.dismiss(None)

    def action_reload(self) -> None:
        if not self.busy:
            self.show_error(None)
            self.send(p.LOAD)

    def action_apply(self) -> None:
        if self.read_only:
            self.show_error("view only: minbrowse runs with --read-only")
            return
        if self.busy or not self.loaded or self.unsupported:
            return
        try:
            value = self.build_value()
            self.check_value(value)
        except ValueError as exc:
            self.show_error(f"not sent: {exc}")
            return
        self.show_error(None)
        diff = config_diff.diff_text(self.KIND, self.live, value)
        if not diff:
            self.set_status("nothing to change: the edit equals the live configuration")
            return

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self.last_sent = value
                self.set_status("applying…")
                self.send(p.APPLY, value, **self.apply_options(value))

        self.app.push_screen(DiffConfirmScreen(f"Apply {self.TITLE.lower()}?", diff), answered)

    def action_delete(self) -> None:
        if self.read_only or self.busy or self.live is None or not self.CAN_DELETE:
            return
        after = self.deleted_value()
        diff = config_diff.diff_text(self.KIND, self.live, after)

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self.last_sent = after
                self.set_status("deleting…")
                self.send(p.DELETE)

        self.app.push_screen(DiffConfirmScreen(f"Delete the {self.TITLE.lower()}?", diff,
                                               confirm_label="Delete"), answered)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        handlers = {"editor-apply": self.action_apply, "editor-delete": self.action_delete,
                    "editor-reload": self.action_reload, "editor-close": self.action_close}
        handler = handlers.get(event.button.id or "")
        if handler is not None:
            handler()
        else:
            self.on_extra_button(event.button.id or "")

    def on_extra_button(self, button_id: str) -> None:
        """Subclass buttons (templates, rule add/remove…)."""

    # ---- answers from the service ----------------------------------------------------------

    def on_config_done(self, message: p.ConfigDone) -> None:
        message.stop()
        self.busy = False
        action = message.request.action
        self.live = message.value
        self.loaded = True
        self.show_value(message.value)
        if action == p.LOAD:
            self._status_for_live()
        else:
            verb = "deleted" if action == p.DELETE else "applied"
            matches = config_diff.same(self.KIND, self.last_sent, message.value)
            if matches:
                self._status_for_live(f"{verb} and read back ✓  ")
                self.app.notify(f"{self.TITLE}: {verb} and read back", markup=False)
            else:
                self._status_for_live(f"{verb}; the server now holds a different value: ")
                self.app.notify(f"{self.TITLE}: {verb}, but the server stored a different "
                                f"value (shown)", severity="warning", markup=False)
        self._sync_buttons()

    def on_config_failed(self, message: p.ConfigFailed) -> None:
        message.stop()
        self.busy = False
        action = message.request.action
        if message.not_supported:
            self.unsupported = action == p.LOAD or self.unsupported
            self.set_status(f"{self.TITLE}: {p.NOT_SUPPORTED_TEXT}", "bold")
            self.show_error(None if action == p.LOAD else
                            f"{action} failed: {p.NOT_SUPPORTED_TEXT} ({message.code})")
            note_unsupported(self.app, self.KIND)
        elif action == p.LOAD:
            self.set_status("could not read the live configuration", "bold")
            self.show_error(f"{message.code}: {message.message}")
        else:
            self.show_error(f"{action} failed — your edit is kept. "
                            f"{message.code}: {message.message}")
            self._status_for_live()
        self._sync_buttons()


def note_unsupported(app: Any, kind: str) -> None:
    """Tell the app (if it listens) that this server lacks `kind`, for the palette."""
    hook = getattr(app, "editor_unsupported", None)
    if callable(hook):
        hook(kind)

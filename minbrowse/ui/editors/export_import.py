"""Export bucket configuration (every configuration into one JSON file) and Import bucket
configuration (read such a file, show the diff per configuration against the live bucket,
apply the ones the user keeps ticked and confirms)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static

from ..core.safe_text import escape_control
from . import protocol as p
from .base import GatewayAccess
from .diffview import DiffConfirmScreen, render_diff

CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 96; max-width: 100%; height: auto; max-height: 95%; border: thick $accent;
                     background: $surface; padding: 0 1; }}
{name} #io-plan {{ height: auto; max-height: 32; }}
{name} #io-buttons {{ height: auto; align-horizontal: right; margin-top: 1; }}
{name} #io-buttons Button {{ margin-left: 1; }}
{name} #io-error {{ color: $error; height: auto; }}
"""


class _FileScreen(GatewayAccess, ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Close", id="io.close")]
    TITLE_TEXT = ""

    def __init__(self, bucket: str, key: str | None = None, *, path: str | None = None,
                 read_only: bool | None = None, gateway: Any = None, **_: Any) -> None:
        super().__init__()
        self.bucket = bucket
        self.default_path = path or f"{bucket}-configuration.json"
        self._gateway = gateway
        self._read_only = read_only
        self.busy = False
        self.last_error: str | None = None
        self.result: Any = None


    def send(self, action: str, value: Any = None) -> None:
        self.busy = True
        self.show_error(None)
        self.gateway.config_job(self, p.ConfigRequest("bucket", action, self.bucket, value=value,
                                                      path=self.query_one("#io-path",
                                                                          Input).value.strip()))

    def set_status(self, text: str) -> None:
        self.query_one("#io-status", Static).update(Text(escape_control(text)))

    def show_error(self, text: str | None) -> None:
        self.last_error = text
        self.query_one("#io-error", Static).update(Text(escape_control(text or "")))

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"{self.TITLE_TEXT} — s3://{escape_control(self.bucket)}"
            yield Static("", id="io-status")
            yield Input(self.default_path, id="io-path", placeholder="file path")
            with VerticalScroll(id="io-plan"):
                yield Static("", id="io-plan-text")
            yield Static("", id="io-error")
            with Horizontal(id="io-buttons"):
                yield from self.buttons()
                yield Button("Close (esc)", id="io-close", compact=True)

    def buttons(self) -> ComposeResult:
        return iter(())

    def action_close(self) -> None:
        self.dismiss(None)

    def on_config_failed(self, message: p.ConfigFailed) -> None:
        message.stop()
        self.busy = False
        text = p.NOT_SUPPORTED_TEXT if message.not_supported else message.message
        self.show_error(f"{message.request.action} failed: {message.code}: {text}")


class ExportScreen(_FileScreen):
    DEFAULT_CSS = CSS.format(name="ExportScreen")
    TITLE_TEXT = "Export bucket configuration"

    def on_mount(self) -> None:
        self.set_status("Writes every configuration of the bucket into one JSON file.")

    def buttons(self) -> ComposeResult:
        yield Button("Export", id="io-export", variant="primary", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "io-close":
            self.action_close()
        elif event.button.id == "io-export" and not self.busy:
            self.set_status("reading every configuration…")
            self.send(p.EXPORT)

    def on_config_done(self, message: p.ConfigDone) -> None:
        message.stop()
        self.busy = False
        self.result = message.value
        unavailable = dict(message.value or {})
        path = message.request.path
        self.set_status(f"wrote {path}" + (f" ({len(unavailable)} configuration(s) not "
                                           f"readable, listed in the file)" if unavailable else ""))
        self.query_one("#io-plan-text", Static).update(Text(escape_control(
            "".join(f"{kind}: {why}\n" for kind, why in sorted(unavailable.items())))))
        self.app.notify(f"Exported the configuration of {self.bucket} to {path}", markup=False)


class ImportScreen(_FileScreen):
    DEFAULT_CSS = CSS.format(name="ImportScreen")
    TITLE_TEXT = "Import bucket configuration"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan: list[tuple[str, Any, Any, str]] = []

    def on_mount(self) -> None:
        note = "  ·  view only (--read-only): apply is disabled" if self.read_only else ""
        self.set_status("Read an export file and compare it with the live bucket." + note)
        self.query_one("#io-apply", Button).disabled = True

    def buttons(self) -> ComposeResult:
        yield Button("Compare", id="io-preview", compact=True)
        yield Button("Apply selected…", id="io-apply", variant="warning", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "io-close":
            self.action_close()
        elif event.button.id == "io-preview" and not self.busy:
            self.send(p.IMPORT_PREVIEW)
        elif event.button.id == "io-apply":
            self.action_apply()

    def chosen(self) -> dict[str, Any]:
        return {kind: imported for kind, _live, imported, _diff in self.plan
                if self.query_one(f"#io-pick-{kind}", Checkbox).value}

    def action_apply(self) -> None:
        if self.read_only or self.busy or not self.plan:
            return
        chosen = self.chosen()
        if not chosen:
            self.show_error("tick at least one configuration to apply")
            return
        diff = "".join(d for kind, _l, _i, d in self.plan if kind in chosen)

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self.set_status("applying…")
                self.send(p.IMPORT_APPLY, chosen)

        self.app.push_screen(DiffConfirmScreen(f"Apply {len(chosen)} configuration(s)?", diff),
                             answered)

    async def show_plan(self) -> None:
        box = self.query_one("#io-plan", VerticalScroll)
        await box.remove_children()
        if not self.plan:
            await box.mount(Static(Text("the file matches the live bucket: nothing to change"),
                                   id="io-plan-text"))
            return
        widgets: list[Any] = []
        for kind, _live, _imported, diff in self.plan:
            widgets.append(Checkbox(f"apply {kind}", True, id=f"io-pick-{kind}"))
            widgets.append(Static(render_diff(diff)))
        await box.mount_all(widgets)

    async def on_config_done(self, message: p.ConfigDone) -> None:
        message.stop()
        self.busy = False
        if message.request.action == p.IMPORT_PREVIEW:
            self.plan = list(message.value)
            self.set_status(f"{len(self.plan)} configuration(s) differ from the live bucket")
            await self.show_plan()
            self.query_one("#io-apply", Button).disabled = self.read_only or not self.plan
            return
        self.result = dict(message.value)
        lines = [f"{kind}: {'applied and read back' if ok else 'FAILED ' + str(detail)}"
                 for kind, (ok, detail) in self.result.items()]
        failed = sum(not ok for ok, _ in self.result.values())
        self.set_status(f"applied {len(self.result) - failed}, failed {failed}")
        self.show_error("\n".join(line for line in lines if "FAILED" in line) or None)
        self.app.notify("\n".join(lines), markup=False,
                        severity="warning" if failed else "information")
        self.query_one("#io-apply", Button).disabled = True

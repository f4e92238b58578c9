"""The preview modal: the rendered first 64 KiB of an object."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..core.models import PreviewData
from .preview_render import render_preview
from ..core.safe_text import escape_control


class PreviewScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    PreviewScreen { align: center middle; }
    PreviewScreen > VerticalScroll { width: 95%; height: 90%; border: thick $primary;
                                     background: $surface; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape,q,p", "dismiss", "Close", id="preview.close"),
        Binding("j,down", "scroll('down')", "Down", show=False, id="preview.down"),
        Binding("k,up", "scroll('up')", "Up", show=False, id="preview.up"),
    ]

    def __init__(self, preview: PreviewData) -> None:
        super().__init__()
        self.preview = preview
        self.kind, self.renderable = render_preview(preview)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="preview-scroll") as scroll:
            scroll.border_title = f"{escape_control(self.preview.key)} ({self.kind})"
            scroll.border_subtitle = "Esc closes"
            yield Static(self.renderable, id="preview-body")

    def action_scroll(self, direction: str) -> None:
        scroll = self.query_one("#preview-scroll", VerticalScroll)
        (scroll.scroll_down if direction == "down" else scroll.scroll_up)(animate=False)

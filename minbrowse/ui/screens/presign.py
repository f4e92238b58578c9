"""The presigned-URL modal: the URL for manual selection, marked as a bearer credential."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from ..format import format_expiry
from ..models import PresignResult
from ..safe_text import escape_control


class PresignScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    PresignScreen { align: center middle; }
    PresignScreen > Vertical { width: 90%; max-width: 120; height: auto; border: thick $warning;
                               background: $surface; padding: 1 2; }
    PresignScreen TextArea { height: 8; }
    """
    BINDINGS = [Binding("escape", "dismiss", "Close", id="presign.close")]

    def __init__(self, result: PresignResult, clipboard_note: str) -> None:
        super().__init__()
        self.result = result
        self.clipboard_note = clipboard_note

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Presigned GET URL"
            box.border_subtitle = "Esc closes"
            warning = Text("Bearer credential: anyone holding this URL can read ", style="bold")
            warning.append(escape_control(f"s3://{self.result.bucket}/{self.result.key}"))
            warning.append(f" until it expires at {format_expiry(self.result.expires_at)}.", style="bold")
            yield Static(warning)
            yield Static(Text(self.clipboard_note, style="italic"))
            yield TextArea(self.result.url, read_only=True, soft_wrap=True, id="presign-url")

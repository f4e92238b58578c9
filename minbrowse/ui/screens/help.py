"""The help screen (`?`): every key and action, from the same registry as the bindings."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..actions.keymap import APP_ACTIONS, LISTING_KEYS, effective_key, key_label


def help_table(overrides: dict[str, str], read_only: bool) -> Table:
    table = Table(box=None, expand=True, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("Key", style="bold cyan", no_wrap=True)
    table.add_column("Action", style="bold", no_wrap=True)
    table.add_column("What it does")
    for spec in APP_ACTIONS:
        description = spec.description
        if spec.mutating and read_only:
            description += " (disabled: read-only)"
        table.add_row(Text(key_label(effective_key(spec, overrides))), Text(spec.name), Text(description))
    table.add_section()
    for keys, description in LISTING_KEYS:
        table.add_row(Text(keys), Text("Listing / general"), Text(description))
    return table


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 110; height: 90%; border: thick $primary;
                                  background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def compose(self) -> ComposeResult:
        overrides = getattr(self.app, "keymap_overrides", {})
        read_only = getattr(self.app, "read_only", False)
        with VerticalScroll() as scroll:
            scroll.border_title = "minbrowse keys (Esc closes)"
            yield Static(help_table(overrides, read_only))

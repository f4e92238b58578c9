"""A small list of the editors of one scope (bucket or object), opened from the detail
pane's "Configuration…" button; picking one dismisses with its editor id."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from . import registry


class EditorChooser(ModalScreen["str | None"]):
    DEFAULT_CSS = """
    EditorChooser { align: center middle; }
    EditorChooser > Vertical { width: 50; height: auto; border: thick $accent;
                               background: $surface; }
    EditorChooser OptionList { height: auto; max-height: 20; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="editor_chooser.cancel")]

    def __init__(self, scope: str, unsupported: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.scope = scope
        self.unsupported = unsupported

    def compose(self) -> ComposeResult:
        options = [Option(spec.title + ("  (not supported by this server)"
                                        if spec.id in self.unsupported else ""), id=spec.id)
                   for spec in registry.EDITORS if spec.scope == self.scope]
        with Vertical() as box:
            box.border_title = f"{self.scope.title()} configuration"
            yield OptionList(*options, id="editor-options")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)

"""`RulesEditor`: a table of rules plus a form for one rule (lifecycle, replication,
notification). The rules live in memory until Apply sends the whole configuration."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Button, DataTable, Input, Select, Static

from ..core.safe_text import escape_control
from .base import EditorScreen
from .fields import decode_text, encode_text


class RulesEditor(EditorScreen):
    """Subclasses: COLUMNS, compose_form, rules_of, rule_row, rule_to_form, form_to_rule,
    make_config."""

    COLUMNS: tuple[str, ...] = ()
    DEFAULT_CSS = EditorScreen.DEFAULT_CSS + """
    RulesEditor #rules-table { height: 8; }
    RulesEditor #rule-buttons { height: auto; }
    RulesEditor #rule-buttons Button { margin-right: 1; }
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rules: list[Any] = []
        self.editing: int | None = None  # index of the rule in the form; None = a new rule

    def compose_body(self) -> ComposeResult:
        yield from self.compose_header()
        table: DataTable = DataTable(id="rules-table", cursor_type="row", zebra_stripes=True)
        yield table
        from textual.containers import Horizontal

        with Horizontal(id="rule-buttons"):
            yield Button("New rule", id="rule-new", compact=True)
            yield Button("Save rule to list", id="rule-save", compact=True, variant="success")
            yield Button("Remove rule", id="rule-remove", compact=True)
        yield Static("", id="rule-form-title", classes="hint")
        yield from self.compose_form()

    def compose_header(self) -> ComposeResult:
        return iter(())

    def compose_form(self) -> ComposeResult:  # pragma: no cover - overridden
        return iter(())

    def on_mount(self) -> None:
        # textual also runs EditorScreen.on_mount (handlers run for every class in the MRO)
        self.query_one("#rules-table", DataTable).add_columns(*self.COLUMNS)

    # ---- hooks ------------------------------------------------------------------------

    def rules_of(self, value: Any) -> list[Any]:
        return list(getattr(value, "rules", ()) or ())

    def rule_row(self, rule: Any) -> tuple[str, ...]:
        raise NotImplementedError

    def rule_to_form(self, rule: Any | None) -> None:
        raise NotImplementedError

    def form_to_rule(self) -> Any:
        raise NotImplementedError

    def make_config(self, rules: list[Any]) -> Any:
        raise NotImplementedError

    def show_header(self, value: Any) -> None:
        """Fields outside the rules (e.g. the replication role)."""

    # ---- table / form -----------------------------------------------------------------

    def show_value(self, value: Any) -> None:
        self.rules = self.rules_of(value)
        self.show_header(value)
        self.refresh_table()
        self.edit(0 if self.rules else None)

    def refresh_table(self) -> None:
        table = self.query_one("#rules-table", DataTable)
        table.clear()
        for rule in self.rules:
            table.add_row(*(escape_control(cell) for cell in self.rule_row(rule)))

    def edit(self, index: int | None) -> None:
        self.editing = index
        rule = self.rules[index] if index is not None else None
        title = f"Editing rule {index + 1}" if index is not None else "New rule"
        self.query_one("#rule-form-title", Static).update(
            f"{title} — \"Save rule to list\", then Apply (ctrl+s) to send every rule")
        self.rule_to_form(rule)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.edit(event.cursor_row)

    def save_rule(self) -> bool:
        try:
            rule = self.form_to_rule()
        except ValueError as exc:
            self.show_error(f"rule not saved: {exc}")
            return False
        if self.editing is None:
            self.rules.append(rule)
            self.editing = len(self.rules) - 1
        else:
            self.rules[self.editing] = rule
        self.show_error(None)
        self.refresh_table()
        self.edit(self.editing)
        return True

    def on_extra_button(self, button_id: str) -> None:
        if button_id == "rule-new":
            self.edit(None)
        elif button_id == "rule-save":
            self.save_rule()
        elif button_id == "rule-remove" and self.editing is not None and self.rules:
            del self.rules[self.editing]
            self.refresh_table()
            self.edit(0 if self.rules else None)

    def build_value(self) -> Any:
        return self.make_config(list(self.rules)) if self.rules else None

    def check_value(self, value: Any) -> None:
        if value is not None:
            super().check_value(value)

    def describe(self, value: Any) -> str:
        count = len(self.rules_of(value))
        return f"live: {count} rule(s)" if value is not None else self.NONE_TEXT


def input_value(screen: EditorScreen, widget_id: str) -> str:
    """The typed text, with the visible escapes of `set_input` turned back into characters."""
    return decode_text(screen.query_one(f"#{widget_id}", Input).value)


def set_input(screen: EditorScreen, widget_id: str, value: Any) -> None:
    """Show a (server) value in an Input with control characters escaped visibly."""
    screen.query_one(f"#{widget_id}", Input).value = "" if value is None else encode_text(str(value))


def select_value(screen: EditorScreen, widget_id: str) -> Any:
    value = screen.query_one(f"#{widget_id}", Select).value
    return None if value is Select.NULL else value

"""The command palette (ctrl+p): every action by a plain name with its key.

Extension point: `register_command(PaletteCommand(...))` adds entries (e.g. editors);
`CommandsProvider` lists the app actions and everything registered.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from .keymap import APP_ACTIONS, effective_key, key_label


@dataclass(frozen=True)
class PaletteCommand:
    """A palette entry that runs an action string on the app (e.g. "preview")."""

    name: str
    action: str
    help: str = ""
    key: str = ""
    mutating: bool = False
    # the bucket feature it needs (minbrowse.capabilities names: "lifecycle", "object lock"…)
    feature: str = ""


EXTRA_COMMANDS: list[PaletteCommand] = []


def register_command(command: PaletteCommand) -> None:
    """Add a palette command, or replace the one with the same name in place (order stays)."""
    for index, existing in enumerate(EXTRA_COMMANDS):
        if existing.name == command.name:
            EXTRA_COMMANDS[index] = command
            return
    EXTRA_COMMANDS.append(command)


def all_commands(overrides: dict[str, str] | None = None) -> list[PaletteCommand]:
    overrides = overrides or {}
    builtin = [PaletteCommand(spec.name, spec.action, spec.description,
                              key_label(effective_key(spec, overrides)), spec.mutating)
               for spec in APP_ACTIONS]
    return builtin + list(EXTRA_COMMANDS)


def _title(command: PaletteCommand) -> str:
    return f"{command.name}  ({command.key})" if command.key else command.name


class CommandsProvider(Provider):
    """Lists every minbrowse action; read-only mode marks the mutating ones, and an editor
    whose feature the current bucket lacks (as probed) is greyed with the reason."""

    def _commands(self) -> list[PaletteCommand]:
        return all_commands(getattr(self.app, "keymap_overrides", {}))

    def _unavailable(self, command: PaletteCommand) -> str:
        """Why `command` cannot be used on the bucket on screen ("" when it can, or unknown)."""
        if not command.feature:
            return ""
        why = getattr(self.app, "feature_unavailable", None)
        return why(command.feature) if callable(why) else ""

    def _help(self, command: PaletteCommand) -> str:
        unavailable = self._unavailable(command)
        if unavailable:
            return f"{command.help} ({unavailable})"
        if command.mutating and getattr(self.app, "read_only", False):
            return f"{command.help} (disabled: read-only)"
        return command.help

    def _display(self, command: PaletteCommand, text: Text | str) -> Text | str:
        if self._unavailable(command):
            return Text(str(text), style="dim")
        return text

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(self._display(command, _title(command)),
                               partial(self.app.run_action, command.action),
                               text=_title(command), help=self._help(command))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            title = _title(command)
            score = matcher.match(title)
            if score > 0:
                shown = matcher.highlight(title)
                if self._unavailable(command):
                    shown.stylize("dim")
                yield Hit(score, shown, partial(self.app.run_action, command.action),
                          text=title, help=self._help(command))

"""A local filesystem path input with completion (inline suggestion, Tab accepts it).

`complete_path` is the pure part: given what was typed, the longest unambiguous
completion among the entries of the folder typed so far (folders get a trailing `/`).
`~` is expanded for the lookup but kept in what the user sees.
"""

from __future__ import annotations

import os

from textual.binding import Binding
from textual.suggester import Suggester
from textual.widgets import Input

MAX_ENTRIES = 5000  # never scan huge folders on the event loop


def complete_path(typed: str, *, dirs_only: bool = False) -> str | None:
    """The completion of `typed` (the whole new value), or None when nothing to add."""
    if not typed:
        return None
    folder_typed, _, stem = typed.rpartition(os.sep)
    folder_typed = folder_typed + os.sep if _ else ""
    folder = os.path.expanduser(folder_typed) if folder_typed else "."
    try:
        with os.scandir(folder) as entries:
            matches = []
            for number, entry in enumerate(entries):
                if number >= MAX_ENTRIES:
                    break
                if not entry.name.startswith(stem) or (entry.name.startswith(".") and not stem.startswith(".")):
                    continue
                is_dir = entry.is_dir()
                if dirs_only and not is_dir:
                    continue
                matches.append(entry.name + (os.sep if is_dir else ""))
    except OSError:
        return None
    if not matches:
        return None
    common = os.path.commonprefix(matches)
    if len(common) <= len(stem):
        return None
    return folder_typed + common


class PathSuggester(Suggester):
    """Suggests the completion of a local path (no cache: the filesystem changes)."""

    def __init__(self, *, dirs_only: bool = False) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.dirs_only = dirs_only

    async def get_suggestion(self, value: str) -> str | None:
        return complete_path(value, dirs_only=self.dirs_only)


class PathInput(Input):
    """An Input for a local path; Tab (or → at the end) accepts the suggested completion."""

    BINDINGS = [Binding("tab", "complete", "Complete path", show=False, id="path_input.complete")]

    def __init__(self, value: str = "", *, dirs_only: bool = False, placeholder: str = "",
                 id: str | None = None) -> None:
        super().__init__(value=value, placeholder=placeholder, id=id,
                         suggester=PathSuggester(dirs_only=dirs_only))
        self.dirs_only = dirs_only

    def action_complete(self) -> None:
        completion = complete_path(self.value, dirs_only=self.dirs_only)
        if completion:
            self.value = completion
            self.cursor_position = len(completion)

"""Every app-level action with its key, plain name and whether it mutates anything.

The single source for the app's Bindings (each with an `id=` so a keymap can
override it), the help screen and the command palette.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class ActionSpec:
    id: str
    key: str
    action: str
    name: str
    description: str
    mutating: bool = False
    show: bool = False


APP_ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("help", "question_mark", "help", "Help", "show every key and action", show=True),
    ActionSpec("filter", "slash", "filter", "Filter", "filter the loaded rows as you type", show=True),
    ActionSpec("search", "f", "search", "Prefix search", "server-side search: list keys starting with…"),
    ActionSpec("sort_name", "n", "sort('name')", "Sort by name", "sort by name (again: reverse)"),
    ActionSpec("sort_size", "s", "sort('size')", "Sort by size", "sort by size (again: reverse)"),
    ActionSpec("sort_date", "t", "sort('date')", "Sort by date", "sort by last modified (again: reverse)"),
    ActionSpec("preview", "p", "preview", "Preview", "preview the first 64 KiB of the object", show=True),
    ActionSpec("presign", "y", "presign", "Presigned URL", "presigned GET URL to the clipboard", show=True),
    ActionSpec("usage", "u", "usage", "Size and count", "size and object count of the prefix"),
    ActionSpec("refresh", "r", "refresh", "Refresh", "reload buckets and the listing"),
    ActionSpec("make_bucket", "b", "make_bucket", "Make bucket", "create a bucket", mutating=True),
    ActionSpec("remove_bucket", "B", "remove_bucket", "Remove bucket",
               "remove the current bucket (type its name; may empty it first)", mutating=True),
    ActionSpec("delete", "d,delete", "delete", "Delete", "delete the selected objects", mutating=True,
               show=True),
    ActionSpec("copy", "c", "copy", "Copy", "server-side copy of the selection", mutating=True),
    ActionSpec("move", "m", "move", "Move", "server-side move of the selection", mutating=True),
    ActionSpec("rename", "R", "rename", "Rename", "rename the highlighted object or folder",
               mutating=True),
    # transfers (minbrowse.ui.actions.transfers)
    ActionSpec("upload", "U", "upload", "Upload", "upload a local file or folder here", mutating=True,
               show=True),
    ActionSpec("download", "D", "download", "Download",
               "download the selection (or the whole prefix) to a local folder", show=True),
    ActionSpec("transfers", "T", "transfers", "Transfers", "the transfer queue: progress, cancel",
               show=True),
    ActionSpec("copy_to_profile", "C", "copy_to_profile", "Copy to profile",
               "stream the selection to another profile's server", mutating=True),
    ActionSpec("switch_profile", "P", "switch_profile", "Switch profile", "connect with another profile"),
    ActionSpec("focus_tree", "ctrl+t", "focus_tree", "Focus bucket tree",
               "move focus to the tree (showing it when hidden)"),
    ActionSpec("toggle_tree", "left_square_bracket", "toggle_tree", "Show/hide bucket tree",
               "show or hide the bucket tree (hidden below 90 columns)"),
    ActionSpec("toggle_detail", "i", "toggle_detail", "Show/hide details",
               "show or hide the detail pane (hidden below 120 columns)"),
    ActionSpec("focus_listing", "ctrl+l", "focus_listing", "Focus listing", "move focus to the listing"),
    ActionSpec("quit", "q", "quit", "Quit", "leave minbrowse", show=True),
)

# Keys of the listing widget, documented for the help screen (bound in ObjectList).
LISTING_KEYS: tuple[tuple[str, str], ...] = (
    ("↓ j / ↑ k", "move the cursor"),
    ("g Home / G End", "first / last row"),
    ("ctrl+d PgDn / ctrl+u PgUp", "half a page down / up"),
    ("Enter", "open a folder / preview a file"),
    ("Backspace", "up one level"),
    ("Space", "select / unselect (multi-select)"),
    ("Tab / shift+Tab", "next / previous pane"),
    ("ctrl+p", "command palette"),
    ("Esc", "close a dialog, clear the filter"),
)

KEY_LABELS = {"question_mark": "?", "slash": "/", "delete": "Del", "left_square_bracket": "["}


def key_label(key: str) -> str:
    """A human label for a binding key string like "d,delete"."""
    return " ".join(KEY_LABELS.get(part, part) for part in key.split(","))


def app_bindings() -> list[Binding]:
    return [Binding(spec.key, spec.action, spec.name, show=spec.show, id=f"app.{spec.id}")
            for spec in APP_ACTIONS]


def effective_key(spec: ActionSpec, overrides: dict[str, str]) -> str:
    return overrides.get(f"app.{spec.id}", spec.key)


def spec_by_action(action: str) -> ActionSpec | None:
    for spec in APP_ACTIONS:
        if spec.action == action or spec.id == action:
            return spec
    return None

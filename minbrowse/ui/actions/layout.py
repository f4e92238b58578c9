"""The main screen's layout for the terminal's width: which side panes show, as an App mixin.

From WIDE columns up the bucket tree, the listing and the detail pane sit side by side. Below
that the listing gets the room it needs for names: the detail pane is hidden (`i` shows it),
and below NARROW columns the tree too (`[` shows it; ctrl+t shows and focuses it). A pane the
user showed or hid by key stays so until the width crosses a breakpoint again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .host import AppHost

WIDE = 120  # the three panes side by side from here
NARROW = 90  # below this, the tree is hidden too
LAYOUTS = ("narrow", "medium", "wide")


def layout_for(width: int) -> str:
    """The layout's name for a terminal `width` columns wide."""
    if width >= WIDE:
        return "wide"
    return "medium" if width >= NARROW else "narrow"


def panes_for(layout: str) -> tuple[bool, bool]:
    """(tree shown, detail shown) by default in `layout`."""
    return {"wide": (True, True), "medium": (True, False), "narrow": (False, False)}[layout]


class LayoutMixin:
    """Layout actions of `MinbrowseApp` (toggle_tree, toggle_detail) and its resize rule."""

    layout_name: str = ""

    def apply_layout(self: "AppHost", width: int) -> None:
        """Show the panes `width` calls for (when it crossed a breakpoint since last time)."""
        layout = layout_for(width)
        if layout == self.layout_name:
            return
        self.layout_name = layout
        for name in LAYOUTS:
            self.screen_stack[0].set_class(name == layout, f"-{name}")
        tree, detail = panes_for(layout)
        self.tree_widget.display = tree
        self.detail.display = detail

    def on_resize(self: "AppHost", event) -> None:  # noqa: ANN001 - textual.events.Resize
        if self.query("#listing"):
            self.apply_layout(event.size.width)

    def action_toggle_tree(self: "AppHost") -> None:
        tree = self.tree_widget
        tree.display = not tree.display
        if not tree.display and tree.has_focus:
            self.listing.focus()

    def action_toggle_detail(self: "AppHost") -> None:
        detail = self.detail
        detail.display = not detail.display
        if detail.display:
            self.refresh_detail()

    def action_focus_tree(self: "AppHost") -> None:
        self.tree_widget.display = True
        self.tree_widget.focus()

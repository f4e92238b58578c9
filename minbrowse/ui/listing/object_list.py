"""The object listing: a line-API ScrollView that renders only the visible rows.

Rows live in a `ListingStore`; pages are appended as they arrive and only the lines on
screen are rebuilt. The widget never talks to S3: it posts `Highlighted`, `Opened` and
`GoUp` messages, and the app decides what to load.
"""

from __future__ import annotations

import time

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget

from ..core.format import format_mtime, human_size
from .pages import RowPage, page_from_rows
from .store import SLICED_FROM, ListingStore
from ..core.models import Entry, Location
from ..core.safe_text import escape_control

SIZE_WIDTH = 10
DATE_WIDTH = 16
CLASS_WIDTH = 13
SYNC_INTERVAL = 0.1  # seconds: how often arriving pages update the scrollbar and the view
REORDER_BUDGET = 0.012  # seconds of sorting/filtering per event-loop turn


def fit(text: str, width: int, *, right: bool = False) -> str:
    """Pad or cut `text` to exactly `width` terminal cells."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…"
    padding = " " * (width - length)
    return padding + text if right else text + padding


class ObjectList(ScrollView, can_focus=True):
    """Virtual list of the rows of one prefix."""

    COMPONENT_CLASSES = {"objectlist--cursor", "objectlist--dir", "objectlist--selected",
                         "objectlist--dim"}
    DEFAULT_CSS = """
    ObjectList { height: 1fr; scrollbar-gutter: stable; }
    ObjectList > .objectlist--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    ObjectList:blur > .objectlist--cursor { background: $block-cursor-blurred-background; }
    ObjectList > .objectlist--dir { color: $accent; text-style: bold; }
    ObjectList > .objectlist--selected { color: $warning; text-style: bold; }
    ObjectList > .objectlist--dim { color: $text-muted; }
    """
    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False, id="listing.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="listing.up"),
        Binding("home,g", "cursor_first", "First row", show=False, id="listing.first"),
        Binding("end,G", "cursor_last", "Last row", show=False, id="listing.last"),
        Binding("pagedown,ctrl+d", "page_down", "Half page down", show=False, id="listing.page_down"),
        Binding("pageup,ctrl+u", "page_up", "Half page up", show=False, id="listing.page_up"),
        Binding("space", "toggle_select", "Select", id="listing.select"),
        Binding("enter", "open", "Open", id="listing.open"),
        Binding("backspace", "go_up", "Up a level", id="listing.go_up"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Highlighted(Message):
        def __init__(self, entry: Entry | None) -> None:
            super().__init__()
            self.entry = entry

    class Opened(Message):
        def __init__(self, entry: Entry) -> None:
            super().__init__()
            self.entry = entry

    class GoUp(Message):
        pass

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.store = ListingStore()
        self.location = Location()
        self._loading_done = True
        self.header: Widget | None = None
        self._last_sync = 0.0
        self._sync_timer: Timer | None = None
        self._reorder_job: tuple | None = None  # (steps, (key, reverse, filter) or None, keep)
        self._reorder_timer: Timer | None = None
        self._drawn_version = -1  # store.order_version when the view was last synced
        self._cursor_index: int | None = None  # row under the cursor before unsynced pages
        self._shown_rows = self._shown_dirs = 0

    # ---- data ---------------------------------------------------------------------------

    def reset(self, location: Location) -> None:
        """Start a new listing (keeps the sort order, drops rows, filter and selection)."""
        self.location = location
        if self._sync_timer is not None:
            self._sync_timer.stop()
            self._sync_timer = None
        self._cursor_index = None
        self._cancel_reorder()
        self.store.clear()
        self.loading_done = False
        self.cursor = 0
        self.scroll_to(0, 0, animate=False)
        self._resize()

    def add_rows(self, rows: "list | RowPage") -> None:
        """Append a page (a `RowPage` from the service, or row tuples). The first rows are
        shown at once; later pages update the view at most every `SYNC_INTERVAL`, and only
        repaint when rows inside the visible window changed."""
        page = rows if isinstance(rows, RowPage) else page_from_rows(rows)
        if self._cursor_index is None:
            self._cursor_index = self.current_index()
        shown_before = self._shown_rows
        if not self.store.add_page(page):
            return
        self._maybe_merge()
        now = time.monotonic()
        if shown_before == 0 or now - self._last_sync >= SYNC_INTERVAL:
            self._sync()
        elif self._sync_timer is None:
            self._sync_timer = self.set_timer(SYNC_INTERVAL, self._sync)

    def _sync(self) -> None:
        """Bring the widget up to date with the store (size, cursor, visible rows)."""
        if self._sync_timer is not None:
            self._sync_timer.stop()
            self._sync_timer = None
        self._last_sync = time.monotonic()
        if self.loading_done:
            if self.store.total < SLICED_FROM:
                self.store.flush()
            else:
                self._maybe_merge(everything=True)
        shown_before, dirs_before = self._shown_rows, self._shown_dirs
        self._resize()
        self._keep_cursor_on(self._cursor_index)
        self._cursor_index = None
        top = int(self.scroll_offset.y)
        bottom = top + max(self.scrollable_content_region.height, 1)
        appended_only = (self.store.sort_key == "name" and not self.store.reverse
                         and not self.store.filter_text and self.store.dir_count == dirs_before)
        moved = self.store.order_version != self._drawn_version
        self._drawn_version = self.store.order_version
        if appended_only:
            if bottom >= shown_before:
                self.refresh()
        elif moved or len(self.store) != shown_before or self.store.dir_count != dirs_before:
            self.refresh()  # sorted by size/date: rows still pending a merge change nothing

    @property
    def loading_done(self) -> bool:
        return self._loading_done

    @loading_done.setter
    def loading_done(self, done: bool) -> None:
        """Setting it True (the listing is complete) merges anything buffered and shows it."""
        self._loading_done = done
        if done and self.is_mounted:
            self._sync()

    def _keep_cursor_on(self, index: int | None) -> None:
        """After a re-sort the highlighted row may have moved: follow it."""
        if index is None or self.store.sort_key == "name" and not self.store.reverse:
            return
        if self.current_index() != index:
            position = self._position_of_index(index)
            if position is not None:
                self.cursor = position

    def _position_of_index(self, index: int) -> int | None:
        return self.store.position_of_index(index)

    def _resize(self) -> None:
        self._shown_rows, self._shown_dirs = len(self.store), self.store.dir_count
        size = Size(self.size.width, len(self.store))
        old = self.virtual_size
        if self.is_mounted and 0 < old.height < size.height and old.width == size.width:
            # Growing while pages arrive: the widget's own size and the (stable) scrollbar
            # gutter do not change, so update the scrollbars without a screen-wide layout.
            self.set_reactive(ObjectList.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size
        if self.cursor >= len(self.store):
            self.cursor = max(len(self.store) - 1, 0)

    def set_sort(self, key: str) -> None:
        """Sort by `key` (again: flip). Big listings sort in slices between other events."""
        wanted_key, wanted_reverse, wanted_filter = self._wanted()
        reverse = (not wanted_reverse) if key == wanted_key else False
        self._start_reorder(self.store.reorder(key, reverse, wanted_filter),
                            (key, reverse, wanted_filter), self.current_index())

    def set_filter(self, text: str) -> None:
        wanted_key, wanted_reverse, _ = self._wanted()
        self._start_reorder(self.store.reorder(wanted_key, wanted_reverse, text),
                            (wanted_key, wanted_reverse, text.lower()), None)

    def _wanted(self) -> tuple[str, bool, str]:
        """Sort key, direction and filter last asked for: a sort or filter still being
        computed counts, so a filter typed during a long sort keeps that sort, and the
        other way round."""
        if self._reorder_job is not None and self._reorder_job[1] is not None:
            return self._reorder_job[1]
        return self.store.sort_key, self.store.reverse, self.store.filter_text

    @property
    def reordering(self) -> bool:
        """A sort, filter or merge is still being computed (the old view is shown meanwhile)."""
        return self._reorder_job is not None

    @property
    def sort_in_progress(self) -> tuple[str, bool] | None:
        """(key, reverse) of a sort or filter still being computed, else None."""
        if self._reorder_job is None or self._reorder_job[1] is None:
            return None
        return self._reorder_job[1][0], self._reorder_job[1][1]

    def _start_reorder(self, steps, target: tuple[str, bool, str] | None,
                       keep: int | None) -> None:
        """Run `steps` (a `ListingStore.reorder` job, or `merge_steps` with no `target`)
        `REORDER_BUDGET` at a time; a newer sort or filter replaces a running job."""
        if self._reorder_timer is not None:
            self._reorder_timer.stop()
            self._reorder_timer = None
        self._reorder_job = (steps, target, keep)
        if self.store.total < SLICED_FROM:
            self._run_reorder()  # small: done at once (one slice), as the user expects
        else:  # big: every slice in its own loop turn, after the key press is handled
            self._refresh_header()
            self._reorder_timer = self.set_timer(0.001, self._run_reorder)

    def _run_reorder(self) -> None:
        self._reorder_timer = None
        job = self._reorder_job
        if job is None:
            return
        steps, target, keep = job
        deadline = time.monotonic() + REORDER_BUDGET
        for _ in steps:
            if time.monotonic() >= deadline:
                self._refresh_header()  # shows the sort being computed
                self._reorder_timer = self.set_timer(0.001, self._run_reorder)
                return
        self._reorder_job = None
        self._refresh_header()
        position = (self._position_of_index(keep) if keep is not None else None) or 0
        if position != self.cursor:
            self.cursor = position
        self._resize()
        self.refresh()
        self._maybe_merge(everything=self.loading_done)

    def _maybe_merge(self, everything: bool = False) -> None:
        """Merge rows buffered while sorted by size/date, in slices like a re-sort, when enough
        have piled up (`everything`: any at all, once the listing is complete)."""
        if self._reorder_job is not None or self.store.total < SLICED_FROM:
            return
        if self.store.wants_merge or (everything and self.store.pending):
            self._start_reorder(self.store.merge_steps(), None, self.current_index())

    def _cancel_reorder(self) -> None:
        if self._reorder_timer is not None:
            self._reorder_timer.stop()
            self._reorder_timer = None
        self._reorder_job = None

    def select_name(self, name: str) -> bool:
        position = self.store.position_of(name)
        if position is None:
            return False
        self.cursor = position
        return True

    def current_index(self) -> int | None:
        if not len(self.store):
            return None
        return self.store.index_at(min(self.cursor, len(self.store) - 1))

    def entry(self, index: int) -> Entry:
        name, size, mtime, storage_class, is_dir = self.store.row(index)
        return Entry(self.location.bucket or "", self.location.prefix + name, name, size, mtime,
                     storage_class, is_dir)

    def current_entry(self) -> Entry | None:
        index = self.current_index()
        return None if index is None else self.entry(index)

    def selected_entries(self) -> list[Entry]:
        """The multi-selection, or the highlighted row when nothing is selected."""
        if self.store.selected:
            return [self.entry(i) for i in sorted(self.store.selected, key=self.store.names.__getitem__)]
        current = self.current_entry()
        return [current] if current else []

    # ---- cursor -------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old - int(self.scroll_offset.y))
        self.refresh_line(new - int(self.scroll_offset.y))
        self.scroll_to_cursor()
        self.post_message(self.Highlighted(self.current_entry()))

    def scroll_to_cursor(self) -> None:
        top = int(self.scroll_offset.y)
        height = max(self.scrollable_content_region.height, 1)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def _move(self, delta: int) -> None:
        if len(self.store):
            self.cursor = max(0, min(len(self.store) - 1, self.cursor + delta))

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_cursor_first(self) -> None:
        self._move(-len(self.store))

    def action_cursor_last(self) -> None:
        self._move(len(self.store))

    def action_page_down(self) -> None:
        self._move(max(self.scrollable_content_region.height // 2, 1))

    def action_page_up(self) -> None:
        self._move(-max(self.scrollable_content_region.height // 2, 1))

    def action_toggle_select(self) -> None:
        index = self.current_index()
        if index is not None:
            self.store.toggle_selected(index)
            self._move(1)
            self.refresh()

    def action_open(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            self.post_message(self.Opened(entry))

    def action_go_up(self) -> None:
        self.post_message(self.GoUp())

    def on_resize(self) -> None:
        self._resize()
        self._refresh_header()

    def _refresh_header(self) -> None:
        if self.header is not None:
            self.header.refresh()

    def on_click(self, event) -> None:  # mouse: click selects the row under the pointer
        position = int(self.scroll_offset.y) + event.y
        if 0 <= position < len(self.store):
            self.cursor = position

    # ---- rendering ----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        position = int(self.scroll_offset.y) + y
        base = self.rich_style
        if position >= len(self.store):
            if position == 0:
                note = "loading…" if not self.loading_done else "(empty)"
                dim = self.get_component_rich_style("objectlist--dim")
                return Strip([Segment(fit("  " + note, width), base + dim)], width)
            return Strip.blank(width, base)
        index = self.store.index_at(position)
        name, size, mtime, storage_class, is_dir = self.store.row(index)
        selected = index in self.store.selected
        style = base
        if is_dir:
            style += self.get_component_rich_style("objectlist--dir")
        if selected:
            style += self.get_component_rich_style("objectlist--selected")
        if position == self.cursor:
            style += self.get_component_rich_style("objectlist--cursor")
        show_class = width >= 60
        name_width = width - 2 - SIZE_WIDTH - 1 - DATE_WIDTH - 1 - (CLASS_WIDTH + 1 if show_class else 0)
        text = ("●" if selected else " ") + " " + fit(escape_control(name), name_width)
        text += " " + fit("" if is_dir else human_size(size), SIZE_WIDTH, right=True)
        text += " " + fit(format_mtime(mtime), DATE_WIDTH)
        if show_class:
            text += " " + fit(storage_class, CLASS_WIDTH)
        return Strip([Segment(fit(text, width), style)], width)


def header_text(width: int, sort_key: str, reverse: bool, busy: bool = False) -> str:
    """The column header line matching `ObjectList.render_line`'s layout (`busy`: the sort
    is still being computed)."""
    arrow = ("↓" if reverse else "↑") + ("…" if busy else "")

    def label(title: str, key: str) -> str:
        return f"{title} {arrow}" if key == sort_key else title

    show_class = width >= 60
    name_width = width - 2 - SIZE_WIDTH - 1 - DATE_WIDTH - 1 - (CLASS_WIDTH + 1 if show_class else 0)
    text = "  " + fit(label("Name", "name"), name_width)
    text += " " + fit(label("Size", "size"), SIZE_WIDTH, right=True)
    text += " " + fit(label("Modified (UTC)", "date"), DATE_WIDTH)
    if show_class:
        text += " " + fit("Class", CLASS_WIDTH)
    return fit(text, width)


class ListingHeader(Widget):
    """Column titles of an `ObjectList`, aligned with its rows; shows the sort order."""

    DEFAULT_CSS = """
    ListingHeader { height: 1; background: $panel; color: $text; text-style: bold; }
    """

    def __init__(self, listing: ObjectList, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.listing = listing
        listing.header = self

    def render(self) -> Text:
        store = self.listing.store
        width = self.listing.scrollable_content_region.width or self.size.width
        target = self.listing.sort_in_progress
        if target is not None:
            return Text(header_text(width, target[0], target[1], busy=True))
        return Text(header_text(width, store.sort_key, store.reverse))

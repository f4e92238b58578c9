"""Columnar store of listing rows with folders-first sort, filter and selection.

Built for 1,000,000 rows: columns are compact (a list of names, `array`s of sizes, times
and row indices — no per-row Python objects besides the name), pages arrive as `RowPage`
columns and are appended with C-level `extend`. In name order (the server's order) an
ordered page is appended without sorting; other orders buffer new rows and merge them
into the sorted view in batches (Timsort merges the two sorted runs). The view is two
index arrays (folders, files) addressed as one without concatenating.
"""

from __future__ import annotations

from array import array
from typing import Callable, Iterable

from .listing_pages import RowPage, page_from_rows
from .models import RowTuple

SORT_KEYS = ("name", "size", "date")
# Rows that arrive while sorted by size/date are merged once this many are pending
# (or at least an eighth of the rows already shown), or on `flush()`.
MERGE_MIN = 20_000


def _indices(values: Iterable[int] = ()) -> array:
    return array("l", values)


class ListingStore:
    """Rows of one listing; positions in the view map to row indices."""

    def __init__(self) -> None:
        self.sort_key = "name"
        self.reverse = False
        self.clear()

    def clear(self) -> None:
        self.names: list[str] = []
        self.sizes = array("q")
        self.mtimes = array("d")
        self.classes: list[str] = []
        self.dir_flags = bytearray()
        self._arrival = (_indices(), _indices())  # folder / file indices in arrival order
        self._arrival_sorted = True  # arrival order is name order (every page came in order)
        self._order = self._arrival  # folder / file indices in the current sort order
        self._pending: tuple[list[int], list[int]] = ([], [])  # not yet merged into _order
        if self.sort_key != "name" or self.reverse:  # a sort kept across navigation
            self._order = (_indices(), _indices())
        self._view = self._order  # the filtered view of _order (the same arrays when no filter)
        self.selected: set[int] = set()
        self.filter_text = ""

    # ---- loading ------------------------------------------------------------------------

    def add_rows(self, rows: Iterable[RowTuple]) -> int:
        """Append row tuples (see `models.RowTuple`); returns rows added."""
        return self.add_page(page_from_rows(rows))

    def add_page(self, page: RowPage) -> int:
        """Append a page; keeps the current sort and filter. Returns rows added."""
        count = len(page.names)
        if not count:
            return 0
        start = len(self.names)
        self.names.extend(page.names)
        self.sizes.extend(page.sizes)
        self.mtimes.extend(page.mtimes)
        self.classes.extend(page.classes)  # the page builder already shares equal strings
        if page.dir_offsets:
            flags = bytearray(count)
            for offset in page.dir_offsets:
                flags[offset] = 1
            self.dir_flags.extend(flags)
            new_dirs = _indices(start + o for o in page.dir_offsets)
            new_files = _indices(start + i for i in range(count) if not flags[i])
        else:
            self.dir_flags.extend(bytes(count))
            new_dirs = _indices()
            new_files = _indices(range(start, start + count))
        in_order = page.ordered
        for arrival, new in zip(self._arrival, (new_dirs, new_files)):
            if new and arrival and self.names[arrival[-1]] > self.names[new[0]]:
                in_order = False
        self._arrival_sorted = self._arrival_sorted and in_order
        name_order = self.sort_key == "name" and not self.reverse
        for kind, new in enumerate((new_dirs, new_files)):
            self._arrival[kind].extend(new)
            if self._order is self._arrival and self._arrival_sorted:
                if self._view is not self._order:
                    self._view[kind].extend(self._filtered(new))
            elif self._order is self._arrival:  # arrival order just stopped being name order
                self._order = (array("l", self._arrival[0]), array("l", self._arrival[1]))
                self._order[kind][len(self._order[kind]) - len(new):] = _indices()
                self._pending[kind].extend(new)
            else:
                self._pending[kind].extend(new)
        if name_order and self._arrival_sorted:
            return count
        pending = len(self._pending[0]) + len(self._pending[1])
        if pending >= MERGE_MIN or pending * 8 >= len(self._order[0]) + len(self._order[1]):
            self.flush()
        return count

    def flush(self) -> bool:
        """Merge rows buffered while sorted by size/date into the view; True if any."""
        if not (self._pending[0] or self._pending[1]):
            return False
        key = self._key()
        for kind in (0, 1):
            new = self._pending[kind]
            if not new:
                continue
            new.sort(key=key, reverse=self.reverse)
            merged = list(self._order[kind])
            merged.extend(new)
            merged.sort(key=key, reverse=self.reverse)  # two sorted runs: one linear merge
            self._order[kind][:] = _indices(merged)
            new.clear()
        self._refilter()
        return True

    @property
    def pending(self) -> int:
        return len(self._pending[0]) + len(self._pending[1])

    # ---- ordering and filtering ---------------------------------------------------------

    def _key(self) -> Callable[[int], object]:
        if self.sort_key == "size":
            return self.sizes.__getitem__
        if self.sort_key == "date":
            return self.mtimes.__getitem__
        return self.names.__getitem__

    def _filtered(self, indices: Iterable[int]) -> array:
        needle = self.filter_text
        if not needle:
            return _indices(indices)
        names = self.names
        return _indices(i for i in indices if needle in names[i].lower())

    def _name_order(self, kind: int) -> array:
        if self._arrival_sorted:
            return self._arrival[kind]
        return _indices(sorted(self._arrival[kind], key=self.names.__getitem__))

    def set_sort(self, key: str, reverse: bool | None = None) -> None:
        """Sort by `key`; choosing the current key again flips the direction."""
        if key not in SORT_KEYS:
            raise ValueError(f"unknown sort key {key!r}")
        if reverse is None:
            reverse = (not self.reverse) if key == self.sort_key else False
        self.sort_key, self.reverse = key, reverse
        self._pending = ([], [])
        if key == "name" and not reverse and self._arrival_sorted:
            self._order = self._arrival
        else:
            orders = []
            for kind in (0, 1):
                by_name = self._name_order(kind)
                if key == "name":
                    orders.append(by_name[::-1] if reverse else array("l", by_name))
                else:  # one stable sort of the name order: ties stay in name order
                    orders.append(_indices(sorted(by_name, key=self._key(), reverse=reverse)))
            self._order = (orders[0], orders[1])
        self._refilter()

    def set_filter(self, text: str) -> None:
        self.filter_text = text.lower()
        self._refilter()

    def _refilter(self) -> None:
        if not self.filter_text:
            self._view = self._order
        else:
            self._view = (self._filtered(self._order[0]), self._filtered(self._order[1]))

    # ---- access -------------------------------------------------------------------------

    @property
    def total(self) -> int:
        return len(self.names)

    def __len__(self) -> int:
        return len(self._view[0]) + len(self._view[1])

    @property
    def dir_count(self) -> int:
        """Folders in the view (they come first)."""
        return len(self._view[0])

    def index_at(self, position: int) -> int:
        """Row index of view position `position`."""
        dirs = self._view[0]
        if position < len(dirs):
            return dirs[position]
        return self._view[1][position - len(dirs)]

    def row(self, index: int) -> RowTuple:
        return (self.names[index], self.sizes[index], self.mtimes[index],
                self.classes[index], bool(self.dir_flags[index]))

    def position_of(self, name: str) -> int | None:
        """View position of the row named `name` (C-speed scans), or None."""
        try:
            index = self.names.index(name)
        except ValueError:
            return None
        dirs, files = self._view
        try:
            return (dirs.index(index) if self.dir_flags[index]
                    else len(dirs) + files.index(index))
        except ValueError:  # filtered out, or still pending a merge
            return None

    def position_of_index(self, index: int) -> int | None:
        return self.position_of(self.names[index])

    def toggle_selected(self, index: int) -> bool:
        if index in self.selected:
            self.selected.discard(index)
            return False
        self.selected.add(index)
        return True

"""Columnar store of listing rows with folders-first sort, filter and selection.

Built for 1,000,000 rows: columns are compact (a list of names, `array`s of sizes, times
and row indices — no per-row Python objects besides the name), pages arrive as `RowPage`
columns and are appended with C-level `extend`. In name order (the server's order) an
ordered page is appended without sorting; other orders buffer new rows and merge them
into the sorted view in batches (Timsort merges the two sorted runs). The view is two
index arrays (folders, files) addressed as one without concatenating. Re-sorting and
filtering run in slices (`reorder`), so the UI can interleave them with other events.
"""

from __future__ import annotations

from array import array
from typing import Callable, Iterable, Iterator, Sequence

from .pages import RowPage, page_from_rows
from .slices import filter_in_slices, merge_in_slices, sort_in_slices
from ..core.models import RowTuple

SORT_KEYS = ("name", "size", "date")
# Rows that arrive while sorted by size/date are merged once this many are pending
# (or at least an eighth of the rows already shown), or on `flush()`.
MERGE_MIN = 20_000
# From this many rows, pending rows are merged in slices by the owner (`merge_steps`) rather
# than synchronously in `add_page` (a 1,000,000-row merge took 0.27 s in one piece).
SLICED_FROM = 100_000


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
        self._epoch = getattr(self, "_epoch", 0) + 1  # a reorder started before is void
        self._order_version = getattr(self, "_order_version", 0) + 1  # and so is a merge

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
        if self.total < SLICED_FROM and self.wants_merge:
            self.flush()  # cheap at this size; bigger stores merge through `merge_steps`
        return count

    @property
    def wants_merge(self) -> bool:
        """Enough rows are pending (buffered while sorted by size/date) to merge them now."""
        pending = len(self._pending[0]) + len(self._pending[1])
        shown = len(self._order[0]) + len(self._order[1])
        divisor = 8 if self.total < SLICED_FROM else 4  # sliced merges: fewer, bigger
        return pending > 0 and (pending >= MERGE_MIN or pending * divisor >= shown)

    def merge_steps(self) -> Iterator[None]:
        """Merge pending rows in slices (a generator; `flush()` runs it at once): they are
        sorted, then merged with the current order (ties: rows already shown first); the
        merged view replaces the old one at the last step. Void if the order changed
        meanwhile (a re-sort, a flush or a clear); rows added meanwhile stay pending."""
        version = self._order_version
        key, reverse = self._key(), self.reverse
        taken = (list(self._pending[0]), list(self._pending[1]))
        merged: list[array] = []
        for kind in (0, 1):
            if not taken[kind]:
                merged.append(self._order[kind])
                continue
            new: list[array] = []
            yield from sort_in_slices(taken[kind], key, reverse, new)
            yield from merge_in_slices(self._order[kind], new[0], key, reverse, merged)
        views = merged
        if self.filter_text:
            views = []
            for order in merged:
                yield from filter_in_slices(order, self.names, self.filter_text, views)
        if self._order_version != version:
            return
        for kind in (0, 1):
            del self._pending[kind][:len(taken[kind])]
        self._order = (merged[0], merged[1])
        self._view = (views[0], views[1]) if self.filter_text else self._order
        self._order_version += 1

    def flush(self) -> bool:
        """Merge rows buffered while sorted by size/date into the view now; True if any."""
        if not (self._pending[0] or self._pending[1]):
            return False
        for _ in self.merge_steps():
            pass
        return True

    @property
    def order_version(self) -> int:
        """Changes whenever rows move in the view (re-sort, merge, flush, clear), not when a
        page is appended in name order."""
        return self._order_version

    @property
    def pending(self) -> int:
        return len(self._pending[0]) + len(self._pending[1])

    # ---- ordering and filtering ---------------------------------------------------------

    def _key(self) -> Callable[[int], object]:
        return self._key_for(self.sort_key)

    def _key_for(self, sort_key: str) -> Callable[[int], object]:
        if sort_key == "size":
            return self.sizes.__getitem__
        if sort_key == "date":
            return self.mtimes.__getitem__
        return self.names.__getitem__

    def _filtered(self, indices: Sequence[int]) -> array:
        """`indices` that pass the current filter (all of them, copied, when there is none)."""
        out: list[array] = []
        for _ in filter_in_slices(indices, self.names, self.filter_text, out):
            pass
        return out[0]

    def next_reverse(self, key: str) -> bool:
        """The direction `set_sort(key)` picks: choosing the current key again flips it."""
        return (not self.reverse) if key == self.sort_key else False

    def set_sort(self, key: str, reverse: bool | None = None) -> None:
        """Sort by `key`; choosing the current key again flips the direction."""
        for _ in self.reorder(key, self.next_reverse(key) if reverse is None else reverse):
            pass

    def set_filter(self, text: str) -> None:
        for _ in self.reorder(filter_text=text):
            pass

    def reorder(self, key: str | None = None, reverse: bool | None = None,
                filter_text: str | None = None) -> Iterator[None]:
        """Sort and/or filter in slices (a generator: each `next()` is one bounded slice).

        The store stays usable and shows its old order until the last slice, which swaps the
        new view in at once; rows added meanwhile are merged like any page arriving in a
        sorted view. A `clear()` in between makes the job a no-op. Arguments left None keep
        the current sort key, direction or filter.
        """
        key = self.sort_key if key is None else key
        if key not in SORT_KEYS:
            raise ValueError(f"unknown sort key {key!r}")
        reverse = self.reverse if reverse is None else reverse
        needle = self.filter_text if filter_text is None else filter_text.lower()
        epoch = self._epoch
        counts = (len(self._arrival[0]), len(self._arrival[1]))
        arrival_sorted = self._arrival_sorted
        same_order = (key == self.sort_key and reverse == self.reverse
                      and not (self._pending[0] or self._pending[1]))
        orders: list[array] = []
        for kind in (0, 1):
            if same_order:  # only the filter changes: reuse (a copy of) the current order
                current = self._order[kind]
                orders.append(current[:counts[kind]] if self._order is self._arrival
                              else current[:])
                continue
            base = self._arrival[kind][:counts[kind]]  # a copy: pages may arrive meanwhile
            if not arrival_sorted:
                sorted_base: list[array] = []
                yield from sort_in_slices(base, self.names.__getitem__, False, sorted_base)
                base = sorted_base[0]
            if key == "name":
                orders.append(base[::-1] if reverse else base)
            else:  # one stable sort of the name order: ties stay in name order
                yield from sort_in_slices(base, self._key_for(key), reverse, orders)
            yield
        views = orders
        if needle:
            views = []
            for order in orders:
                yield from filter_in_slices(order, self.names, needle, views)
        if self._epoch != epoch:
            return
        self._commit(key, reverse, needle, counts, orders, views)

    def _commit(self, key: str, reverse: bool, needle: str, counts: tuple[int, int],
                orders: list[array], views: list[array]) -> None:
        self.sort_key, self.reverse, self.filter_text = key, reverse, needle
        new_rows = (self._arrival[0][counts[0]:], self._arrival[1][counts[1]:])
        self._order_version += 1
        if key == "name" and not reverse and self._arrival_sorted:
            self._order = self._arrival  # appended pages stay in place: no merging needed
            self._pending = ([], [])
            if needle:
                views[0].extend(self._filtered(new_rows[0]))
                views[1].extend(self._filtered(new_rows[1]))
                self._view = (views[0], views[1])
            else:
                self._view = self._order
            return
        self._order = (orders[0], orders[1])
        self._pending = (list(new_rows[0]), list(new_rows[1]))
        self._view = (views[0], views[1]) if needle else self._order

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
        return self.position_of_index(index)

    def position_of_index(self, index: int) -> int | None:
        """View position of row `index` (a C-speed scan of the index arrays), or None."""
        dirs, files = self._view
        try:
            return (dirs.index(index) if self.dir_flags[index]
                    else len(dirs) + files.index(index))
        except ValueError:  # filtered out, or still pending a merge
            return None

    def toggle_selected(self, index: int) -> bool:
        if index in self.selected:
            self.selected.discard(index)
            return False
        self.selected.add(index)
        return True

"""Columnar store of listing rows with folders-first sort, filter and selection.

Built for 100,000+ rows: columns are compact (a list of names, `array`s of sizes and
times), pages append incrementally (name order from the server is kept without a
re-sort; other orders re-sort with Timsort, which merges the already-sorted run), and
the view is two index lists (folders, files) addressed as one without concatenating.
"""

from __future__ import annotations

from array import array
from typing import Callable, Iterable

from .models import RowTuple

SORT_KEYS = ("name", "size", "date")


class ListingStore:
    """Rows of one listing; positions in the view map to row indices."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.names: list[str] = []
        self.sizes = array("q")
        self.mtimes = array("d")
        self.classes: list[str] = []
        self.dir_flags = bytearray()
        self._class_pool: dict[str, str] = {}
        self._dirs: list[int] = []  # all folder indices, in the current sort order
        self._files: list[int] = []
        self._view_dirs: list[int] = []  # filtered views of the above
        self._view_files: list[int] = []
        self.selected: set[int] = set()
        self._by_name: tuple[list[int], list[int]] | None = None
        self.sort_key = getattr(self, "sort_key", "name")
        self.reverse = getattr(self, "reverse", False)
        self.filter_text = ""

    # ---- loading ------------------------------------------------------------------------

    def add_rows(self, rows: Iterable[RowTuple]) -> int:
        """Append a page of rows; keeps the current sort and filter. Returns rows added."""
        start = len(self.names)
        new_dirs: list[int] = []
        new_files: list[int] = []
        pool = self._class_pool
        for name, size, mtime, storage_class, is_dir in rows:
            index = len(self.names)
            self.names.append(name)
            self.sizes.append(size)
            self.mtimes.append(mtime)
            self.classes.append(pool.setdefault(storage_class, storage_class))
            self.dir_flags.append(1 if is_dir else 0)
            (new_dirs if is_dir else new_files).append(index)
        if len(self.names) == start:
            return 0
        self._by_name = None
        for base, view, new in ((self._dirs, self._view_dirs, new_dirs),
                                (self._files, self._view_files, new_files)):
            if not new:
                continue
            in_order = (self.sort_key == "name" and not self.reverse
                        and (not base or self.names[base[-1]] <= self.names[new[0]])
                        and all(self.names[a] <= self.names[b] for a, b in zip(new, new[1:])))
            base.extend(new)
            if in_order:
                view.extend(self._filtered(new))
            else:
                base.sort(key=self._key(), reverse=self.reverse)
                view[:] = self._filtered(base)
        return len(self.names) - start

    # ---- ordering and filtering ---------------------------------------------------------

    def _key(self) -> Callable[[int], object]:
        if self.sort_key == "size":
            return self.sizes.__getitem__
        if self.sort_key == "date":
            return self.mtimes.__getitem__
        return self.names.__getitem__

    def _filtered(self, indices: list[int]) -> list[int]:
        needle = self.filter_text
        if not needle:
            return list(indices)
        names = self.names
        return [i for i in indices if needle in names[i].lower()]

    def set_sort(self, key: str, reverse: bool | None = None) -> None:
        """Sort by `key`; choosing the current key again flips the direction."""
        if key not in SORT_KEYS:
            raise ValueError(f"unknown sort key {key!r}")
        if reverse is None:
            reverse = (not self.reverse) if key == self.sort_key else False
        self.sort_key, self.reverse = key, reverse
        by_name = self._name_order()
        self._dirs, self._files = list(by_name[0]), list(by_name[1])
        if key != "name" or reverse:  # one stable sort: ties stay in name order
            for base in (self._dirs, self._files):
                base.sort(key=self._key(), reverse=reverse)
        self._refilter()

    def _name_order(self) -> tuple[list[int], list[int]]:
        """Folder and file indices in name order (cached until rows are added)."""
        if self._by_name is None:
            names_key = self.names.__getitem__
            self._by_name = (sorted(self._dirs, key=names_key), sorted(self._files, key=names_key))
        return self._by_name

    def set_filter(self, text: str) -> None:
        self.filter_text = text.lower()
        self._refilter()

    def _refilter(self) -> None:
        self._view_dirs = self._filtered(self._dirs)
        self._view_files = self._filtered(self._files)

    # ---- access -------------------------------------------------------------------------

    @property
    def total(self) -> int:
        return len(self.names)

    def __len__(self) -> int:
        return len(self._view_dirs) + len(self._view_files)

    def index_at(self, position: int) -> int:
        """Row index of view position `position`."""
        dirs = self._view_dirs
        if position < len(dirs):
            return dirs[position]
        return self._view_files[position - len(dirs)]

    def row(self, index: int) -> RowTuple:
        return (self.names[index], self.sizes[index], self.mtimes[index],
                self.classes[index], bool(self.dir_flags[index]))

    def position_of(self, name: str) -> int | None:
        """View position of the row named `name` (linear scan; used once per navigation)."""
        for position in range(len(self)):
            if self.names[self.index_at(position)] == name:
                return position
        return None

    def toggle_selected(self, index: int) -> bool:
        if index in self.selected:
            self.selected.discard(index)
            return False
        self.selected.add(index)
        return True

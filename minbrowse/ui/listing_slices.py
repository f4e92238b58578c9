"""Sorting and filtering row indices in slices, so a million-row listing never blocks the UI.

Each function is a generator: every `next()` does one bounded slice of work (about 10-20 ms
for a million rows on the reference machine) and the result is appended to `out` at the
end. The caller (`ListingStore.reorder`) runs the slices from the event loop with other
events in between. Sorting sorts runs of `SORT_SLICE` indices, then merges them lazily
(`heapq.merge` is stable, like one big sort: equal keys keep their input order).
No textual here.
"""

from __future__ import annotations

import heapq
from array import array
from itertools import islice
from typing import Callable, Iterator, Sequence

SORT_SLICE = 32_768
MERGE_SLICE = 16_384
FILTER_SLICE = 65_536


def sort_in_slices(indices: Sequence[int], key: Callable[[int], object], reverse: bool,
                   out: list[array]) -> Iterator[None]:
    """Stable sort of `indices` by `key`; appends the sorted `array('l')` to `out`."""
    if len(indices) <= SORT_SLICE:
        out.append(array("l", sorted(indices, key=key, reverse=reverse)))
        return
    runs = []
    for start in range(0, len(indices), SORT_SLICE):
        runs.append(sorted(indices[start:start + SORT_SLICE], key=key, reverse=reverse))
        yield
    merged = heapq.merge(*runs, key=key, reverse=reverse)
    result = array("l")
    while True:
        chunk = list(islice(merged, MERGE_SLICE))
        if not chunk:
            break
        result.extend(chunk)
        yield
    out.append(result)


def filter_in_slices(indices: Sequence[int], names: Sequence[str], needle: str,
                     out: list[array]) -> Iterator[None]:
    """Indices whose name contains `needle` (already lowercased); appends the array to `out`."""
    result = array("l")
    for start in range(0, len(indices), FILTER_SLICE):
        result.extend(i for i in indices[start:start + FILTER_SLICE]
                      if needle in names[i].lower())
        yield
    out.append(result)

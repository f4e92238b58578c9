"""Tuning of Python's cyclic garbage collector for a UI that may hold a million-row listing.

A full (generation 2) collection walks every tracked object. With a 1,000,000-row listing
and Textual's render caches that walk took 50-86 ms, 24 times while such a listing loaded
sorted by size: each one a visible stall. After the first screen is up, the objects that
live as long as the app (widgets, styles, bindings, imported modules) are moved out of the
collector's sight with `gc.freeze()`, and generation 0 collects less often, so full passes
are rarer and shorter. Reference counting still frees everything that is not in a cycle.
"""

from __future__ import annotations

import gc

GEN0_THRESHOLD = 10_000  # default 700: allocations between young collections
_saved: list[tuple[int, int, int]] = []


def tune_collector() -> None:
    """Freeze what exists now and space out collections (call once the app is on screen)."""
    gc.collect()
    gc.freeze()
    if not _saved:
        _saved.append(gc.get_threshold())
    _, gen1, gen2 = _saved[0]
    gc.set_threshold(GEN0_THRESHOLD, gen1, gen2)


def release_collector() -> None:
    """Undo `tune_collector` when the app ends, so its objects can be collected (several
    apps in one process, as in the tests, would otherwise keep each other's cycles)."""
    gc.unfreeze()
    if _saved:
        gc.set_threshold(*_saved.pop())

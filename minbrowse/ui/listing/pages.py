"""Listing pages as compact columns, built on the listing worker thread (no textual imports).

The worker turns listed objects into a `RowPage` (a list of names plus typed arrays) so the
event loop only has to `extend` columns: no per-row tuples, no per-row Python work on the
loop. The builder also checks, off the loop, whether the page is already in name order
(a server listing always is), which lets the store append it without sorting.
`Pacer` keeps a CPU-bound producer from starving the event loop of the GIL.
"""

from __future__ import annotations

import queue
import threading
import time
from array import array
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Iterator

from ..core.models import RowTuple

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class RowPage:
    """One page of listing rows, column-wise.

    `dir_offsets` are the positions (within the page) of folder rows; `ordered` is True when
    the folders and the files of the page are each in ascending name order."""

    names: list[str]
    sizes: array
    mtimes: array
    classes: list[str]
    dir_offsets: array = field(default_factory=lambda: array("l"))
    ordered: bool = True

    def __len__(self) -> int:
        return len(self.names)


def _is_ascending(names: list[str], offsets: Iterable[int] | None = None) -> bool:
    seq = names if offsets is None else [names[i] for i in offsets]
    return all(a <= b for a, b in zip(seq, seq[1:]))


def page_from_rows(rows: Iterable[RowTuple]) -> RowPage:
    """A `RowPage` from row tuples (name, size, mtime, storage class, is_dir)."""
    builder = PageBuilder("")
    for name, size, mtime, storage_class, is_dir in rows:
        builder.add(name, size, mtime, storage_class, is_dir)
    return builder.take()


class PageBuilder:
    """Accumulates listed objects as columns; `take()` hands over a finished page."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self._class_pool: dict[str, str] = {}
        self._reset()

    def _reset(self) -> None:
        self.names: list[str] = []
        self.sizes = array("q")
        self.mtimes = array("d")
        self.classes: list[str] = []
        self.dir_offsets = array("l")

    def __len__(self) -> int:
        return len(self.names)

    def add(self, name: str, size: int, mtime: float, storage_class: str, is_dir: bool) -> None:
        if is_dir:
            self.dir_offsets.append(len(self.names))
        self.names.append(name)
        self.sizes.append(size)
        self.mtimes.append(mtime)
        self.classes.append(self._class_pool.setdefault(storage_class, storage_class))

    def add_object(self, obj: Any) -> None:
        """Add one listed Object (duck-typed: object_name, size, last_modified, …)."""
        name = obj.object_name or ""
        if self.prefix and name.startswith(self.prefix):
            name = name[len(self.prefix):]
        is_dir = bool(getattr(obj, "is_dir", False))
        modified = getattr(obj, "last_modified", None)
        if isinstance(modified, datetime):
            if modified.tzinfo is None:
                modified = modified.replace(tzinfo=timezone.utc)
            mtime = (modified - _EPOCH).total_seconds()
        else:
            mtime = -1.0
        storage_class = getattr(obj, "storage_class", None) or ("" if is_dir else "STANDARD")
        self.add(name, 0 if is_dir else int(obj.size or 0), mtime, str(storage_class), is_dir)

    def take(self) -> RowPage:
        names, offsets = self.names, self.dir_offsets
        if not offsets:
            ordered = _is_ascending(names)
        else:
            dir_set = set(offsets)
            ordered = _is_ascending(names, offsets) and _is_ascending(
                names, [i for i in range(len(names)) if i not in dir_set])
        page = RowPage(names, self.sizes, self.mtimes, self.classes, offsets, ordered)
        self._reset()
        return page


class Pacer:
    """Caps a producer thread's share of the GIL: after `burst` seconds of work it sleeps
    for `ratio` times as long, so the event loop always gets a turn (sleep releases the GIL).
    Work is the thread's CPU time (`time.thread_time`): waiting on the network is not work."""

    def __init__(self, burst: float = 0.03, ratio: float = 0.25) -> None:
        self.burst = burst
        self.ratio = ratio
        self._since = time.thread_time()

    def tick(self) -> None:
        worked = time.thread_time() - self._since
        if worked >= self.burst:
            time.sleep(worked * self.ratio)
            self._since = time.thread_time()
        else:
            time.sleep(0)


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


_END = object()


def prefetched(objects: Iterable[Any], *, chunk: int = 500, depth: int = 4) -> Iterator[Any]:
    """Iterate `objects` on a helper thread, `depth` chunks ahead: the next listing request
    is on the wire while the current page is converted and shown. Errors are re-raised
    here; closing this generator stops the helper at its next chunk."""
    chunks: queue.Queue = queue.Queue(depth)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                chunks.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        batch: list = []
        try:
            for obj in objects:
                batch.append(obj)
                if len(batch) >= chunk:
                    if not put(batch):
                        return
                    batch = []
            put(batch)
            put(_END)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, after what came
            put(batch)
            put(_Failed(exc))

    threading.Thread(target=produce, name="listing-prefetch", daemon=True).start()
    try:
        while True:
            item = chunks.get()
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield from item
    finally:
        stop.set()


def stream_pages(objects: Iterable[Any], prefix: str, send: Callable[[RowPage], bool],
                 cancelled: Callable[[], bool], *, page_rows: int = 1000,
                 max_wait: float = 0.25, pacer: Pacer | None = None) -> int | None:
    """Turn listed objects into pages and `send` each one (send returns False to stop).

    A page is sent when it holds `page_rows` rows or `max_wait` seconds passed since the
    last one. The folder marker of `prefix` itself is skipped. Returns the number of rows
    sent, or None when cancelled / stopped. Runs on a worker thread."""
    pacer = pacer or Pacer()
    builder = PageBuilder(prefix)
    total = 0
    last_flush = time.monotonic()
    for obj in prefetched(objects):
        if obj.object_name == prefix:
            continue
        builder.add_object(obj)
        count = len(builder)
        if count % 200 == 0:
            pacer.tick()
        if count >= page_rows or time.monotonic() - last_flush > max_wait:
            if cancelled() or not send(builder.take()):
                return None
            total += count
            last_flush = time.monotonic()
    if cancelled():
        return None
    if len(builder):
        count = len(builder)
        if not send(builder.take()):
            return None
        total += count
    return total

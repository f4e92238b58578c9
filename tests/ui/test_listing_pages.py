"""Listing pages as columns (built on the worker), the helper-thread prefetch, and the
store's buffered merges while sorted by size/date."""

from __future__ import annotations

import pytest

from minbrowse.ui.listing.pages import PageBuilder, page_from_rows, prefetched
from minbrowse.ui.listing.store import ListingStore


def test_page_builder_marks_order_and_folders() -> None:
    builder = PageBuilder("p/")
    for name, is_dir in (("p/a/", True), ("p/b.txt", False), ("p/c/", True), ("p/d.txt", False)):
        builder.add(name[2:], 0 if is_dir else 5, 1.0, "" if is_dir else "STANDARD", is_dir)
    page = builder.take()
    assert list(page.dir_offsets) == [0, 2] and page.ordered and len(builder) == 0
    assert not page_from_rows([("b", 1, 1.0, "", False), ("a", 1, 1.0, "", False)]).ordered


def test_store_buffers_rows_while_sorted_by_size_and_flushes() -> None:
    store = ListingStore()
    store.add_rows([(f"k{i:06d}", i % 1000, 1.0, "S", False) for i in range(40_000)])
    store.set_sort("size")
    store.add_rows([("late", 5, 1.0, "S", False)])  # 1 pending of 40,000: buffered
    assert store.pending == 1 and store.total == 40_001 and len(store) == 40_000
    assert store.flush() and store.pending == 0 and len(store) == 40_001
    position = store.position_of("late")
    assert position is not None
    assert store.sizes[store.index_at(position - 1)] <= 5 <= store.sizes[store.index_at(position + 1)]


def test_prefetched_keeps_order_and_reraises() -> None:
    assert list(prefetched(range(2345), chunk=100)) == list(range(2345))

    def failing():
        yield from range(10)
        raise RuntimeError("listing broke")

    seen = []
    with pytest.raises(RuntimeError, match="listing broke"):
        for item in prefetched(failing(), chunk=3):
            seen.append(item)
    assert seen == list(range(10))


def test_sort_by_size_survives_clear_and_orders_new_pages() -> None:
    store = ListingStore()
    store.set_sort("size")
    store.clear()  # a new listing keeps the sort
    for page in range(3):
        store.add_rows([(f"k{page}{i:03d}", 1000 - page * 100 - i, 1.0, "S", False) for i in range(50)])
    store.flush()
    sizes = [store.sizes[store.index_at(p)] for p in range(len(store))]
    assert len(sizes) == 150 and sizes == sorted(sizes)
    store.set_sort("name", reverse=True)
    store.clear()
    store.add_rows([("a", 1, 1.0, "S", False), ("b", 1, 1.0, "S", False)])
    store.flush()
    assert [store.names[store.index_at(p)] for p in range(2)] == ["b", "a"]

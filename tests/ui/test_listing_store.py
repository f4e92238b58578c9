"""ListingStore: folders first, incremental pages, sort, filter and selection."""

from __future__ import annotations

import random
import time

from minbrowse.ui.listing_store import ListingStore


def rows(names: list[str]) -> list:
    return [(n, len(n) * 10, 1000.0 + i, "STANDARD", n.endswith("/")) for i, n in enumerate(names)]


def view(store: ListingStore) -> list[str]:
    return [store.names[store.index_at(p)] for p in range(len(store))]


def test_folders_first_and_pages_append_in_order() -> None:
    store = ListingStore()
    store.add_rows(rows(["a.txt", "b/", "c.txt"]))
    store.add_rows(rows(["d/", "e.txt"]))
    assert view(store) == ["b/", "d/", "a.txt", "c.txt", "e.txt"]


def test_out_of_order_page_is_sorted() -> None:
    store = ListingStore()
    store.add_rows(rows(["m.txt", "z.txt"]))
    store.add_rows(rows(["a.txt"]))
    assert view(store) == ["a.txt", "m.txt", "z.txt"]


def test_sort_by_size_and_reverse_and_back() -> None:
    store = ListingStore()
    store.add_rows([("small", 1, 5.0, "", False), ("big", 300, 1.0, "", False),
                    ("mid", 20, 9.0, "", False), ("dir/", 0, -1, "", True)])
    store.set_sort("size")
    assert view(store) == ["dir/", "small", "mid", "big"]
    store.set_sort("size")  # again: reverse
    assert view(store) == ["dir/", "big", "mid", "small"]
    store.set_sort("date")
    assert view(store) == ["dir/", "big", "small", "mid"]
    store.add_rows([("new", 7, 3.0, "", False)])  # arrives while sorted by date
    assert view(store) == ["dir/", "big", "new", "small", "mid"]
    store.set_sort("name")
    assert view(store) == ["dir/", "big", "mid", "new", "small"]


def test_filter_is_case_insensitive_and_applies_to_new_pages() -> None:
    store = ListingStore()
    store.add_rows(rows(["Alpha.txt", "beta.txt", "alps/"]))
    store.set_filter("AL")
    assert view(store) == ["alps/", "Alpha.txt"]
    store.add_rows(rows(["gamma-al.txt", "zeta.txt"]))
    assert view(store) == ["alps/", "Alpha.txt", "gamma-al.txt"]
    assert store.total == 5
    store.set_filter("")
    assert len(store) == 5


def test_selection_by_row_index() -> None:
    store = ListingStore()
    store.add_rows(rows(["a", "b"]))
    assert store.toggle_selected(1) is True
    assert store.selected == {1}
    assert store.toggle_selected(1) is False


def test_hundred_thousand_rows_stay_fast() -> None:
    """100 pages of 1000 rows: each page and each re-sort well under the 100 ms stall budget."""
    store = ListingStore()
    worst = 0.0
    for page in range(100):
        batch = [(f"obj-{page * 1000 + i:07d}", random.randrange(10**9), float(i), "STANDARD", False)
                 for i in range(1000)]
        started = time.perf_counter()
        store.add_rows(batch)
        worst = max(worst, time.perf_counter() - started)
    assert len(store) == 100_000 and worst < 0.1
    started = time.perf_counter()
    store.set_sort("size")
    assert time.perf_counter() - started < 0.5
    sizes = [store.sizes[store.index_at(p)] for p in range(0, 100_000, 997)]
    assert sizes == sorted(sizes)
    started = time.perf_counter()
    store.set_filter("99")
    assert time.perf_counter() - started < 0.5
    assert all("99" in store.names[store.index_at(p)] for p in range(len(store)))

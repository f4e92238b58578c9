"""ListingStore: folders first, incremental pages, sort, filter and selection."""

from __future__ import annotations

import random
import time

from minbrowse.ui.listing.store import ListingStore


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


def _big_store(count: int, seed: int = 7) -> ListingStore:
    rng = random.Random(seed)
    store = ListingStore()
    names = [f"k{i:07d}" + ("/" if i % 97 == 0 else "") for i in range(count)]
    store.add_rows([(n, rng.randrange(50), float(rng.randrange(1000)), "", n.endswith("/"))
                    for n in names])  # few distinct sizes: many ties, which keep name order
    return store


def _expected(store: ListingStore, key: str, reverse: bool, needle: str = "") -> list[str]:
    def sort_key(i):
        return {"size": store.sizes[i], "date": store.mtimes[i], "name": store.names[i]}[key]
    by_name = sorted(range(store.total), key=store.names.__getitem__)
    ordered = sorted(by_name, key=sort_key, reverse=reverse)
    kept = [store.names[i] for i in ordered if needle in store.names[i].lower()]
    return [n for n in kept if n.endswith("/")] + [n for n in kept if not n.endswith("/")]


def test_sliced_sort_and_filter_match_one_big_sort() -> None:
    store = _big_store(100_000)  # over SORT_SLICE: runs are sorted, then merged
    for key, reverse, needle in (("size", False, ""), ("size", True, ""), ("date", True, "7"),
                                 ("name", True, "12")):
        steps = store.reorder(key, reverse, needle)
        count = sum(1 for _ in steps)
        assert count > 3  # really done in slices
        assert view(store) == _expected(store, key, reverse, needle), (key, reverse, needle)


def test_old_view_stays_until_the_last_slice_and_late_rows_are_merged() -> None:
    store = _big_store(60_000)
    before = view(store)
    steps = store.reorder("size", False)
    next(steps)
    next(steps)
    assert view(store) == before  # nothing swapped in yet
    store.add_rows([("zz-late", 0, 1.0, "", False), ("aa-late", 49, 2.0, "", False)])
    for _ in steps:
        pass
    assert store.pending == 2  # the late rows wait to be merged, like any page in a sorted view
    store.flush()
    shown = [store.index_at(p) for p in range(len(store))]
    files = [i for i in shown if not store.dir_flags[i]]
    assert sorted(view(store)) == sorted(store.names)
    assert all(store.sizes[a] <= store.sizes[b] for a, b in zip(files, files[1:]))


def test_clear_voids_a_running_reorder() -> None:
    store = _big_store(60_000)
    steps = store.reorder("size", True)
    next(steps)
    store.clear()
    store.add_rows(rows(["b.txt", "a.txt"]))
    for _ in steps:
        pass
    assert store.sort_key == "name" and view(store) == ["a.txt", "b.txt"]


def test_big_store_merges_pending_rows_in_slices_while_sorted() -> None:
    from minbrowse.ui.listing.store import SLICED_FROM

    rng = random.Random(3)
    store = ListingStore()
    store.set_sort("size")
    count = SLICED_FROM + 30_000
    for start in range(0, count, 1000):
        store.add_rows([(f"k{i:07d}", rng.randrange(10**6), 1.0, "", False)
                        for i in range(start, start + 1000)])
        if store.total >= SLICED_FROM:
            assert store.pending  # big: add_page leaves the merge to its owner
    assert store.wants_merge
    steps = store.merge_steps()
    slices = 0
    for _ in steps:
        slices += 1
    assert slices > 3 and store.pending == 0 and len(store) == count
    shown = [store.index_at(p) for p in range(len(store))]
    assert all(store.sizes[a] <= store.sizes[b] for a, b in zip(shown, shown[1:]))


def test_a_merge_is_void_when_the_order_changes_meanwhile() -> None:
    from minbrowse.ui.listing.store import SLICED_FROM

    store = ListingStore()
    store.set_sort("size")
    store.add_rows([(f"k{i:07d}", i % 97, 1.0, "", False) for i in range(SLICED_FROM + 5000)])
    store.add_rows([(f"z{i:07d}", i % 89, 1.0, "", False) for i in range(30_000)])
    pending = store.pending
    assert pending
    steps = store.merge_steps()
    next(steps)
    store.set_sort("date")  # a re-sort takes every row, pending ones included
    for _ in steps:
        pass
    assert store.sort_key == "date" and store.pending == 0 and len(store) == store.total

"""A listing above SLICED_FROM rows sorts, filters and merges in slices through the real app
(FAKE backend: 150,000 generated keys, so the test needs no seeding)."""

from __future__ import annotations

from minbrowse.ui.listing.store import SLICED_FROM
from minbrowse.ui.screenshots.render import make_app as make_fake_app
from tests.ui.pilot_helpers import names, run_async, wait_listing, wait_until

ROWS = SLICED_FROM + 50_000


def _app():
    app = make_fake_app(location="s3://huge/rows/")
    app.client.generate("huge", "rows/", ROWS)
    return app


@run_async
async def test_filter_typed_during_a_long_sort_keeps_the_sort() -> None:
    app = _app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_listing(pilot)
        store = app.listing.store
        app.listing.set_sort("size")  # big listing: computed over the next loop turns
        assert app.listing.sort_in_progress == ("size", False) and store.sort_key == "name"
        app.listing.set_filter("0999")  # typed before the sort is done
        await wait_until(pilot, lambda: not app.listing.reordering, what="sort and filter")
        assert (store.sort_key, store.reverse, store.filter_text) == ("size", False, "0999")
        shown = names(app)
        assert shown and all("0999" in name for name in shown)
        sizes = [store.sizes[store.index_at(p)] for p in range(len(store))]
        assert sizes == sorted(sizes)
        app.listing.set_filter("")
        app.listing.set_sort("size")  # the same key again: flips the direction, keeps no filter
        await wait_until(pilot, lambda: not app.listing.reordering, what="the flip")
        assert (store.sort_key, store.reverse, len(store)) == ("size", True, ROWS)


@run_async
async def test_sorted_while_loading_ends_complete_and_in_order() -> None:
    app = _app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: app.listing.store.total > 0, what="first page")
        await pilot.press("s", "s")  # by size, then descending, while pages still arrive
        await wait_listing(pilot)
        await wait_until(pilot, lambda: not app.listing.reordering
                         and not app.listing.store.pending, what="the last merge")
        store = app.listing.store
        assert (store.sort_key, store.reverse) == ("size", True)
        assert len(store) == store.total == ROWS
        sizes = [store.sizes[store.index_at(p)] for p in range(len(store))]
        assert sizes == sorted(sizes, reverse=True)


@run_async
async def test_results_arriving_while_the_app_closes_are_dropped() -> None:
    """A service result handled after the panes are gone (the app is closing) does nothing
    instead of raising NoMatches (seen in CI: BucketsLoaded during teardown)."""
    from minbrowse.ui.core.messages import BucketsLoaded, ListingDone

    app = make_fake_app(location="s3://")
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_listing(pilot)
    assert not app.query("#listing")  # torn down
    app.on_buckets_loaded(BucketsLoaded(-1, []))
    app.on_listing_done(ListingDone(app.generation, app.location, 0))

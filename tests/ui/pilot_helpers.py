"""Small helpers for pilot tests: wait for a condition, read the listing as names."""

from __future__ import annotations

import asyncio
import functools
import time
from typing import Any, Callable

from textual.pilot import Pilot

from minbrowse.ui.app import MinbrowseApp


def run_async(test: Callable[..., Any]) -> Callable[..., Any]:
    """Run an async pilot test with asyncio.run (no async pytest plugin needed)."""

    @functools.wraps(test)
    def runner(*args: Any, **kwargs: Any) -> Any:
        return asyncio.run(test(*args, **kwargs))

    return runner


async def wait_until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 15.0,
                     what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


async def wait_listing(pilot: Pilot) -> None:
    app = pilot.app
    assert isinstance(app, MinbrowseApp)
    await wait_until(pilot, lambda: app.listing.loading_done, what="listing to finish")
    await pilot.pause()


def names(app: MinbrowseApp) -> list[str]:
    store = app.listing.store
    return [store.names[store.index_at(p)] for p in range(len(store))]


def notifications(app: MinbrowseApp) -> list[str]:
    return [n.message for n in app._notifications]


def empty_and_remove(client: Any, bucket: str) -> None:
    """Delete every object version and delete marker, then the bucket (cleanup helper)."""
    from minbrowse.s3.deleteobjects import DeleteObject

    try:
        listing = list(client.list_objects(bucket, recursive=True, include_version=True))
        doomed = [DeleteObject(o.object_name, o.version_id) if o.version_id and o.version_id != "null"
                  else DeleteObject(o.object_name) for o in listing]
        errors = list(client.remove_objects(bucket, doomed))
        assert not errors, errors
        client.remove_bucket(bucket)
    except Exception as exc:  # noqa: BLE001 - the test may have removed it already
        if getattr(exc, "code", None) != "NoSuchBucket":
            raise

"""Typed messages: requests posted by widgets, results and failures posted by the service.

Results carry the `generation` of the request so the app can drop answers for a
place the user has already left.
"""

from __future__ import annotations

from typing import Callable

from textual.message import Message

from ..listing.pages import RowPage
from .models import BucketInfo, Detail, Location, PreviewData, RowTuple, Usage


# ---- requests (widgets -> app) -------------------------------------------------------


class NavigateRequest(Message):
    """Show the listing of `location` (optionally selecting `select_key` when it arrives)."""

    def __init__(self, location: Location, select_key: str | None = None) -> None:
        super().__init__()
        self.location = location
        self.select_key = select_key


class TreeExpandRequest(Message):
    """The tree wants the sub-prefixes of (bucket, prefix) for node `node_id`."""

    def __init__(self, node_id: int, bucket: str, prefix: str) -> None:
        super().__init__()
        self.node_id = node_id
        self.bucket = bucket
        self.prefix = prefix


# ---- results (service -> app) --------------------------------------------------------


class BucketsLoaded(Message):
    def __init__(self, generation: int, buckets: list[BucketInfo]) -> None:
        super().__init__()
        self.generation = generation
        self.buckets = buckets


class TreeChildrenLoaded(Message):
    def __init__(self, node_id: int, bucket: str, prefix: str, names: list[str], truncated: bool) -> None:
        super().__init__()
        self.node_id = node_id
        self.bucket = bucket
        self.prefix = prefix
        self.names = names
        self.truncated = truncated


class ListingPage(Message):
    """One batch (~1000) of rows of the listing of `location`: a column-wise
    `listing_pages.RowPage` built on the worker (row tuples are accepted too)."""

    def __init__(self, generation: int, location: Location, rows: "RowPage | list[RowTuple]",
                 ack: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.generation = generation
        self.location = location
        self.rows = rows
        self.ack = ack  # the app calls it once the page is applied (backpressure for the worker)


class ListingDone(Message):
    def __init__(self, generation: int, location: Location, total: int) -> None:
        super().__init__()
        self.generation = generation
        self.location = location
        self.total = total


class DetailLoaded(Message):
    def __init__(self, generation: int, detail: Detail) -> None:
        super().__init__()
        self.generation = generation
        self.detail = detail


class PreviewLoaded(Message):
    def __init__(self, preview: PreviewData) -> None:
        super().__init__()
        self.preview = preview


class UsageProgress(Message):
    """Running count/size of a prefix; high-rate, so a newer one replaces a queued older one."""

    def __init__(self, usage: Usage) -> None:
        super().__init__()
        self.usage = usage

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, UsageProgress) and not message.usage.done


class SelectionCounted(Message):
    """The dry run of a bulk job: objects and bytes counted so far (`done` once complete,
    `error` if the listing failed). A newer running count replaces a queued older one."""

    def __init__(self, objects: int, nbytes: int, done: bool, error: str = "") -> None:
        super().__init__()
        self.objects = objects
        self.nbytes = nbytes
        self.done = done
        self.error = error

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SelectionCounted) and not message.done


class EndpointProbed(Message):
    """What the server is (`kind`, with the `evidence`), probed on connect."""

    def __init__(self, kind: str, evidence: str, can_list: bool, error: str = "") -> None:
        super().__init__()
        self.kind = kind
        self.evidence = evidence
        self.can_list = can_list
        self.error = error


class ActionDone(Message):
    """A mutating action finished; `message` is plain text, `refresh` asks for a reload."""

    def __init__(self, operation: str, message: str, *, refresh: bool = True, warning: bool = False) -> None:
        super().__init__()
        self.operation = operation
        self.message = message
        self.refresh = refresh
        self.warning = warning


class ServiceFailure(Message):
    """An operation failed: S3 code and message (plain text, escaped when drawn)."""

    def __init__(self, operation: str, code: str, message: str, generation: int | None = None) -> None:
        super().__init__()
        self.operation = operation
        self.code = code
        self.message = message
        self.generation = generation

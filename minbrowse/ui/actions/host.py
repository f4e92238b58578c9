"""`AppHost`: what the action mixins need from the app they are mixed into.

The mixins type their `self` against this protocol instead of importing `MinbrowseApp` (which
imports them), so actions and app stand in one direction only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Protocol

if TYPE_CHECKING:  # pragma: no cover - typing only
    from textual.message import Message
    from textual.screen import Screen

    from ..core.models import Location
    from ..jobs.service import S3Service
    from ..jobs.transfer_bridge import TransferBridge
    from ..listing.object_list import ObjectList
    from ..widgets.bucket_tree import BucketTree
    from ..widgets.status_bar import StatusBar


class AppHost(Protocol):
    """The app's state, panes and Textual calls as the actions use them."""

    config: Any
    profile: Any
    client: Any
    read_only: bool
    service: "S3Service"
    location: "Location"
    search: str
    last_download_dir: str
    _transfer_bridge: "TransferBridge | None"

    @property
    def listing(self) -> "ObjectList": ...

    @property
    def tree_widget(self) -> "BucketTree": ...

    @property
    def status(self) -> "StatusBar": ...

    @property
    def screen(self) -> "Screen[Any]": ...

    @property
    def screen_stack(self) -> "list[Screen[Any]]": ...

    def _endpoint_label(self) -> str: ...

    def navigate(self, location: "Location", *, select_name: str | None = None,
                 search: str = "") -> None: ...

    # Textual's App calls the actions make
    def notify(self, message: str, *, title: str = "", severity: str = "information",
               timeout: float | None = None, markup: bool = True) -> None: ...

    def push_screen(self, screen: Any, callback: Callable[[Any], Any] | None = None,
                    wait_for_dismiss: bool = False) -> Any: ...

    def pop_screen(self) -> Any: ...

    def post_message(self, message: "Message") -> bool: ...

    def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...

    # the mixins' own methods they call on each other
    def refuse_read_only(self, what: str) -> bool: ...

    def _need_bucket(self) -> bool: ...

    def _selection(self) -> list[Any]: ...

    def action_refresh(self) -> None: ...

    def refresh_detail(self) -> None: ...

    @property
    def detail(self) -> Any: ...

    @property
    def size(self) -> Any: ...

    @property
    def transfers(self) -> Any: ...

    def settings_in_force(self) -> Any: ...

    def bulk_tuning(self) -> dict[str, Any]: ...

    def client_for_profile(self, profile: Any) -> Any: ...

    def _picked(self, entries: list[Any]) -> list[Any]: ...

    def _items_text(self, head: str, entries: list[Any]) -> Any: ...

    def _queue_bulk(self, kind: str, title: str, job: Any, bucket: str, prefix: str) -> None: ...

    def _confirm_bulk(self, title: str, body: Any, verb: str, bucket: str, entries: list[Any],
                      run: Any, *, destructive: bool, always_ask: bool = False) -> None: ...

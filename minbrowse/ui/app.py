"""The minbrowse Textual app: layout, routing of request/result messages, and `run_app`.

Widgets post requests; this app forwards them to the one `S3Service` and routes the
service's results back to widgets, dropping results whose generation is stale.
User-facing actions live in `actions.ActionsMixin`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import signal
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input

from .runtime import debuglog
from .runtime.gctuning import release_collector, tune_collector
from .actions.browse import ActionsMixin, copy_with_pyperclip
from .actions.transfers import TransfersMixin
from .actions.layout import LayoutMixin
from .actions.commands import CommandsProvider
from .editors import wiring as editor_wiring
from .actions.keymap import app_bindings
from .core.messages import (
    ActionDone,
    EndpointProbed,
    BucketsLoaded,
    DetailLoaded,
    ListingDone,
    ListingPage,
    NavigateRequest,
    PreviewLoaded,
    ServiceFailure,
    TreeChildrenLoaded,
    TreeExpandRequest,
    UsageProgress,
)
from .core.models import Detail, Entry, Location, parse_location
from .core.safe_text import escape_control
from .jobs.service import S3Service
from .tools import registry as tool_registry
from .widgets.bucket_tree import BucketTree
from .widgets.detail_pane import DetailPane
from .widgets.filter_input import FilterInput
from .listing.object_list import ListingHeader, ObjectList
from .widgets.status_bar import StatusBar

log = logging.getLogger("minbrowse.ui")


def while_mounted(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Drop a service result that arrives while the app is closing (its panes are gone)."""

    @functools.wraps(handler)
    def guarded(self: "MinbrowseApp", message: Any) -> Any:
        if not self.panes_alive():
            return None
        return handler(self, message)

    return guarded


editor_wiring.register_all()  # configuration editors: palette commands + detail buttons
tool_registry.register_all()  # ops tools: palette commands + detail buttons
DETAIL_DEBOUNCE = 0.15


class MinbrowseApp(TransfersMixin, ActionsMixin, LayoutMixin, App[None]):
    """Keyboard-driven browser for one S3 profile at a time."""

    CSS_PATH = "app.tcss"
    TITLE = "minbrowse"
    COMMANDS = App.COMMANDS | {CommandsProvider}
    BINDINGS = app_bindings()

    def __init__(self, config: Any, profile: Any, *, read_only: bool = False,
                 location: str | None = None, debug_path: Path | None = None,
                 clock: Callable[[], datetime] | None = None, client: Any = None) -> None:
        super().__init__()
        self.config = config
        self.profile = profile
        self.read_only = read_only
        self.debug_path = Path(debug_path) if debug_path else None
        self.clock = clock
        self.keymap_overrides: dict[str, str] = dict(getattr(getattr(config, "settings", None),
                                                             "keymap", None) or {})
        if self.debug_path:
            debuglog.start(self.debug_path, profile)
        self.client = client if client is not None else self.client_for_profile(profile)
        if self.debug_path:
            debuglog.trace_client(self.client)
        self.service = S3Service(self, self.client, read_only=read_only, clock=clock)
        self.location = Location()
        self.search = ""
        self.generation = 0
        self.detail_generation = 0
        self.pending_select: str | None = None
        self.detail_shown: Detail | None = None
        self._initial = parse_location(location) if location else None
        self._detail_timer = None
        self._listing_started = 0.0
        self.first_rows_at: float | None = None  # monotonic time the first page arrived (bench)
        self.first_paint_at: float | None = None  # ... and when the screen was next refreshed
        self.system_copy: Callable[[str], None] = copy_with_pyperclip  # runs on a worker thread

    # ---- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield BucketTree(id="tree")
            with Vertical(id="listing-pane"):
                listing = ObjectList(id="listing")
                yield ListingHeader(listing, id="listing-header")
                yield listing
                yield FilterInput(placeholder="filter loaded rows (Esc clears)", id="filter")
            yield DetailPane(id="detail")
        yield StatusBar(profile=getattr(self.profile, "name", "?"),
                        endpoint=self._endpoint_label(), read_only=self.read_only,
                        debug_path=str(self.debug_path) if self.debug_path else None, id="status")
        yield Footer()

    def _endpoint_label(self) -> str:
        endpoint = getattr(self.profile, "endpoint", "") or ""
        scheme = "https" if getattr(self.profile, "secure", False) else "http"
        return f"{scheme}://{endpoint}"

    def panes_alive(self) -> bool:
        """All four panes are mounted: at shutdown they go one by one (the status bar before
        the listing), so a result arriving then finds some gone; it is dropped."""
        return len(self.query("#listing, #status, #detail, #tree")) == 4

    @property
    def listing(self) -> ObjectList:
        return self.query_one("#listing", ObjectList)

    @property
    def tree_widget(self) -> BucketTree:
        return self.query_one("#tree", BucketTree)

    @property
    def detail(self) -> DetailPane:
        return self.query_one("#detail", DetailPane)

    @property
    def status(self) -> StatusBar:
        return self.query_one("#status", StatusBar)

    def on_mount(self) -> None:
        if self.keymap_overrides:
            self.set_keymap(self.keymap_overrides)
        location, select = self._initial or (Location(), None)
        self.service.list_buckets(-1)  # the tree
        self.service.probe_endpoint()  # what the server is, for the status bar
        self.navigate(location, select_name=(select[len(location.prefix):] if select else None))
        self.apply_layout(self.size.width)
        self.listing.focus()
        self.call_after_refresh(tune_collector)  # see gctuning: short GC passes at 1M rows
        # e.g. a config file readable by group or others: say so on screen, not only on stderr
        for warning in getattr(self.config, "warnings", ()) or ():
            self.notify(escape_control(warning), title="Configuration", severity="warning",
                        markup=False, timeout=10)

    def on_unmount(self) -> None:
        release_collector()

    # ---- navigation -----------------------------------------------------------------------

    def navigate(self, location: Location, *, select_name: str | None = None, search: str = "") -> None:
        """Show `location`; any result still on its way for the old place is dropped."""
        self.generation += 1
        self.location = location
        self.search = search
        self.pending_select = select_name
        self.first_rows_at = None
        self.first_paint_at: float | None = None
        self._listing_started = time.monotonic()
        self.listing.reset(location)
        filter_box = self.query_one("#filter", FilterInput)
        filter_box.value = ""
        filter_box.remove_class("-active")
        label = str(location) + (f"{search}*  (prefix search)" if search else "")
        self.status.set_location(label, "loading…")
        if location.bucket is None:
            self.service.list_buckets(self.generation)
        else:
            self.service.list_objects(self.generation, location, search)

    def on_navigate_request(self, message: NavigateRequest) -> None:
        self.navigate(message.location, select_name=message.select_key)
        self.listing.focus()

    def on_tree_expand_request(self, message: TreeExpandRequest) -> None:
        self.service.list_tree_children(message.node_id, message.bucket, message.prefix)

    def on_object_list_opened(self, message: ObjectList.Opened) -> None:
        self.open_entry(message.entry)

    def open_entry(self, entry: Entry) -> None:
        if self.location.bucket is None:
            self.navigate(Location(entry.name, ""))
        elif entry.is_dir:
            self.navigate(Location(self.location.bucket, entry.key))
        else:
            self.service.preview(entry.bucket, entry.key, entry.size)

    def on_object_list_go_up(self, message: ObjectList.GoUp) -> None:
        if self.search:
            self.navigate(self.location)
            return
        if self.location.bucket is None:
            return
        here = self.location
        parent = here.parent
        came_from = here.prefix[len(parent.prefix):] if here.prefix else here.bucket
        self.navigate(parent, select_name=came_from)

    def on_object_list_highlighted(self, message: ObjectList.Highlighted) -> None:
        if self._detail_timer is not None:
            self._detail_timer.stop()
        entry = message.entry
        if entry is None or not self.detail.display:  # hidden (narrow terminal): no requests
            return
        self._detail_timer = self.set_timer(DETAIL_DEBOUNCE, lambda: self._load_detail(entry))

    def refresh_detail(self) -> None:
        """Load the detail of the highlighted row now (the pane was just shown)."""
        entry = self.listing.current_entry()
        if entry is not None:
            self._load_detail(entry)

    def _load_detail(self, entry: Entry) -> None:
        self.detail_generation += 1
        if self.location.bucket is None:
            self.service.load_detail(self.detail_generation, entry.name, None)
        else:
            self.service.load_detail(self.detail_generation, entry.bucket, entry.key, entry.is_dir)

    # ---- filter box -----------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.listing.set_filter(event.value)
            self._show_count()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.query_one("#filter", FilterInput).close()

    def on_filter_input_closed(self, message: FilterInput.Closed) -> None:
        if message.cleared:
            self.listing.set_filter("")
            self._show_count()
        self.listing.focus()

    def _show_count(self) -> None:
        store = self.listing.store
        shown = f"{len(store):,} of {store.total:,} rows" if store.filter_text else f"{store.total:,} rows"
        state = shown + ("" if self.listing.loading_done else " (loading…)")
        if store.selected:
            state += f", {len(store.selected)} selected"
        self.status.set_state(state)

    # ---- service results ------------------------------------------------------------------

    @while_mounted
    def on_buckets_loaded(self, message: BucketsLoaded) -> None:
        if message.generation == -1 or self.location.bucket is None:
            self.tree_widget.set_buckets(message.buckets)
        if message.generation == self.generation and self.location.bucket is None:
            rows = [(b.name, 0, b.created.timestamp() if b.created else -1.0, "", True)
                    for b in message.buckets]
            self.listing.add_rows(rows)
            self._listing_finished(len(rows))

    def on_listing_page(self, message: ListingPage) -> None:
        try:
            # else: a place the user has left (or the app is closing and the listing is gone)
            if message.generation == self.generation and self.panes_alive():
                self._apply_page(message)
        finally:
            if message.ack is not None:
                message.ack()

    def _apply_page(self, message: ListingPage) -> None:
        self.listing.add_rows(message.rows)
        if self.first_rows_at is None:
            self.first_rows_at = time.monotonic()
            self.call_after_refresh(self._mark_first_paint)
            self.listing.post_message(ObjectList.Highlighted(self.listing.current_entry()))
        if self.pending_select and self.listing.select_name(self.pending_select):
            self.pending_select = None
        self._show_count()

    def _mark_first_paint(self) -> None:
        self.first_paint_at = time.monotonic()

    @while_mounted
    def on_listing_done(self, message: ListingDone) -> None:
        if message.generation == self.generation:
            self._listing_finished(message.total)

    def _listing_finished(self, total: int) -> None:
        listing = self.listing
        listing.loading_done = True
        listing.refresh()
        if self.pending_select:
            listing.select_name(self.pending_select)
            self.pending_select = None
        if total == 0:
            self.detail.show_message("Empty")
        self._show_count()
        log.debug("listing %s: %d rows in %.3fs", self.location, total,
                  time.monotonic() - self._listing_started)

    @while_mounted
    def on_tree_children_loaded(self, message: TreeChildrenLoaded) -> None:
        self.tree_widget.add_children(message.node_id, message.names, message.truncated)

    @while_mounted
    def on_detail_loaded(self, message: DetailLoaded) -> None:
        if message.generation == self.detail_generation:
            detail = message.detail
            scope = "bucket" if detail.key is None else "folder" if detail.key.endswith("/") else "object"
            self.detail_shown = detail
            self.detail.show(detail, scope)

    async def on_detail_pane_action_requested(self, message: DetailPane.ActionRequested) -> None:
        await self.run_action(message.action)  # a coroutine: without await it never runs

    @while_mounted
    def on_preview_loaded(self, message: PreviewLoaded) -> None:
        from .screens.preview import PreviewScreen

        self.push_screen(PreviewScreen(message.preview))

    @while_mounted
    def on_usage_progress(self, message: UsageProgress) -> None:
        self.show_usage(message.usage)

    @while_mounted
    def on_endpoint_probed(self, message: EndpointProbed) -> None:
        self.status.set_server(message.kind)

    def on_action_done(self, message: ActionDone) -> None:
        self.notify(escape_control(message.message), markup=False,
                    severity="warning" if message.warning else "information")
        if message.refresh:
            self.action_refresh()

    @while_mounted
    def on_service_failure(self, message: ServiceFailure) -> None:
        stale = message.generation is not None and message.operation == "list objects" \
            and message.generation != self.generation
        if stale:
            return
        text = escape_control(f"{message.operation} failed: {message.code}: {message.message}")
        self.notify(text, title="Server error", severity="error", markup=False, timeout=8)
        if message.operation in ("list objects", "list buckets") and message.generation == self.generation:
            self.listing.loading_done = True
            self.listing.refresh()
            self.status.set_state(f"error: {escape_control(message.code)}")
        if message.operation == "load details" and message.generation == self.detail_generation:
            self.detail.show_message(f"{message.code}: {message.message}", error=True)


    # ---- configuration editors (minbrowse.ui.editors) ---------------------------------------

    def action_open_editor(self, editor_id: str) -> None:
        editor_wiring.open_editor(self, editor_id)

    def editor_unsupported(self, kind: str) -> None:
        editor_wiring.mark_unsupported(self, kind)

    # ---- ops tools (minbrowse.ui.tools) ---------------------------------------------------------

    def action_open_tool(self, tool_id: str) -> None:
        tool_registry.open_tool(self, tool_id)


@contextmanager
def exit_on_signals(app: App, signums: Iterable[int]) -> Iterator[list[int]]:
    """While the app runs, each of `signums` makes it exit cleanly with status 128 + signum.

    A Python signal handler runs between two bytecodes of the main thread, so an exception
    raised there while the event loop runs lands in whichever asyncio task is running. In a
    task other than the app's main one (say a widget still mounting) it ends that task and
    escapes the loop; while `asyncio.run` then cancels the other tasks, a parent awaiting
    that task raises it out of the loop again, often before the app's shutdown has stopped
    the driver, whose non-daemon input thread then keeps the process alive for ever. So
    inside the loop the handler only asks the app to exit; outside it (before the loop
    starts, after it ends) it raises SystemExit. Yields the statuses received.
    """
    received: list[int] = []

    def handler(signum: int, _frame: object) -> None:
        status = 128 + signum
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise SystemExit(status) from None
        received.append(status)
        loop.call_soon_threadsafe(functools.partial(app.exit, return_code=status))

    previous = {signum: signal.signal(signum, handler) for signum in signums}
    try:
        yield received
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


def run_app(config: Any, profile: Any, *, read_only: bool = False, location: str | None = None,
            debug_path: Path | None = None, on_exit: Callable[[], None] | None = None,
            exit_signals: Iterable[int] = ()) -> int:
    """Run the browser until the user quits; `on_exit` runs afterwards in any case.

    Each of `exit_signals` received meanwhile ends the app cleanly; the status is then
    128 + signum (see `exit_on_signals`).
    """
    app = MinbrowseApp(config, profile, read_only=read_only, location=location, debug_path=debug_path)
    try:
        with exit_on_signals(app, exit_signals) as received:
            app.run()
    finally:
        debuglog.stop()
        if on_exit is not None:
            on_exit()
    return received[0] if received else app.return_code or 0

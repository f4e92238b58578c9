"""The one place the UI talks to S3: runs client calls on thread workers, posts typed results.

Widgets never call this module's client; the app forwards their request messages here.
Every job runs in its own worker group (listing, tree, detail, preview, usage, tool,
action); a new listing/detail/preview request cancels the stale one, and results are
tagged with the request's generation so the app drops answers for places already left.
No exception escapes a job: each becomes a `ServiceFailure` with an S3 code and message.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timezone
from typing import Any, Callable

from textual.app import App
from textual.message import Message
from textual.worker import get_current_worker

from ..core import convert
from ..core.errors import ReadOnlyRefused, describe_error, is_not_supported  # noqa: F401 (re-exported)
from ..core.messages import (
    ActionDone,
    BucketsLoaded,
    DetailLoaded,
    EndpointProbed,
    ListingDone,
    ListingPage,
    PreviewLoaded,
    SelectionCounted,
    ServiceFailure,
    TreeChildrenLoaded,
    UsageProgress,
)
from minbrowse.capabilities.probe import (FEATURE_NAMES, Feature, FeatureState, probe_endpoint,
                                          probe_feature)
from minbrowse.transfer import PrefixSummary, delete_prefix

from ..listing.pages import RowPage, stream_pages
from .bulk_jobs import Picked, count_selection
from ..core.models import Detail, DetailSection, Location, PreviewData, Usage

log = logging.getLogger("minbrowse.ui.jobs.service")

PAGE_ROWS = 1000
PAGE_MAX_WAIT = 0.25  # seconds: flush a partial page after this long
PAGES_IN_FLIGHT = 2
PAGE_YIELD = 0.0  # seconds; sleep(0) still releases the GIL to the event loop
PREVIEW_BYTES = 64 * 1024
TREE_SCAN_LIMIT = 5000


def _cancelled() -> bool:
    try:
        return get_current_worker().is_cancelled
    except Exception:  # not inside a worker (direct call in tests)
        return False


class _WorkerCancel:
    """A cancel token that reads the worker it was made in (made inside the job), so the
    engine's own threads see that worker's cancellation too."""

    def __init__(self) -> None:
        try:
            self._worker: Any = get_current_worker()
        except Exception:  # not inside a worker (direct call in tests)
            self._worker = None

    @property
    def cancelled(self) -> bool:
        return self._worker is not None and self._worker.is_cancelled

    def raise_if_cancelled(self) -> None:
        if self.cancelled:
            from minbrowse.s3.errors import Cancelled

            raise Cancelled("cancelled")


class S3Service:
    """Runs client operations on thread workers and posts results to `app`."""

    def __init__(self, app: App, client: Any, *, read_only: bool = False,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.app = app
        self.client = client
        self.read_only = read_only
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        # (bucket, feature) -> Feature, for this client (profile); `r` and a switch forget it
        self._features: dict[tuple[str, str], Feature] = {}
        self._features_lock = threading.Lock()

    # ---- plumbing -------------------------------------------------------------------

    def set_client(self, client: Any) -> None:
        """Swap the client (profile switch); running jobs of the old one are cancelled."""
        for worker in list(self.app.workers):
            if worker.group.startswith("s3-"):
                worker.cancel()
        self.client = client
        self.forget_capabilities()

    # ---- capabilities (minbrowse.capabilities), cached per profile -------------------

    def forget_capabilities(self) -> None:
        with self._features_lock:
            self._features.clear()

    def probe_endpoint(self) -> None:
        """Name the server (one signed ListBuckets) and post `EndpointProbed`; an endpoint
        that cannot be reached says so in the bucket listing already, so nothing here."""

        def job() -> None:
            try:
                found = probe_endpoint(self.client)
            except Exception:  # noqa: BLE001 - unreachable: the listing reports it
                return
            if not _cancelled():
                self.post(EndpointProbed(found.kind.kind, found.kind.evidence,
                                         found.can_list_buckets, found.list_error))

        self.app.run_worker(job, name="probe endpoint", group="s3-probe", exclusive=True,
                            thread=True, exit_on_error=False)

    def known_feature(self, bucket: str, name: str) -> Feature | None:
        """The cached probe of one feature, or None when not probed yet (no request)."""
        with self._features_lock:
            return self._features.get((bucket, name))

    def feature(self, bucket: str, name: str) -> Feature:
        """One feature of `bucket`, probed once per profile (on a worker thread)."""
        with self._features_lock:
            known = self._features.get((bucket, name))
        if known is None:
            known = probe_feature(self.client, bucket, name)
            with self._features_lock:
                self._features[(bucket, name)] = known
        return known

    def post(self, message: Message) -> None:
        self.app.post_message(message)

    def _submit(self, operation: str, group: str, job: Callable[[], None], *,
                exclusive: bool = True, generation: int | None = None,
                mutating: bool = False) -> None:
        def guarded() -> None:
            try:
                if mutating and self.read_only:
                    raise ReadOnlyRefused(f"{operation}: refused, minbrowse is read-only")
                job()
            except Exception as exc:  # noqa: BLE001 - every failure becomes a message
                if _cancelled():
                    return
                code, message = describe_error(exc)
                log.info("%s failed: %s: %s", operation, code, message)
                self.post(ServiceFailure(operation, code, message, generation))

        self.app.run_worker(guarded, name=operation, group=f"s3-{group}", exclusive=exclusive,
                            thread=True, exit_on_error=False)

    # ---- reads ----------------------------------------------------------------------

    def list_buckets(self, generation: int) -> None:
        def job() -> None:
            buckets = [convert.bucket_info(b) for b in self.client.list_buckets()]
            buckets.sort(key=lambda b: b.name)
            self.post(BucketsLoaded(generation, buckets))

        self._submit("list buckets", "buckets", job, generation=generation)

    def list_objects(self, generation: int, location: Location, search: str = "") -> None:
        """Stream the listing of `location` (keys starting with prefix+search) in pages."""

        def job() -> None:
            bucket = location.bucket
            assert bucket is not None
            prefix = location.prefix
            # at most PAGES_IN_FLIGHT pages queued: the event loop keeps time to paint and react
            in_flight = threading.BoundedSemaphore(PAGES_IN_FLIGHT)

            def send(page: RowPage) -> bool:
                while not in_flight.acquire(timeout=0.1):
                    if _cancelled():
                        return False
                self.post(ListingPage(generation, location, page, in_flight.release))
                time.sleep(PAGE_YIELD)  # hand the GIL to the event loop between pages
                return True

            # rows become compact column pages here, off the event loop (listing_pages)
            objects = self.client.list_objects(bucket, prefix=prefix + search, recursive=False)
            total = stream_pages(objects, prefix, send, _cancelled, page_rows=PAGE_ROWS,
                                 max_wait=PAGE_MAX_WAIT)
            if total is not None:
                self.post(ListingDone(generation, location, total))

        self._submit("list objects", "listing", job, generation=generation)

    def list_tree_children(self, node_id: int, bucket: str, prefix: str) -> None:
        def job() -> None:
            names: list[str] = []
            truncated = False
            for scanned, obj in enumerate(self.client.list_objects(bucket, prefix=prefix)):
                if scanned >= TREE_SCAN_LIMIT:
                    truncated = True
                    break
                if getattr(obj, "is_dir", False) and obj.object_name != prefix:
                    names.append(obj.object_name[len(prefix):])
            self.post(TreeChildrenLoaded(node_id, bucket, prefix, names, truncated))

        self._submit(f"list {bucket}/{prefix}", f"tree-{node_id}", job)

    def load_detail(self, generation: int, bucket: str, key: str | None, is_dir: bool = False) -> None:
        def job() -> None:
            if key is None:
                detail = self._bucket_detail(bucket)
            elif is_dir:
                detail = Detail(bucket, key, (DetailSection("Folder", (("Prefix", key),),
                                                            note=None),))
            else:
                detail = self._object_detail(bucket, key)
            if not _cancelled():
                self.post(DetailLoaded(generation, detail))

        self._submit("load details", "detail", job, generation=generation)

    def _section(self, title: str, fetch: Callable[[], DetailSection]) -> DetailSection:
        """Run one detail fetch; its failure is shown inline, never raised."""
        try:
            return fetch()
        except Exception as exc:  # noqa: BLE001
            code, message = describe_error(exc)
            if code in convert.NOT_SUPPORTED_CODES:
                return DetailSection(title, note="not supported by this server")
            if code in convert.NONE_SET_CODES:
                return DetailSection(title, note="none set")
            if code == "InvalidRequest" and "object lock" in message.lower():
                return DetailSection(title, note="none (object lock is not enabled on this bucket)")
            return DetailSection(title, note=f"{code}: {message}", is_error=True)

    def _bucket_detail(self, bucket: str) -> Detail:
        """The bucket and what it has: every feature's state (probed once per profile)."""
        rows = []
        errors = []
        for name in FEATURE_NAMES:
            if _cancelled():
                break
            found = self.feature(bucket, name)
            if found.state is FeatureState.ON:
                rows.append((name.capitalize(), found.detail or "on"))
            elif found.state is FeatureState.ERROR:
                errors.append((name.capitalize(), found.detail))
            else:
                rows.append((name.capitalize(), found.reason))
        sections = [DetailSection("Bucket", (("Name", bucket),)),
                    DetailSection("Features", tuple(rows))]
        if errors:
            sections.append(DetailSection("Unexpected errors", tuple(errors), is_error=True))
        return Detail(bucket, None, tuple(sections))

    def _object_detail(self, bucket: str, key: str) -> Detail:
        stat = self.client.stat_object(bucket, key)  # a failure here fails the whole detail
        badges: list[str] = []

        def tags() -> DetailSection:
            return convert.tags_section(self.client.get_object_tags(bucket, key))

        def retention() -> DetailSection:
            text = convert.retention_text(self.client.get_object_retention(bucket, key))
            if text:
                badges.append(f"RETENTION {text.split(' ')[0]}")
                return DetailSection("Retention", (("Retention", text),))
            return DetailSection("Retention", note="none set")

        def legal_hold() -> DetailSection:
            enabled = bool(self.client.is_object_legal_hold_enabled(bucket, key))
            if enabled:
                badges.append("LEGAL HOLD")
            return DetailSection("Legal hold", (("Legal hold", "ON" if enabled else "OFF"),))

        lock = self.feature(bucket, "object lock")
        if lock.state in (FeatureState.OFF, FeatureState.UNSUPPORTED, FeatureState.DENIED):
            # no request that can only fail: say why there is nothing (issue: a raw
            # "InvalidRequest: Invalid Request" where the user needs "no object lock")
            why = ("none (object lock is not enabled on this bucket)"
                   if lock.state is FeatureState.OFF else lock.reason)
            locks = (DetailSection("Retention", note=why), DetailSection("Legal hold", note=why))
        else:
            locks = (self._section("Retention", retention),
                     self._section("Legal hold", legal_hold))
        sections = (
            convert.stat_section(stat),
            convert.metadata_section(stat),
            self._section("Tags", tags),
            *locks,
        )
        return Detail(bucket, key, sections, tuple(badges))

    def preview(self, bucket: str, key: str, size: int) -> None:
        def job() -> None:
            data = b""
            content_type = ""
            if size > 0:
                length = min(size, PREVIEW_BYTES)
                response = self.client.get_object(bucket, key, offset=0, length=length)
                try:
                    data = response.read(PREVIEW_BYTES)[:PREVIEW_BYTES]
                    headers = getattr(response, "headers", {}) or {}
                    content_type = str(headers.get("Content-Type") or headers.get("content-type") or "")
                finally:
                    response.close()
                    getattr(response, "release_conn", lambda: None)()
            if not _cancelled():
                self.post(PreviewLoaded(PreviewData(bucket, key, content_type, data, size,
                                                    truncated=size > len(data))))

        self._submit("preview", "preview", job)

    def usage(self, bucket: str, prefix: str) -> None:
        """Count and size everything under prefix, posting progress as it goes."""

        def job() -> None:
            count = size = 0
            for obj in self.client.list_objects(bucket, prefix=prefix, recursive=True):
                count += 1
                size += int(obj.size or 0)
                if count % PAGE_ROWS == 0:
                    if _cancelled():
                        return
                    self.post(UsageProgress(Usage(bucket, prefix, count, size, False)))
            self.post(UsageProgress(Usage(bucket, prefix, count, size, True)))

        self._submit("size and count", "usage", job)

    # ---- writes (refused when read-only) ----------------------------------------------

    def make_bucket(self, name: str) -> None:
        def job() -> None:
            self.client.make_bucket(name)
            self.post(ActionDone("make bucket", f"Created bucket {name}"))

        self._submit("make bucket", "action", job, exclusive=False, mutating=True)

    def remove_bucket(self, name: str, empty_first: bool) -> None:
        def job() -> None:
            if empty_first:
                emptied = delete_prefix(self.client, name, "", versions=True,
                                        cancel=_WorkerCancel())
                if emptied.failed_count or emptied.cancelled:
                    first = emptied.failed[0] if emptied.failed else None
                    raise RuntimeError(
                        f"{emptied.failed_count} object(s) could not be deleted; bucket kept"
                        + (f" (first: {first.key}: {first.error})" if first else ""))
            self.client.remove_bucket(name)
            self.post(ActionDone("remove bucket", f"Removed bucket {name}"))

        self._submit("remove bucket", "action", job, exclusive=False, mutating=True)

    def count_selection(self, reply_to: Any, bucket: str, picked: list[Picked]) -> Any:
        """The dry run of a bulk job: count the selection's objects and bytes on a worker,
        `SelectionCounted` to `reply_to` as it goes. Returns the worker (cancel() stops it)."""

        def job() -> None:
            def send(summary: PrefixSummary) -> None:
                reply_to.post_message(SelectionCounted(summary.objects, summary.bytes, False))

            try:
                summary = count_selection(self.client, bucket, picked, cancel=_WorkerCancel(),
                                          on_progress=send)
            except Exception as exc:  # noqa: BLE001 - shown in the dialog
                code, message = describe_error(exc)
                reply_to.post_message(SelectionCounted(0, 0, True, f"{code}: {message}"))
                return
            if not summary.cancelled:
                reply_to.post_message(SelectionCounted(summary.objects, summary.bytes, True))

        return self.app.run_worker(job, name="count selection", group="s3-count",
                                   exclusive=True, thread=True, exit_on_error=False)

    # ---- configuration editors (minbrowse.ui.editors) -----------------------------------------

    def config_job(self, reply_to: Any, request: Any) -> None:
        """Run one editor request (load/apply/delete/export/import of a configuration) on a
        worker; `ConfigDone`/`ConfigFailed` goes to `reply_to` (the editor screen), never raises."""
        from .config_jobs import execute

        def job() -> None:
            message = execute(self.client, request, read_only=self.read_only)
            if not _cancelled():
                reply_to.post_message(message)

        self.app.run_worker(job, name=f"config {request.action} {request.kind}",
                            group="s3-config", exclusive=False, thread=True, exit_on_error=False)

    # ---- ops tools (minbrowse.ui.tools) ---------------------------------------------------------

    def tool_job(self, reply_to: Any, request: Any) -> Any:
        """Run one ops-tool request on a worker; `ToolEvent`s then `ToolDone`/`ToolFailed` go to
        `reply_to` (the tool screen). Returns the run, whose `cancel()` stops it (and its stream)."""
        from .tool_jobs import make_run

        run = make_run(self.client, request, reply_to.post_message, read_only=self.read_only,
                       clock=self.clock, copy=getattr(self.app, "system_copy", None))
        run.worker = self.app.run_worker(run, name=f"tool {request.tool} {request.action}",
                                         group="s3-tool", exclusive=False, thread=True,
                                         exit_on_error=False)
        return run

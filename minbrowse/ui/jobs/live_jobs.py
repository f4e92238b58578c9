"""Headless jobs of the live-events tool: MinIO's listen stream, reopened with back-off when it
drops (each gap reported as a `ListenStatus`), and the polling mode that diffs one prefix's
listing for servers without it. Run through `tool_jobs.make_run` on a worker thread, like
every tool job; the screen is `minbrowse.ui.tools.live_events`.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Any

from minbrowse.s3.errors import (
    InvalidResponseError,
    NotSupportedError,
    S3Error,
    ServerError,
    TransportError,
)

from ..core.errors import describe_error
from ..tools import logic
from ..tools.runner import ToolRun
from ..tools.values import ListenStatus, PollTick

log = logging.getLogger("minbrowse.ui.jobs.live_jobs")

POLL_CAP = 5000  # keys the polling mode watches at most


# ---- listen stream -----------------------------------------------------------------------------

LISTEN_BACKOFF = (1.0, 2.0, 5.0, 10.0, 30.0)  # seconds before each reopening attempt
LISTEN_STABLE = 30.0  # a stream open this long starts the back-off again from its first step


def listen(run: ToolRun) -> None:
    """MinIO's listen stream, reopened (with back-off, until cancelled) whenever it drops or
    the server ends it after it had been open; the screen is told about each gap."""
    r = run.request
    prefix, suffix = r.param("prefix", ""), r.param("suffix", "")
    attempt = 0
    dropped_at: datetime | None = None  # start of the current gap; None while connected
    opened_once = False
    while not run.cancelled:
        try:
            stream = run.client.listen_bucket_notification(r.bucket, prefix, suffix)
        except Exception as exc:  # noqa: BLE001 - sorted just below
            if not opened_once or not _reopenable(exc):
                raise
            reason = _short_reason(exc)
        else:
            run.on_cancel(stream.close)
            if dropped_at is not None:
                run.event(ListenStatus("reconnected", dropped_at))
            opened_once, dropped_at, opened = True, None, time.monotonic()
            try:
                _deliver(run, stream)
                reason = "the server ended the stream"
            except Exception as exc:  # noqa: BLE001 - sorted just below
                if run.cancelled:
                    break
                if not _reopenable(exc):
                    raise
                reason = _short_reason(exc)
            finally:
                run.off_cancel(stream.close)
            if time.monotonic() - opened >= LISTEN_STABLE:
                attempt = 0  # a server that ends every stream at once keeps backing off
        if run.cancelled:
            break
        dropped_at = dropped_at or run.clock()
        delay = LISTEN_BACKOFF[min(attempt, len(LISTEN_BACKOFF) - 1)]
        attempt += 1
        log.info("listen on %s dropped (%s); reopening in %gs", r.bucket, reason, delay)
        run.event(ListenStatus("reconnecting", dropped_at, reason, delay, attempt))
        if run.wait(delay):
            break
    return None


def _deliver(run: ToolRun, stream: Any) -> None:
    with stream:
        for document in stream:
            if run.cancelled:
                return
            events = logic.records_to_events(document)
            if events:
                run.event(tuple(events))


def _reopenable(exc: BaseException) -> bool:
    """A dropped connection or a server error (worth reopening), not an answer for the user:
    no listen API, access refused, a reply that is not an event stream, bad input."""
    if isinstance(exc, (NotSupportedError, InvalidResponseError, ValueError, TypeError)):
        return False
    if isinstance(exc, S3Error):
        return (exc.status or 0) >= 500
    return True


def _short_reason(exc: BaseException) -> str:
    """Why the stream dropped, in a few words: the server's error, the transport's summary, or
    "connection lost" with the exception's type (its text is urllib3's internals)."""
    if isinstance(exc, (S3Error, ServerError, TransportError)):
        code, message = describe_error(exc)
        text = message if isinstance(exc, TransportError) else f"{code}: {message}"
    else:
        text = f"connection lost ({type(exc).__name__})"
    return text if len(text) <= 160 else text[:157] + "…"


def poll(run: ToolRun) -> None:
    """Diff the listing of one prefix every `interval` seconds (at most `cap` keys)."""
    r = run.request
    prefix, interval = r.param("prefix", ""), float(r.param("interval", 3.0))
    cap = int(r.param("cap", POLL_CAP))
    previous: dict[str, tuple[str, int]] | None = None
    while not run.cancelled:
        current: dict[str, tuple[str, int]] = {}
        capped = False
        for obj in run.client.list_objects(r.bucket, prefix=prefix, recursive=True):
            if len(current) >= cap:
                capped = True
                break
            current[obj.object_name] = (obj.etag or "", int(obj.size or 0))
        if run.cancelled:
            break
        upto = max(current) if capped and current else None
        compare = previous if upto is None or previous is None else \
            {k: v for k, v in previous.items() if k <= upto}
        events = logic.diff_listing(compare, current, run.clock())
        run.event(PollTick(tuple(events), len(current), capped, baseline=previous is None))
        previous = current
        if run.wait(interval):
            break
    return None

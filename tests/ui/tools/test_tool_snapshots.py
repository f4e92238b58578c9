"""SVG snapshots of every ops-tool modal with FIXED data (a fake gateway: no network, fixed
times). Update after an intended change with
`pytest tests/ui/tools/test_tool_snapshots.py --snapshot-update`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Callable

import pytest

from minbrowse.ui.tools.live_events import LiveEventsScreen
from minbrowse.ui.tools.metadata import MetadataScreen
from minbrowse.ui.tools.post_form import PostFormScreen
from minbrowse.ui.tools.presign import PresignScreen
from minbrowse.ui.tools.select import SelectScreen
from minbrowse.ui.tools.uploads import UploadsScreen
from minbrowse.ui.tools.values import (
    LiveEvent,
    ObjectMetadata,
    PostForm,
    PresignOutcome,
    SelectBatch,
    SelectSummary,
    UploadRow,
    VersionRow,
)
from minbrowse.ui.tools.versions import VersionsScreen
from tests.ui.tools.conftest import FIXED_NOW, FakeGateway, FakeGatewayHost

SIZE = (120, 36)
T = FIXED_NOW
URL = ("http://127.0.0.1:9000/reports/q1/sales.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256"
       "&X-Amz-Credential=demo-access%2F20260115%2Fus-east-1%2Fs3%2Faws4_request"
       "&X-Amz-Date=20260115T120000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
       "&X-Amz-Signature=0123456789abcdef")
EVENTS = (
    LiveEvent(T, "s3:ObjectCreated:Put", "logs/2026/app.log", 2048),
    LiveEvent(T + timedelta(seconds=2), "s3:ObjectAccessed:Get", "logs/2026/app.log", 2048),
    LiveEvent(T + timedelta(seconds=5), "s3:ObjectRemoved:Delete", "logs/old\x1b[31m.log", None),
)
VERSIONS = (
    VersionRow("doc.txt", "3f1c-marker", True, True, None, T),
    VersionRow("doc.txt", "2b7e-second", False, False, 2048, T - timedelta(hours=1), "e2"),
    VersionRow("doc.txt", "1a9d-first", False, False, 1024, T - timedelta(days=1), "e1"),
)
UPLOADS = (
    UploadRow("backups/db.tar", "upload-1", T - timedelta(days=3), 12, 12 * 8 * 1024 ** 2),
    UploadRow("video/raw.mp4", "upload-2", T - timedelta(hours=5), 1, 5 * 1024 ** 2),
)
META = ObjectMetadata("text/csv", (("owner", "alice"), ("stage", "draft")),
                      (("Cache-Control", "max-age=60"),), (("team", "ops"),),
                      ("GOVERNANCE", T + timedelta(days=30)), "v1")
PRESIGN = PresignOutcome("GET", "reports", "q1/sales.csv", URL, T + timedelta(hours=1),
                         T + timedelta(minutes=20), True, None)
FORM = PostForm("http://127.0.0.1:9000/reports",
                (("Content-Type", "text/plain"), ("x-amz-algorithm", "AWS4-HMAC-SHA256"),
                 ("x-amz-credential", "demo-access/20260115/us-east-1/s3/aws4_request"),
                 ("x-amz-date", "20260115T120000Z"), ("policy", "eyJleHBpcmF0aW9uIjoi..."),
                 ("x-amz-signature", "fedcba9876543210")), "inbox/", T + timedelta(hours=1))
SELECT_EVENTS = (SelectBatch(("name", "city", "amount"),
                             (("ada", "london", "12"), ("bob", "paris", "7"))),
                 SelectBatch(("name", "city", "amount"), (("cyd", "london", "30"),)))


def host(make: Callable[[FakeGateway], Any], answers: dict, read_only: bool = False) -> FakeGatewayHost:
    gateway = FakeGateway(answers, read_only=read_only)
    return FakeGatewayHost(lambda: make(gateway))


async def settle(pilot: Any) -> None:
    await pilot.pause(0.1)
    await pilot.pause()


async def press_generate(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("ctrl+g")
    await settle(pilot)


async def press_run(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("ctrl+r")
    pilot.app.screen.query_one("#select-results").focus()  # no blinking SQL cursor in the SVG
    await settle(pilot)


async def offer_polling(pilot: Any) -> None:
    await settle(pilot)


STATES: dict[str, tuple[Callable[[], Any], Callable[[Any], Any]]] = {
    "live_events": (lambda: host(lambda g: LiveEventsScreen("logs-bucket", "logs/", gateway=g),
                                 {"listen": {"events": [EVENTS]}}), settle),
    "live_events_no_listen": (lambda: host(
        lambda g: LiveEventsScreen("logs-bucket", "logs/", gateway=g),
        {"listen": ("fail", "NotImplemented", "listen is not supported")}), offer_polling),
    "presign": (lambda: host(lambda g: PresignScreen("reports", "q1/sales.csv", gateway=g),
                             {"generate": {"done": PRESIGN}}), settle),
    "post_form": (lambda: host(lambda g: PostFormScreen("reports", "inbox/", gateway=g),
                               {"generate": {"done": FORM}}), press_generate),
    "select": (lambda: host(lambda g: SelectScreen("reports", "q1/sales.csv", gateway=g),
                            {"run": {"events": SELECT_EVENTS,
                                     "done": SelectSummary(3, 160, 160, 90)}}), press_run),
    "versions": (lambda: host(lambda g: VersionsScreen("reports", "doc.txt", gateway=g),
                              {"load": {"done": VERSIONS}}), settle),
    "versions_read_only": (lambda: host(lambda g: VersionsScreen("reports", "doc.txt", gateway=g),
                                        {"load": {"done": VERSIONS}}, read_only=True), settle),
    "uploads": (lambda: host(lambda g: UploadsScreen("reports", "", gateway=g),
                             {"load": {"done": UPLOADS}}), settle),
    "metadata": (lambda: host(lambda g: MetadataScreen("reports", "q1/sales.csv", gateway=g),
                              {"load": {"done": META}}), settle),
}


@pytest.mark.parametrize("state", sorted(STATES))
def test_tool_snapshot(snap_compare, state: str) -> None:
    factory, steps = STATES[state]
    assert snap_compare(factory(), terminal_size=SIZE, run_before=steps)

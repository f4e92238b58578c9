"""Presigned URL and upload form (POST policy) tools against a REAL SeaweedFS: the URLs and form
fields they produce work with plain HTTP clients; validation stops bad input before signing."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from typing import Any

import requests
from textual.widgets import Input, Select, Static, TextArea

from minbrowse.s3 import Client
from minbrowse.s3.credentials import Credentials, Provider
from minbrowse.ui.jobs.tool_jobs import make_run
from minbrowse.ui.tools.post_form import PostFormScreen, parse_size
from minbrowse.ui.tools.presign import PresignScreen
from minbrowse.ui.tools.protocol import ToolDone, ToolRequest
from tests.ui.pilot_helpers import run_async, wait_until
from tests.ui.tools.conftest import FIXED_NOW, SIZE, ToolHost


def put(client: Any, bucket: str, key: str, data: bytes, content_type: str = "text/plain") -> None:
    client.put_object(bucket, key, io.BytesIO(data), len(data), content_type=content_type)


async def outcome_after(pilot: Any, screen: Any, count: int) -> Any:
    await wait_until(pilot, lambda: len(pilot.app.osc52) >= count and not screen.busy,
                     what="presigned URL")
    await pilot.pause()
    return screen.outcome


@run_async
async def test_presign_get_put_delete_with_response_headers(sw_client: Any, sw_bucket: str) -> None:
    put(sw_client, sw_bucket, "docs/a.txt", b"first body")
    app = ToolHost(sw_client, lambda: PresignScreen(sw_bucket, "docs/a.txt"),
                   clock=lambda: datetime.now(timezone.utc))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = app.tool
        outcome = await outcome_after(pilot, screen, 1)  # opens with GET, 1 hour, copied
        assert app.copied == app.osc52 == [outcome.url]
        assert requests.get(outcome.url, timeout=10).content == b"first body"
        assert screen.query_one("#presign-url", TextArea).text == outcome.url
        assert "curl -o a.txt" in screen.query_one("#presign-curl", TextArea).text
        assert timedelta(minutes=59) < outcome.expires_at - datetime.now(timezone.utc) <= timedelta(hours=1)
        assert any("Copied to the clipboard" in n.message for n in app._notifications)

        # response headers on GET
        screen.query_one("#presign-rct", Input).value = "application/x-test"
        screen.query_one("#presign-rcd", Input).value = 'attachment; filename="x.txt"'
        screen.action_generate()
        outcome = await outcome_after(pilot, screen, 2)
        reply = requests.get(outcome.url, timeout=10)
        assert reply.headers["Content-Type"] == "application/x-test"
        assert reply.headers["Content-Disposition"] == 'attachment; filename="x.txt"'

        # invalid custom expiry: inline error, nothing signed
        screen.query_one("#presign-rct", Input).value = ""
        screen.query_one("#presign-rcd", Input).value = ""
        screen.query_one("#presign-expiry", Select).value = "custom"
        await pilot.pause()
        screen.query_one("#presign-custom", Input).value = "8d"
        screen.action_generate()
        assert "between 1 second and 7 days" in screen.last_error
        assert len(app.osc52) == 2

        # PUT with a custom expiry
        screen.query_one("#presign-custom", Input).value = "90m"
        screen.query_one("#presign-method", Select).value = "PUT"
        await pilot.pause()
        screen.action_generate()
        outcome = await outcome_after(pilot, screen, 3)
        assert outcome.url_expires_at - outcome.expires_at == timedelta(0)
        assert requests.put(outcome.url, data=b"replaced", timeout=10).status_code == 200
        assert sw_client.get_object(sw_bucket, "docs/a.txt").read() == b"replaced"
        assert "curl -X PUT -T a.txt" in screen.query_one("#presign-curl", TextArea).text

        screen.query_one("#presign-method", Select).value = "DELETE"
        await pilot.pause()
        screen.action_generate()
        outcome = await outcome_after(pilot, screen, 4)
        assert requests.delete(outcome.url, timeout=10).status_code == 204
    assert [o.object_name for o in sw_client.list_objects(sw_bucket, recursive=True)] == []


class ExpiringProvider(Provider):
    """Temporary credentials that expire 10 minutes after FIXED_NOW."""

    def __init__(self, access_key: str, secret_key: str) -> None:
        self.credentials = Credentials(access_key, secret_key, None,
                                       expiration=FIXED_NOW + timedelta(minutes=10))

    def retrieve(self) -> Credentials:
        return self.credentials


def test_presign_expiry_is_limited_by_temporary_credentials(seaweed: Any) -> None:
    client = Client(seaweed.endpoint, secure=False, region="us-east-1",
                    credentials=ExpiringProvider(seaweed.access_key, seaweed.secret_key))
    posted: list[Any] = []
    request = ToolRequest("presign", "generate", "bucket-x", "k.txt", {"method": "GET",
                                                                         "expires": 3600})
    make_run(client, request, posted.append, clock=lambda: FIXED_NOW)()
    assert isinstance(posted[-1], ToolDone), posted[-1].__dict__
    outcome = posted[-1].value
    assert outcome.url_expires_at == FIXED_NOW + timedelta(hours=1)
    assert outcome.expires_at == FIXED_NOW + timedelta(minutes=10)
    assert outcome.limited_by_credentials
    assert "X-Amz-Expires=3600" in outcome.url
    assert outcome.clipboard_error == "not attempted"


def test_parse_size() -> None:
    assert parse_size("10MiB") == 10 * 1024 ** 2
    assert parse_size("0") == 0 and parse_size("1 g") == 1024 ** 3
    for bad in ("", "ten", "5 parsecs", "-1"):
        try:
            parse_size(bad)
        except ValueError:
            continue
        raise AssertionError(bad)


@run_async
async def test_post_form_fields_upload_with_plain_http(sw_client: Any, sw_bucket: str) -> None:
    app = ToolHost(sw_client, lambda: PostFormScreen(sw_bucket, "inbox/"))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.tool
        screen.query_one("#post-max-size", Input).value = "1x"
        screen.action_generate()
        assert screen.last_error.startswith("size:")
        screen.query_one("#post-max-size", Input).value = "1KiB"
        screen.query_one("#post-content-type", Input).value = "text/plain"
        screen.action_generate()
        await wait_until(pilot, lambda: screen.form is not None, what="form fields")
        form = screen.form
        text = screen.query_one("#post-fields", TextArea).text
        assert "x-amz-signature = " in text and "policy = " in text
        curl = screen.query_one("#post-curl", TextArea).text
        assert curl.startswith("curl -X POST") and "file=@FILE" in curl
        assert "valid until" in str(screen.query_one("#post-summary", Static).render())
    fields = dict(form.fields)
    ok = requests.post(form.url, data={"key": "inbox/hello.txt", **fields},
                       files={"file": ("hello.txt", b"posted body", "text/plain")}, timeout=10)
    assert ok.status_code in (200, 201, 204), ok.text
    assert sw_client.get_object(sw_bucket, "inbox/hello.txt").read() == b"posted body"
    outside = requests.post(form.url, data={"key": "elsewhere/x.txt", **fields},
                            files={"file": ("x.txt", b"x", "text/plain")}, timeout=10)
    assert outside.status_code == 403, outside.text
    too_big = requests.post(form.url, data={"key": "inbox/big.txt", **fields},
                            files={"file": ("big.txt", b"x" * 2048, "text/plain")}, timeout=10)
    assert too_big.status_code == 400, too_big.text


@run_async
async def test_post_form_and_put_urls_refused_when_read_only(sw_client: Any, sw_bucket: str) -> None:
    app = ToolHost(sw_client, lambda: PostFormScreen(sw_bucket, ""), read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        app.tool.action_generate()
        await pilot.pause()
        assert "read-only" in app.tool.last_error and app.tool.form is None
        assert app.tool.query_one("#tool-read-only")
    put(sw_client, sw_bucket, "r.txt", b"read me")
    app = ToolHost(sw_client, lambda: PresignScreen(sw_bucket, "r.txt"), read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.tool
        outcome = await outcome_after(pilot, screen, 1)  # GET stays available
        assert requests.get(outcome.url, timeout=10).content == b"read me"
        screen.query_one("#presign-method", Select).value = "PUT"
        await pilot.pause()
        screen.action_generate()
        assert "disabled in read-only mode" in screen.last_error
        assert len(app.osc52) == 1

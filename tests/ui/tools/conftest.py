"""Fixtures for the ops-tool tests: a tiny host app running the REAL `S3Service` against a real
server (or the fake listen server), fresh buckets, and a fixed-answer gateway for snapshots."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any, Callable, Iterator

import pytest
from textual.app import App

from minbrowse.ui.jobs.service import S3Service
from minbrowse.ui.tools.protocol import ToolDone, ToolEvent, ToolFailed, ToolRequest
from tests.ui.pilot_helpers import empty_and_remove

SIZE = (120, 40)
FIXED_NOW = datetime(2026, 1, 15, 12, 0, 0, tzinfo=timezone.utc)


class ToolHost(App[None]):
    """Pushes the tool screen built by `make_screen()`; its service is the app's real one."""

    def __init__(self, client: Any, make_screen: Callable[[], Any], *, read_only: bool = False,
                 clock: Callable[[], datetime] | None = None) -> None:
        super().__init__()
        self.read_only = read_only
        self.service = S3Service(self, client, read_only=read_only, clock=clock)
        self.make_screen = make_screen
        self.copied: list[str] = []
        self.osc52: list[str] = []
        self.system_copy = self.copied.append
        self.navigations: list[Any] = []
        self.tool: Any = None

    def on_mount(self) -> None:
        self.tool = self.make_screen()
        self.push_screen(self.tool)

    def copy_to_clipboard(self, text: str) -> None:
        self.osc52.append(text)
        super().copy_to_clipboard(text)

    def on_navigate_request(self, message: Any) -> None:
        self.navigations.append(message)


class FakeGateway:
    """Answers each (tool, action) from a table: a list of events then a value, or a failure."""

    def __init__(self, answers: dict[str, Any], *, read_only: bool = False) -> None:
        self.answers = answers
        self.read_only = read_only
        self.requests: list[ToolRequest] = []

    def tool_job(self, reply_to: Any, request: ToolRequest) -> Any:
        self.requests.append(request)
        answer = self.answers.get(request.action)
        if isinstance(answer, tuple) and answer and answer[0] == "fail":
            reply_to.post_message(ToolFailed(request, answer[1], answer[2]))
        elif isinstance(answer, dict):
            for value in answer.get("events", ()):
                reply_to.post_message(ToolEvent(request, value))
            if "done" in answer:
                reply_to.post_message(ToolDone(request, answer["done"]))
        return None


class FakeGatewayHost(App[None]):
    def __init__(self, make_screen: Callable[[], Any]) -> None:
        super().__init__()
        self.make_screen = make_screen
        self.tool: Any = None

    def on_mount(self) -> None:
        self.tool = self.make_screen()
        self.push_screen(self.tool)


@pytest.fixture
def sw_client(seaweed: Any) -> Any:
    return seaweed.client()


@pytest.fixture
def sw_bucket(sw_client: Any) -> Iterator[str]:
    name = f"tl-{uuid.uuid4().hex[:12]}"
    sw_client.make_bucket(name)
    yield name
    empty_and_remove(sw_client, name)


@pytest.fixture
def moto_bucket(moto: Any) -> Iterator[str]:
    client = moto.client()
    name = f"tlm-{uuid.uuid4().hex[:12]}"
    client.make_bucket(name)
    yield name
    empty_and_remove(client, name)


@pytest.fixture
def sw_lock_bucket(sw_client: Any) -> Iterator[str]:
    """A bucket with object lock; afterwards holds are lifted and GOVERNANCE is bypassed."""
    from minbrowse.s3.deleteobjects import DeleteObject

    name = f"tll-{uuid.uuid4().hex[:12]}"
    sw_client.make_bucket(name, object_lock=True)
    yield name
    for obj in sw_client.list_objects(name, recursive=True, include_version=True):
        try:
            sw_client.disable_object_legal_hold(name, obj.object_name, obj.version_id)
        except Exception:  # noqa: BLE001
            pass
        list(sw_client.remove_objects(name, [DeleteObject(obj.object_name, obj.version_id)],
                                      bypass_governance_mode=True))
    sw_client.remove_bucket(name)

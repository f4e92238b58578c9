"""Fixtures for the editor tests: a tiny host app that pushes one editor, a gateway that runs
`config_jobs.execute` on a worker against a REAL server, and a fixed-answer fake gateway for
snapshots (no network)."""

from __future__ import annotations

import uuid
from typing import Any, Callable, Iterator

import pytest
from textual.app import App

from minbrowse.ui.jobs.config_jobs import execute
from minbrowse.ui.editors import protocol as p
from tests.ui.pilot_helpers import empty_and_remove


class DirectGateway:
    """Does what `S3Service.config_job` does: run the request on a thread worker."""

    def __init__(self, app: App, client: Any, read_only: bool = False) -> None:
        self.app = app
        self.client = client
        self.read_only = read_only
        self.requests: list[p.ConfigRequest] = []

    def config_job(self, reply_to: Any, request: p.ConfigRequest) -> None:
        self.requests.append(request)

        def job() -> None:
            reply_to.post_message(execute(self.client, request, read_only=self.read_only))

        self.app.run_worker(job, group="s3-config", thread=True, exclusive=False,
                            exit_on_error=False)


class FakeGateway:
    """Answers LOAD with a fixed value (or a failure code) at once; records everything."""

    def __init__(self, value: Any = None, *, fail: tuple[str, str] | None = None,
                 read_only: bool = False) -> None:
        self.value = value
        self.fail = fail
        self.read_only = read_only
        self.requests: list[p.ConfigRequest] = []

    def config_job(self, reply_to: Any, request: p.ConfigRequest) -> None:
        self.requests.append(request)
        if self.fail and (request.action == p.LOAD or len(self.fail) == 2):
            reply_to.post_message(p.ConfigFailed(request, *self.fail))
        elif request.action == p.LOAD:
            reply_to.post_message(p.ConfigDone(request, self.value))


class HostApp(App[None]):
    """Pushes the editor built by `make_screen(app)` on mount."""

    def __init__(self, make_screen: Callable[["HostApp"], Any]) -> None:
        super().__init__()
        self.make_screen = make_screen
        self.editor: Any = None
        self.unsupported: list[str] = []

    def on_mount(self) -> None:
        self.editor = self.make_screen(self)
        self.push_screen(self.editor)

    def editor_unsupported(self, kind: str) -> None:
        self.unsupported.append(kind)


@pytest.fixture
def sw_bucket(seaweed: Any) -> Iterator[str]:
    client = seaweed.client()
    name = f"ed-{uuid.uuid4().hex[:12]}"
    client.make_bucket(name)
    yield name
    empty_and_remove(client, name)


@pytest.fixture
def sw_lock_bucket(seaweed: Any) -> Iterator[str]:
    client = seaweed.client()
    name = f"edl-{uuid.uuid4().hex[:12]}"
    client.make_bucket(name, object_lock=True)
    yield name
    _purge_locked(client, name)


@pytest.fixture
def moto_bucket(moto: Any) -> Iterator[str]:
    client = moto.client()
    name = f"edm-{uuid.uuid4().hex[:12]}"
    client.make_bucket(name)
    yield name
    empty_and_remove(client, name)


def _purge_locked(client: Any, bucket: str) -> None:
    """Lift legal holds, remove versions bypassing governance, remove the bucket (best effort)."""
    from minbrowse.s3.deleteobjects import DeleteObject

    try:
        for obj in client.list_objects(bucket, recursive=True, include_version=True):
            try:
                client.disable_object_legal_hold(bucket, obj.object_name, obj.version_id)
            except Exception:  # noqa: BLE001
                pass
            list(client.remove_objects(bucket, [DeleteObject(obj.object_name, obj.version_id)],
                                       bypass_governance_mode=True))
        client.remove_bucket(bucket)
    except Exception:  # noqa: BLE001 - COMPLIANCE data may legitimately stay
        pass

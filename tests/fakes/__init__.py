"""Local fake servers used by the tests (each one named and documented as a FAKE)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator


def free_port(host: str = "127.0.0.1") -> int:
    """A currently free TCP port on `host` (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def run_moto_server(timeout: float = 30.0) -> Iterator[str]:
    """Run the REAL moto server (not a fake) on a free loopback port; yield its URL."""
    binary = Path(sys.executable).parent / "moto_server"
    port = free_port()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([str(binary), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"moto_server exited: {log.read()[-2000:]!r}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("moto_server did not start in time") from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def moto_endpoint_fixture(request: Any) -> Iterator[str]:
    """Body of a module fixture: the shared `moto` fixture when present, else our own."""
    try:
        server = request.getfixturevalue("moto")
    except Exception:  # noqa: BLE001 - no shared fixture (FixtureLookupError) or unusable
        server = None
    if server is not None:
        endpoint = str(getattr(server, "endpoint", server))
        yield endpoint if "://" in endpoint else f"http://{endpoint}"
        return
    with run_moto_server() as url:
        yield url

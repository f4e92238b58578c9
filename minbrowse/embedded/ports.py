"""Free loopback TCP port allocation for locally launched servers."""

from __future__ import annotations

import socket
from contextlib import ExitStack

LOOPBACK = "127.0.0.1"


def free_ports(count: int, host: str = LOOPBACK) -> list[int]:
    """Return ``count`` distinct TCP ports that were free on ``host`` a moment ago.

    All sockets are held open until every port has been chosen, so the ports are
    distinct; they are closed before returning, so another process may still grab
    one before our child binds it. Callers retry the whole start when that happens.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    ports: list[int] = []
    with ExitStack() as stack:
        for _ in range(count):
            sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.bind((host, 0))
            ports.append(sock.getsockname()[1])
    return ports


def free_port(host: str = LOOPBACK) -> int:
    """Return one TCP port that was free on ``host`` a moment ago."""
    return free_ports(1, host)[0]


def port_is_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False

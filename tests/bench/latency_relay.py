"""An emulated long-distance link for benchmarks: a loopback TCP relay that adds round-trip time.

`LatencyRelay(target_host, target_port, rtt=0.020)` listens on a free 127.0.0.1 port and relays
each connection to the target byte for byte (SigV4 signatures made for the relay's address stay
valid). Every chunk is delivered `rtt / 2` after it was read, in each direction, so a request
and its reply cost one round trip on top of the server's time, as on a WAN; pipelining several
requests on several connections is what pays there. A new connection costs one round trip
before its first byte is relayed (TCP's handshake). `rate` (bytes/s per direction and
connection, optional) caps the bandwidth too. One asyncio loop on a thread of its own carries
every connection, so hundreds of them (s5cmd opens that many) cost no threads.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque

_CHUNK = 64 * 1024


class LatencyRelay:
    """A context manager; `connections` counts accepted ones, `endpoint` is "127.0.0.1:port"."""

    def __init__(self, target_host: str, target_port: int, rtt: float = 0.020,
                 rate: float | None = None) -> None:
        if rtt < 0:
            raise ValueError("rtt must be >= 0 seconds")
        if rate is not None and rate <= 0:
            raise ValueError("rate must be > 0 bytes per second")
        self.target = (target_host, target_port)
        self.rtt = float(rtt)
        self.rate = rate
        self.connections = 0
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._server: asyncio.base_events.Server | None = None
        self._thread = threading.Thread(target=self._run, daemon=True, name="latency-relay")

    @classmethod
    def for_endpoint(cls, endpoint: str, rtt: float = 0.020,
                     rate: float | None = None) -> "LatencyRelay":
        host, _, port = endpoint.rpartition(":")
        return cls(host or "127.0.0.1", int(port), rtt, rate)

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def __enter__(self) -> "LatencyRelay":
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("latency relay did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._accept, "127.0.0.1", 0, backlog=1024))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            self._server.close()
            # Let every connection's coroutines see their cancellation before the loop closes
            # (else Python warns of destroyed pending tasks at exit).
            while pending := asyncio.all_tasks(self._loop):
                for task in pending:
                    task.cancel()
                self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.close()

    async def _accept(self, c_reader: asyncio.StreamReader,
                      c_writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        await asyncio.sleep(self.rtt)  # the handshake's round trip
        try:
            s_reader, s_writer = await asyncio.open_connection(*self.target)
        except OSError:
            c_writer.close()
            return
        await asyncio.gather(self._direction(c_reader, s_writer),
                             self._direction(s_reader, c_writer), return_exceptions=True)
        for writer in (c_writer, s_writer):
            writer.close()

    async def _direction(self, reader: asyncio.StreamReader,
                         writer: asyncio.StreamWriter) -> None:
        """Read as fast as the peer sends; deliver each chunk one-way-delay later, in order."""
        in_flight: deque[tuple[float, bytes]] = deque()
        arrived = asyncio.Event()
        done = False
        delay = self.rtt / 2

        async def deliver() -> None:
            budget_start, sent = time.monotonic(), 0
            while True:
                while not in_flight:
                    if done:
                        return
                    arrived.clear()
                    await arrived.wait()
                due, data = in_flight.popleft()
                wait = due - time.monotonic()
                if self.rate is not None:
                    now = time.monotonic()
                    if now > budget_start + sent / self.rate + 0.05:
                        budget_start, sent = now, 0
                    wait = max(wait, budget_start + (sent + len(data)) / self.rate - now)
                    sent += len(data)
                if wait > 0:
                    await asyncio.sleep(wait)
                writer.write(data)
                await writer.drain()

        sender = asyncio.ensure_future(deliver())
        try:
            while True:
                data = await reader.read(_CHUNK)
                if not data:
                    break
                in_flight.append((time.monotonic() + delay, data))
                arrived.set()
        except (OSError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:  # the relay closes: drop what is in flight
            sender.cancel()
            raise
        finally:
            done = True
            arrived.set()
        try:
            await sender
        except OSError:
            pass
        else:
            try:
                if writer.can_write_eof():
                    writer.write_eof()
            except OSError:
                pass

"""A persistent SeaweedFS holding one prefix of 100,000 objects, for the listing benchmark.

Seeding 100,000 objects takes minutes, so the server's data lives in a persistent folder
(`$MINBROWSE_BENCH_DATA`, default `~/.cache/minbrowse-bench/seaweed-listing`) and is seeded
once (a thread pool of small PUTs); later runs find the marker object and reuse it.
Run `python -m tests.bench.seaweed_prefix` to seed ahead of time.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from minbrowse.embedded.seaweedfs import SeaweedServer
from minbrowse.s3 import Client

ACCESS_KEY = "benchlistingaccess"
SECRET_KEY = "benchlistingsecret0123456789"  # a throwaway local test credential
BUCKET = "listing-bench"
PREFIX = "big/"
COUNT = 100_000
MARKER = f"seeded-{COUNT}"  # written outside PREFIX once every object exists


def data_dir() -> Path:
    default = Path.home() / ".cache" / "minbrowse-bench" / "seaweed-listing"
    return Path(os.environ.get("MINBROWSE_BENCH_DATA", default))


def key(index: int) -> str:
    return f"{PREFIX}obj-{index:07d}.bin"


@contextmanager
def running_server() -> Iterator[SeaweedServer]:
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    server = SeaweedServer(folder, ACCESS_KEY, SECRET_KEY)
    server.start(timeout=120)
    try:
        yield server
    finally:
        server.stop()


def client_for(server: SeaweedServer) -> Client:
    return Client(server.endpoint, ACCESS_KEY, SECRET_KEY, secure=False, region="us-east-1")


def ensure_seeded(client: Client, threads: int = 16, log=print) -> float:
    """Seed BUCKET/PREFIX with COUNT objects unless the marker says it is done.
    Returns the seconds spent seeding (0 when reused)."""
    import io

    if not client.bucket_exists(BUCKET):
        client.make_bucket(BUCKET)
    try:
        client.stat_object(BUCKET, MARKER)
        return 0.0
    except Exception:  # noqa: BLE001 - NoSuchKey: not seeded yet
        pass
    started = time.monotonic()
    body = b"0123456789abcdef"

    def put(index: int) -> None:
        client.put_object(BUCKET, key(index), io.BytesIO(body), len(body))

    with ThreadPoolExecutor(threads) as pool:
        for done, _ in enumerate(pool.map(put, range(COUNT)), 1):
            if done % 10_000 == 0:
                log(f"  seeded {done:,} objects in {time.monotonic() - started:.0f} s")
    client.put_object(BUCKET, MARKER, io.BytesIO(b"done"), 4)
    return time.monotonic() - started


if __name__ == "__main__":
    with running_server() as seaweed:
        spent = ensure_seeded(client_for(seaweed))
        print(f"seeding took {spent:.0f} s (0 = reused)")

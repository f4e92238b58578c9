"""Where parallelism pays: fput / fget through an emulated slow link, beside minio-py.

Every connection goes through `SlowLink`, which holds each TCP stream to BENCH_LINK_MIBS MiB/s
(default 16) in each direction — how one stream behaves on a long-distance link (window /
round trip) — in front of this module's own SeaweedFS. minio-py uploads 5 MiB parts 3 at a
time and downloads with one GET; minbrowse uploads parts balanced over 3 workers and, after
timing the first 8 MiB of the open GET, splits the rest of a download over 4 ranged GETs.
Rounds alternate the two clients; medians, spreads and ratios as in test_bench_s3.py.
Run with `make bench` (or `pytest -m bench tests/bench/test_bench_slow_link.py -s`).
"""

from __future__ import annotations

import os

import pytest

from tests.bench.slow_link import SlowLink
from tests.bench.sampling import MiB, Table, timed
from tests.bench.test_bench_s3 import _ordered, bench_seaweed  # noqa: F401

minio = pytest.importorskip("minio", reason="minio-py (test-only oracle) is not installed")

pytestmark = [pytest.mark.bench, pytest.mark.timeout(1800)]

LINK_RATE = float(os.environ.get("BENCH_LINK_MIBS", "16")) * MiB
ROUNDS = int(os.environ.get("BENCH_LINK_ROUNDS", "3"))
SIZES_MIB = (20, 64)


@pytest.fixture(scope="module")
def link_clients(bench_seaweed):
    with SlowLink.for_endpoint(bench_seaweed.endpoint, LINK_RATE) as link:
        ours = bench_seaweed.client()
        ours_over_link = type(ours)(link.endpoint, access_key=bench_seaweed.access_key,
                                    secret_key=bench_seaweed.secret_key, secure=False)
        theirs = minio.Minio(link.endpoint, bench_seaweed.access_key, bench_seaweed.secret_key,
                             secure=False)
        bucket = "bench-link"
        ours.make_bucket(bucket)
        yield (("minbrowse", ours_over_link), ("minio-py", theirs)), bucket, link
        for obj in ours.list_objects(bucket, recursive=True):
            ours.remove_object(bucket, obj.object_name)
        ours.remove_bucket(bucket)
        ours.close()


@pytest.fixture(scope="module")
def link_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench-link")
    files = {}
    for size in SIZES_MIB:
        path = folder / f"{size}.bin"
        path.write_bytes(os.urandom(size * MiB))
        files[size] = str(path)
    return files


def test_bench_slow_link(link_clients, link_files, tmp_path):
    sides, bucket, link = link_clients
    table = Table(f"slow link: {LINK_RATE / MiB:.0f} MiB/s per connection, {ROUNDS} "
                  "alternating rounds")
    out = str(tmp_path / "out.bin")
    for round_no in range(ROUNDS):
        for name, client in _ordered(list(sides), round_no):
            for size, path in link_files.items():
                key = f"{name}-{size}-{round_no}"
                table.add(f"fput {size} MiB", name,
                          timed(lambda: client.fput_object(bucket, key, path)))
                table.add(f"fget {size} MiB", name,
                          timed(lambda: client.fget_object(bucket, key, out)))
                with open(out, "rb") as got, open(path, "rb") as sent:
                    assert got.read() == sent.read()
                os.unlink(out)
                client.remove_object(bucket, key)
    print(table.render())
    print(f"connections opened through the link: {link.connections}")

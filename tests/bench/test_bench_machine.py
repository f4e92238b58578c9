"""What this machine charges for page cache, measured without any S3 client.

Writing a 256 MiB file costs 0.06 s when its page cache reuses pages just freed, and 0.7-0.9 s
on the reference VM when the page cache grows into guest memory it has not held lately (the
host backs it again page by page; two writer threads take as long as one, at twice the CPU).
How much memory the host still backs depends on what the VM used and freed in the last
minutes: right after other large writes the "growing" row can read as fast as the recycled one
(seen: 16 x 256 MiB at 0.05 s each), on a settled VM it reads 0.7-0.9 s after the first
0.5-1 GiB. Every download writes such a file and every upload grows the server's volume, so a benchmark
that lets either land on fresh memory measures the VM, not the client: this is why the S3
benchmark recycles a file's worth of pages before each 256 MiB sample (`sampling.timed`).
Run with `make bench`; figures in tests/bench/RESULTS.md.
"""

from __future__ import annotations

import os
import statistics

import pytest

from tests.bench.sampling import MiB, recycle_pages, write_file

pytestmark = [pytest.mark.bench, pytest.mark.timeout(600)]

SIZE = 256 * MiB
# 16 rounds keep 4 GiB: enough to outgrow the memory recently used and freed, which the host
# still backs (writes there are as fast as recycled ones)
ROUNDS = int(os.environ.get("BENCH_PAGE_ROUNDS", "16"))


def test_bench_page_cache_growth(tmp_path):
    """256 MiB writes into recycled pages beside writes that grow the page cache (the files
    are kept, so each one needs memory the cache has not held), alternating."""
    recycled, grown = [], []
    block = os.urandom(MiB)
    for round_no in range(ROUNDS):
        os.sync()
        recycle_pages(str(tmp_path), SIZE)
        path = str(tmp_path / f"recycled-{round_no}.bin")
        recycled.append(write_file(path, SIZE, block))
        assert os.path.getsize(path) == SIZE
        os.unlink(path)
        os.sync()
        path = str(tmp_path / f"kept-{round_no}.bin")
        grown.append(write_file(path, SIZE, block))
        assert os.path.getsize(path) == SIZE
    for round_no in range(ROUNDS):
        os.unlink(tmp_path / f"kept-{round_no}.bin")
    print(f"\n== page cache, {SIZE // MiB} MiB writes, {ROUNDS} rounds (no S3) ==")
    for label, walls in (("into recycled pages", recycled), ("growing the page cache", grown)):
        print(f"{label:<26}{statistics.median(walls):9.3f}  "
              f"{min(walls):.3f}-{max(walls):.3f}   " + " ".join(f"{w:.2f}" for w in walls))

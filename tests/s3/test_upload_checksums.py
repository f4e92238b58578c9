"""S3 checksums (CRC32C, else CRC32) on the upload bodies that go without Content-MD5 (plain
HTTP, above 1 MiB): sent with the body, checked by the server, declared and listed again for
multipart uploads, and dropped for a server that refuses checksum headers (a FAKE server
stands for that one)."""

from __future__ import annotations

import hashlib
import io
import os

import pytest

from minbrowse.s3 import Client, S3Error, uploadbody
from tests.fakes.hostile_server import S3_NS, HostileS3Server, Reply, Request, error_xml

MiB = 1024 * 1024


CHECKSUM = uploadbody.CHECKSUM  # the one this machine uses (CRC32C with crc32c's instruction)
HEADER = CHECKSUM.header
ALGORITHMS = sorted({CHECKSUM, uploadbody.CRC32}, key=lambda a: a.name)


@pytest.fixture(params=ALGORITHMS, ids=lambda a: a.name)
def algorithm(request, monkeypatch) -> uploadbody.ChecksumAlgorithm:
    """Each algorithm minbrowse may use (CRC32 is the fallback without crc32c's instruction)."""
    monkeypatch.setattr(uploadbody, "CHECKSUM", request.param)
    return request.param


def _checksum(data: bytes, algorithm: uploadbody.ChecksumAlgorithm = CHECKSUM) -> str:
    return algorithm.of(data)


def _composite(parts: list[bytes], algorithm: uploadbody.ChecksumAlgorithm) -> str:
    """S3's COMPOSITE multipart checksum: the checksum of the parts' checksums, then -N."""
    joined = b"".join(algorithm.function(p).to_bytes(4, "big") for p in parts)
    return f"{algorithm.of(joined)}-{len(parts)}"


def _stored_checksum(client: Client, bucket: str, key: str,
                     algorithm: uploadbody.ChecksumAlgorithm) -> str | None:
    response = client._request("HEAD", bucket, key, headers={"x-amz-checksum-mode": "ENABLED"})
    return response.headers.get(algorithm.header)


def test_checksums_are_spelled_as_s3_spells_them():
    assert uploadbody.CRC32.of(b"hello world") == "DUoRhQ=="  # 0x0d4a1185, big-endian
    assert uploadbody.CRC32.of(b"") == "AAAAAA=="
    assert uploadbody.CRC32.header == "x-amz-checksum-crc32"
    assert uploadbody.CRC32.element == "ChecksumCRC32"


def test_crc32c_is_used_where_the_cpu_computes_it():
    import crc32c  # a dependency

    if not crc32c.hardware_based:
        assert CHECKSUM is uploadbody.CRC32  # its software CRC32C is slower than zlib's CRC32
        return
    assert CHECKSUM.name == "CRC32C" and CHECKSUM.header == "x-amz-checksum-crc32c"
    assert CHECKSUM.of(b"hello world") == "yZRlqg=="  # 0xc99465aa, big-endian


RGW_NO_CHECKSUMS = ("server gap: Ceph RGW 16.2 neither keeps nor answers S3 checksums "
                    "(x-amz-checksum-*, added in Reef 18)")


def test_a_large_put_over_http_carries_a_checksum_the_server_keeps(server, bucket, algorithm):
    if server.name == "rgw":
        pytest.skip(RGW_NO_CHECKSUMS)
    client = server.client()
    data = os.urandom(3 * MiB)
    client.put_object(bucket, "big", io.BytesIO(data), len(data))
    client.put_object(bucket, "small", io.BytesIO(b"tiny"), 4)
    assert _stored_checksum(client, bucket, "big", algorithm) == _checksum(data, algorithm)
    assert _stored_checksum(client, bucket, "small", algorithm) is None  # Content-MD5 went
    with client.get_object(bucket, "big") as response:
        assert response.read() == data


def test_multipart_over_http_checks_every_part_and_the_whole(server, bucket, tmp_path,
                                                              algorithm):
    client = server.client(multipart_threshold=5 * MiB, part_size=5 * MiB)
    data = os.urandom(12 * MiB + 5)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    result = client.fput_object(bucket, "big", str(path), num_parallel_uploads=3)
    assert result.etag.endswith("-3")
    with client.get_object(bucket, "big") as response:
        assert response.read() == data
    if server.name == "rgw":
        pytest.skip(RGW_NO_CHECKSUMS)  # the upload itself works and reads back (above)
    parts = [data[:5 * MiB], data[5 * MiB:10 * MiB], data[10 * MiB:]]
    stored = _stored_checksum(client, bucket, "big", algorithm)
    # the parts' checksums made it into the object's: moto 5.2 leaves out the "-3"
    expected = _composite(parts, algorithm)
    assert stored == (expected.rsplit("-", 1)[0] if server.name == "moto" else expected)


def test_seaweedfs_refuses_a_body_whose_checksum_does_not_match(seaweed, monkeypatch, tmp_path,
                                                                 algorithm):
    """The bytes changed on the way (here: the checksum does, which the server cannot tell
    apart): refused with BadDigest, nothing stored, no incomplete upload left. SeaweedFS only:
    moto 5.2 does not check checksums."""
    monkeypatch.setattr(uploadbody, "body_checksum",
                        lambda body: _checksum(b"other bytes", algorithm))
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
    assert first.headers[HEADER] == _checksum(data)
    assert HEADER not in second.headers and second.body == data


def test_a_multipart_upload_declares_its_checksum_and_lists_each_part_at_complete(tmp_path):
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
    assert create.headers["x-amz-checksum-algorithm"] == CHECKSUM.name
    chunks = [data[:5 * MiB], data[5 * MiB:10 * MiB], data[10 * MiB:]]
    assert [p.headers[HEADER] for p in puts] == [_checksum(c) for c in chunks]
    for number, chunk in enumerate(chunks, 1):
        assert (f"<PartNumber>{number}</PartNumber><ETag>\"{hashlib.md5(chunk).hexdigest()}\""
                f"</ETag><{CHECKSUM.element}>{_checksum(chunk)}</{CHECKSUM.element}>"
                ).encode() in complete.body


def test_a_multipart_upload_on_a_server_refusing_checksums_goes_without(tmp_path):
    data = os.urandom(11 * MiB)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    with HostileS3Server(_checksum_refusing_server) as fake:
        client = _fake_client(fake, multipart_threshold=5 * MiB, part_size=5 * MiB)
        result = client.fput_object("bkt", "k", str(path), num_parallel_uploads=1)
    assert result.etag == "abc-3"
    refused, create, *puts, complete = fake.requests
    assert refused.headers["x-amz-checksum-algorithm"] == CHECKSUM.name
    assert "x-amz-checksum-algorithm" not in create.headers
    assert b"".join(p.body for p in puts) == data
    assert all(not any(h.startswith("x-amz-checksum") for h in p.headers) for p in puts)
    assert b"Checksum" not in complete.body

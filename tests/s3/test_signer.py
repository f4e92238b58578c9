"""SigV4 signer: AWS's published vectors, botocore's S3 signers as an oracle, key cache, layering."""

from __future__ import annotations

import ast
import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qsl, quote, urlsplit

import botocore.auth
import pytest
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials

from minbrowse.s3 import signer
from minbrowse.s3.credentials import Credentials
from minbrowse.s3.signer import (
    EMPTY_SHA256,
    UNSIGNED_PAYLOAD,
    get_signing_key,
    post_presign_v4,
    presign_v4,
    sign_v4_s3,
)

# --------------------------------------------------------------------------- AWS vectors
# "Signature Calculations for the Authorization Header: Transferring Payload in a Single
# Chunk" and "Authenticating Requests: Using Query Parameters" (Amazon S3 API reference).
AWS_ACCESS = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
AWS_CREDS = Credentials(AWS_ACCESS, AWS_SECRET)
AWS_DATE = datetime(2013, 5, 24, 0, 0, 0)
AWS_HOST = "https://examplebucket.s3.amazonaws.com"
AWS_SCOPE = "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"


def _aws_auth(signed_headers: str, signature: str) -> str:
    return f"AWS4-HMAC-SHA256 {AWS_SCOPE}, SignedHeaders={signed_headers}, Signature={signature}"


def test_aws_vector_get_object_with_range():
    headers = sign_v4_s3("GET", f"{AWS_HOST}/test.txt", "us-east-1", {"Range": "bytes=0-9"},
                         AWS_CREDS, EMPTY_SHA256, AWS_DATE)
    assert headers["Authorization"] == _aws_auth(
        "host;range;x-amz-content-sha256;x-amz-date",
        "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    assert headers["Host"] == "examplebucket.s3.amazonaws.com"
    assert headers["x-amz-date"] == "20130524T000000Z"
    assert headers["x-amz-content-sha256"] == EMPTY_SHA256
    assert headers["Range"] == "bytes=0-9"
    assert "x-amz-security-token" not in {k.lower() for k in headers}


def test_aws_vector_put_object():
    body_sha = hashlib.sha256(b"Welcome to Amazon S3.").hexdigest()
    assert body_sha == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"
    headers = sign_v4_s3(
        "PUT", f"{AWS_HOST}/{quote('test$file.text', safe='/-_.~')}", "us-east-1",
        {"Date": "Fri, 24 May 2013 00:00:00 GMT", "x-amz-storage-class": "REDUCED_REDUNDANCY"},
        AWS_CREDS, body_sha, AWS_DATE)
    assert headers["Authorization"] == _aws_auth(
        "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
        "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")


def test_aws_vector_get_bucket_lifecycle_valueless_query():
    headers = sign_v4_s3("GET", f"{AWS_HOST}/?lifecycle", "us-east-1", {}, AWS_CREDS,
                         EMPTY_SHA256, AWS_DATE)
    assert headers["Authorization"] == _aws_auth(
        "host;x-amz-content-sha256;x-amz-date",
        "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")


@pytest.mark.parametrize("query", ["max-keys=2&prefix=J", "prefix=J&max-keys=2"])
def test_aws_vector_list_objects_query_sorted(query):
    headers = sign_v4_s3("GET", f"{AWS_HOST}/?{query}", "us-east-1", {}, AWS_CREDS,
                         EMPTY_SHA256, AWS_DATE)
    assert headers["Authorization"] == _aws_auth(
        "host;x-amz-content-sha256;x-amz-date",
        "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")


def test_aws_vector_presigned_get():
    url = presign_v4("GET", f"{AWS_HOST}/test.txt", "us-east-1", AWS_CREDS, AWS_DATE, 86400)
    assert url == (
        f"{AWS_HOST}/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
        "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
        "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")


def test_aware_and_naive_dates_sign_the_same_instant():
    naive = sign_v4_s3("GET", f"{AWS_HOST}/test.txt", "us-east-1", {"Range": "bytes=0-9"},
                       AWS_CREDS, EMPTY_SHA256, AWS_DATE)
    plus_two = timezone(timedelta(hours=2))
    aware = sign_v4_s3("GET", f"{AWS_HOST}/test.txt", "us-east-1", {"Range": "bytes=0-9"},
                       AWS_CREDS, EMPTY_SHA256, datetime(2013, 5, 24, 2, 0, 0, tzinfo=plus_two))
    assert naive == aware


def test_input_headers_not_mutated_and_stale_auth_headers_replaced():
    given = {"Range": "bytes=0-9", "Authorization": "stale", "X-Amz-Date": "19990101T000000Z",
             "X-Amz-Content-SHA256": "stale"}
    snapshot = dict(given)
    headers = sign_v4_s3("GET", f"{AWS_HOST}/test.txt", "us-east-1", given, AWS_CREDS,
                         EMPTY_SHA256, AWS_DATE)
    assert given == snapshot
    assert headers["Authorization"].endswith(
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    lowered = [k.lower() for k in headers]
    assert lowered.count("x-amz-date") == 1 and lowered.count("authorization") == 1
    assert lowered.count("x-amz-content-sha256") == 1


def test_unsigned_headers_are_left_out_of_the_signature():
    base = sign_v4_s3("GET", f"{AWS_HOST}/test.txt", "us-east-1", {"Range": "bytes=0-9"},
                      AWS_CREDS, EMPTY_SHA256, AWS_DATE)
    noisy = sign_v4_s3("GET", f"{AWS_HOST}/test.txt", "us-east-1",
                       {"Range": "bytes=0-9", "User-Agent": "minbrowse/1", "Expect": "100-continue",
                        "Connection": "keep-alive", "Transfer-Encoding": "chunked"},
                       AWS_CREDS, EMPTY_SHA256, AWS_DATE)
    assert noisy["Authorization"] == base["Authorization"]
    assert noisy["User-Agent"] == "minbrowse/1"


def test_raw_and_encoded_spellings_sign_alike():
    """Decoding and re-encoding makes '%7E' vs '~', lowercase hex and a raw '/' sign alike."""
    def auth(url):
        return sign_v4_s3("GET", url, "us-east-1", {}, AWS_CREDS, EMPTY_SHA256, AWS_DATE)[
            "Authorization"]

    assert auth("http://h:9000/b/a%7Eb%c3%bc") == auth("http://h:9000/b/a~b%C3%BC")
    assert auth("http://h:9000/b?delimiter=/&prefix=") == auth("http://h:9000/b?delimiter=%2F&prefix=")
    assert auth("http://h:9000/b/x?uploads") == auth("http://h:9000/b/x?uploads=")
    assert auth("http://h:9000/b/x?uploads") != auth("http://h:9000/b/y?uploads")


@pytest.mark.parametrize("url, host", [
    ("https://h.example.com:443/b/k", "h.example.com"),
    ("http://h.example.com:80/b/k", "h.example.com"),
    ("http://H.Example.com:9000/b/k", "h.example.com:9000"),
    ("https://user:pw@h.example.com:8443/b", "h.example.com:8443"),
    ("http://[::1]:9000/b/k", "[::1]:9000"),
    ("http://127.0.0.1/b/k", "127.0.0.1"),
])
def test_host_header_from_url(url, host):
    assert sign_v4_s3("GET", url, "us-east-1", {}, AWS_CREDS, EMPTY_SHA256, AWS_DATE)["Host"] == host


def test_empty_path_signs_as_slash():
    """An empty path goes on the wire as '/', so it is canonicalised as '/' (botocore keeps '')."""
    def auth(url):
        return sign_v4_s3("GET", url, "us-east-1", {}, AWS_CREDS, EMPTY_SHA256, AWS_DATE)["Authorization"]

    assert auth("https://examplebucket.s3.amazonaws.com?lifecycle") == auth(f"{AWS_HOST}/?lifecycle")


def test_given_host_header_is_kept():
    headers = sign_v4_s3("GET", "http://127.0.0.1:9000/b/k", "us-east-1", {"host": "proxy.test"},
                         AWS_CREDS, EMPTY_SHA256, AWS_DATE)
    assert headers["host"] == "proxy.test" and "Host" not in headers


def test_session_token_header_is_added_and_signed():
    creds = Credentials(AWS_ACCESS, AWS_SECRET, "the/session+token=")
    headers = sign_v4_s3("GET", f"{AWS_HOST}/test.txt", "us-east-1", {"X-Amz-Security-Token": "old"},
                         creds, EMPTY_SHA256, AWS_DATE)
    assert headers["x-amz-security-token"] == "the/session+token="
    assert "X-Amz-Security-Token" not in headers
    assert "x-amz-security-token" in headers["Authorization"].split("SignedHeaders=")[1]


def test_empty_payload_hash_is_refused():
    with pytest.raises(ValueError):
        sign_v4_s3("GET", f"{AWS_HOST}/t", "us-east-1", {}, AWS_CREDS, "", AWS_DATE)


@pytest.mark.parametrize("expires", [0, -1, 604801, True, 1.5, "60"])
def test_presign_expiry_bounds(expires):
    with pytest.raises(ValueError):
        presign_v4("GET", f"{AWS_HOST}/t", "us-east-1", AWS_CREDS, AWS_DATE, expires)


@pytest.mark.parametrize("expires", [1, 604800])
def test_presign_expiry_limits_accepted(expires):
    url = presign_v4("GET", f"{AWS_HOST}/t", "us-east-1", AWS_CREDS, AWS_DATE, expires)
    assert f"X-Amz-Expires={expires}&" in url


# --------------------------------------------------------------------------- botocore oracle
FIXED = datetime(2024, 2, 29, 23, 59, 59)
ORACLE_ACCESS = "AKIDEXAMPLE/with+odd=chars"
ORACLE_SECRET = "s3cr3t/K+y=="


def _key_url(base: str, bucket: str, key: str, query: str = "") -> str:
    url = f"{base}/{bucket}/{quote(key, safe='/-_.~')}"
    return f"{url}?{query}" if query else url


BIG_BODY = os.urandom(3 * 1024 * 1024 + 17)

# (method, url, headers, body bytes, payload mode, session token, region)
HEADER_CASES = {
    "unicode-and-space-key": ("GET", _key_url("https://s3.example.com", "bkt", "photos/2024 trip/ünï cødé ✓.txt"),
                              {}, b"", "sha", None, "us-east-1"),
    "plus-tilde-equals-amp-double-slash": ("PUT", _key_url("http://127.0.0.1:9000", "bkt", "a+b~c=d&e//f g"),
                                           {"Content-Type": "text/plain"}, b"hello", "sha", None, "eu-west-3"),
    "percent-in-key": ("GET", _key_url("http://localhost:8333", "bkt", "100% done?.txt"), {}, b"", "sha",
                       None, "us-east-1"),
    "uploads-valueless": ("POST", _key_url("http://127.0.0.1:9000", "bkt", "big.bin", "uploads"), {}, b"",
                          "sha", None, "us-east-1"),
    "versioning-valueless": ("GET", "http://127.0.0.1:9000/bkt?versioning", {}, b"", "sha", None, "us-east-1"),
    "versioning-with-equals": ("GET", "http://127.0.0.1:9000/bkt?versioning=", {}, b"", "sha", None, "us-east-1"),
    "empty-and-slash-query": ("GET", "http://127.0.0.1:9000/bkt?prefix=&delimiter=%2F&list-type=2&encoding-type=url",
                              {}, b"", "sha", None, "us-east-1"),
    "unicode-query-value": ("GET", "https://s3.example.com/bkt?prefix=%C3%BC%20x%2By&max-keys=10&a=&a-b=1",
                            {}, b"", "sha", None, "us-east-1"),
    "session-token": ("DELETE", _key_url("https://s3.example.com:8443", "bkt", "k", "versionId=3%2F4"), {},
                      b"", "sha", "FwoGZXIvYXdzE+/token==", "us-west-2"),
    "unsigned-payload": ("PUT", _key_url("https://s3.example.com", "bkt", "u n/signed"),
                         {"Content-MD5": "1B2M2Y8AsgTpgAmY7PhCfg=="}, b"data", "unsigned", None, "us-east-1"),
    "streamed-body-precomputed-sha": ("PUT", _key_url("http://127.0.0.1:9000", "bkt", "stream.bin", "partNumber=2&uploadId=a%2Fb"),
                                      {"Content-Length": str(len(BIG_BODY))}, BIG_BODY, "sha", "tok", "us-east-1"),
    "many-headers-with-odd-spacing": ("PUT", _key_url("https://[::1]:9443", "bkt", "h"),
                                      {"x-amz-meta-Note": "  two   spaces\tand tab  ", "Range": "bytes=0-9",
                                       "Content-Type": "application/json; charset=utf-8",
                                       "x-amz-tagging": "a=b&c=d", "User-Agent": "ua/1", "Expect": "100-continue",
                                       "If-None-Match": "*"},
                                      b"{}", "sha", None, "us-east-1"),
    "default-port-dropped": ("HEAD", _key_url("https://s3.example.com:443", "bkt", "k"), {}, b"", "sha", None,
                             "us-east-1"),
    "virtual-host-bucket-root": ("GET", "http://bkt.s3.example.com/?location", {}, b"", "sha", None, "us-east-1"),
}


@pytest.fixture
def frozen_botocore(monkeypatch):
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda *args, **kwargs: FIXED)


def _botocore_headers(method, url, headers, body, mode, token, region):
    request = AWSRequest(method=method, url=url, headers=dict(headers), data=body)
    if mode == "unsigned":
        request.context["client_config"] = SimpleNamespace(s3={"payload_signing_enabled": False})
    S3SigV4Auth(BotoCredentials(ORACLE_ACCESS, ORACLE_SECRET, token), "s3", region).add_auth(request)
    return request.headers


@pytest.mark.parametrize("case", sorted(HEADER_CASES))
def test_header_signature_matches_botocore(case, frozen_botocore):
    method, url, headers, body, mode, token, region = HEADER_CASES[case]
    payload = UNSIGNED_PAYLOAD if mode == "unsigned" else hashlib.sha256(body).hexdigest()
    if not body:
        assert payload == EMPTY_SHA256
    ours = sign_v4_s3(method, url, region, headers, Credentials(ORACLE_ACCESS, ORACLE_SECRET, token),
                      payload, FIXED)
    theirs = _botocore_headers(method, url, headers, body, mode, token, region)
    assert ours["Authorization"] == theirs["Authorization"]
    assert ours["x-amz-date"] == theirs["X-Amz-Date"]
    assert ours["x-amz-content-sha256"] == theirs["X-Amz-Content-SHA256"]
    assert ours.get("x-amz-security-token") == theirs.get("X-Amz-Security-Token")


PRESIGN_CASES = {
    "plain": ("GET", _key_url("https://s3.example.com", "bkt", "k.txt"), None, 3600, "us-east-1"),
    "unicode-key-session-token": ("GET", _key_url("http://127.0.0.1:9000", "bkt", "dir/ü b+c~d=e&f//g"),
                                  "tok/with+slash=", 604800, "eu-central-1"),
    "response-overrides": ("GET", _key_url("https://s3.example.com:8443", "bkt", "r",
                                           "response-content-disposition=attachment%3B%20filename%3D%22a%20b.txt%22"
                                           "&response-content-type=text%2Fplain&versionId=v%2B1"),
                           None, 900, "us-east-1"),
    "put-upload-part": ("PUT", _key_url("http://[::1]:9000", "bkt", "p", "partNumber=1&uploadId=x~y%2Fz"),
                        None, 1, "us-east-1"),
}


def _botocore_presign(method, url, token, expires, region):
    request = AWSRequest(method=method, url=url)
    S3SigV4QueryAuth(BotoCredentials(ORACLE_ACCESS, ORACLE_SECRET, token), "s3", region,
                     expires=expires).add_auth(request)
    return request.url


@pytest.mark.parametrize("case", sorted(PRESIGN_CASES))
def test_presigned_url_matches_botocore_exactly(case, frozen_botocore):
    method, url, token, expires, region = PRESIGN_CASES[case]
    ours = presign_v4(method, url, region, Credentials(ORACLE_ACCESS, ORACLE_SECRET, token), FIXED, expires)
    assert ours == _botocore_presign(method, url, token, expires, region)


@pytest.mark.parametrize("query", ["uploads", "versioning", "prefix=&delimiter=%2F", "tagging&versionId=1"])
def test_presigned_valueless_query_matches_botocore_signature(query, frozen_botocore):
    """botocore rewrites `?uploads` to `?uploads=`; the signature and parameters still agree."""
    url = _key_url("http://127.0.0.1:9000", "bkt", "k k", query)
    ours = presign_v4("POST", url, "us-east-1", Credentials(ORACLE_ACCESS, ORACLE_SECRET), FIXED, 60)
    theirs = _botocore_presign("POST", url, None, 60, "us-east-1")
    assert urlsplit(ours).path == urlsplit(theirs).path
    ours_q = sorted(parse_qsl(urlsplit(ours).query, keep_blank_values=True))
    theirs_q = sorted(parse_qsl(urlsplit(theirs).query, keep_blank_values=True))
    assert ours_q == theirs_q
    assert dict(ours_q)["X-Amz-Signature"] == dict(theirs_q)["X-Amz-Signature"]
    assert urlsplit(ours).query.startswith(query + "&X-Amz-Algorithm=")


# --------------------------------------------------------------------------- POST signature

def test_post_presign_is_hmac_of_policy_with_day_key():
    import hmac as _hmac
    date = datetime(2015, 12, 29, 15, 30)
    key = get_signing_key("secret", date, "us-east-1")
    assert post_presign_v4("eyJhIjoxfQ==", "secret", date, "us-east-1") == _hmac.new(
        key, b"eyJhIjoxfQ==", hashlib.sha256).hexdigest()


# --------------------------------------------------------------------------- signing-key cache

def _manual_key(secret, day, region, service="s3"):
    import hmac as _hmac

    def h(key, msg):
        return _hmac.new(key, msg.encode(), hashlib.sha256).digest()
    return h(h(h(h(("AWS4" + secret).encode(), day), region), service), "aws4_request")


def test_signing_key_derivation_and_reuse_per_day_and_region(monkeypatch):
    calls = []
    real = signer._derive_signing_key

    def counting(*args):
        calls.append(args[1:])
        return real(*args)

    monkeypatch.setattr(signer, "_derive_signing_key", counting)
    signer.SIGNING_KEY_CACHE.clear()
    morning, evening = datetime(2024, 1, 2, 0, 0, 1), datetime(2024, 1, 2, 23, 59, 59)
    first = get_signing_key("sek", morning, "us-east-1")
    assert first == _manual_key("sek", "20240102", "us-east-1")
    assert get_signing_key("sek", evening, "us-east-1") == first
    assert len(calls) == 1
    assert get_signing_key("sek", evening + timedelta(seconds=1), "us-east-1") == _manual_key(
        "sek", "20240103", "us-east-1")
    assert get_signing_key("sek", morning, "eu-west-1") != first
    assert get_signing_key("sek", morning, "us-east-1", "sts") != first
    assert get_signing_key("other", morning, "us-east-1") != first
    assert len(calls) == 5
    for _ in range(3):
        sign_v4_s3("GET", "http://h/b/k", "us-east-1", {}, Credentials("a", "sek"), EMPTY_SHA256, morning)
    assert len(calls) == 5


def test_signing_key_cache_is_bounded_and_never_keys_on_the_secret():
    cache = signer._SigningKeyCache(capacity=3)
    for region in ("r1", "r2", "r3", "r4"):
        assert cache.get("topsecret", "20240101", region, "s3") == _manual_key("topsecret", "20240101", region)
    assert len(cache) == 3
    assert all("topsecret" not in repr(key) for key in cache._entries)


def test_concurrent_signing_matches_serial_results():
    creds = Credentials("AK", "SK")
    jobs = [(f"http://127.0.0.1:9000/b/key-{i % 7}", f"r{i % 5}", datetime(2024, 1, 1 + i % 3)) for i in range(200)]
    serial = [sign_v4_s3("GET", u, r, {}, creds, EMPTY_SHA256, d)["Authorization"] for u, r, d in jobs]
    signer.SIGNING_KEY_CACHE.clear()

    def run(job):
        url, region, date = job
        return sign_v4_s3("GET", url, region, {}, creds, EMPTY_SHA256, date)["Authorization"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(run, jobs))
    assert parallel == serial


# --------------------------------------------------------------------------- live server
# A real S3 server that verifies signatures (SeaweedFS with an identity configured).
LIVE_ACCESS, LIVE_SECRET = "AKLIVESIGNER", "live/secret+key="
LIVE_KEYS = ["plain.txt", "ü nicode/ space.txt", "a+b~c=d&e//f", "100% done?.txt", "x/(paren)!*'.bin"]


@pytest.fixture(scope="module")
def live_server():
    seaweedfs = pytest.importorskip("minbrowse.embedded.seaweedfs")
    try:
        with seaweedfs.SeaweedServer.temporary(LIVE_ACCESS, LIVE_SECRET) as server:
            yield server
    except seaweedfs.SeaweedNotFoundError:
        pytest.skip("SeaweedFS binary (weed) not installed: no live server to check signatures against")


def _live_call(server, method, path, query="", body=b"", headers=None, payload=None, secret=LIVE_SECRET):
    import requests

    url = server.url.rstrip("/") + path + (f"?{query}" if query else "")
    signed = sign_v4_s3(method, url, "us-east-1", headers or {}, Credentials(LIVE_ACCESS, secret),
                        payload or hashlib.sha256(body).hexdigest(), datetime.now(timezone.utc))
    return requests.request(method, url, headers=signed, data=body or None, timeout=30)


def test_live_server_accepts_signed_and_presigned_requests(live_server):
    import requests

    assert _live_call(live_server, "PUT", "/sigbucket").status_code == 200
    for key in LIVE_KEYS:
        path = "/sigbucket/" + quote(key, safe="/-_.~")
        put = _live_call(live_server, "PUT", path, body=key.encode(),
                         headers={"Content-Type": "text/plain", "x-amz-meta-note": "a   b"})
        assert put.status_code == 200, put.text
        got = _live_call(live_server, "GET", path, headers={"Range": "bytes=0-2"})
        assert (got.status_code, got.content) == (206, key.encode()[:3])
        assert _live_call(live_server, "PUT", path, body=b"u", payload=UNSIGNED_PAYLOAD).status_code == 200
        url = presign_v4("GET", live_server.url.rstrip("/") + path, "us-east-1",
                         Credentials(LIVE_ACCESS, LIVE_SECRET), datetime.now(timezone.utc), 60)
        assert requests.get(url, timeout=30).content == b"u"
    listing = _live_call(live_server, "GET", "/sigbucket", "delimiter=%2F&prefix=&list-type=2&encoding-type=url")
    assert listing.status_code == 200 and "<ListBucketResult" in listing.text
    uploads = _live_call(live_server, "POST", "/sigbucket/mp.bin", "uploads")
    assert uploads.status_code == 200 and "<UploadId>" in uploads.text
    assert _live_call(live_server, "GET", "/sigbucket/plain.txt", secret="wrong").status_code == 403


def test_live_server_accepts_post_policy_upload(live_server):
    import requests

    from minbrowse.s3.postpolicy import PostPolicy

    assert _live_call(live_server, "PUT", "/postbucket").status_code == 200
    policy = PostPolicy("postbucket", datetime.now(timezone.utc) + timedelta(minutes=5))
    policy.add_starts_with_condition("key", "posted/")
    policy.add_content_length_range_condition(1, 100)
    fields = policy.form_data(Credentials(LIVE_ACCESS, LIVE_SECRET), "us-east-1")
    fields["key"] = "posted/ü file.txt"
    posted = requests.post(live_server.url.rstrip("/") + "/postbucket", data=fields,
                           files={"file": ("f.txt", b"posted body")}, timeout=30)
    assert posted.status_code in (200, 201, 204), posted.text
    got = _live_call(live_server, "GET", "/postbucket/" + quote("posted/ü file.txt", safe="/-_.~"))
    assert got.content == b"posted body"


# --------------------------------------------------------------------------- layering

def test_s3_layer_never_imports_textual_or_rich():
    package = Path(signer.__file__).resolve().parent
    offenders = []
    files = sorted(package.rglob("*.py"))
    assert len(files) >= 3
    for path in files:
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source, filename=str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", ""))
                  in ("import_module", "__import__") and node.args
                  and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                names = [node.args[0].value]
            for name in names:
                if name.split(".")[0] in ("textual", "rich"):
                    offenders.append(f"{path.name}:{node.lineno} imports {name}")
    assert offenders == []

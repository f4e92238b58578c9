"""Secrets never leak: secret keys, session tokens, SSE-C keys and signatures stay out of reprs,
exception texts, RetryError messages and the `trace_on` output of whole sessions."""

from __future__ import annotations

import base64
import hashlib
import io
import re
from datetime import timedelta

import pytest
import requests

from minbrowse.s3 import (Client, Credentials, DeleteObject, RetryError, RetryPolicy, S3Error, SseCustomerKey,
                          StaticProvider)
from servers import create_bucket, purge_bucket  # tests/ is on sys.path (tests/conftest.py)
from tests.fakes.hostile_server import HostileS3Server, Reply, Request, error_xml
from tests.fakes.proxy import FaultProxy

ACCESS = "AKIASECRETSTEST0001"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY-never-printed"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN/never+printed=="
SSEC_RAW = hashlib.sha256(b"minbrowse sse-c test key").digest()
SSEC_B64 = base64.b64encode(SSEC_RAW).decode()
FAST = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02, max_total=2.0)
_SIGNATURE = re.compile(r"Signature=([0-9a-f]{64})")


def _forms(*secrets: str) -> list[str]:
    """Each secret plus its URL-encoded form (how it would appear in a query string)."""
    out = []
    for secret in secrets:
        out += [secret, requests.utils.quote(secret, safe="")]
    return out


def assert_clean(text: str, *secrets: str) -> None:
    for secret in _forms(*secrets):
        assert secret not in text, f"secret {secret[:6]}… leaked into: {text[:400]!r}"


class SignatureRecorder:
    """A requests.Session response hook remembering every Authorization signature sent."""

    def __init__(self, session: requests.Session) -> None:
        self.signatures: list[str] = []
        session.hooks["response"].append(self._hook)

    def _hook(self, response, *args, **kwargs):
        auth = response.request.headers.get("Authorization", "")
        self.signatures += _SIGNATURE.findall(auth)
        return response


# -- reprs ---------------------------------------------------------------------------------
def test_credentials_repr_hides_secret_and_token():
    creds = Credentials(ACCESS, SECRET, TOKEN)
    for text in (repr(creds), str(creds), f"{creds}", repr([creds])):
        assert_clean(text, SECRET, TOKEN)
    assert ACCESS in repr(creds)  # the access key identifies; it is not a secret
    assert_clean(repr(StaticProvider(ACCESS, SECRET, TOKEN)), SECRET, TOKEN)


def test_sse_customer_key_repr_hides_the_key():
    key = SseCustomerKey(SSEC_RAW)
    for text in (repr(key), str(key), f"{key}"):
        assert_clean(text, SSEC_B64, SSEC_RAW.hex(), repr(SSEC_RAW))
    assert key.headers()["X-Amz-Server-Side-Encryption-Customer-Key"] == SSEC_B64  # real key


def test_client_repr_hides_secrets():
    client = Client("127.0.0.1:9", ACCESS, SECRET, session_token=TOKEN, secure=False)
    for text in (repr(client), str(client), repr(client.credentials_provider)):
        assert_clean(text, SECRET, TOKEN)


# -- exception texts -----------------------------------------------------------------------
def _aws_style_signature_error(req: Request) -> Reply:
    """What AWS answers to a bad signature: it echoes the canonical request it computed."""
    canonical = "\n".join([req.method, req.path, "",
                           *(f"{k}:{v}" for k, v in sorted(req.headers.items())
                             if k.startswith("x-amz-") or k == "host")])
    return Reply(403, error_xml("SignatureDoesNotMatch",
                                "The request signature we calculated does not match",
                                AWSAccessKeyId=ACCESS, StringToSign="AWS4-HMAC-SHA256 ...",
                                SignatureProvided=_SIGNATURE.findall(req.authorization)[0],
                                CanonicalRequest=canonical))


def test_s3_error_from_a_failed_request_carries_no_secrets():
    with HostileS3Server(_aws_style_signature_error) as fake:
        client = Client(fake.endpoint, ACCESS, SECRET, session_token=TOKEN, secure=False,
                        region="us-east-1", retry=FAST)
        with pytest.raises(S3Error) as info:
            client.list_buckets()
    sent = fake.requests[0]
    assert sent.headers["x-amz-security-token"] == TOKEN  # the token really was sent
    signature = _SIGNATURE.findall(sent.authorization)[0]
    assert info.value.code == "SignatureDoesNotMatch"
    for text in (str(info.value), repr(info.value), repr(info.value.args)):
        assert_clean(text, SECRET, TOKEN, signature)


def test_s3_error_from_a_real_server_with_a_wrong_secret(seaweed):
    client = Client(seaweed.endpoint, seaweed.access_key, SECRET, session_token=TOKEN,
                    secure=False, region="us-east-1", retry=FAST)
    with pytest.raises(S3Error) as info:
        client.list_buckets()
    assert info.value.code in ("SignatureDoesNotMatch", "InvalidAccessKeyId")
    for text in (str(info.value), repr(info.value)):
        assert_clean(text, SECRET, TOKEN, seaweed.secret_key)


def test_retry_error_carries_no_secrets(seaweed):
    with FaultProxy.for_endpoint(seaweed.endpoint) as proxy:
        proxy.add_rule("reset", times=None)
        client = Client(proxy.endpoint, ACCESS, SECRET, session_token=TOKEN, secure=False,
                        region="us-east-1", retry=FAST)
        with pytest.raises(RetryError) as info:
            client.put_object("some-bucket", "k", io.BytesIO(b"data"), 4)
    assert proxy.count("PUT", action="reset") == FAST.max_attempts
    for text in (str(info.value), repr(info.value), str(info.value.last_cause),
                 repr(info.value.last_cause)):
        assert_clean(text, SECRET, TOKEN)
    assert "last cause" in str(info.value)


# -- traces of whole sessions --------------------------------------------------------------
def _session(client: Client, bucket: str, ssec: SseCustomerKey | None = None) -> list[str]:
    """put / stat / get / list / presign (used outside the client) / remove; returns URLs."""
    data = b"secret-free payload " * 100
    client.put_object(bucket, "dir/obj.txt", io.BytesIO(data), len(data), sse=ssec)
    client.stat_object(bucket, "dir/obj.txt", ssec=ssec)
    response = client.get_object(bucket, "dir/obj.txt", ssec=ssec)
    try:
        assert response.read() == data
    finally:
        response.close()
    assert [o.object_name for o in client.list_objects(bucket, recursive=True)] == ["dir/obj.txt"]
    urls = [client.presigned_get_object(bucket, "dir/obj.txt", timedelta(minutes=5)),
            client.presigned_put_object(bucket, "dir/other.txt", timedelta(minutes=5))]
    client.remove_object(bucket, "dir/obj.txt")
    return urls


def _url_signatures(urls: list[str]) -> list[str]:
    sigs = [re.search(r"X-Amz-Signature=([0-9a-f]{64})", u).group(1) for u in urls]
    assert len(sigs) == len(urls)
    return sigs


def test_trace_of_a_full_session_redacts_every_secret(seaweed):
    bucket = seaweed.unique_bucket("trace")
    create_bucket(seaweed, bucket)
    session = requests.Session()
    recorder = SignatureRecorder(session)
    client = seaweed.client(http_client=session)
    trace = io.StringIO()
    client.trace_on(trace)
    try:
        urls = _session(client, bucket)
        assert requests.get(urls[0], timeout=5).status_code == 404  # removed: URL still valid
    finally:
        client.trace_off()
        purge_bucket(seaweed, bucket)
    out = trace.getvalue()
    assert out.count("START-HTTP") >= 5 and "Credential=REDACTED" in out
    assert len(recorder.signatures) >= 5
    assert_clean(out, seaweed.secret_key, seaweed.access_key, *recorder.signatures,
                 *_url_signatures(urls))


def test_trace_with_session_token_redacts_it_even_when_the_server_echoes_it():
    stored: dict[str, bytes] = {}

    def script(req: Request) -> Reply:
        if req.method == "PUT":
            stored[req.path] = req.body
            return Reply(200, headers={"ETag": f'"{hashlib.md5(req.body).hexdigest()}"'})
        if req.method == "POST":
            return _aws_style_signature_error(req)
        return Reply(200, stored.get(req.path, b""))

    session = requests.Session()
    recorder = SignatureRecorder(session)
    with HostileS3Server(script) as fake:
        client = Client(fake.endpoint, ACCESS, SECRET, session_token=TOKEN, secure=False,
                        region="us-east-1", retry=FAST, http_client=session)
        trace = io.StringIO()
        client.trace_on(trace)
        client.put_object("bucket", "k", io.BytesIO(b"abc"), 3)
        assert client.get_object("bucket", "k").read() == b"abc"
        url = client.presigned_get_object("bucket", "k", timedelta(minutes=1))
        with pytest.raises(S3Error):  # the server echoes our canonical request, token included
            list(client.remove_objects("bucket", [DeleteObject("k")]))
    out = trace.getvalue()
    assert all(r.headers.get("x-amz-security-token") == TOKEN for r in fake.requests)
    assert "x-amz-security-token: redacted" in out.lower() and "<CanonicalRequest>" in out
    assert_clean(out, SECRET, TOKEN, ACCESS, *recorder.signatures, *_url_signatures([url]))


def test_trace_with_sse_c_redacts_the_key(seaweed_tls, monkeypatch):
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):  # they override session.verify
        monkeypatch.delenv(name, raising=False)
    bucket = seaweed_tls.unique_bucket("ssec")
    create_bucket(seaweed_tls, bucket)
    session = requests.Session()
    session.verify = seaweed_tls.ca_file
    recorder = SignatureRecorder(session)
    client = seaweed_tls.client(http_client=session)
    trace = io.StringIO()
    client.trace_on(trace)
    try:
        urls = _session(client, bucket, ssec=SseCustomerKey(SSEC_RAW))
    finally:
        client.trace_off()
        purge_bucket(seaweed_tls, bucket)
    out = trace.getvalue()
    assert "x-amz-server-side-encryption-customer-key: redacted" in out.lower()
    assert_clean(out, SSEC_B64, seaweed_tls.secret_key, seaweed_tls.access_key,
                 *recorder.signatures, *_url_signatures(urls))

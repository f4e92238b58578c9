"""HTTP tracing for `Client.trace_on(stream)`, with every secret redacted."""

from __future__ import annotations

import re
import threading
from typing import Mapping, TextIO

_SECRET_HEADERS = {
    "authorization",
    "x-amz-security-token",
    "x-amz-server-side-encryption-customer-key",
    "x-amz-copy-source-server-side-encryption-customer-key",
    "x-amz-server-side-encryption-customer-key-md5",
    "x-amz-copy-source-server-side-encryption-customer-key-md5",
}
_SECRET_QUERY = re.compile(
    r"((?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|x-amz-signature|"
    r"x-amz-credential|x-amz-security-token|Signature|AWSAccessKeyId)=)[^&\s]*",
)
_CRED_IN_AUTH = re.compile(r"(Credential=)[^/,\s]+")
# Error bodies (AWS SignatureDoesNotMatch) echo the canonical request: signed header values,
# session token and SSE-C key included. Unclosed elements (a cut body) are redacted too.
_SECRET_ELEMENTS = re.compile(
    r"(<(CanonicalRequest|CanonicalRequestBytes|StringToSign|StringToSignBytes|"
    r"SignatureProvided|AWSAccessKeyId)>).*?(</\2>|$)", re.S)
_SIG_IN_AUTH = re.compile(r"(Signature=)[0-9a-fA-F]+")


def redact_url(url: str) -> str:
    return _SECRET_QUERY.sub(r"\1REDACTED", url)


def redact_body(text: str) -> str:
    return _SECRET_ELEMENTS.sub(lambda m: f"{m.group(1)}REDACTED{m.group(3)}", text)


def redact_header(name: str, value: str) -> str:
    lname = name.lower()
    if lname == "authorization":
        value = _CRED_IN_AUTH.sub(r"\1REDACTED", value)
        return _SIG_IN_AUTH.sub(r"\1REDACTED", value)
    if lname in _SECRET_HEADERS:
        return "REDACTED"
    return value


class Tracer:
    """Writes redacted request/response summaries to a text stream; thread-safe."""

    def __init__(self, stream: TextIO):
        self._stream = stream
        self._lock = threading.Lock()

    def _headers(self, headers: Mapping[str, str]) -> str:
        return "".join(f"{k}: {redact_header(k, str(v))}\n" for k, v in headers.items())

    def request(self, method: str, url: str, headers: Mapping[str, str]) -> None:
        text = f"---------START-HTTP---------\n{method} {redact_url(url)}\n{self._headers(headers)}"
        self._write(text)

    def response(self, status: int, headers: Mapping[str, str], body: bytes | None = None) -> None:
        text = f"HTTP {status}\n{self._headers(headers)}"
        if body:
            text += redact_body(body[:64 * 1024].decode("utf-8", "replace"))[:4096] + "\n"
        self._write(text + "---------END-HTTP---------\n")

    def _write(self, text: str) -> None:
        with self._lock:
            try:
                self._stream.write(text)
                self._stream.flush()
            except (OSError, ValueError):
                pass

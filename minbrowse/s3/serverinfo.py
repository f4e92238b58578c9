"""Which S3 server answered: its kind named from a reply's headers and body (pure, no network).

Servers sign their replies differently: a `Server` header (MinIO, AmazonS3, SeaweedFS,
Garage, RustFS, Ceph, Werkzeug for moto, cloudflare for R2), request ids in their own formats
(Ceph RGW's `tx…-…-<zone>`, AWS's `x-amz-id-2`), headers only one of them sends. `identify`
weighs what one reply shows and says why; anything it cannot place is "unknown", never an
error. `ServerHello` is the reply the client's `server_hello()` read (one signed ListBuckets).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

KINDS = ("aws", "minio", "ceph-rgw", "seaweedfs", "garage", "rustfs", "r2", "moto", "unknown")

_RGW_REQUEST_ID = re.compile(r"^tx[0-9a-f]{9,}-[0-9a-f]{6,}-[0-9a-f]+-[\w.-]+$")
_MINIO_REQUEST_ID = re.compile(r"^[0-9A-F]{16}$")
# Server header words, in the order they are tried (lower-case substrings)
_SERVER_WORDS = (
    ("minio", "minio"), ("amazons3", "aws"), ("seaweedfs", "seaweedfs"), ("garage", "garage"),
    ("rustfs", "rustfs"), ("ceph", "ceph-rgw"), ("cloudflare", "r2"), ("werkzeug", "moto"),
)


@dataclass(frozen=True)
class ServerHello:
    """What one reply of the server showed: status, headers (lower-case names), an error
    code if it was an error, and the first bytes of its body."""

    status: int
    headers: tuple[tuple[str, str], ...]
    error_code: str = ""
    body_start: bytes = b""

    def header(self, name: str) -> str:
        wanted = name.lower()
        return next((value for key, value in self.headers if key == wanted), "")


@dataclass(frozen=True)
class ServerKind:
    """The server's kind (one of KINDS) and the evidence it was named from."""

    kind: str
    evidence: str


def hello_from(status: int, headers: Mapping[str, str], error_code: str = "",
               body: bytes = b"") -> ServerHello:
    return ServerHello(status, tuple((str(k).lower(), str(v)) for k, v in headers.items()),
                       error_code, bytes(body[:512]))


def identify(hello: ServerHello) -> ServerKind:
    """Name the server from one reply; "unknown" (with what was seen) when nothing fits."""
    server = hello.header("server")
    lowered = server.lower()
    request_id = hello.header("x-amz-request-id")
    if _RGW_REQUEST_ID.match(request_id):
        return ServerKind("ceph-rgw", f"request id {request_id[:24]}… (RGW's tx…-zone form)")
    for word, kind in _SERVER_WORDS:
        if word in lowered:
            if kind == "moto" and not _looks_like_moto(hello):
                continue
            return ServerKind(kind, f"Server: {server[:60]}")
    if hello.header("x-minio-deployment-id") or hello.header("x-minio-error-code"):
        return ServerKind("minio", "x-minio-* headers")
    if hello.header("x-amz-id-2") and request_id and not server:
        return ServerKind("aws", "x-amz-id-2 without a Server header")
    if hello.header("cf-ray"):
        return ServerKind("r2", "cf-ray header (Cloudflare)")
    seen = f"Server: {server[:40]}" if server else "no Server header"
    return ServerKind("unknown", f"{seen}; status {hello.status}")


def _looks_like_moto(hello: ServerHello) -> bool:
    """Werkzeug serves many things; moto's S3 replies carry its request-id header too."""
    return bool(hello.header("x-amzn-requestid") or hello.header("x-amz-request-id")
                or b"ListAllMyBucketsResult" in hello.body_start
                or b"<Error>" in hello.body_start)

"""Pure AWS Signature Version 4 for S3: header signing, query presigning, POST-policy signature.

Nothing here reads a clock, the environment or the network: the caller passes the
request date and the `Credentials`. Naive datetimes are taken as UTC.

Canonicalisation follows the S3 rules (no path normalisation, no double encoding).
The URL handed in is expected to be percent-encoded already (path with
``quote(key, safe="/-_.~")``, query keys/values with ``quote(v, safe="-_.~")``);
for robustness the canonical forms are re-derived by decoding and re-encoding each
component, which is the identity on correctly encoded input and matches what S3
servers compute when a client (or `requests`) sent a slightly different spelling
(``%7E`` vs ``~``, lowercase hex, a raw ``/`` in a query value).
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections import OrderedDict
from datetime import datetime, timezone
from typing import Mapping
from urllib.parse import SplitResult, quote, unquote_to_bytes, urlsplit, urlunsplit

from .credentials import Credentials

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
MAX_PRESIGN_EXPIRES = 7 * 24 * 3600  # 604800 seconds, the SigV4 maximum

# Headers that proxies or the HTTP stack may add, drop or rewrite: never signed
# (the same exclusion list botocore uses, plus Authorization itself).
_UNSIGNABLE_HEADERS = frozenset({
    "authorization", "baggage", "connection", "expect", "keep-alive",
    "proxy-authenticate", "proxy-authorization", "te", "traceparent",
    "tracestate", "trailer", "transfer-encoding", "upgrade", "user-agent",
    "x-amzn-trace-id",
})
# Headers this module sets itself; any caller-supplied spelling is replaced.
_MANAGED_HEADERS = frozenset({"authorization", "x-amz-date", "x-amz-content-sha256"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


# ---------------------------------------------------------------- dates and scope

def to_utc(date: datetime) -> datetime:
    """Return `date` as an aware UTC datetime (naive input is taken as UTC)."""
    if date.tzinfo is None:
        return date.replace(tzinfo=timezone.utc)
    return date.astimezone(timezone.utc)


def amz_date(date: datetime) -> str:
    """``YYYYMMDDTHHMMSSZ`` form used by X-Amz-Date."""
    return to_utc(date).strftime("%Y%m%dT%H%M%SZ")


def scope_date(date: datetime) -> str:
    """``YYYYMMDD`` form used in the credential scope."""
    return to_utc(date).strftime("%Y%m%d")


def credential_scope(date: datetime, region: str, service: str = "s3") -> str:
    """``YYYYMMDD/region/service/aws4_request``."""
    return f"{scope_date(date)}/{region}/{service}/aws4_request"


def credential_string(access_key: str, date: datetime, region: str) -> str:
    """``ACCESS/scope`` as used in X-Amz-Credential and POST forms."""
    return f"{access_key}/{credential_scope(date, region)}"


# ---------------------------------------------------------------- signing key cache

class _SigningKeyCache:
    """Small thread-safe LRU of derived signing keys (one per secret, day, region, service)."""

    def __init__(self, capacity: int = 64):
        self._capacity = capacity
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[bytes, str, str, str], bytes] = OrderedDict()

    def get(self, secret_key: str, day: str, region: str, service: str) -> bytes:
        # The secret itself is never a cache key: only its digest is kept.
        secret_id = hashlib.sha256(secret_key.encode("utf-8")).digest()
        key = (secret_id, day, region, service)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        derived = _derive_signing_key(secret_key, day, region, service)
        with self._lock:
            self._entries[key] = derived
            self._entries.move_to_end(key)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)
        return derived

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def _derive_signing_key(secret_key: str, day: str, region: str, service: str) -> bytes:
    date_key = _hmac(("AWS4" + secret_key).encode("utf-8"), day)
    region_key = _hmac(date_key, region)
    service_key = _hmac(region_key, service)
    return _hmac(service_key, "aws4_request")


SIGNING_KEY_CACHE = _SigningKeyCache()


def get_signing_key(secret_key: str, date: datetime, region: str, service: str = "s3") -> bytes:
    """Derived SigV4 signing key for the UTC day of `date` (cached per day and region)."""
    return SIGNING_KEY_CACHE.get(secret_key, scope_date(date), region, service)


def _signature(secret_key: str, day: str, region: str, string_to_sign: str,
               service: str = "s3") -> str:
    """Hex HMAC of `string_to_sign` with the signing key of `day` (``YYYYMMDD``)."""
    key = SIGNING_KEY_CACHE.get(secret_key, day, region, service)
    return hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


# ---------------------------------------------------------------- canonical forms

def _reencode(component: str, safe: str) -> str:
    """Decode percent-escapes to bytes and encode again with the AWS unreserved set."""
    return quote(unquote_to_bytes(component), safe=safe)


def canonical_uri(path: str) -> str:
    """S3 canonical URI: the encoded path as is (never normalised), ``/`` when empty."""
    return _reencode(path, "/-_.~") if path else "/"


def canonical_query(query: str) -> str:
    """Sorted ``k=v`` pairs; a valueless parameter becomes ``k=``."""
    pairs = []
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        pairs.append((_reencode(name, "-_.~"), _reencode(value, "-_.~")))
    pairs.sort()
    return "&".join(f"{name}={value}" for name, value in pairs)


def host_header(url: str) -> str:
    """Host header value for `url`: lowercase, no userinfo, default port dropped."""
    return _host_of(urlsplit(url))


def _host_of(parts: SplitResult) -> str:
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    return host


def _trim(value: object) -> str:
    return " ".join(str(value).split())


def _canonical_headers(headers: Mapping[str, str]) -> tuple[str, str]:
    merged: dict[str, list[str]] = {}
    for name, value in headers.items():
        lname = name.strip().lower()
        if lname in _UNSIGNABLE_HEADERS:
            continue
        merged.setdefault(lname, []).append(_trim(value))
    names = sorted(merged)
    canonical = "".join(f"{name}:{','.join(merged[name])}\n" for name in names)
    return canonical, ";".join(names)


def _string_to_sign(stamp: str, scope: str, canonical_request: str) -> str:
    """`stamp` is the request's X-Amz-Date (``YYYYMMDDTHHMMSSZ``)."""
    digest = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{stamp}\n{scope}\n{digest}"


# ---------------------------------------------------------------- public signers

def sign_v4_s3(method: str, url: str, region: str, headers: Mapping[str, str],
               credentials: Credentials, content_sha256: str, date: datetime) -> dict[str, str]:
    """Sign an S3 request; return a new header dict with Host, x-amz-*, Authorization added.

    Every given header is signed except hop-by-hop ones, User-Agent and Expect.
    `content_sha256` is the hex SHA-256 of the body, `EMPTY_SHA256` or `UNSIGNED_PAYLOAD`.
    """
    if not content_sha256:
        raise ValueError("content_sha256 must be a payload hash or UNSIGNED-PAYLOAD")
    parts = urlsplit(url)
    signed: dict[str, str] = {}
    has_host = False
    for name, value in headers.items():
        lname = name.lower()
        if lname in _MANAGED_HEADERS:
            continue
        if lname == "x-amz-security-token" and credentials.session_token:
            continue
        has_host = has_host or lname == "host"
        signed[name] = value
    if not has_host:
        signed["Host"] = _host_of(parts)
    utc = to_utc(date)  # formatted once: the date, scope and string to sign share it
    stamp = utc.strftime("%Y%m%dT%H%M%SZ")
    day = stamp[:8]
    signed["x-amz-date"] = stamp
    signed["x-amz-content-sha256"] = content_sha256
    if credentials.session_token:
        signed["x-amz-security-token"] = credentials.session_token

    canonical_headers, signed_headers = _canonical_headers(signed)
    canonical_request = "\n".join([
        method.upper(),
        canonical_uri(parts.path),
        canonical_query(parts.query),
        canonical_headers,
        signed_headers,
        content_sha256,
    ])
    scope = f"{day}/{region}/s3/aws4_request"
    signature = _signature(credentials.secret_key, day, region,
                           _string_to_sign(stamp, scope, canonical_request))
    signed["Authorization"] = (
        f"{ALGORITHM} Credential={credentials.access_key}/{scope}, "
        f"SignedHeaders={signed_headers}, Signature={signature}"
    )
    return signed


def presign_v4(method: str, url: str, region: str, credentials: Credentials,
               date: datetime, expires: int) -> str:
    """Return `url` with SigV4 query authentication (only the host header is signed)."""
    if isinstance(expires, bool) or not isinstance(expires, int):
        raise ValueError("expires must be an integer number of seconds")
    if not 1 <= expires <= MAX_PRESIGN_EXPIRES:
        raise ValueError(f"expires must be between 1 and {MAX_PRESIGN_EXPIRES} seconds")
    parts = urlsplit(url)
    scope = credential_scope(date, region)
    auth_params = [
        ("X-Amz-Algorithm", ALGORITHM),
        ("X-Amz-Credential", f"{credentials.access_key}/{scope}"),
        ("X-Amz-Date", amz_date(date)),
        ("X-Amz-Expires", str(expires)),
        ("X-Amz-SignedHeaders", "host"),
    ]
    if credentials.session_token:
        auth_params.append(("X-Amz-Security-Token", credentials.session_token))
    auth_query = "&".join(f"{name}={quote(value, safe='-_.~')}" for name, value in auth_params)
    query = f"{parts.query}&{auth_query}" if parts.query else auth_query

    canonical_request = "\n".join([
        method.upper(),
        canonical_uri(parts.path),
        canonical_query(query),
        f"host:{host_header(url)}\n",
        "host",
        UNSIGNED_PAYLOAD,
    ])
    signature = _signature(credentials.secret_key, scope_date(date), region,
                           _string_to_sign(amz_date(date), scope, canonical_request))
    query += f"&X-Amz-Signature={signature}"
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def post_presign_v4(string_to_sign: str, secret_key: str, date: datetime, region: str) -> str:
    """Hex signature of a POST policy (`string_to_sign` is the base64 policy document)."""
    return _signature(secret_key, scope_date(date), region, string_to_sign)

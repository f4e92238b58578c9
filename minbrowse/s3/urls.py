"""Endpoint parsing, bucket/object name validation, AWS URI encoding and URL building."""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence
from urllib.parse import quote

from .errors import S3ClientError

_AWS_HOST = re.compile(
    r"^(?P<pre>s3|s3-accelerate|s3-fips|s3\.dualstack|s3-fips\.dualstack)"
    r"(?:[.-](?P<region>[a-z0-9-]+))?\.amazonaws\.com(?:\.cn)?$"
)
_BUCKET_STRICT = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")
_BUCKET_LENIENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-_:]{1,61}[A-Za-z0-9]$")

Query = Sequence[tuple[str, str]]


def aws_quote(value: str, safe: str = "-_.~") -> str:
    """Percent-encode with AWS SigV4 rules (RFC 3986 unreserved kept; UTF-8)."""
    return quote(value, safe=safe)


def quote_path(path: str) -> str:
    return quote(path, safe="/-_.~")


def encode_query(query: Query | Mapping[str, str] | None) -> str:
    """Encode query pairs in the given order; a value of None gives a valueless 'key='."""
    if not query:
        return ""
    items: Iterable = query.items() if isinstance(query, Mapping) else query
    parts = []
    for key, value in items:
        if isinstance(value, (list, tuple)):
            for v in value:
                parts.append(f"{aws_quote(str(key))}={aws_quote(str(v))}")
        else:
            parts.append(f"{aws_quote(str(key))}={aws_quote('' if value is None else str(value))}")
    return "&".join(parts)


def check_bucket_name(name: str, strict: bool = False) -> None:
    """Validate a bucket name: strict S3 rules for new buckets, lenient for existing ones."""
    if not isinstance(name, str) or not name:
        raise S3ClientError("bucket name cannot be empty")
    _check_bucket_name(name, strict)


@functools.lru_cache(maxsize=256)  # names that passed; a bad name raises and is not cached
def _check_bucket_name(name: str, strict: bool) -> None:
    if len(name) < 3 or len(name) > 63:
        raise S3ClientError(f"bucket name {name!r} must be 3 to 63 characters long")
    pattern = _BUCKET_STRICT if strict else _BUCKET_LENIENT
    if not pattern.match(name):
        raise S3ClientError(
            f"bucket name {name!r} is invalid: use lowercase letters, digits, '.' and '-', "
            "starting and ending with a letter or digit"
        )
    if ".." in name or ".-" in name or "-." in name:
        raise S3ClientError(f"bucket name {name!r} has '..', '.-' or '-.'")
    try:
        ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        raise S3ClientError(f"bucket name {name!r} must not be an IP address")
    if strict and (name.startswith("xn--") or name.endswith("-s3alias")):
        raise S3ClientError(f"bucket name {name!r} uses a reserved prefix or suffix")


def check_object_name(name: str) -> None:
    if not isinstance(name, str) or not name:
        raise S3ClientError("object name cannot be empty")
    if len(name.encode("utf-8")) > 1024:
        raise S3ClientError("object name is over 1024 bytes of UTF-8")


@dataclass(frozen=True)
class BaseURL:
    """The configured endpoint: scheme, host, port, and whether it is AWS."""

    host: str  # hostname without port
    port: int | None
    secure: bool
    aws_region: str | None = None  # region embedded in an AWS hostname
    is_aws: bool = False
    accelerate: bool = False
    dualstack: bool = False

    @classmethod
    def parse(cls, endpoint: str, secure: bool = True) -> "BaseURL":
        if not isinstance(endpoint, str) or not endpoint.strip():
            raise ValueError("endpoint must be a non-empty host[:port]")
        ep = endpoint.strip()
        if "://" in ep:
            scheme, ep = ep.split("://", 1)
            if scheme not in ("http", "https"):
                raise ValueError(f"endpoint scheme {scheme!r} is not http or https")
            secure = scheme == "https"
            ep = ep.rstrip("/")
        if "/" in ep or "?" in ep or "#" in ep:
            raise ValueError("endpoint must be host[:port], without a path")
        host, port = ep, None
        if ep.startswith("["):  # IPv6 literal
            end = ep.find("]")
            if end < 0:
                raise ValueError("invalid IPv6 endpoint")
            host, rest = ep[1:end], ep[end + 1:]
            if rest:
                if not rest.startswith(":"):
                    raise ValueError("invalid endpoint")
                port = _port(rest[1:])
        elif ep.count(":") == 1:
            host, p = ep.split(":")
            port = _port(p)
        if not host:
            raise ValueError("endpoint host is empty")
        if (secure and port == 443) or (not secure and port == 80):
            port = None
        m = _AWS_HOST.match(host.lower())
        if m:
            pre = m.group("pre")
            region = m.group("region")
            if region in ("external-1",):
                region = "us-east-1"
            return cls(host.lower(), port, secure, region, True,
                       "accelerate" in pre, "dualstack" in pre)
        return cls(host, port, secure)

    @property
    def scheme(self) -> str:
        return "https" if self.secure else "http"

    @property
    def is_loopback(self) -> bool:
        """The server runs on this machine (localhost, 127.0.0.0/8, ::1): no DNS lookup."""
        if self.host.lower() == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def netloc(self, host: str | None = None) -> str:
        h = host or self.host
        if ":" in h:
            h = f"[{h}]"
        return f"{h}:{self.port}" if self.port else h

    def host_for_region(self, region: str) -> str:
        """Host to use for `region`; differs from the configured one only for AWS."""
        if not self.is_aws or self.accelerate:
            return self.host
        dual = "dualstack." if self.dualstack else ""
        suffix = ".amazonaws.com.cn" if region.startswith("cn-") else ".amazonaws.com"
        return f"s3.{dual}{region}{suffix}"

    def build(self, region: str | None, bucket: str | None = None, key: str | None = None,
              query: Query | Mapping[str, str] | None = None) -> str:
        """Full URL with path and query percent-encoded by AWS rules."""
        host = self.host_for_region(region) if (region and self.is_aws) else self.host
        path = "/"
        if bucket:
            virtual = self.is_aws and not (self.secure and "." in bucket)
            if virtual:
                host = f"{bucket}.{host}"
                path = "/" + (quote_path(key) if key else "")
            else:
                path = f"/{bucket}" + (("/" + quote_path(key)) if key else "")
        url = f"{self.scheme}://{self.netloc(host)}{path}"
        q = encode_query(query)
        return f"{url}?{q}" if q else url


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise ValueError(f"invalid port {text!r}") from None
    if not 0 < port < 65536:
        raise ValueError(f"port {port} out of range")
    return port

"""The `Client` class: construction, shared request helpers, and tracing; operations come from ops_* mixins.

Threading model: a Client is safe to share between threads (not processes). It owns one
`Transport` (one pooled `requests.Session`, sized by `max_pool_connections`, cookies refused);
every operation keeps its state on the stack; caches (regions, signing keys, credentials) lock.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Mapping, TextIO

import requests

from .credentials import Provider, StaticProvider
from .hashing import md5_base64
from .ops_bucket import BucketOps
from .ops_config import ConfigOps
from .ops_copy import CopyOps
from .ops_governance import GovernanceOps
from .ops_object import ObjectOps
from .ops_presign import PresignOps
from .ops_upload import UploadOps
from .trace import Tracer
from .transport import RetryPolicy, Timeouts, Transport
from .urls import BaseURL, Query
from .xmlutil import marshal, parse_xml

MiB = 1024 * 1024
GiB = 1024 * MiB


class Client(BucketOps, ObjectOps, UploadOps, CopyOps, PresignOps, ConfigOps, GovernanceOps):
    """S3 client with the MinIO Python client's API (see the seed reference).

    Extensions (keyword-only): `cert_check`, `ca_bundle`, `max_pool_connections`,
    `connect_timeout`, `read_timeout`, `retry`, `multipart_threshold`, `part_size`,
    `copy_threshold`, `min_part_size`, `clock`.
    """

    def __init__(self, endpoint: str, access_key: str | None = None,
                 secret_key: str | None = None, session_token: str | None = None,
                 secure: bool = True, region: str | None = None,
                 http_client: requests.Session | None = None,
                 credentials: Provider | None = None, *, cert_check: bool = True,
                 ca_bundle: str | None = None, max_pool_connections: int = 16,
                 connect_timeout: float = 10.0, read_timeout: float = 120.0,
                 retry: RetryPolicy | None = None, multipart_threshold: int = 16 * MiB,
                 part_size: int = 16 * MiB, copy_threshold: int = 5 * GiB,
                 min_part_size: int = 5 * MiB, clock: Callable[[], datetime] | None = None):
        if http_client is not None and not isinstance(http_client, requests.Session):
            raise TypeError("http_client must be a requests.Session "
                            "(configure proxies, retries and TLS on the session)")
        if (access_key is None) != (secret_key is None):
            raise ValueError("access_key and secret_key must be given together")
        base_url = BaseURL.parse(endpoint, secure)
        if credentials is None and access_key is not None:
            credentials = StaticProvider(access_key, secret_key, session_token)
        if min_part_size <= 0 or part_size < min_part_size:
            raise ValueError("part_size must be >= min_part_size > 0")
        kwargs: dict[str, Any] = {}
        if clock is not None:
            kwargs["clock"] = clock
        self._transport = Transport(
            base_url, credentials, region or None, http_client,
            pool_size=max_pool_connections,
            timeouts=Timeouts(connect_timeout, read_timeout),
            retry=retry or RetryPolicy(), cert_check=cert_check, ca_bundle=ca_bundle, **kwargs)
        self._base_url = base_url
        self._provider = credentials
        self.multipart_threshold = multipart_threshold
        self.part_size = part_size
        self.copy_threshold = copy_threshold
        self.min_part_size = min_part_size
        self.max_pool_connections = max_pool_connections

    def __repr__(self) -> str:
        return (f"Client(endpoint={self._base_url.netloc()!r}, secure={self._base_url.secure}, "
                f"region={self._transport.region!r})")

    # -- public extras -------------------------------------------------------------------
    @property
    def endpoint(self) -> str:
        return self._base_url.netloc()

    @property
    def secure(self) -> bool:
        return self._base_url.secure

    @property
    def credentials_provider(self) -> Provider | None:
        return self._provider

    def ensure_pool_size(self, size: int) -> None:
        """Raise the connection pool to at least `size` per host (for `size` requests at once)."""
        self._transport.ensure_pool_size(size)
        self.max_pool_connections = max(self.max_pool_connections, size)

    def add_throttle_listener(self, listener: Callable[[str], object]) -> Callable[[], None]:
        """`listener(code)` is called on every slow-down reply (503, SlowDown, Throttling…)
        from any thread, before that request backs off; returns a function that removes it."""
        return self._transport.add_throttle_listener(listener)

    def trace_on(self, stream: TextIO) -> None:
        """Write a redacted HTTP trace of every request to `stream`."""
        if stream is None:
            raise ValueError("trace stream must not be None")
        self._transport.tracer = Tracer(stream)

    def trace_off(self) -> None:
        self._transport.tracer = None

    def bucket_url(self, bucket_name: str) -> str:
        """URL of a bucket (the POST-policy form target)."""
        return self._base_url.build(self._transport.region_for(bucket_name), bucket_name)

    def close(self) -> None:
        self._transport.session.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- helpers for the ops mixins -------------------------------------------------------
    def _request(self, method: str, bucket: str | None = None, key: str | None = None, *,
                 query: Query | Mapping[str, str] | None = None,
                 headers: Mapping[str, str] | None = None, body: bytes | None = None,
                 **kw) -> requests.Response:
        return self._transport.request(method, bucket, key, query=query, headers=headers,
                                       body=body, **kw)

    def _get_xml(self, bucket: str, query: Query, key: str | None = None):
        resp = self._request("GET", bucket, key, query=query)
        return parse_xml(resp.content)

    def _put_document(self, bucket: str, query: Query, document: Any, key: str | None = None,
                      headers: Mapping[str, str] | None = None) -> requests.Response:
        body = marshal(document)
        hdrs = {"Content-Type": "application/xml", "Content-MD5": md5_base64(body)}
        if headers:
            hdrs.update(headers)
        return self._request("PUT", bucket, key, query=query, headers=hdrs, body=body)

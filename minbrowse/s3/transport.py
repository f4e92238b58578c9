"""HTTP execution for the client: pooled session, signing, retries, region discovery, redirects, errors.

Threading model: one Transport (and its requests.Session) is shared by every thread of a Client.
The session's adapter pool is sized to the configured concurrency; cookies are refused; all
per-request state lives on the stack. The region cache is guarded by a lock.
With our own session and no proxy ("direct"), requests bypass `requests`: object streams go
through the adapter's urllib3 pool (`_urlopen`), every other request through `http11.exchange`
on that pool's connections (`_exchange`). A caller's session gets `session.request`.
"""

from __future__ import annotations

import email.utils
import hashlib
import os
import platform
import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from http.cookiejar import DefaultCookiePolicy
from typing import Callable, Mapping

import requests
import urllib3
from requests.adapters import HTTPAdapter

from .. import __version__
from . import http11
from .cancel import CancelToken
from .credentials import Credentials, Provider
from .replybody import read_capped
from .errors import InvalidResponseError, RetryError, S3Error, ServerError, TransportError
from .signer import EMPTY_SHA256, UNSIGNED_PAYLOAD, sign_v4_s3
from .trace import Tracer
from .urls import BaseURL, Query
from .xmlutil import find, findtext, parse_xml

USER_AGENT = (f"minbrowse/{__version__} ({platform.system()}; {platform.machine()}) "
              f"python/{platform.python_version()}")
MAX_ERROR_BODY = 64 * 1024
MAX_XML_RESPONSE = 16 * 1024 * 1024
RETRYABLE_STATUS = frozenset({500, 502, 503, 504})
RETRYABLE_CODES = frozenset({
    "SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "Throttling",
    "ThrottlingException", "RequestThrottled", "TooManyRequests",
})
# Replies that say "slow down" (as opposed to "broken"): bulk work shrinks its pool on them.
THROTTLE_CODES = frozenset({
    "SlowDown", "ServiceUnavailable", "Throttling", "ThrottlingException", "RequestThrottled",
    "TooManyRequests",
})
_HEAD_CODES = {
    301: ("PermanentRedirect", "Moved permanently"),
    307: ("Redirect", "Temporary redirect"),
    400: ("BadRequest", "Bad request"),
    403: ("AccessDenied", "Access denied"),
    405: ("MethodNotAllowed", "The specified method is not allowed"),
    409: ("Conflict", "Conflict"),
    412: ("PreconditionFailed", "At least one of the preconditions did not hold"),
    416: ("InvalidRange", "The requested range is not satisfiable"),
    501: ("NotImplemented", "Not implemented by this server"),
}


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff with full jitter."""

    max_attempts: int = 5
    base_delay: float = 0.2
    max_delay: float = 4.0
    max_total: float = 60.0

    def delay(self, attempt: int) -> float:
        return random.uniform(0, min(self.max_delay, self.base_delay * (2 ** attempt)))


@dataclass(frozen=True)
class Timeouts:
    connect: float = 10.0
    read: float = 120.0


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Transport:
    """Signs and sends S3 requests; owns the connection pool and the region cache."""

    def __init__(self, base_url: BaseURL, provider: Provider | None, region: str | None,
                 session: requests.Session | None = None, *, pool_size: int = 16,
                 timeouts: Timeouts = Timeouts(), retry: RetryPolicy = RetryPolicy(),
                 cert_check: bool = True, ca_bundle: str | None = None,
                 clock: Callable[[], datetime] = _utcnow):
        self.base_url = base_url
        self.provider = provider
        self.region = region
        self.timeouts = timeouts
        self.retry = retry
        self.clock = clock
        self.tracer: Tracer | None = None
        self._regions: dict[str, str] = {}
        self._lock = threading.Lock()
        self._direct = False
        # Direct mode: urllib3 pools by "scheme://netloc" (looked up through the adapter once)
        # and the default urllib3.Timeout, so a request does no per-call pool-key work.
        self._pools: dict[str, object] = {}
        self._throttle_listeners: tuple[Callable[[str], object], ...] = ()
        self._own_session = session is None
        self.pool_size = max(pool_size, 4)
        self._default_timeout = urllib3.Timeout(connect=timeouts.connect, read=timeouts.read)
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=16, pool_maxsize=max(pool_size, 4),
                                  max_retries=0, pool_block=False)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            # SSL_CERT_FILE before curl's variable: minio-py trusts it by default
            env_bundle = (os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("SSL_CERT_FILE")
                          or os.environ.get("CURL_CA_BUNDLE"))
            session.verify = ca_bundle or (env_bundle if cert_check and env_bundle else cert_check)
            # Environment proxies are read once here, not on every request (trust_env off).
            session.proxies = requests.utils.get_environ_proxies(base_url.build(None))
            session.trust_env = False
            # Our own session with no proxy: drive its adapter's urllib3 pool directly; requests'
            # per-request environment, netrc and preparation work costs ~1 ms per request.
            self._direct = not session.proxies
        session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        self.session = session

    # -- pool size and throttling signals ------------------------------------------------
    def ensure_pool_size(self, size: int) -> None:
        """Keep at least `size` idle connections per host from now on (our own session only).

        Bulk work raises it to its concurrency, so no request pays a new connection because
        the pool was smaller than the number of requests in flight. Requests in flight keep
        the connections they hold; the old pool's idle ones are closed when it is dropped.
        """
        if size <= self.pool_size or not self._own_session:
            return
        with self._lock:
            if size <= self.pool_size:
                return
            adapter = HTTPAdapter(pool_connections=16, pool_maxsize=size, max_retries=0,
                                  pool_block=False)
            self.session.mount("http://", adapter)
            self.session.mount("https://", adapter)
            self._pools = {}
            self.pool_size = size

    def add_throttle_listener(self, listener: Callable[[str], object]) -> Callable[[], None]:
        """Call `listener(code)` on every reply that asks the client to slow down (503,
        SlowDown, Throttling…), before the request's own back-off; returns its remover."""
        with self._lock:
            self._throttle_listeners = self._throttle_listeners + (listener,)

        def remove() -> None:
            with self._lock:
                self._throttle_listeners = tuple(
                    item for item in self._throttle_listeners if item is not listener)
        return remove

    def _signal_throttle(self, code: str) -> None:
        for listener in self._throttle_listeners:
            try:
                listener(code)
            except Exception:  # a listener's bug never breaks the request  # noqa: BLE001
                pass

    # -- credentials and region ---------------------------------------------------------
    def credentials(self) -> Credentials | None:
        return self.provider.retrieve() if self.provider is not None else None

    def region_for(self, bucket: str | None) -> str:
        if self.region:
            return self.region
        if not bucket:
            return self.base_url.aws_region or "us-east-1"
        with self._lock:
            cached = self._regions.get(bucket)
        if cached:
            return cached
        region = self._discover_region(bucket)
        with self._lock:
            self._regions[bucket] = region
        return region

    def remember_region(self, bucket: str, region: str) -> None:
        with self._lock:
            self._regions[bucket] = region

    def forget_region(self, bucket: str) -> None:
        with self._lock:
            self._regions.pop(bucket, None)

    def _discover_region(self, bucket: str) -> str:
        if self.provider is None:
            return self.base_url.aws_region or "us-east-1"
        default = self.base_url.aws_region or "us-east-1"
        try:
            resp = self.request("GET", bucket, query=[("location", "")], region=default,
                                discover=False)
        except S3Error as exc:
            if exc.code in ("NoSuchBucket",):
                raise
            return exc.response.headers.get("x-amz-bucket-region", default) \
                if exc.response is not None else default
        try:
            root = parse_xml(resp.content, MAX_XML_RESPONSE)
        except InvalidResponseError:  # a server without GetBucketLocation: use the default
            return default
        location = (root.text or "").strip()
        if not location:
            return "us-east-1"
        return "eu-west-1" if location == "EU" else location

    # -- the request loop ----------------------------------------------------------------
    def request(self, method: str, bucket: str | None = None, key: str | None = None, *,
                query: Query | Mapping[str, str] | None = None,
                headers: Mapping[str, str] | None = None, body: bytes | None = None,
                stream: bool = False, region: str | None = None, discover: bool = True,
                retryable: bool = True, cancel: CancelToken | None = None,
                content_sha256: str | None = None,
                timeout: object = "default") -> requests.Response:
        """Send a signed request; return the 2xx response or raise S3Error/RetryError."""
        if region is None:
            region = self.region_for(bucket) if discover else (self.region or "us-east-1")
        if body is not None and content_sha256 is None:
            if self.base_url.secure and len(body) > 1024 * 1024:
                content_sha256 = UNSIGNED_PAYLOAD
            else:
                content_sha256 = hashlib.sha256(body).hexdigest()
        started = time.monotonic()
        attempt = 0
        redirected = False
        while True:
            if cancel is not None:
                cancel.raise_if_cancelled()
            url = self.base_url.build(region, bucket, key, query)
            try:
                resp = self._send_once(method, url, region, headers or {}, body,
                                       content_sha256 or EMPTY_SHA256, stream, timeout)
            except requests.exceptions.SSLError as exc:
                raise TransportError(f"TLS failure talking to {self.base_url.netloc()}: "
                                 f"{_describe(exc)}", exc) from None
            except (requests.ConnectionError, requests.Timeout,
                    requests.exceptions.ChunkedEncodingError) as exc:
                # ChunkedEncodingError: the connection broke while a body was being read.
                if not retryable or not self._backoff(attempt, started, cancel):
                    raise RetryError(
                        f"{method} request failed after {attempt + 1} attempt(s) in "
                        f"{time.monotonic() - started:.1f}s; last cause: {_describe(exc)}",
                        exc) from None
                attempt += 1
                continue
            if resp.status_code < 300:
                return resp
            try:
                error = self._error_from(resp, method, bucket, key)
            except ServerError:  # 5xx with a non-XML body (e.g. a load balancer's HTML page)
                if resp.status_code == 503:
                    self._signal_throttle("ServiceUnavailable")
                if (retryable and resp.status_code in RETRYABLE_STATUS
                        and self._backoff(attempt, started, cancel)):
                    attempt += 1
                    continue
                raise
            new_region = resp.headers.get("x-amz-bucket-region") or _error_region(error)
            if (bucket and not redirected and new_region and new_region != region
                    and resp.status_code in (301, 307, 400)):
                self.remember_region(bucket, new_region)
                region, redirected = new_region, True
                continue
            if resp.status_code == 503 or error.code in THROTTLE_CODES:
                self._signal_throttle(error.code or "ServiceUnavailable")
            if retryable and (resp.status_code in RETRYABLE_STATUS or error.code in RETRYABLE_CODES):
                if self._backoff(attempt, started, cancel):
                    attempt += 1
                    continue
            raise error

    def _send_once(self, method: str, url: str, region: str, headers: Mapping[str, str],
                   body: bytes | None, content_sha256: str, stream: bool,
                   timeout: object = "default") -> requests.Response:
        creds = self.credentials()
        hdrs = {name: str(value).strip() for name, value in headers.items()}
        if not any(name.lower() == "user-agent" for name in hdrs):
            hdrs["User-Agent"] = USER_AGENT
        if body is not None:
            hdrs["Content-Length"] = str(len(body))
        if creds is not None:
            hdrs = sign_v4_s3(method, url, region, hdrs, creds, content_sha256, self.clock())
        elif content_sha256 and "x-amz-content-sha256" not in hdrs:
            hdrs["x-amz-content-sha256"] = content_sha256
        if self.tracer is not None:
            self.tracer.request(method, url, hdrs)
        read_timeout = self.timeouts.read if timeout == "default" else timeout
        if self._direct and not stream:
            resp = self._exchange(method, url, hdrs, body, read_timeout)
        elif self._direct:
            resp = self._urlopen(method, url, hdrs, body, read_timeout)
        else:
            resp = self.session.request(
                method, url, headers=hdrs, data=body, stream=True, allow_redirects=False,
                # explicit: a session-level CA path must not be overridden by REQUESTS_CA_BUNDLE
                verify=self.session.verify, timeout=(self.timeouts.connect, read_timeout))
        if resp._content is False and (not stream or resp.status_code >= 300):  # noqa: SLF001
            # Materialise small bodies now (errors, XML documents); streams stay open.
            try:
                resp._content = read_capped(resp, MAX_XML_RESPONSE,  # noqa: SLF001
                                             head=method == "HEAD")
            except requests.RequestException:
                resp.close()
                raise
        if self.tracer is not None:
            self.tracer.response(resp.status_code, resp.headers,
                                 None if stream and resp.status_code < 300 else resp._content)
        return resp

    def _urlopen(self, method: str, url: str, headers: dict[str, str], body: bytes | None,
                 read_timeout: object) -> requests.Response:
        """Send through the session adapter's urllib3 pool; urllib3 errors become requests'."""
        timeout = self._timeout(read_timeout)
        origin, target = _split_origin(url)
        try:
            pool = self._pool_for(origin)
            # origin-form request target ("/bucket/key?query"), as a browser or curl sends it
            raw = pool.urlopen(method, target, body=body, headers=headers, redirect=False,
                               retries=False, preload_content=False, decode_content=False,
                               assert_same_host=False, release_conn=False, timeout=timeout)
        except urllib3.exceptions.HTTPError as exc:
            raise http11.requests_error(exc) from None
        resp = requests.Response()
        resp.status_code = raw.status
        resp.headers = raw.headers  # urllib3's HTTPHeaderDict: case-insensitive, as minio-py's
        resp.raw = raw
        resp.reason = raw.reason
        resp.url = url
        return resp

    def _exchange(self, method: str, url: str, headers: dict[str, str], body: bytes | None,
                  read_timeout: object) -> requests.Response:
        """A request whose reply is read whole, sent by `http11.exchange` on the pooled
        connections; returned as a `requests.Response` holding its body."""
        timeout = self._timeout(read_timeout)
        origin, target = _split_origin(url)
        reply = http11.exchange(self._pool_for(origin), method, target,
                                origin.split("://", 1)[1], headers, body, timeout,
                                MAX_XML_RESPONSE)
        resp = requests.Response()
        resp.status_code = reply.status
        resp.headers = reply.headers
        resp.reason = reply.reason
        resp.url = url
        resp._content = reply.body  # noqa: SLF001
        resp._content_consumed = True  # noqa: SLF001
        return resp

    def _timeout(self, read_timeout: object) -> urllib3.Timeout:
        if read_timeout == self.timeouts.read:
            return self._default_timeout
        return urllib3.Timeout(connect=self.timeouts.connect, read=read_timeout)

    def _pool_for(self, origin: str):
        """The adapter's urllib3 pool for `origin` ("scheme://host:port"), cached while open."""
        pool = self._pools.get(origin)
        if pool is None or getattr(pool, "pool", None) is None:  # new, or closed by eviction
            target = requests.PreparedRequest()
            target.method, target.url = "GET", origin + "/"
            adapter = self.session.get_adapter(origin + "/")
            pool = adapter.get_connection_with_tls_context(target, self.session.verify, None,
                                                          self.session.cert)
            with self._lock:
                if len(self._pools) >= 64:
                    self._pools.clear()
                self._pools[origin] = pool
        return pool

    def _backoff(self, attempt: int, started: float, cancel: CancelToken | None) -> bool:
        """Sleep before the next attempt; False when the attempt or time budget is spent."""
        if attempt + 1 >= self.retry.max_attempts:
            return False
        delay = self.retry.delay(attempt)
        if time.monotonic() - started + delay > self.retry.max_total:
            return False
        if cancel is not None:
            if cancel.wait(delay):
                cancel.raise_if_cancelled()
        else:
            time.sleep(delay)
        return True

    # -- errors --------------------------------------------------------------------------
    def _error_from(self, resp: requests.Response, method: str, bucket: str | None,
                    key: str | None) -> S3Error:
        body = resp.content or b""
        code = message = resource = request_id = host_id = None
        if body.strip() and method != "HEAD":
            try:
                root = parse_xml(body, MAX_ERROR_BODY * 16)
            except InvalidResponseError:
                root = None
            if root is not None:
                err = root if root.tag.rsplit("}", 1)[-1] == "Error" else find(root, "Error")
                err = err if err is not None else root
                code = findtext(err, "Code")
                message = findtext(err, "Message")
                resource = findtext(err, "Resource")
                request_id = findtext(err, "RequestId")
                host_id = findtext(err, "HostId")
                bucket = findtext(err, "BucketName") or bucket
                key = findtext(err, "Key") or key
            elif resp.status_code >= 500:
                raise ServerError(f"server failed with HTTP {resp.status_code} and a non-XML body",
                                  resp.status_code)
        if not code:
            code, message = self._code_from_status(resp.status_code, bucket, key)
        request_id = request_id or resp.headers.get("x-amz-request-id")
        host_id = host_id or resp.headers.get("x-amz-id-2")
        if code == "RequestTimeTooSkewed":
            message = _skew_message(resp, self.clock(), message)
        return S3Error(code, message, resource or _resource(bucket, key), request_id, host_id,
                       resp, bucket, key)

    @staticmethod
    def _code_from_status(status: int, bucket: str | None, key: str | None) -> tuple[str, str]:
        if status == 404:
            if key:
                return "NoSuchKey", "Object does not exist"
            if bucket:
                return "NoSuchBucket", "Bucket does not exist"
            return "ResourceNotFound", "Request resource not found"
        if status in _HEAD_CODES:
            return _HEAD_CODES[status]
        if status >= 500:
            return "ServerError", f"Server error (HTTP {status})"
        return "UnknownError", f"Unexpected HTTP status {status}"


def _split_origin(url: str) -> tuple[str, str]:
    """("scheme://netloc", "/path?query") of an absolute URL."""
    slash = url.find("/", url.find("//") + 2)
    return (url, "/") if slash < 0 else (url[:slash], url[slash:])


def _resource(bucket: str | None, key: str | None) -> str:
    return "/" + "/".join(p for p in (bucket, key) if p)


def _error_region(error: S3Error) -> str | None:
    if error.code != "AuthorizationHeaderMalformed" or error.response is None:
        return None
    try:
        return findtext(parse_xml(error.response.content), "Region")
    except InvalidResponseError:
        return None


def _skew_message(resp: requests.Response, now: datetime, message: str | None) -> str:
    server_date = resp.headers.get("Date")
    try:
        server = email.utils.parsedate_to_datetime(server_date) if server_date else None
    except (TypeError, ValueError):
        server = None
    if server is None:
        return (message or "") + " (this machine's clock differs too much from the server's)"
    skew = (now - server).total_seconds()
    direction = "ahead of" if skew > 0 else "behind"
    return (f"this machine's clock is {abs(skew):.0f} s {direction} the server's "
            f"(server time {server.isoformat()}); fix the clock (e.g. enable NTP) and retry")


def _describe(exc: BaseException) -> str:
    text = str(exc)
    if len(text) > 300:
        text = text[:300] + "…"
    return f"{type(exc).__name__}: {text}"

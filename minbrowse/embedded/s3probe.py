"""Tiny stdlib S3 prober used to tell when a freshly launched local server is usable.

It deliberately does not use ``minbrowse.s3`` (the launcher must work on its own and
must not depend on the client it helps to test). It signs with a bare-bones SigV4
for path-style requests to a loopback server whose certificate we made ourselves,
so TLS verification is off here and only here.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import http.client
import ssl
from dataclasses import dataclass, field
from urllib.parse import quote

_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


@dataclass(frozen=True)
class ProbeResult:
    """Outcome of one probe request: HTTP status and the (truncated) body."""

    status: int
    body: bytes

    @property
    def is_s3_xml(self) -> bool:
        """True when the body looks like an S3 XML document (result or error)."""
        head = self.body[:400].lstrip()
        return head.startswith(b"<?xml") or head.startswith(b"<Error") or head.startswith(b"<List")


@dataclass(frozen=True)
class S3Prober:
    """Send minimal (optionally SigV4-signed) path-style requests to host:port."""

    host: str
    port: int
    secure: bool
    access_key: str
    secret_key: str = field(repr=False)
    region: str = "us-east-1"
    timeout: float = 5.0

    def _connection(self) -> http.client.HTTPConnection:
        if self.secure:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return http.client.HTTPSConnection(
                self.host, self.port, timeout=self.timeout, context=context
            )
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    def request(
        self, method: str, path: str, body: bytes = b"", *, signed: bool = True
    ) -> ProbeResult:
        """Send one request; raises OSError/http.client errors on transport failure."""
        path = quote(path, safe="/~")
        host_header = f"{self.host}:{self.port}"
        headers = {"Host": host_header}
        if signed:
            headers.update(self._sign(method, path, body, host_header))
        conn = self._connection()
        try:
            conn.request(method, path, body=body or None, headers=headers)
            response = conn.getresponse()
            return ProbeResult(response.status, response.read(65536))
        finally:
            conn.close()

    def _sign(self, method: str, path: str, body: bytes, host_header: str) -> dict[str, str]:
        now = _dt.datetime.now(_dt.timezone.utc)
        amz_date = now.strftime("%Y%m%dT%H%M%SZ")
        day = now.strftime("%Y%m%d")
        payload_hash = hashlib.sha256(body).hexdigest() if body else _EMPTY_SHA256
        signed = {"host": host_header, "x-amz-content-sha256": payload_hash, "x-amz-date": amz_date}
        names = sorted(signed)
        canonical = "\n".join(
            [
                method,
                path,
                "",
                "".join(f"{name}:{signed[name]}\n" for name in names),
                ";".join(names),
                payload_hash,
            ]
        )
        scope = f"{day}/{self.region}/s3/aws4_request"
        to_sign = "\n".join(
            ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]
        )
        key = ("AWS4" + self.secret_key).encode()
        for part in (day, self.region, "s3", "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        return {
            "x-amz-date": amz_date,
            "x-amz-content-sha256": payload_hash,
            "Authorization": (
                f"AWS4-HMAC-SHA256 Credential={self.access_key}/{scope}, "
                f"SignedHeaders={';'.join(names)}, Signature={signature}"
            ),
        }

"""Request-level server-side encryption headers: ``SseCustomerKey`` (SSE-C), ``SseKMS``, ``SseS3``.

Object operations add ``sse.headers()`` to PUT/GET/HEAD requests and ``ssec.copy_headers()``
for the copy source. The SSE-C key never appears in repr, str or exception messages.
"""

from __future__ import annotations

import base64
import hashlib
import json
from abc import ABC, abstractmethod
from typing import Any, Mapping, Optional

__all__ = ["Sse", "SseCustomerKey", "SseKMS", "SseS3", "SSE_C_KEY_LENGTH"]

SSE_C_KEY_LENGTH = 32

_SSE = "X-Amz-Server-Side-Encryption"
_SSE_C = "X-Amz-Server-Side-Encryption-Customer-"
_COPY_SSE_C = "X-Amz-Copy-Source-Server-Side-Encryption-Customer-"


class Sse(ABC):
    """Base of the three request encryption kinds."""

    @abstractmethod
    def headers(self) -> dict[str, str]:
        """Headers for the request that writes or reads the object."""

    def tls_required(self) -> bool:
        """True when the headers carry key material or KMS context (refuse plain HTTP)."""
        return True

    def copy_headers(self) -> dict[str, str]:
        """Headers describing the *source* of a server-side copy (SSE-C only)."""
        return {}


class SseCustomerKey(Sse):
    """SSE-C with a raw 256-bit key (pass the 32 bytes, not a base64 string)."""

    __slots__ = ("_b64key", "_b64md5")

    def __init__(self, key: bytes):
        if not isinstance(key, (bytes, bytearray, memoryview)):
            raise ValueError("SSE-C key must be bytes (32 raw bytes)")
        raw = bytes(key)
        if len(raw) != SSE_C_KEY_LENGTH:
            raise ValueError(f"SSE-C key must be exactly {SSE_C_KEY_LENGTH} bytes (256 bits), "
                             f"got {len(raw)}; pass raw bytes, not a base64 string")
        self._b64key = base64.b64encode(raw).decode("ascii")
        self._b64md5 = base64.b64encode(hashlib.md5(raw).digest()).decode("ascii")

    def _trio(self, prefix: str) -> dict[str, str]:
        return {
            prefix + "Algorithm": "AES256",
            prefix + "Key": self._b64key,
            prefix + "Key-MD5": self._b64md5,
        }

    def headers(self) -> dict[str, str]:
        return self._trio(_SSE_C)

    def copy_headers(self) -> dict[str, str]:
        return self._trio(_COPY_SSE_C)

    def __repr__(self) -> str:
        return "SseCustomerKey(<redacted>)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SseCustomerKey) and other._b64md5 == self._b64md5 \
            and other._b64key == self._b64key

    def __hash__(self) -> int:
        return hash(self._b64md5)

    def __copy__(self) -> "SseCustomerKey":
        return self  # immutable

    def __deepcopy__(self, memo: dict) -> "SseCustomerKey":
        return self

    def __reduce__(self):  # never let the key leak into a pickle by accident
        raise TypeError("SseCustomerKey cannot be pickled")


class SseKMS(Sse):
    """SSE-KMS with a key id and an optional encryption context (sent as base64 JSON)."""

    def __init__(self, key: str, context: Optional[Mapping[str, Any]] = None):
        if not isinstance(key, str) or not key:
            raise ValueError("SSE-KMS key id must be a non-empty string")
        self.key = key
        self.context = dict(context) if context else {}

    def headers(self) -> dict[str, str]:
        headers = {_SSE: "aws:kms", _SSE + "-Aws-Kms-Key-Id": self.key}
        if self.context:
            data = json.dumps(self.context, separators=(",", ":")).encode("utf-8")
            headers[_SSE + "-Context"] = base64.b64encode(data).decode("ascii")
        return headers

    def __repr__(self) -> str:
        return f"SseKMS(key={self.key!r}, context keys={sorted(self.context)!r})"


class SseS3(Sse):
    """SSE-S3: the server manages the key (``AES256``)."""

    def headers(self) -> dict[str, str]:
        return {_SSE: "AES256"}

    def tls_required(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "SseS3()"

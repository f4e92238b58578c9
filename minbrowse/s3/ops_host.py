"""`OpsHost`: what the ops_* operation groups need from the object they are mixed into.

The groups type their `self` against this protocol, not against `Client` (which composes them),
so no group imports the class that imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Protocol

if TYPE_CHECKING:  # pragma: no cover - typing only
    import requests

    from .datatypes import Object
    from .transport import Transport
    from .urls import BaseURL, Query


class OpsHost(Protocol):
    """The shared state and request helpers of a client, as the operation groups use them."""

    _transport: "Transport"
    _base_url: "BaseURL"
    multipart_threshold: int
    part_size: int
    copy_threshold: int
    min_part_size: int
    max_pool_connections: int

    @property
    def secure(self) -> bool: ...

    def _request(self, method: str, bucket: str | None = None, key: str | None = None, *,
                 query: "Query | Mapping[str, str] | None" = None,
                 headers: Mapping[str, str] | None = None, body: bytes | None = None,
                 **kw: Any) -> "requests.Response": ...

    def _get_xml(self, bucket: str, query: "Query", key: str | None = None) -> Any: ...

    def _put_document(self, bucket: str, query: "Query", document: Any, key: str | None = None,
                      headers: Mapping[str, str] | None = None) -> "requests.Response": ...

    def stat_object(self, bucket_name: str, object_name: str, ssec: Any = None,
                    version_id: str | None = None, extra_headers: Any = None,
                    extra_query_params: Any = None) -> "Object": ...

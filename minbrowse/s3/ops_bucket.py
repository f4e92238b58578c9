"""Bucket operations: make/list/exists/remove, list_objects (lazy, all three listing APIs), versioning."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from .datatypes import Bucket, Object, parse_buckets, parse_list_page
from .errors import InvalidResponseError, S3Error, ServerError
from .serverinfo import ServerHello, hello_from
from .urls import check_bucket_name
from .versioning import VersioningConfig
from .xmlutil import SubElement, new_element, parse_xml, to_bytes

if TYPE_CHECKING:
    from .ops_host import OpsHost


class BucketOps:
    """Mixin for Client: bucket-level operations of the seed API."""

    def make_bucket(self: "OpsHost", bucket_name: str, location: str | None = "us-east-1",
                    object_lock: bool = False) -> None:
        check_bucket_name(bucket_name, strict=True)
        configured = self._transport.region
        location = location or configured or "us-east-1"
        if configured and location != configured and location != "us-east-1":
            raise ValueError(f"region must be {configured}, but passed {location}")
        if configured:
            location = configured
        body = None
        if location != "us-east-1":
            root = new_element("CreateBucketConfiguration")
            SubElement(root, "LocationConstraint", location)
            body = to_bytes(root)
        headers = {"x-amz-bucket-object-lock-enabled": "true"} if object_lock else {}
        self._request("PUT", bucket_name, headers=headers, body=body, region=location)
        self._transport.remember_region(bucket_name, location)

    def list_buckets(self: "OpsHost") -> list[Bucket]:
        resp = self._request("GET")
        return parse_buckets(parse_xml(resp.content))

    def server_hello(self: "OpsHost") -> ServerHello:
        """One signed ListBuckets, kept as the reply's status and headers (not in the seed
        API): what `serverinfo.identify` names the server from. An S3 error reply (no
        permission to list, say) is a hello too; a connection failure raises."""
        try:
            resp = self._request("GET", retryable=False)
        except S3Error as exc:
            reply = exc.response
            if reply is None:
                raise
            return hello_from(reply.status_code, reply.headers, exc.code or "",
                              getattr(reply, "_content", b"") or b"")
        except ServerError as exc:  # a 5xx that is no S3 error: a server, but not one we know
            return hello_from(exc.status_code, {}, f"HTTP {exc.status_code}")
        except InvalidResponseError as exc:
            status = exc.code if isinstance(exc.code, int) else 0
            return hello_from(status, {}, f"unreadable reply (HTTP {status})")
        return hello_from(resp.status_code, resp.headers, "", resp.content or b"")

    def bucket_exists(self: "OpsHost", bucket_name: str) -> bool:
        check_bucket_name(bucket_name)
        try:
            self._request("HEAD", bucket_name)
        except S3Error as exc:
            if exc.code in ("NoSuchBucket", "ResourceNotFound"):
                self._transport.forget_region(bucket_name)
                return False
            raise
        return True

    def remove_bucket(self: "OpsHost", bucket_name: str) -> None:
        check_bucket_name(bucket_name)
        self._request("DELETE", bucket_name)
        self._transport.forget_region(bucket_name)

    def get_bucket_versioning(self: "OpsHost", bucket_name: str) -> VersioningConfig:
        check_bucket_name(bucket_name)
        return VersioningConfig.fromxml(self._get_xml(bucket_name, [("versioning", "")]))

    def set_bucket_versioning(self: "OpsHost", bucket_name: str, config: VersioningConfig) -> None:
        check_bucket_name(bucket_name)
        if not isinstance(config, VersioningConfig):
            raise ValueError("config must be VersioningConfig type")
        config.validate()
        self._put_document(bucket_name, [("versioning", "")], config)

    def list_objects(self: "OpsHost", bucket_name: str, prefix: str | None = None,
                     recursive: bool = False, start_after: str | None = None,
                     include_user_meta: bool = False, include_version: bool = False,
                     use_api_v1: bool = False, use_url_encoding_type: bool = True,
                     extra_headers: dict | None = None, extra_query_params: dict | None = None,
                     max_keys: int | None = None) -> Iterator[Object]:
        """Lazy iterator of Object across pages (prefixes, when not recursive, as is_dir objects)."""
        check_bucket_name(bucket_name)
        for page in self.list_object_pages(
                bucket_name, prefix, recursive, start_after, include_user_meta, include_version,
                use_api_v1, use_url_encoding_type, extra_headers, extra_query_params, max_keys):
            yield from page

    def list_object_pages(self: "OpsHost", bucket_name: str, prefix: str | None = None,
                          recursive: bool = False, start_after: str | None = None,
                          include_user_meta: bool = False, include_version: bool = False,
                          use_api_v1: bool = False, use_url_encoding_type: bool = True,
                          extra_headers: dict | None = None,
                          extra_query_params: dict | None = None,
                          max_keys: int | None = None) -> Iterator[list[Object]]:
        """Like list_objects but yields one list per server page (for streaming UIs)."""
        check_bucket_name(bucket_name)
        delimiter = None if recursive else "/"
        token = marker = version_marker = None
        first = True
        while True:
            query: list[tuple[str, str]] = []
            if include_version:
                query.append(("versions", ""))
                if first and start_after:
                    query.append(("key-marker", start_after))
                if marker:
                    query.append(("key-marker", marker))
                if version_marker:
                    query.append(("version-id-marker", version_marker))
            elif use_api_v1:
                if first and start_after:
                    query.append(("marker", start_after))
                if marker:
                    query.append(("marker", marker))
            else:
                query.append(("list-type", "2"))
                query.append(("fetch-owner", "true"))
                if start_after:
                    query.append(("start-after", start_after))
                if token:
                    query.append(("continuation-token", token))
                if include_user_meta:
                    query.append(("metadata", "true"))
            if delimiter:
                query.append(("delimiter", delimiter))
            if use_url_encoding_type:
                query.append(("encoding-type", "url"))
            query.append(("max-keys", str(max_keys or 1000)))
            query.append(("prefix", prefix or ""))
            if extra_query_params:
                query.extend((k, str(v)) for k, v in extra_query_params.items())
            resp = self._request("GET", bucket_name, query=query, headers=extra_headers)
            page = parse_list_page(bucket_name, parse_xml(resp.content), include_version)
            first = False
            items = list(page.objects) + list(page.prefixes)
            if items:
                yield items
            if not page.truncated:
                return
            if include_version:
                marker, version_marker = page.next_marker, page.next_version_id_marker
                if not marker:
                    return
            elif use_api_v1:
                marker = page.next_marker or _last_name(page)
                if not marker:
                    return
            else:
                token = page.continuation_token
                if not token:
                    return


def _last_name(page) -> str | None:
    names = [o.object_name for o in page.objects] + [p.object_name for p in page.prefixes]
    return max(names) if names else None

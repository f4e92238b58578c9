"""Presigned URLs (GET/PUT/any method) and POST-policy form data."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from .datatypes import to_utc
from .postpolicy import PostPolicy
from .signer import presign_v4
from .urls import check_bucket_name, check_object_name

if TYPE_CHECKING:
    from .ops_host import OpsHost

MAX_EXPIRY = timedelta(days=7)


class PresignOps:
    """Mixin for Client: presigned URLs and POST policies."""

    def get_presigned_url(self: "OpsHost", method: str, bucket_name: str, object_name: str,
                          expires: timedelta = timedelta(days=7),
                          response_headers: dict | None = None,
                          request_date: datetime | None = None, version_id: str | None = None,
                          extra_query_params: dict | None = None) -> str:
        check_bucket_name(bucket_name)
        check_object_name(object_name)
        if not isinstance(expires, timedelta):
            raise ValueError("expires must be a datetime.timedelta")
        seconds = int(expires.total_seconds())
        if seconds < 1 or expires > MAX_EXPIRY:
            raise ValueError("expires must be between 1 second and 7 days")
        query: list[tuple[str, str]] = []
        for params in (extra_query_params, response_headers):
            if params:
                query.extend((k, str(v)) for k, v in params.items())
        if version_id:
            query.append(("versionId", version_id))
        region = self._transport.region_for(bucket_name)
        url = self._base_url.build(region, bucket_name, object_name, query or None)
        creds = self._transport.credentials()
        if creds is None:
            return url
        date = to_utc(request_date) if request_date else self._transport.clock()
        return presign_v4(method.upper(), url, region, creds, date, seconds)

    def presigned_get_object(self: "OpsHost", bucket_name: str, object_name: str,
                             expires: timedelta = timedelta(days=7),
                             response_headers: dict | None = None,
                             request_date: datetime | None = None,
                             version_id: str | None = None,
                             extra_query_params: dict | None = None) -> str:
        return self.get_presigned_url("GET", bucket_name, object_name, expires,
                                      response_headers, request_date, version_id,
                                      extra_query_params)

    def presigned_put_object(self: "OpsHost", bucket_name: str, object_name: str,
                             expires: timedelta = timedelta(days=7)) -> str:
        return self.get_presigned_url("PUT", bucket_name, object_name, expires)

    def presigned_post_policy(self: "OpsHost", policy: PostPolicy) -> dict[str, str]:
        if not isinstance(policy, PostPolicy):
            raise ValueError("policy must be PostPolicy type")
        creds = self._transport.credentials()
        if creds is None:
            raise ValueError("anonymous access does not require a presigned POST form")
        region = self._transport.region_for(policy.bucket_name)
        return policy.form_data(creds, region, self._transport.clock())

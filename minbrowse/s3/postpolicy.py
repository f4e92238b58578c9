"""`PostPolicy` builder for browser-style POST uploads and its signed form-data."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

from .credentials import Credentials
from .errors import S3ClientError
from .signer import ALGORITHM, amz_date, credential_string, post_presign_v4, to_utc
from .urls import check_bucket_name

_EQ = "eq"
_STARTS_WITH = "starts-with"
# Form fields the signature itself produces: callers cannot set conditions on them.
_RESERVED_ELEMENTS = frozenset({
    "bucket", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "policy", "x-amz-signature",
})
_NO_EQUALS = frozenset({"success_action_redirect", "redirect", "content-length-range"})
_NO_STARTS_WITH = frozenset({"success_action_status", "content-length-range"})


class PostPolicyError(S3ClientError, ValueError):
    """Invalid post policy input (also a ValueError, as the reference client raises)."""


def _element(element: str) -> str:
    if not isinstance(element, str) or not element or element == "$":
        raise PostPolicyError("condition element cannot be empty")
    return element[1:] if element.startswith("$") else element


def _iso8601_millis(value: datetime) -> str:
    utc = to_utc(value)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


class PostPolicy:
    """Conditions of a POST upload to one bucket, valid until `expiration` (naive = UTC)."""

    def __init__(self, bucket_name: str, expiration: datetime):
        check_bucket_name(bucket_name)
        if not isinstance(expiration, datetime):
            raise PostPolicyError("expiration must be a datetime")
        self._bucket_name = bucket_name
        self._expiration = expiration
        self._equals: dict[str, str] = {}
        self._starts_with: dict[str, str] = {}
        self._lower_limit: int | None = None
        self._upper_limit: int | None = None

    @property
    def bucket_name(self) -> str:
        return self._bucket_name

    @property
    def expiration(self) -> datetime:
        return self._expiration

    def add_equals_condition(self, element: str, value: str) -> None:
        """Require form field `element` to equal `value`."""
        element = _element(element)
        if element in _NO_EQUALS:
            raise PostPolicyError(f"{element} is unsupported for equals condition")
        if element.lower() in _RESERVED_ELEMENTS:
            raise PostPolicyError(f"{element} cannot be set")
        self._equals[element] = value

    def remove_equals_condition(self, element: str) -> None:
        """Remove a previously added equals condition (KeyError when there is none)."""
        self._equals.pop(_element(element))

    def add_starts_with_condition(self, element: str, value: str) -> None:
        """Require form field `element` to start with `value` ("" matches anything)."""
        element = _element(element)
        lowered = element.lower()
        if lowered in _NO_STARTS_WITH or (
                lowered.startswith("x-amz-") and not lowered.startswith("x-amz-meta-")):
            raise PostPolicyError(f"{element} is unsupported for starts-with condition")
        if lowered in _RESERVED_ELEMENTS:
            raise PostPolicyError(f"{element} cannot be set")
        self._starts_with[element] = value

    def remove_starts_with_condition(self, element: str) -> None:
        """Remove a previously added starts-with condition (KeyError when there is none)."""
        self._starts_with.pop(_element(element))

    def add_content_length_range_condition(self, lower_limit: int, upper_limit: int) -> None:
        """Limit the uploaded size to [lower_limit, upper_limit] bytes."""
        for name, limit in (("lower", lower_limit), ("upper", upper_limit)):
            if isinstance(limit, bool) or not isinstance(limit, int):
                raise PostPolicyError(f"{name} limit must be an integer")
            if limit < 0:
                raise PostPolicyError(f"{name} limit cannot be negative number")
        if lower_limit > upper_limit:
            raise PostPolicyError("lower limit cannot be greater than upper limit")
        self._lower_limit, self._upper_limit = lower_limit, upper_limit

    def remove_content_length_range_condition(self) -> None:
        self._lower_limit = self._upper_limit = None

    def policy_document(self, credentials: Credentials, region: str, now: datetime) -> dict:
        """The policy as a JSON-ready dict (conditions in a stable, documented order)."""
        credential = credential_string(credentials.access_key, now, region)
        conditions: list[list] = [[_EQ, "$bucket", self._bucket_name]]
        conditions += [[_EQ, "$" + key, value] for key, value in self._equals.items()]
        conditions += [[_STARTS_WITH, "$" + key, value] for key, value in self._starts_with.items()]
        if self._lower_limit is not None and self._upper_limit is not None:
            conditions.append(["content-length-range", self._lower_limit, self._upper_limit])
        conditions.append([_EQ, "$x-amz-algorithm", ALGORITHM])
        conditions.append([_EQ, "$x-amz-credential", credential])
        if credentials.session_token:
            conditions.append([_EQ, "$x-amz-security-token", credentials.session_token])
        conditions.append([_EQ, "$x-amz-date", amz_date(now)])
        return {"expiration": _iso8601_millis(self._expiration), "conditions": conditions}

    def form_data(self, credentials: Credentials, region: str,
                  now: datetime | None = None) -> dict[str, str]:
        """Signed form fields: x-amz-algorithm, x-amz-credential, x-amz-date, policy,
        x-amz-signature, x-amz-security-token (temporary credentials only), and the
        value of every equals condition (e.g. ``key``), which the form must send anyway.
        """
        if not isinstance(credentials, Credentials):
            raise PostPolicyError("credentials must be Credentials")
        if not region:
            raise PostPolicyError("region cannot be empty")
        if "key" not in self._equals and "key" not in self._starts_with:
            raise PostPolicyError("key condition must be set (equals or starts-with on 'key')")
        now = to_utc(now) if now is not None else datetime.now(timezone.utc)
        if to_utc(self._expiration) <= now:
            raise PostPolicyError("post policy expiration must be in the future")

        document = self.policy_document(credentials, region, now)
        policy = base64.b64encode(json.dumps(document).encode("utf-8")).decode("ascii")
        fields = {
            "x-amz-algorithm": ALGORITHM,
            "x-amz-credential": credential_string(credentials.access_key, now, region),
            "x-amz-date": amz_date(now),
            "policy": policy,
            "x-amz-signature": post_presign_v4(policy, credentials.secret_key, now, region),
        }
        if credentials.session_token:
            fields["x-amz-security-token"] = credentials.session_token
        for element, value in self._equals.items():
            fields.setdefault(element, value)
        return fields

"""Exception types raised by minbrowse.s3 (never carrying secrets)."""

from __future__ import annotations

from typing import Any


class MinioException(Exception):
    """Base of every error raised by minbrowse.s3 (name kept for seed compatibility)."""


class S3ClientError(MinioException, ValueError):
    """Bad input caught on the client before anything was sent (a ValueError, as minio-py's)."""


class InvalidResponseError(MinioException):
    """The server answered something that is not a valid S3 response."""

    def __init__(self, code: int, content_type: str | None, body: str | None):
        self.code = code
        self.content_type = content_type
        self.body = body
        super().__init__(
            f"non-XML or unexpected response from server; "
            f"status: {code}, content-type: {content_type}, body: {(body or '')[:200]!r}"
        )


class ServerError(MinioException):
    """HTTP 5xx answer without a parsable S3 error body."""

    def __init__(self, message: str, status_code: int):
        self.status_code = status_code
        super().__init__(message)


class NotSupportedError(MinioException):
    """The server does not implement the requested (extension) API."""


class TransportError(MinioException):
    """The request could not be completed at the connection level (TLS, DNS, resets...)."""

    def __init__(self, message: str, last_cause: BaseException | None = None):
        self.last_cause = last_cause
        super().__init__(message)


class RetryError(TransportError):
    """Retries were exhausted; `last_cause` names what failed last."""


class S3Error(MinioException):
    """An S3 error response: code and message parsed from the XML body (or HEAD status)."""

    def __init__(
        self,
        code: str | None,
        message: str | None,
        resource: str | None,
        request_id: str | None,
        host_id: str | None,
        response: Any,
        bucket_name: str | None = None,
        object_name: str | None = None,
    ):
        self.code = code
        self.message = message
        self.resource = resource
        self.request_id = request_id
        self.host_id = host_id
        self.response = response
        self.bucket_name = bucket_name
        self.object_name = object_name
        super().__init__(
            f"S3 operation failed; code: {code}, message: {message}, "
            f"resource: {resource}, request_id: {request_id}, host_id: {host_id}"
            + (f", bucket_name: {bucket_name}" if bucket_name else "")
            + (f", object_name: {object_name}" if object_name else "")
        )

    @property
    def status(self) -> int | None:
        return getattr(self.response, "status_code", getattr(self.response, "status", None))

    def copy(self, code: str, message: str) -> "S3Error":
        return S3Error(code, message, self.resource, self.request_id, self.host_id,
                       self.response, self.bucket_name, self.object_name)

    def __reduce__(self):
        return (S3Error, (self.code, self.message, self.resource, self.request_id,
                          self.host_id, None, self.bucket_name, self.object_name))


class Cancelled(MinioException):
    """The operation was stopped through its CancelToken."""

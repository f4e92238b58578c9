"""How the UI names a failure: (code, message) for any exception, without traceback or secrets.

Shared by the service, its headless jobs and the ops tools' runner, so none of them imports
another for it.
"""

from __future__ import annotations

from ...s3.errors import NotSupportedError
from .convert import NOT_SUPPORTED_CODES


class ReadOnlyRefused(Exception):
    """A mutating call reached the service while the app is read-only."""


def describe_error(exc: BaseException) -> tuple[str, str]:
    """(code, message) for any exception, without traceback or secrets."""
    if isinstance(exc, ReadOnlyRefused):
        return "ReadOnly", str(exc)
    if isinstance(exc, NotSupportedError):
        return "NotImplemented", str(exc) or "not supported by this server"
    code = getattr(exc, "code", None)
    message = getattr(exc, "message", None)
    if isinstance(code, str) and code:
        return code, str(message or exc)
    status = getattr(exc, "status_code", None)
    if status:
        return f"HTTP {status}", str(exc)
    return type(exc).__name__, str(exc) or type(exc).__name__


def is_not_supported(exc: BaseException) -> bool:
    code, _ = describe_error(exc)
    return code in NOT_SUPPORTED_CODES

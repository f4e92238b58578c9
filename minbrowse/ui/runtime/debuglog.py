"""`--debug`: the app's log and the client's HTTP trace go to one file, with secrets redacted."""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path
from typing import Any

_SECRET_PATTERNS = [
    re.compile(r"(X-Amz-Signature=)[0-9a-fA-F]+"),
    re.compile(r"(Signature=)[0-9a-fA-F]+"),
    re.compile(r"(X-Amz-Security-Token=)[^&\s]+"),
    re.compile(r"(?i)(x-amz-security-token:\s*)\S+"),
    re.compile(r"(?i)(x-amz-server-side-encryption-customer-key:\s*)\S+"),
]


class Redactor:
    """Removes signatures, tokens and the profile's literal secrets from text."""

    def __init__(self, secrets: list[str]) -> None:
        self.secrets = [s for s in secrets if s and len(s) >= 4]

    def __call__(self, text: str) -> str:
        for pattern in _SECRET_PATTERNS:
            text = pattern.sub(r"\1<redacted>", text)
        for secret in self.secrets:
            text = text.replace(secret, "<redacted>")
        return text


class _RedactingFilter(logging.Filter):
    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redactor(record.getMessage())
        record.args = None
        return True


class RedactingStream:
    """A text stream for `client.trace_on(stream)` that redacts before writing."""

    def __init__(self, handle: Any, redactor: Redactor) -> None:
        self.handle = handle
        self.redactor = redactor
        self.lock = threading.Lock()

    def write(self, text: str) -> int:
        with self.lock:
            self.handle.write(self.redactor(text))
            self.handle.flush()
        return len(text)

    def flush(self) -> None:
        self.handle.flush()


_state: dict[str, Any] = {}


def start(path: Path, profile: Any) -> None:
    """Send the `minbrowse` logger to `path` (created mode 0600), redacted."""
    stop()
    redactor = Redactor([str(getattr(profile, "secret_key", "") or ""),
                         str(getattr(profile, "session_token", "") or "")])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_RedactingFilter(redactor))
    logger = logging.getLogger("minbrowse")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    _state.update(handler=handler, redactor=redactor)


def trace_client(client: Any) -> None:
    """Turn on the client's HTTP trace into the same file, when the client has one."""
    handler = _state.get("handler")
    if handler is None or not hasattr(client, "trace_on"):
        return
    stream = RedactingStream(handler.stream, _state["redactor"])
    client.trace_on(stream)
    _state["client"] = client


def stop() -> None:
    client = _state.pop("client", None)
    if client is not None and hasattr(client, "trace_off"):
        client.trace_off()
    handler = _state.pop("handler", None)
    _state.pop("redactor", None)
    if handler is not None:
        logging.getLogger("minbrowse").removeHandler(handler)
        handler.close()

"""The editing protocol between editor screens and the service: one request value, two answers.

A screen builds a `ConfigRequest` and hands it to its gateway (the app's `S3Service`,
method `config_job(reply_to, request)`); the service runs it on a worker thread through
`minbrowse.ui.jobs.config_jobs` and posts `ConfigDone` or `ConfigFailed` back to the screen.
No network code here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from textual.message import Message

from ..core.convert import NOT_SUPPORTED_CODES  # one list for the whole UI

# Actions a request can carry.
LOAD = "load"
APPLY = "apply"
DELETE = "delete"
EXPORT = "export"
IMPORT_PREVIEW = "import_preview"
IMPORT_APPLY = "import_apply"
MUTATING_ACTIONS = frozenset({APPLY, DELETE, IMPORT_APPLY})

NOT_SUPPORTED_TEXT = "not supported by this server"


@dataclass(frozen=True)
class ConfigRequest:
    """One configuration job: `action` on configuration `kind` of a bucket (or object)."""

    kind: str
    action: str
    bucket: str
    key: str | None = None
    version_id: str | None = None
    value: Any = None
    bypass_governance: bool = False
    path: str | None = None

    @property
    def mutating(self) -> bool:
        return self.action in MUTATING_ACTIONS


class ConfigDone(Message):
    """The request succeeded; `value` is what the server holds now (read back) or None."""

    def __init__(self, request: ConfigRequest, value: Any) -> None:
        super().__init__()
        self.request = request
        self.value = value


class ConfigFailed(Message):
    """The request failed with an S3 code and message (plain text: escape when drawn)."""

    def __init__(self, request: ConfigRequest, code: str, message: str) -> None:
        super().__init__()
        self.request = request
        self.code = code
        self.message = message

    @property
    def not_supported(self) -> bool:
        return self.code in NOT_SUPPORTED_CODES


class ConfigGateway(Protocol):
    """What an editor needs from the service (S3Service implements it)."""

    read_only: bool

    def config_job(self, reply_to: Any, request: ConfigRequest) -> None: ...

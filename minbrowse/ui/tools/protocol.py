"""The protocol between the ops-tool screens and the service: one request value, three answers.

A tool screen builds a `ToolRequest` and hands it to its gateway (the app's `S3Service`,
method `tool_job(reply_to, request)`, which returns a handle with `cancel()`); the job runs
on a worker thread through `minbrowse.ui.jobs.tool_jobs` and posts `ToolEvent`s (streamed
pieces: live events, result rows), then one `ToolDone` or `ToolFailed`, to the screen.
No network code here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Protocol

from textual.message import Message

from ..core.convert import NOT_SUPPORTED_CODES  # one list for the whole UI

NOT_SUPPORTED_TEXT = "not supported by this server"
READ_ONLY_CODE = "ReadOnly"


@dataclass(frozen=True)
class ToolRequest:
    """One tool job: `action` of tool `tool` on a bucket (and key), with its parameters."""

    tool: str
    action: str
    bucket: str
    key: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    mutating: bool = False

    def param(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)


class ToolEvent(Message):
    """A streamed piece of a running job (a live event, a batch of rows, a poll tick)."""

    def __init__(self, request: ToolRequest, value: Any) -> None:
        super().__init__()
        self.request = request
        self.value = value


class ToolDone(Message):
    """The job finished; `value` is its result (read back where something changed)."""

    def __init__(self, request: ToolRequest, value: Any) -> None:
        super().__init__()
        self.request = request
        self.value = value


class ToolFailed(Message):
    """The job failed with an S3 code and message (plain text: escape when drawn)."""

    def __init__(self, request: ToolRequest, code: str, message: str) -> None:
        super().__init__()
        self.request = request
        self.code = code
        self.message = message

    @property
    def not_supported(self) -> bool:
        return self.code in NOT_SUPPORTED_CODES

    def text(self) -> str:
        if self.not_supported:
            return f"{NOT_SUPPORTED_TEXT} ({self.code})"
        return f"{self.code}: {self.message}"


class ToolHandle(Protocol):
    def cancel(self) -> None: ...


class ToolGateway(Protocol):
    """What a tool screen needs from the service (S3Service implements it)."""

    read_only: bool

    def tool_job(self, reply_to: Any, request: ToolRequest) -> ToolHandle: ...

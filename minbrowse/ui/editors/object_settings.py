"""Object editors: Retention (mode and until-date; bypass governance when shortening) and
Legal hold (ON/OFF)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable

from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, Select, Static, Switch

from minbrowse.s3.commonconfig import COMPLIANCE, GOVERNANCE
from minbrowse.s3.retention import Retention

from .base import EditorScreen
from .fields import date_text, optional_date, row


class RetentionEditor(EditorScreen):
    KIND = "retention"
    TITLE = "Retention"
    CAN_DELETE = False

    def __init__(self, bucket: str, key: str | None = None, *,
                 clock: Callable[[], datetime] | None = None, **kwargs: Any) -> None:
        super().__init__(bucket, key, **kwargs)
        self.clock = clock or (lambda: datetime.now(timezone.utc))

    def compose_body(self) -> ComposeResult:
        yield Static("Objects are protected until the date (UTC). COMPLIANCE can never be "
                     "shortened; shortening GOVERNANCE needs the bypass below.", classes="hint")
        yield row("Mode", Select([("GOVERNANCE", GOVERNANCE), ("COMPLIANCE", COMPLIANCE)],
                                 id="retention-mode", allow_blank=True, prompt="choose a mode"))
        yield row("Retain until", Input(placeholder="2030-01-31 or 2030-01-31T12:00:00Z",
                                        id="retention-until"))
        yield Checkbox("Bypass governance retention (needed to shorten GOVERNANCE)",
                       id="retention-bypass")

    def show_value(self, value: Any) -> None:
        select = self.query_one("#retention-mode", Select)
        if value is not None:
            select.value = value.mode
        else:
            select.clear()
        self.query_one("#retention-until", Input).value = date_text(
            getattr(value, "retain_until_date", None))
        self.query_one("#retention-bypass", Checkbox).value = False

    def build_value(self) -> Retention:
        mode = self.query_one("#retention-mode", Select).value
        if mode not in (GOVERNANCE, COMPLIANCE):
            raise ValueError("choose GOVERNANCE or COMPLIANCE")
        until = optional_date(self.query_one("#retention-until", Input).value, "retain until")
        if until is None:
            raise ValueError("retain until is required")
        return Retention(str(mode), until)

    def check_value(self, value: Retention) -> None:
        value.validate(now=self.clock())  # the date must be in the future
        live = self.live
        if live is None or value.retain_until_date >= live.retain_until_date:
            if live is not None and live.mode == COMPLIANCE and value.mode != COMPLIANCE:
                raise ValueError("a COMPLIANCE retention cannot be changed to GOVERNANCE")
            return
        if live.mode == COMPLIANCE:
            raise ValueError("a COMPLIANCE retention can never be shortened")
        if not self.query_one("#retention-bypass", Checkbox).value:
            raise ValueError("this shortens a GOVERNANCE retention: tick \"Bypass governance "
                             "retention\" to confirm")

    def apply_options(self, value: Any) -> dict[str, Any]:
        return {"bypass_governance": self.query_one("#retention-bypass", Checkbox).value}

    def describe(self, value: Any) -> str:
        if value is None:
            return "none set: the object has no retention"
        return f"live: {value.mode} until {date_text(value.retain_until_date)}"


class LegalHoldEditor(EditorScreen):
    KIND = "legal_hold"
    TITLE = "Legal hold"
    CAN_DELETE = False

    def compose_body(self) -> ComposeResult:
        yield Static("A legal hold blocks deleting or overwriting this object version until "
                     "it is turned off (needs object lock on the bucket).", classes="hint")
        yield row("Legal hold ON", Switch(id="legal-hold", value=False))

    def show_value(self, value: Any) -> None:
        self.query_one("#legal-hold", Switch).value = bool(value)

    def build_value(self) -> bool:
        return bool(self.query_one("#legal-hold", Switch).value)

    def describe(self, value: Any) -> str:
        return f"live: legal hold {'ON' if value else 'OFF'}"

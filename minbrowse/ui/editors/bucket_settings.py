"""Small bucket editors: Versioning (Enabled / Suspended), Encryption (SSE-S3 / SSE-KMS with
key id) and Object lock default retention (mode, days or years)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

import minbrowse.s3.sse as sse
from minbrowse.s3.commonconfig import COMPLIANCE, ENABLED, GOVERNANCE
from minbrowse.s3.objectlock import DAYS, YEARS, ObjectLockConfig
from minbrowse.s3.versioning import OFF, SUSPENDED, VersioningConfig

from .base import EditorScreen
from .fields import decode_text, encode_text, optional_int, row, text_or_none


class VersioningEditor(EditorScreen):
    KIND = "versioning"
    TITLE = "Versioning"
    CAN_DELETE = False

    def compose_body(self) -> ComposeResult:
        yield Static("Once enabled, versioning can only be suspended, never turned off.",
                     classes="hint")
        yield row("Status", Select([("Enabled", ENABLED), ("Suspended", SUSPENDED)],
                                   id="versioning-status", allow_blank=True,
                                   prompt="Off (never enabled)"))

    def show_value(self, value: Any) -> None:
        status = getattr(value, "status", OFF) or OFF
        select = self.query_one("#versioning-status", Select)
        if status in (ENABLED, SUSPENDED):
            select.value = status
        else:
            select.clear()

    def build_value(self) -> VersioningConfig:
        status = self.query_one("#versioning-status", Select).value
        if status not in (ENABLED, SUSPENDED):
            raise ValueError("choose Enabled or Suspended")
        live = self.live
        return VersioningConfig(status, getattr(live, "mfa_delete", None),
                                getattr(live, "excluded_prefixes", None) if status == ENABLED
                                else None,
                                bool(getattr(live, "exclude_folders", False)) and status == ENABLED)

    def describe(self, value: Any) -> str:
        return f"live status: {getattr(value, 'status', OFF) or OFF}"


class EncryptionEditor(EditorScreen):
    KIND = "encryption"
    TITLE = "Encryption"

    def compose_body(self) -> ComposeResult:
        yield Static("Default encryption of new objects.", classes="hint")
        yield row("Algorithm", Select([("SSE-S3 (AES256)", sse.AES256),
                                       ("SSE-KMS (aws:kms)", sse.AWS_KMS)],
                                      id="sse-algorithm", allow_blank=True, prompt="none"))
        yield row("KMS key id", Input(placeholder="SSE-KMS only; empty = the default key",
                                      id="sse-key"))

    def show_value(self, value: Any) -> None:
        rule = getattr(value, "rule", None)
        select = self.query_one("#sse-algorithm", Select)
        if rule is not None and rule.sse_algorithm in (sse.AES256, sse.AWS_KMS):
            select.value = rule.sse_algorithm
        else:
            select.clear()
        self.query_one("#sse-key", Input).value = encode_text(
            getattr(rule, "kms_master_key_id", None) or "")

    def build_value(self) -> sse.SSEConfig:
        algorithm = self.query_one("#sse-algorithm", Select).value
        key = text_or_none(decode_text(self.query_one("#sse-key", Input).value))
        if algorithm == sse.AES256:
            if key:
                raise ValueError("a KMS key id needs SSE-KMS")
            return sse.SSEConfig(sse.Rule.new_sse_s3_rule())
        if algorithm == sse.AWS_KMS:
            return sse.SSEConfig(sse.Rule.new_sse_kms_rule(key))
        raise ValueError("choose SSE-S3 or SSE-KMS (use Delete to remove default encryption)")

    def describe(self, value: Any) -> str:
        rule = getattr(value, "rule", None)
        if rule is None:
            return "none set: no default encryption"
        key = f" with key {rule.kms_master_key_id}" if rule.kms_master_key_id else ""
        return f"live: {rule.sse_algorithm}{key}"


class ObjectLockEditor(EditorScreen):
    KIND = "object_lock"
    TITLE = "Object lock"
    NONE_TEXT = ("object lock is not enabled on this bucket (it can only be turned on when "
                 "the bucket is created)")

    def compose_body(self) -> ComposeResult:
        yield Static("Default retention applied to new object versions.", classes="hint")
        yield row("Mode", Select([("GOVERNANCE", GOVERNANCE), ("COMPLIANCE", COMPLIANCE)],
                                 id="lock-mode", allow_blank=True, prompt="no default retention"))
        yield row("Duration", Input(placeholder="e.g. 30", id="lock-duration"))
        yield row("Unit", Select([("Days", DAYS), ("Years", YEARS)], id="lock-unit",
                                 allow_blank=False, value=DAYS))

    def show_value(self, value: Any) -> None:
        mode = getattr(value, "mode", None)
        select = self.query_one("#lock-mode", Select)
        if mode in (GOVERNANCE, COMPLIANCE):
            select.value = mode
        else:
            select.clear()
        duration = getattr(value, "duration", None)
        self.query_one("#lock-duration", Input).value = "" if duration is None else str(duration)
        self.query_one("#lock-unit", Select).value = getattr(value, "duration_unit", None) or DAYS

    def build_value(self) -> ObjectLockConfig:
        if self.live is None:
            raise ValueError(self.NONE_TEXT)
        mode = self.query_one("#lock-mode", Select).value
        duration = optional_int(self.query_one("#lock-duration", Input).value, "duration")
        unit = self.query_one("#lock-unit", Select).value
        if mode not in (GOVERNANCE, COMPLIANCE):
            if duration is not None:
                raise ValueError("choose a mode for the default retention")
            return ObjectLockConfig(None, None, None)
        if duration is None:
            raise ValueError("duration is required with a mode")
        return ObjectLockConfig(mode, duration, str(unit))

    def deleted_value(self) -> ObjectLockConfig:
        return ObjectLockConfig(None, None, None)  # lock stays enabled, default retention goes

    def describe(self, value: Any) -> str:
        if value is None:
            return self.NONE_TEXT
        if value.mode is None:
            return "object lock enabled; no default retention"
        return f"live default retention: {value.mode} {value.duration} {value.duration_unit}"

    def _sync_buttons(self) -> None:
        super()._sync_buttons()
        if self.live is None or getattr(self.live, "mode", None) is None:
            for button in self.query("#editor-delete"):
                button.disabled = True

"""Notification config editor: queue, topic and function configurations, each with events
and prefix/suffix filters. Saving no configuration at all removes every notification."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Select

from minbrowse.s3.notification import (CloudFuncConfig, NotificationConfig, PrefixFilterRule,
                                       QueueConfig, SuffixFilterRule, TopicConfig)
from minbrowse.s3.validation import parse_arn

from .fields import row, text_or_none
from .rules_base import RulesEditor, input_value, select_value, set_input

TARGETS = {"queue": QueueConfig, "topic": TopicConfig, "function": CloudFuncConfig}
COMMON_EVENTS = "s3:ObjectCreated:*, s3:ObjectRemoved:*"


def target_type(config: Any) -> str:
    for name, cls in TARGETS.items():
        if isinstance(config, cls):
            return name
    raise TypeError(type(config).__name__)


class NotificationEditor(RulesEditor):
    KIND = "notification"
    TITLE = "Notification config"
    COLUMNS = ("Type", "ID", "ARN", "Events", "Prefix", "Suffix")
    NONE_TEXT = "none set: no notifications"

    def compose_form(self) -> ComposeResult:
        yield row("Type", Select([("Queue (SQS)", "queue"), ("Topic (SNS)", "topic"),
                                  ("Function (Lambda)", "function")], id="nt-type",
                                 allow_blank=False, value="queue"))
        yield row("ARN", Input(id="nt-arn", placeholder="arn:aws:sqs:us-east-1:123456789012:q"))
        yield row("Events", Input(id="nt-events", placeholder=COMMON_EVENTS))
        yield row("ID", Input(id="nt-id", placeholder="optional"))
        yield row("Prefix filter", Input(id="nt-prefix"))
        yield row("Suffix filter", Input(id="nt-suffix"))

    def rules_of(self, value: Any) -> list[Any]:
        if value is None:
            return []
        return [*value.queue_config_list, *value.topic_config_list,
                *value.cloud_func_config_list]

    def rule_row(self, config: Any) -> tuple[str, ...]:
        return (target_type(config), config.config_id or "—", config.arn,
                ", ".join(config.events),
                config.prefix_filter_rule.value if config.prefix_filter_rule else "",
                config.suffix_filter_rule.value if config.suffix_filter_rule else "")

    def rule_to_form(self, config: Any | None) -> None:
        for field_id in ("nt-arn", "nt-events", "nt-id", "nt-prefix", "nt-suffix"):
            set_input(self, field_id, "")
        self.query_one("#nt-type", Select).value = target_type(config) if config else "queue"
        if config is None:
            return
        set_input(self, "nt-arn", config.arn)
        set_input(self, "nt-events", ", ".join(config.events))
        set_input(self, "nt-id", config.config_id)
        set_input(self, "nt-prefix", config.prefix_filter_rule.value
                  if config.prefix_filter_rule else "")
        set_input(self, "nt-suffix", config.suffix_filter_rule.value
                  if config.suffix_filter_rule else "")

    def form_to_rule(self) -> Any:
        kind = str(select_value(self, "nt-type") or "queue")
        arn = input_value(self, "nt-arn").strip()
        parse_arn(arn, "ARN")
        events = [e.strip() for e in input_value(self, "nt-events").split(",") if e.strip()]
        prefix = text_or_none(input_value(self, "nt-prefix"))
        suffix = text_or_none(input_value(self, "nt-suffix"))
        config = TARGETS[kind](arn, events, text_or_none(input_value(self, "nt-id")),
                               PrefixFilterRule(prefix) if prefix else None,
                               SuffixFilterRule(suffix) if suffix else None)
        config.validate(kind)
        return config

    def make_config(self, rules: list[Any]) -> NotificationConfig:
        return NotificationConfig(
            [c for c in rules if isinstance(c, CloudFuncConfig)],
            [c for c in rules if isinstance(c, QueueConfig)],
            [c for c in rules if isinstance(c, TopicConfig)])

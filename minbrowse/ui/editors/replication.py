"""Replication editor: role, and rules (destination ARN, status, priority, prefix filter,
delete-marker replication). Parts the form does not show are kept from the live rule."""

from __future__ import annotations

import dataclasses
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, Select

from minbrowse.s3.commonconfig import DISABLED, ENABLED, Filter
from minbrowse.s3.replication import (DeleteMarkerReplication, Destination, ReplicationConfig,
                                      Rule)
from minbrowse.s3.validation import parse_arn

from .fields import optional_int, row, text_or_none
from .rules_base import RulesEditor, input_value, select_value, set_input


class ReplicationEditor(RulesEditor):
    KIND = "replication"
    TITLE = "Replication"
    COLUMNS = ("ID", "Status", "Priority", "Prefix", "Destination", "Delete markers")
    NONE_TEXT = "none set: no replication rules"

    def compose_header(self) -> ComposeResult:
        yield row("Role ARN", Input(id="repl-role",
                                    placeholder="arn:aws:iam::123456789012:role/replication"))

    def compose_form(self) -> ComposeResult:
        yield row("Rule id", Input(id="repl-id"))
        yield row("Status", Select([("Enabled", ENABLED), ("Disabled", DISABLED)],
                                   id="repl-status", allow_blank=False, value=ENABLED))
        yield row("Priority", Input(id="repl-priority", placeholder="0, 1, 2… (unique)"))
        yield row("Filter: prefix", Input(id="repl-prefix"))
        yield row("Destination ARN", Input(id="repl-dest", placeholder="arn:aws:s3:::dest-bucket"))
        yield row("Storage class", Input(id="repl-class", placeholder="optional"))
        yield Checkbox("Replicate delete markers", id="repl-delete-markers")

    def show_header(self, value: Any) -> None:
        set_input(self, "repl-role", getattr(value, "role", "") or "")

    def rule_row(self, rule: Rule) -> tuple[str, ...]:
        prefix = rule.rule_filter.prefix if rule.rule_filter else rule.prefix
        markers = rule.delete_marker_replication.status if rule.delete_marker_replication else "—"
        return (rule.rule_id or "—", rule.status, "" if rule.priority is None else
                str(rule.priority), prefix or "", rule.destination.bucket_arn
                if rule.destination else "", markers)

    def rule_to_form(self, rule: Rule | None) -> None:
        for field_id in ("repl-id", "repl-priority", "repl-prefix", "repl-dest", "repl-class"):
            set_input(self, field_id, "")
        self.query_one("#repl-status", Select).value = getattr(rule, "status", ENABLED)
        markers = getattr(getattr(rule, "delete_marker_replication", None), "status", DISABLED)
        self.query_one("#repl-delete-markers", Checkbox).value = markers == ENABLED
        if rule is None:
            return
        set_input(self, "repl-id", rule.rule_id)
        set_input(self, "repl-priority", rule.priority)
        set_input(self, "repl-prefix", rule.rule_filter.prefix if rule.rule_filter
                  else rule.prefix)
        if rule.destination is not None:
            set_input(self, "repl-dest", rule.destination.bucket_arn)
            set_input(self, "repl-class", rule.destination.storage_class)

    def form_to_rule(self) -> Rule:
        arn = input_value(self, "repl-dest").strip()
        parse_arn(arn, "destination ARN")
        priority = optional_int(input_value(self, "repl-priority"), "priority", positive=False)
        markers = ENABLED if self.query_one("#repl-delete-markers", Checkbox).value else DISABLED
        base = self.rules[self.editing] if self.editing is not None else None
        destination = Destination(arn) if base is None or base.destination is None else \
            dataclasses.replace(base.destination, bucket_arn=arn)
        destination = dataclasses.replace(destination,
                                          storage_class=text_or_none(input_value(self,
                                                                                 "repl-class")))
        fields = dict(
            destination=destination,
            status=str(select_value(self, "repl-status") or ENABLED),
            delete_marker_replication=DeleteMarkerReplication(markers),
            rule_filter=Filter(prefix=input_value(self, "repl-prefix").strip()),
            rule_id=text_or_none(input_value(self, "repl-id")),
            prefix=None,
            priority=priority,
        )
        rule = dataclasses.replace(base, **fields) if base is not None else Rule(**fields)
        rule.validate("rule")
        return rule

    def make_config(self, rules: list[Any]) -> ReplicationConfig:
        return ReplicationConfig(input_value(self, "repl-role").strip(), rules)

    def check_value(self, value: Any) -> None:
        role = input_value(self, "repl-role").strip()
        if role:
            parse_arn(role, "role")
        super().check_value(value)

"""Lifecycle rules editor: a table of rules and a rule form (id, status, prefix/tag/size
filter, expiration days or date, transition days and storage class, noncurrent-version
expiration and transition, abort incomplete multipart uploads)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Select

from minbrowse.s3.commonconfig import DISABLED, ENABLED, AndOperator, Filter, Tag
from minbrowse.s3.lifecycle import (AbortIncompleteMultipartUpload, Expiration, LifecycleConfig,
                                    NoncurrentVersionExpiration, NoncurrentVersionTransition, Rule,
                                    Transition)

from .fields import date_text, optional_date, optional_int, row, text_or_none
from .rules_base import RulesEditor, input_value, select_value, set_input

STORAGE_CLASSES = ("STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER",
                   "DEEP_ARCHIVE")
TEXT_FIELDS = ("lc-id", "lc-prefix", "lc-tag", "lc-size-gt", "lc-size-lt", "lc-exp-days",
               "lc-exp-date", "lc-tr-days", "lc-tr-class", "lc-nc-exp-days", "lc-nc-tr-days",
               "lc-nc-tr-class", "lc-abort-days")


def filter_parts(rule_filter: Filter | None, legacy_prefix: str | None
                 ) -> tuple[str | None, dict[str, str], int | None, int | None]:
    """(prefix, tags, size >, size <) of a rule filter, whatever its shape."""
    if rule_filter is None:
        return legacy_prefix, {}, None, None
    node = rule_filter.and_operator
    if node is not None:
        return (node.prefix, dict(node.tags or {}), node.object_size_greater_than,
                node.object_size_less_than)
    tags = {rule_filter.tag.key: rule_filter.tag.value} if rule_filter.tag else {}
    return (rule_filter.prefix, tags, rule_filter.object_size_greater_than,
            rule_filter.object_size_less_than)


def make_filter(prefix: str | None, tags: dict[str, str], greater: int | None,
                less: int | None) -> Filter:
    """The smallest Filter holding the conditions (And only when there are several)."""
    conditions = sum(x is not None for x in (prefix, greater, less)) + len(tags)
    if conditions > 1:
        return Filter(and_operator=AndOperator(prefix, tags or None, greater, less))
    if tags:
        key, value = next(iter(tags.items()))
        return Filter(tag=Tag(key, value))
    return Filter(prefix=prefix, object_size_greater_than=greater, object_size_less_than=less)


def parse_tag_filter(text: str) -> dict[str, str]:
    """`k=v, k2=v2` -> dict."""
    tags: dict[str, str] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if "=" not in part:
            raise ValueError(f"tag filter {part!r} must be key=value")
        key, _, value = part.partition("=")
        tags[key.strip()] = value.strip()
    return tags


class LifecycleEditor(RulesEditor):
    KIND = "lifecycle"
    TITLE = "Lifecycle rules"
    COLUMNS = ("ID", "Status", "Filter", "Actions")
    NONE_TEXT = "none set: no lifecycle rules"

    def compose_form(self) -> ComposeResult:
        yield row("Rule id", Input(id="lc-id", placeholder="optional, unique"))
        yield row("Status", Select([("Enabled", ENABLED), ("Disabled", DISABLED)],
                                   id="lc-status", allow_blank=False, value=ENABLED))
        yield row("Filter: prefix", Input(id="lc-prefix", placeholder="e.g. logs/"))
        yield row("Filter: tags", Input(id="lc-tag", placeholder="key=value, key2=value2"))
        yield row("Filter: size > bytes", Input(id="lc-size-gt"))
        yield row("Filter: size < bytes", Input(id="lc-size-lt"))
        yield row("Expire after days", Input(id="lc-exp-days"))
        yield row("…or expire on date", Input(id="lc-exp-date", placeholder="2030-01-31"))
        yield row("Transition after days", Input(id="lc-tr-days"))
        yield row("Transition to class", Input(id="lc-tr-class",
                                               placeholder=" / ".join(STORAGE_CLASSES[:3])))
        yield row("Noncurrent: expire days", Input(id="lc-nc-exp-days"))
        yield row("Noncurrent: move days", Input(id="lc-nc-tr-days"))
        yield row("Noncurrent: move class", Input(id="lc-nc-tr-class"))
        yield row("Abort uploads after days", Input(id="lc-abort-days"))

    def rule_row(self, rule: Rule) -> tuple[str, ...]:
        prefix, tags, greater, less = filter_parts(rule.rule_filter, rule.prefix)
        parts = [f"prefix {prefix}"] if prefix else []
        parts += [f"{k}={v}" for k, v in tags.items()]
        parts += [f">{greater}B"] if greater is not None else []
        parts += [f"<{less}B"] if less is not None else []
        actions = []
        if rule.expiration:
            exp = rule.expiration
            actions.append(f"expire {exp.days}d" if exp.days is not None
                           else f"expire {date_text(exp.date)}" if exp.date else "expire markers")
        if rule.transition:
            actions.append(f"→{rule.transition.storage_class} {rule.transition.days}d")
        if rule.noncurrent_version_expiration:
            actions.append(f"noncurrent {rule.noncurrent_version_expiration.noncurrent_days}d")
        if rule.noncurrent_version_transition:
            actions.append(f"noncurrent→{rule.noncurrent_version_transition.storage_class}")
        if rule.abort_incomplete_multipart_upload:
            actions.append(f"abort uploads "
                           f"{rule.abort_incomplete_multipart_upload.days_after_initiation}d")
        return (rule.rule_id or "—", rule.status, ", ".join(parts) or "whole bucket",
                ", ".join(actions))

    def rule_to_form(self, rule: Rule | None) -> None:
        for field_id in TEXT_FIELDS:
            set_input(self, field_id, "")
        self.query_one("#lc-status", Select).value = getattr(rule, "status", ENABLED)
        if rule is None:
            return
        prefix, tags, greater, less = filter_parts(rule.rule_filter, rule.prefix)
        set_input(self, "lc-id", rule.rule_id)
        set_input(self, "lc-prefix", prefix)
        set_input(self, "lc-tag", ", ".join(f"{k}={v}" for k, v in tags.items()))
        set_input(self, "lc-size-gt", greater)
        set_input(self, "lc-size-lt", less)
        if rule.expiration:
            set_input(self, "lc-exp-days", rule.expiration.days)
            set_input(self, "lc-exp-date", date_text(rule.expiration.date, date_only=True))
        if rule.transition:
            set_input(self, "lc-tr-days", rule.transition.days)
            set_input(self, "lc-tr-class", rule.transition.storage_class)
        if rule.noncurrent_version_expiration:
            set_input(self, "lc-nc-exp-days", rule.noncurrent_version_expiration.noncurrent_days)
        if rule.noncurrent_version_transition:
            set_input(self, "lc-nc-tr-days", rule.noncurrent_version_transition.noncurrent_days)
            set_input(self, "lc-nc-tr-class",
                      rule.noncurrent_version_transition.storage_class)
        if rule.abort_incomplete_multipart_upload:
            set_input(self, "lc-abort-days",
                      rule.abort_incomplete_multipart_upload.days_after_initiation)

    def form_to_rule(self) -> Rule:
        text = lambda field_id: input_value(self, field_id)  # noqa: E731
        prefix = text_or_none(text("lc-prefix"))
        tags = parse_tag_filter(text("lc-tag"))
        greater = optional_int(text("lc-size-gt"), "size >", positive=False)
        less = optional_int(text("lc-size-lt"), "size <", positive=False)
        rule_filter = make_filter(prefix, tags, greater, less)
        exp_days = optional_int(text("lc-exp-days"), "expire after days")
        exp_date = optional_date(text("lc-exp-date"), "expire on date")
        if exp_days is not None and exp_date is not None:
            raise ValueError("expire after days OR on a date, not both")
        expiration = (Expiration(date=exp_date, days=exp_days)
                      if exp_days is not None or exp_date is not None else None)
        tr_days = optional_int(text("lc-tr-days"), "transition after days", positive=False)
        tr_class = text_or_none(text("lc-tr-class"))
        transition = (Transition(days=tr_days, storage_class=tr_class)
                      if tr_days is not None or tr_class else None)
        nc_exp = optional_int(text("lc-nc-exp-days"), "noncurrent expire days")
        nc_tr_days = optional_int(text("lc-nc-tr-days"), "noncurrent move days", positive=False)
        nc_tr_class = text_or_none(text("lc-nc-tr-class"))
        abort = optional_int(text("lc-abort-days"), "abort uploads after days")
        rule = Rule(
            status=str(select_value(self, "lc-status") or ENABLED),
            rule_filter=rule_filter,
            rule_id=text_or_none(text("lc-id")),
            abort_incomplete_multipart_upload=(AbortIncompleteMultipartUpload(abort)
                                               if abort is not None else None),
            expiration=expiration,
            noncurrent_version_expiration=(NoncurrentVersionExpiration(nc_exp)
                                           if nc_exp is not None else None),
            noncurrent_version_transition=(NoncurrentVersionTransition(nc_tr_days, nc_tr_class)
                                           if nc_tr_days is not None or nc_tr_class else None),
            transition=transition,
        )
        rule.validate("rule")
        return rule

    def make_config(self, rules: list[Any]) -> LifecycleConfig:
        return LifecycleConfig(rules)

"""Bucket lifecycle configuration document (``<LifecycleConfiguration>``), XML both ways.

Parsing is lenient (servers return zero-day transitions, legacy rule-level ``<Prefix>``);
request-side rules live in :meth:`LifecycleConfig.validate`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional, Sequence
from xml.etree.ElementTree import Element

from .commonconfig import (DISABLED, ENABLED, Filter, child_or_new, format_iso8601, int_text,
                           parse_iso8601, required_text, to_utc)
from .validation import (MAX_RULES, check_choice, check_non_negative_int, check_positive_int,
                         check_rule_id, check_unique)
from .xmlutil import SubElement, find, findall, findtext

__all__ = [
    "Transition", "NoncurrentVersionTransition", "NoncurrentVersionExpiration", "Expiration",
    "AbortIncompleteMultipartUpload", "Rule", "LifecycleConfig",
]


def _date_days(element: Element) -> tuple[Optional[datetime], Optional[int]]:
    date = findtext(element, "Date")
    return (parse_iso8601(date, "Date") if date else None), int_text(element, "Days")


def _date_days_xml(node: Element, date: Optional[datetime], days: Optional[int]) -> None:
    if date is not None:
        SubElement(node, "Date", format_iso8601(date))
    if days is not None:
        SubElement(node, "Days", str(days))


def _check_date_days(date: Optional[datetime], days: Optional[int], field: str,
                     zero_days_ok: bool) -> None:
    if (date is None) == (days is None):
        raise ValueError(f"{field} needs exactly one of date or days")
    if days is not None:
        (check_non_negative_int if zero_days_ok else check_positive_int)(days, f"{field}.days")
    if date is not None:
        utc = to_utc(date)
        if (utc.hour, utc.minute, utc.second, utc.microsecond) != (0, 0, 0, 0):
            raise ValueError(f"{field}.date must be at midnight UTC, got {format_iso8601(utc)}")


@dataclass(frozen=True)
class Transition:
    """Move current versions to `storage_class` on `date` or `days` after creation."""

    date: Optional[datetime] = None
    days: Optional[int] = None
    storage_class: Optional[str] = None

    @classmethod
    def fromxml(cls, element: Element) -> "Transition":
        date, days = _date_days(element)
        return cls(date, days, findtext(element, "StorageClass"))

    def toxml(self, element: Element | None = None) -> Element:
        node = child_or_new(element, "Transition")
        _date_days_xml(node, self.date, self.days)
        if self.storage_class is not None:
            SubElement(node, "StorageClass", self.storage_class)
        return node

    def validate(self, field: str = "transition") -> None:
        _check_date_days(self.date, self.days, field, zero_days_ok=True)
        if not self.storage_class:
            raise ValueError(f"{field}.storage_class is required")


@dataclass(frozen=True)
class NoncurrentVersionTransition:
    noncurrent_days: Optional[int] = None
    storage_class: Optional[str] = None
    newer_noncurrent_versions: Optional[int] = None

    @classmethod
    def fromxml(cls, element: Element) -> "NoncurrentVersionTransition":
        return cls(int_text(element, "NoncurrentDays"), findtext(element, "StorageClass"),
                   int_text(element, "NewerNoncurrentVersions"))

    def toxml(self, element: Element | None = None) -> Element:
        node = child_or_new(element, "NoncurrentVersionTransition")
        if self.noncurrent_days is not None:
            SubElement(node, "NoncurrentDays", str(self.noncurrent_days))
        if self.storage_class is not None:
            SubElement(node, "StorageClass", self.storage_class)
        if self.newer_noncurrent_versions is not None:
            SubElement(node, "NewerNoncurrentVersions", str(self.newer_noncurrent_versions))
        return node

    def validate(self, field: str = "noncurrent_version_transition") -> None:
        check_non_negative_int(self.noncurrent_days, f"{field}.noncurrent_days")
        if not self.storage_class:
            raise ValueError(f"{field}.storage_class is required")
        if self.newer_noncurrent_versions is not None:
            check_positive_int(self.newer_noncurrent_versions,
                               f"{field}.newer_noncurrent_versions")


@dataclass(frozen=True)
class NoncurrentVersionExpiration:
    noncurrent_days: Optional[int] = None
    newer_noncurrent_versions: Optional[int] = None

    @classmethod
    def fromxml(cls, element: Element) -> "NoncurrentVersionExpiration":
        return cls(int_text(element, "NoncurrentDays"),
                   int_text(element, "NewerNoncurrentVersions"))

    def toxml(self, element: Element | None = None) -> Element:
        node = child_or_new(element, "NoncurrentVersionExpiration")
        if self.noncurrent_days is not None:
            SubElement(node, "NoncurrentDays", str(self.noncurrent_days))
        if self.newer_noncurrent_versions is not None:
            SubElement(node, "NewerNoncurrentVersions", str(self.newer_noncurrent_versions))
        return node

    def validate(self, field: str = "noncurrent_version_expiration") -> None:
        check_positive_int(self.noncurrent_days, f"{field}.noncurrent_days")
        if self.newer_noncurrent_versions is not None:
            check_positive_int(self.newer_noncurrent_versions,
                               f"{field}.newer_noncurrent_versions")


@dataclass(frozen=True)
class Expiration:
    """Expire current versions on `date`/after `days`, or remove expired delete markers."""

    date: Optional[datetime] = None
    days: Optional[int] = None
    expired_object_delete_marker: Optional[bool] = None

    @classmethod
    def fromxml(cls, element: Element) -> "Expiration":
        date, days = _date_days(element)
        marker = findtext(element, "ExpiredObjectDeleteMarker")
        return cls(date, days, None if marker is None else marker.strip().lower() == "true")

    def toxml(self, element: Element | None = None) -> Element:
        node = child_or_new(element, "Expiration")
        _date_days_xml(node, self.date, self.days)
        if self.expired_object_delete_marker is not None:
            SubElement(node, "ExpiredObjectDeleteMarker",
                       "true" if self.expired_object_delete_marker else "false")
        return node

    def validate(self, field: str = "expiration") -> None:
        if self.expired_object_delete_marker is not None:
            if self.date is not None or self.days is not None:
                raise ValueError(f"{field}.expired_object_delete_marker cannot be combined "
                                 f"with date or days")
            return
        _check_date_days(self.date, self.days, field, zero_days_ok=False)


@dataclass(frozen=True)
class AbortIncompleteMultipartUpload:
    days_after_initiation: Optional[int] = None

    @classmethod
    def fromxml(cls, element: Element) -> "AbortIncompleteMultipartUpload":
        return cls(int_text(element, "DaysAfterInitiation"))

    def toxml(self, element: Element | None = None) -> Element:
        node = child_or_new(element, "AbortIncompleteMultipartUpload")
        if self.days_after_initiation is not None:
            SubElement(node, "DaysAfterInitiation", str(self.days_after_initiation))
        return node

    def validate(self, field: str = "abort_incomplete_multipart_upload") -> None:
        check_positive_int(self.days_after_initiation, f"{field}.days_after_initiation")


_ACTIONS = (
    ("abort_incomplete_multipart_upload", "AbortIncompleteMultipartUpload",
     AbortIncompleteMultipartUpload),
    ("expiration", "Expiration", Expiration),
    ("noncurrent_version_expiration", "NoncurrentVersionExpiration",
     NoncurrentVersionExpiration),
    ("noncurrent_version_transition", "NoncurrentVersionTransition",
     NoncurrentVersionTransition),
    ("transition", "Transition", Transition),
)


@dataclass(frozen=True)
class Rule:
    """One lifecycle rule. `prefix` is the legacy rule-level prefix some servers still return."""

    status: str
    rule_filter: Optional[Filter] = None
    rule_id: Optional[str] = None
    abort_incomplete_multipart_upload: Optional[AbortIncompleteMultipartUpload] = None
    expiration: Optional[Expiration] = None
    noncurrent_version_expiration: Optional[NoncurrentVersionExpiration] = None
    noncurrent_version_transition: Optional[NoncurrentVersionTransition] = None
    transition: Optional[Transition] = None
    prefix: Optional[str] = None

    @classmethod
    def fromxml(cls, element: Element) -> "Rule":
        filter_elem = find(element, "Filter")
        actions = {}
        for attr, tag, part in _ACTIONS:
            node = find(element, tag)
            actions[attr] = None if node is None else part.fromxml(node)  # type: ignore
        return cls(
            status=required_text(element, "Status"),
            rule_filter=None if filter_elem is None else Filter.fromxml(filter_elem),
            rule_id=findtext(element, "ID"),
            prefix=findtext(element, "Prefix"),
            **actions,
        )

    def toxml(self, element: Element | None = None) -> Element:
        node = child_or_new(element, "Rule")
        if self.rule_id is not None:
            SubElement(node, "ID", self.rule_id)
        if self.rule_filter is not None:
            self.rule_filter.toxml(node)
        elif self.prefix is None:
            SubElement(node, "Filter")  # S3 wants a Filter or Prefix: empty = whole bucket
        if self.prefix is not None:
            SubElement(node, "Prefix", self.prefix)
        SubElement(node, "Status", self.status)
        for attr, _tag, _part in _ACTIONS:
            action = getattr(self, attr)
            if action is not None:
                action.toxml(node)
        return node

    def validate(self, field: str = "rule") -> None:
        check_choice(self.status, (ENABLED, DISABLED), f"{field}.status")
        check_rule_id(self.rule_id, f"{field}.rule_id")
        if self.rule_filter is not None:
            if self.prefix is not None:
                raise ValueError(f"{field} cannot have both rule_filter and the legacy prefix")
            self.rule_filter.validate(f"{field}.rule_filter")
        present = [attr for attr, _tag, _part in _ACTIONS if getattr(self, attr) is not None]
        if not present:
            raise ValueError(f"{field} needs at least one action: "
                             + ", ".join(attr for attr, _tag, _part in _ACTIONS))
        for attr in present:
            getattr(self, attr).validate(f"{field}.{attr}")


@dataclass(frozen=True)
class LifecycleConfig:
    rules: Sequence[Rule]

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", tuple(self.rules or ()))

    @classmethod
    def fromxml(cls, element: Element) -> "LifecycleConfig":
        return cls([Rule.fromxml(rule) for rule in findall(element, "Rule")])

    def toxml(self, element: Element | None = None) -> Element:
        root = child_or_new(element, "LifecycleConfiguration")
        for rule in self.rules:
            rule.toxml(root)
        return root

    def validate(self) -> None:
        if not self.rules:
            raise ValueError("rules must hold at least one lifecycle rule")
        if len(self.rules) > MAX_RULES:
            raise ValueError(f"rules may hold at most {MAX_RULES} lifecycle rules, "
                             f"got {len(self.rules)}")
        for index, rule in enumerate(self.rules):
            rule.validate(f"rules[{index}]")
        check_unique((rule.rule_id for rule in self.rules), "rule_id")

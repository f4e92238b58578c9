"""Bucket replication configuration document (``<ReplicationConfiguration>``), XML both ways.

Covers the AWS V2 schema (Filter, Priority, DeleteMarkerReplication, ExistingObjectReplication,
SourceSelectionCriteria, Destination with Account/StorageClass/EncryptionConfiguration/
ReplicationTime/Metrics/AccessControlTranslation) plus MinIO's ``<DeleteReplication>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Optional, Sequence
from xml.etree.ElementTree import Element

from .commonconfig import (DISABLED, ENABLED, Filter, child_or_new, int_text, required_text)
from .validation import (MAX_RULES, check_arn, check_choice, check_non_negative_int,
                         check_positive_int, check_rule_id, check_unique)
from .xmlutil import SubElement, find, findall, findtext

__all__ = [
    "SseKmsEncryptedObjects", "ReplicaModifications", "SourceSelectionCriteria",
    "ExistingObjectReplication", "DeleteMarkerReplication", "DeleteReplication", "Time",
    "ReplicationTime", "EventThreshold", "Metrics", "EncryptionConfig",
    "AccessControlTranslation", "Destination", "Rule", "ReplicationConfig",
]

_STATUSES = (ENABLED, DISABLED)


def _part(cls, element: Element, tag: str):
    node = find(element, tag)
    return None if node is None else cls.fromxml(node)


@dataclass(frozen=True)
class _StatusPart:
    """``<Tag><Status>Enabled|Disabled</Status></Tag>``; subclasses set TAG."""

    status: str
    TAG: ClassVar[str] = ""

    @classmethod
    def fromxml(cls, element: Element):
        return cls(required_text(element, "Status"))

    def toxml(self, element: Element | None = None) -> Element:
        node = child_or_new(element, self.TAG)
        SubElement(node, "Status", self.status)
        return node

    def validate(self, field: str) -> None:
        check_choice(self.status, _STATUSES, f"{field}.status")


@dataclass(frozen=True)
class SseKmsEncryptedObjects(_StatusPart):
    TAG: ClassVar[str] = "SseKmsEncryptedObjects"


@dataclass(frozen=True)
class ReplicaModifications(_StatusPart):
    TAG: ClassVar[str] = "ReplicaModifications"


@dataclass(frozen=True)
class ExistingObjectReplication(_StatusPart):
    TAG: ClassVar[str] = "ExistingObjectReplication"


@dataclass(frozen=True)
class DeleteMarkerReplication(_StatusPart):
    status: str = DISABLED
    TAG: ClassVar[str] = "DeleteMarkerReplication"


@dataclass(frozen=True)
class DeleteReplication(_StatusPart):
    """MinIO extension: replicate versioned deletes."""

    TAG: ClassVar[str] = "DeleteReplication"


@dataclass(frozen=True)
class SourceSelectionCriteria:
    sse_kms_encrypted_objects: Optional[SseKmsEncryptedObjects] = None
    replica_modifications: Optional[ReplicaModifications] = None

    @classmethod
    def fromxml(cls, element: Element) -> "SourceSelectionCriteria":
        return cls(_part(SseKmsEncryptedObjects, element, "SseKmsEncryptedObjects"),
                   _part(ReplicaModifications, element, "ReplicaModifications"))

    def toxml(self, element: Element | None = None) -> Element:
        node = child_or_new(element, "SourceSelectionCriteria")
        for part in (self.sse_kms_encrypted_objects, self.replica_modifications):
            if part is not None:
                part.toxml(node)
        return node

    def validate(self, field: str) -> None:
        if self.sse_kms_encrypted_objects is not None:
            self.sse_kms_encrypted_objects.validate(f"{field}.sse_kms_encrypted_objects")
        if self.replica_modifications is not None:
            self.replica_modifications.validate(f"{field}.replica_modifications")


@dataclass(frozen=True)
class _Minutes:
    minutes: Optional[int] = 15
    TAG: ClassVar[str] = ""

    @classmethod
    def fromxml(cls, element: Element):
        return cls(int_text(element, "Minutes"))

    def toxml(self, element: Element | None = None) -> Element:
        node = child_or_new(element, self.TAG)
        if self.minutes is not None:
            SubElement(node, "Minutes", str(self.minutes))
        return node


@dataclass(frozen=True)
class Time(_Minutes):
    TAG: ClassVar[str] = "Time"


@dataclass(frozen=True)
class EventThreshold(_Minutes):
    TAG: ClassVar[str] = "EventThreshold"


@dataclass(frozen=True)
class ReplicationTime:
    """S3 Replication Time Control: ``<ReplicationTime><Status/><Time><Minutes/>``."""

    time: Optional[Time]
    status: str

    @classmethod
    def fromxml(cls, element: Element) -> "ReplicationTime":
        return cls(_part(Time, element, "Time"), required_text(element, "Status"))

    def toxml(self, element: Element | None = None) -> Element:
        node = child_or_new(element, "ReplicationTime")
        SubElement(node, "Status", self.status)
        if self.time is not None:
            self.time.toxml(node)
        return node

    def validate(self, field: str) -> None:
        check_choice(self.status, _STATUSES, f"{field}.status")
        if self.time is None:
            raise ValueError(f"{field}.time is required")
        check_positive_int(self.time.minutes, f"{field}.time.minutes")


@dataclass(frozen=True)
class Metrics:
    event_threshold: Optional[EventThreshold]
    status: str

    @classmethod
    def fromxml(cls, element: Element) -> "Metrics":
        return cls(_part(EventThreshold, element, "EventThreshold"),
                   required_text(element, "Status"))

    def toxml(self, element: Element | None = None) -> Element:
        node = child_or_new(element, "Metrics")
        SubElement(node, "Status", self.status)
        if self.event_threshold is not None:
            self.event_threshold.toxml(node)
        return node

    def validate(self, field: str) -> None:
        check_choice(self.status, _STATUSES, f"{field}.status")
        if self.event_threshold is not None and self.event_threshold.minutes is not None:
            check_positive_int(self.event_threshold.minutes, f"{field}.event_threshold.minutes")


@dataclass(frozen=True)
class EncryptionConfig:
    replica_kms_key_id: Optional[str] = None

    @classmethod
    def fromxml(cls, element: Element) -> "EncryptionConfig":
        return cls(findtext(element, "ReplicaKmsKeyID"))

    def toxml(self, element: Element | None = None) -> Element:
        node = child_or_new(element, "EncryptionConfiguration")
        if self.replica_kms_key_id is not None:
            SubElement(node, "ReplicaKmsKeyID", self.replica_kms_key_id)
        return node


@dataclass(frozen=True)
class AccessControlTranslation:
    owner: str = "Destination"

    @classmethod
    def fromxml(cls, element: Element) -> "AccessControlTranslation":
        return cls(required_text(element, "Owner"))

    def toxml(self, element: Element | None = None) -> Element:
        node = child_or_new(element, "AccessControlTranslation")
        SubElement(node, "Owner", self.owner)
        return node


@dataclass(frozen=True)
class Destination:
    bucket_arn: str
    access_control_translation: Optional[AccessControlTranslation] = None
    account: Optional[str] = None
    encryption_config: Optional[EncryptionConfig] = None
    metrics: Optional[Metrics] = None
    replication_time: Optional[ReplicationTime] = None
    storage_class: Optional[str] = None

    @classmethod
    def fromxml(cls, element: Element) -> "Destination":
        return cls(
            bucket_arn=required_text(element, "Bucket"),
            access_control_translation=_part(AccessControlTranslation, element,
                                             "AccessControlTranslation"),
            account=findtext(element, "Account"),
            encryption_config=_part(EncryptionConfig, element, "EncryptionConfiguration"),
            metrics=_part(Metrics, element, "Metrics"),
            replication_time=_part(ReplicationTime, element, "ReplicationTime"),
            storage_class=findtext(element, "StorageClass"),
        )

    def toxml(self, element: Element | None = None) -> Element:
        node = child_or_new(element, "Destination")
        SubElement(node, "Bucket", self.bucket_arn)
        if self.account is not None:
            SubElement(node, "Account", self.account)
        if self.storage_class is not None:
            SubElement(node, "StorageClass", self.storage_class)
        for part in (self.access_control_translation, self.encryption_config,
                     self.replication_time, self.metrics):
            if part is not None:
                part.toxml(node)
        return node

    def validate(self, field: str = "destination") -> None:
        check_arn(self.bucket_arn, f"{field}.bucket_arn")
        if self.metrics is not None:
            self.metrics.validate(f"{field}.metrics")
        if self.replication_time is not None:
            self.replication_time.validate(f"{field}.replication_time")
        if self.access_control_translation is not None and self.account is None:
            raise ValueError(f"{field}.account is required with access_control_translation")


@dataclass(frozen=True)
class Rule:
    """One replication rule; positional order ``Rule(destination, status, ...)`` as in the docs.

    Keyword calls (``Rule(status=ENABLED, destination=..., rule_filter=...)``) work as well.
    """

    destination: Optional[Destination]
    status: str
    delete_marker_replication: Optional[DeleteMarkerReplication] = None
    existing_object_replication: Optional[ExistingObjectReplication] = None
    rule_filter: Optional[Filter] = None
    rule_id: Optional[str] = None
    prefix: Optional[str] = None
    priority: Optional[int] = None
    source_selection_criteria: Optional[SourceSelectionCriteria] = None
    delete_replication: Optional[DeleteReplication] = None

    @classmethod
    def fromxml(cls, element: Element) -> "Rule":
        filter_elem = find(element, "Filter")
        return cls(
            destination=_part(Destination, element, "Destination"),
            status=required_text(element, "Status"),
            delete_marker_replication=_part(DeleteMarkerReplication, element,
                                            "DeleteMarkerReplication"),
            existing_object_replication=_part(ExistingObjectReplication, element,
                                              "ExistingObjectReplication"),
            rule_filter=None if filter_elem is None else Filter.fromxml(filter_elem),
            rule_id=findtext(element, "ID"),
            prefix=findtext(element, "Prefix"),
            priority=int_text(element, "Priority"),
            source_selection_criteria=_part(SourceSelectionCriteria, element,
                                            "SourceSelectionCriteria"),
            delete_replication=_part(DeleteReplication, element, "DeleteReplication"),
        )

    def toxml(self, element: Element | None = None) -> Element:
        node = child_or_new(element, "Rule")
        # element order of the S3 XSD: ID, Priority, Prefix|Filter, Status, the rest
        if self.rule_id is not None:
            SubElement(node, "ID", self.rule_id)
        if self.priority is not None:
            SubElement(node, "Priority", str(self.priority))
        if self.prefix is not None:
            SubElement(node, "Prefix", self.prefix)
        if self.rule_filter is not None:
            self.rule_filter.toxml(node)
        SubElement(node, "Status", self.status)
        for part in (self.source_selection_criteria, self.existing_object_replication,
                     self.destination, self.delete_marker_replication, self.delete_replication):
            if part is not None:
                part.toxml(node)
        return node

    def validate(self, field: str = "rule") -> None:
        check_choice(self.status, _STATUSES, f"{field}.status")
        check_rule_id(self.rule_id, f"{field}.rule_id")
        if self.destination is None:
            raise ValueError(f"{field}.destination is required")
        self.destination.validate(f"{field}.destination")
        if self.priority is not None:
            check_non_negative_int(self.priority, f"{field}.priority")
        if self.rule_filter is not None:
            if self.prefix is not None:
                raise ValueError(f"{field} cannot have both rule_filter and the legacy prefix")
            self.rule_filter.validate(f"{field}.rule_filter")
            if (self.rule_filter.object_size_greater_than is not None
                    or self.rule_filter.object_size_less_than is not None):
                raise ValueError(f"{field}.rule_filter object size bounds are lifecycle-only")
        for name in ("delete_marker_replication", "existing_object_replication",
                     "delete_replication"):
            part = getattr(self, name)
            if part is not None:
                part.validate(f"{field}.{name}")
        if self.source_selection_criteria is not None:
            self.source_selection_criteria.validate(f"{field}.source_selection_criteria")


@dataclass(frozen=True)
class ReplicationConfig:
    role: str
    rules: Sequence[Rule]

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", tuple(self.rules or ()))

    @classmethod
    def fromxml(cls, element: Element) -> "ReplicationConfig":
        return cls(findtext(element, "Role") or "",
                   [Rule.fromxml(rule) for rule in findall(element, "Rule")])

    def toxml(self, element: Element | None = None) -> Element:
        root = child_or_new(element, "ReplicationConfiguration")
        if self.role:
            SubElement(root, "Role", self.role)
        for rule in self.rules:
            rule.toxml(root)
        return root

    def validate(self) -> None:
        if self.role:
            check_arn(self.role, "role")
        if not self.rules:
            raise ValueError("rules must hold at least one replication rule")
        if len(self.rules) > MAX_RULES:
            raise ValueError(f"rules may hold at most {MAX_RULES} replication rules, "
                             f"got {len(self.rules)}")
        for index, rule in enumerate(self.rules):
            rule.validate(f"rules[{index}]")
        check_unique((rule.rule_id for rule in self.rules), "rule_id")
        check_unique((rule.priority for rule in self.rules), "priority")

"""Bucket notification configuration document (``<NotificationConfiguration>``), XML both ways.

Queue (SQS), topic (SNS) and cloud-function (Lambda) targets, each with events and an optional
``prefix``/``suffix`` key filter. Positional order follows the documented examples:
``QueueConfig(queue_arn, events, config_id=None, prefix_filter_rule=None, suffix_filter_rule=None)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Optional, Sequence
from xml.etree.ElementTree import Element

from .commonconfig import child_or_new, required_text
from .validation import check_arn, check_unique
from .xmlutil import SubElement, find, findall, findtext

__all__ = [
    "FilterRule", "PrefixFilterRule", "SuffixFilterRule", "QueueConfig", "TopicConfig",
    "CloudFuncConfig", "NotificationConfig",
]


@dataclass(frozen=True)
class FilterRule:
    """``<FilterRule><Name>prefix|suffix</Name><Value/></FilterRule>``."""

    name: str
    value: str

    @classmethod
    def fromxml(cls, element: Element) -> "FilterRule":
        name = required_text(element, "Name").strip().lower()
        value = findtext(element, "Value") or ""
        if name == "prefix":
            return PrefixFilterRule(value)
        if name == "suffix":
            return SuffixFilterRule(value)
        return cls(name, value)

    def toxml(self, element: Element | None = None) -> Element:
        node = child_or_new(element, "FilterRule")
        SubElement(node, "Name", self.name)
        SubElement(node, "Value", self.value)
        return node


@dataclass(frozen=True, init=False)
class PrefixFilterRule(FilterRule):
    def __init__(self, value: str):
        super().__init__("prefix", value)


@dataclass(frozen=True, init=False)
class SuffixFilterRule(FilterRule):
    def __init__(self, value: str):
        super().__init__("suffix", value)


class _TargetConfig:
    """Shared behaviour of the three target configurations.

    Subclasses are frozen dataclasses whose first field is the target ARN (named ``queue``,
    ``topic`` or ``cloud_func`` as in minio-py), then ``events``, ``config_id``,
    ``prefix_filter_rule``, ``suffix_filter_rule``; they set TAG, ARN_TAG and ARN_FIELD.
    """

    TAG: ClassVar[str] = ""
    ARN_TAG: ClassVar[str] = ""
    ARN_FIELD: ClassVar[str] = ""
    events: Sequence[str]
    config_id: Optional[str]
    prefix_filter_rule: Optional[PrefixFilterRule]
    suffix_filter_rule: Optional[SuffixFilterRule]

    def __post_init__(self) -> None:
        object.__setattr__(self, "events", tuple(self.events or ()))

    @property
    def arn(self) -> str:
        return getattr(self, self.ARN_FIELD)

    @classmethod
    def fromxml(cls, element: Element):
        prefix_rule = suffix_rule = None
        s3key = find(find(element, "Filter"), "S3Key")
        for node in findall(s3key, "FilterRule"):
            rule = FilterRule.fromxml(node)
            if isinstance(rule, PrefixFilterRule):
                prefix_rule = rule
            elif isinstance(rule, SuffixFilterRule):
                suffix_rule = rule
        events = [event.text or "" for event in findall(element, "Event")]
        return cls(required_text(element, cls.ARN_TAG), events,  # type: ignore[call-arg]
                   findtext(element, "Id"), prefix_rule, suffix_rule)

    def toxml(self, element: Element | None = None) -> Element:
        node = child_or_new(element, self.TAG)
        if self.config_id is not None:
            SubElement(node, "Id", self.config_id)
        SubElement(node, self.ARN_TAG, self.arn)
        for event in self.events:
            SubElement(node, "Event", event)
        if self.prefix_filter_rule is not None or self.suffix_filter_rule is not None:
            s3key = SubElement(SubElement(node, "Filter"), "S3Key")
            for rule in (self.prefix_filter_rule, self.suffix_filter_rule):
                if rule is not None:
                    rule.toxml(s3key)
        return node

    def validate(self, field: str) -> None:
        check_arn(self.arn, f"{field}.{self.ARN_FIELD}")
        if not self.events:
            raise ValueError(f"{field}.events must name at least one event")
        for event in self.events:
            if not isinstance(event, str) or not event.startswith("s3:"):
                raise ValueError(f"{field}.events: {event!r} is not an s3:... event name")
        check_unique(self.events, f"{field}.events")


@dataclass(frozen=True)
class QueueConfig(_TargetConfig):
    queue: str
    events: Sequence[str]
    config_id: Optional[str] = None
    prefix_filter_rule: Optional[PrefixFilterRule] = None
    suffix_filter_rule: Optional[SuffixFilterRule] = None
    TAG: ClassVar[str] = "QueueConfiguration"
    ARN_TAG: ClassVar[str] = "Queue"
    ARN_FIELD: ClassVar[str] = "queue"


@dataclass(frozen=True)
class TopicConfig(_TargetConfig):
    topic: str
    events: Sequence[str]
    config_id: Optional[str] = None
    prefix_filter_rule: Optional[PrefixFilterRule] = None
    suffix_filter_rule: Optional[SuffixFilterRule] = None
    TAG: ClassVar[str] = "TopicConfiguration"
    ARN_TAG: ClassVar[str] = "Topic"
    ARN_FIELD: ClassVar[str] = "topic"


@dataclass(frozen=True)
class CloudFuncConfig(_TargetConfig):
    cloud_func: str
    events: Sequence[str]
    config_id: Optional[str] = None
    prefix_filter_rule: Optional[PrefixFilterRule] = None
    suffix_filter_rule: Optional[SuffixFilterRule] = None
    TAG: ClassVar[str] = "CloudFunctionConfiguration"
    ARN_TAG: ClassVar[str] = "CloudFunction"
    ARN_FIELD: ClassVar[str] = "cloud_func"


@dataclass(frozen=True)
class NotificationConfig:
    cloud_func_config_list: Sequence[CloudFuncConfig] = field(default_factory=tuple)
    queue_config_list: Sequence[QueueConfig] = field(default_factory=tuple)
    topic_config_list: Sequence[TopicConfig] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        for name in ("cloud_func_config_list", "queue_config_list", "topic_config_list"):
            object.__setattr__(self, name, tuple(getattr(self, name) or ()))

    @classmethod
    def fromxml(cls, element: Element) -> "NotificationConfig":
        return cls(
            [CloudFuncConfig.fromxml(node)
             for node in findall(element, "CloudFunctionConfiguration")],
            [QueueConfig.fromxml(node) for node in findall(element, "QueueConfiguration")],
            [TopicConfig.fromxml(node) for node in findall(element, "TopicConfiguration")],
        )

    def toxml(self, element: Element | None = None) -> Element:
        root = child_or_new(element, "NotificationConfiguration")
        for config in (*self.cloud_func_config_list, *self.queue_config_list,
                       *self.topic_config_list):
            config.toxml(root)
        return root

    def validate(self) -> None:
        """An empty configuration is valid: it removes every notification."""
        ids = []
        for name in ("cloud_func_config_list", "queue_config_list", "topic_config_list"):
            for index, config in enumerate(getattr(self, name)):
                config.validate(f"{name}[{index}]")
                ids.append(config.config_id)
        check_unique(ids, "config_id")

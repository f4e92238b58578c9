"""Constants and parts shared by the S3 configuration documents.

``ENABLED``/``DISABLED``/``COPY``/``REPLACE``/``GOVERNANCE``/``COMPLIANCE``, the ``Tags``
mapping (bucket/object tagging document and the ``x-amz-tagging`` header form), the rule
``Filter``/``AndOperator``/``Tag`` parts, and the small XML/timestamp helpers the document
modules use to read server replies leniently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping, Optional
from urllib.parse import quote
from xml.etree.ElementTree import Element

from .errors import InvalidResponseError
from .validation import (MAX_BUCKET_TAGS, MAX_OBJECT_TAGS, check_non_negative_int, check_tag,
                         check_tag_count)
from .xmlutil import SubElement, find, findall, findtext, new_element

__all__ = [
    "ENABLED", "DISABLED", "COPY", "REPLACE", "GOVERNANCE", "COMPLIANCE",
    "Tags", "Tag", "AndOperator", "Filter",
    "to_utc", "format_iso8601", "parse_iso8601", "required_text", "int_text", "child_or_new",
]

COPY = "COPY"
REPLACE = "REPLACE"
DISABLED = "Disabled"
ENABLED = "Enabled"
GOVERNANCE = "GOVERNANCE"
COMPLIANCE = "COMPLIANCE"


# --------------------------------------------------------------------------- helpers

def _malformed(message: str) -> InvalidResponseError:
    return InvalidResponseError(0, "application/xml", message)


def required_text(element: Element, name: str) -> str:
    """Text of child `name`; InvalidResponseError when the element is missing."""
    value = findtext(element, name)
    if value is None:
        raise _malformed(f"<{name}> missing in <{element.tag.rsplit('}', 1)[-1]}>")
    return value


def int_text(element: Element | None, name: str) -> Optional[int]:
    """Integer content of child `name`, None when absent or empty."""
    value = findtext(element, name)
    if value is None or not value.strip():
        return None
    try:
        return int(value.strip())
    except ValueError:
        raise _malformed(f"<{name}> is not an integer: {value[:40]!r}") from None


def child_or_new(element: Element | None, tag: str) -> Element:
    """`element` with a new `tag` child appended, or a new namespaced root when None."""
    return new_element(tag) if element is None else SubElement(element, tag)


def to_utc(value: datetime) -> datetime:
    """Aware UTC datetime; naive values are taken as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def format_iso8601(value: datetime) -> str:
    """``2026-01-02T03:04:05.678Z`` (millisecond precision, UTC)."""
    value = to_utc(value)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def parse_iso8601(text: str, name: str = "date") -> datetime:
    """Parse the ISO 8601 forms servers send (``Z``/offset, 0-9 fraction digits, date only)."""
    raw = (text or "").strip()
    candidate = raw[:-1] + "+00:00" if raw.endswith(("Z", "z")) else raw
    if "." in candidate:  # at most 6 fraction digits for datetime
        head, _, tail = candidate.partition(".")
        digits = len(tail) - len(tail.lstrip("0123456789"))
        candidate = head + "." + tail[:min(digits, 6)].ljust(1, "0") + tail[digits:]
    try:
        return to_utc(datetime.fromisoformat(candidate))
    except ValueError:
        raise _malformed(f"<{name}> is not an ISO 8601 timestamp: {raw[:40]!r}") from None


# --------------------------------------------------------------------------- Tags

class Tags(dict):
    """Tag set of a bucket (max 50) or an object (max 10); limits enforced on assignment."""

    _for_object = False  # class default keeps unpickling (items before state) working

    def __init__(self, for_object: bool = False):
        if not isinstance(for_object, bool):
            raise TypeError("Tags(for_object: bool): build with Tags.new_bucket_tags() or "
                            "Tags.new_object_tags(), then assign or .update(mapping)")
        super().__init__()
        self._for_object = bool(for_object)

    @classmethod
    def new_bucket_tags(cls) -> "Tags":
        return cls(for_object=False)

    @classmethod
    def new_object_tags(cls) -> "Tags":
        return cls(for_object=True)

    @property
    def for_object(self) -> bool:
        return self._for_object

    @property
    def limit(self) -> int:
        return MAX_OBJECT_TAGS if self._for_object else MAX_BUCKET_TAGS

    @property
    def _what(self) -> str:
        return "object tags" if self._for_object else "bucket tags"

    def __setitem__(self, key: str, value: str) -> None:
        check_tag(key, value, "tag")
        if key not in self and len(self) >= self.limit:
            raise ValueError(f"{self._what} may hold at most {self.limit} tags; "
                             f"cannot add key {key[:40]!r}")
        super().__setitem__(key, value)

    def update(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def setdefault(self, key: str, default: str = "") -> str:  # type: ignore[override]
        if key not in self:
            self[key] = default
        return self[key]

    def __ior__(self, other: Any) -> "Tags":  # type: ignore[override]
        self.update(other)
        return self

    def copy(self) -> "Tags":  # type: ignore[override]
        clone = type(self)(self._for_object)
        dict.update(clone, self)
        return clone

    def validate(self) -> None:
        """Request-side check (items may have been loaded from a reply unchecked)."""
        check_tag_count(len(self), self.limit, self._what)
        for key, value in self.items():
            check_tag(key, value, "tag")

    def to_query_string(self) -> str:
        """URL-encoded ``k1=v1&k2=v2`` for the ``x-amz-tagging`` request header."""
        return "&".join(f"{quote(key, safe='')}={quote(value, safe='')}"
                        for key, value in self.items())

    @classmethod
    def fromxml(cls, element: Element, for_object: bool = False) -> "Tags":
        """Read a ``<Tagging><TagSet>`` document (or any element holding ``<Tag>`` children)."""
        tags = cls(for_object)
        tag_set = find(element, "TagSet")
        for tag in findall(tag_set if tag_set is not None else element, "Tag"):
            dict.__setitem__(tags, required_text(tag, "Key"), findtext(tag, "Value") or "")
        return tags

    def toxml(self, element: Element | None = None) -> Element:
        root = child_or_new(element, "Tagging")
        tag_set = SubElement(root, "TagSet")
        _tags_to_xml(tag_set, self)
        return root


def _tags_to_xml(parent: Element, tags: Mapping[str, str]) -> None:
    for key, value in tags.items():
        tag = SubElement(parent, "Tag")
        SubElement(tag, "Key", key)
        SubElement(tag, "Value", value)


# --------------------------------------------------------------------------- filter parts

@dataclass(frozen=True)
class Tag:
    """One ``<Tag><Key/><Value/></Tag>``."""

    key: str
    value: str

    @classmethod
    def fromxml(cls, element: Element) -> "Tag":
        return cls(required_text(element, "Key"), findtext(element, "Value") or "")

    def toxml(self, element: Element | None = None) -> Element:
        tag = child_or_new(element, "Tag")
        SubElement(tag, "Key", self.key)
        SubElement(tag, "Value", self.value)
        return tag


def _check_sizes(greater: Optional[int], less: Optional[int], field: str) -> None:
    if greater is not None:
        check_non_negative_int(greater, f"{field}.object_size_greater_than")
    if less is not None:
        check_non_negative_int(less, f"{field}.object_size_less_than")
    if greater is not None and less is not None and greater >= less:
        raise ValueError(f"{field}.object_size_greater_than must be below "
                         f"object_size_less_than ({greater} >= {less})")


def _size_xml(parent: Element, greater: Optional[int], less: Optional[int]) -> None:
    if greater is not None:
        SubElement(parent, "ObjectSizeGreaterThan", str(greater))
    if less is not None:
        SubElement(parent, "ObjectSizeLessThan", str(less))


@dataclass(frozen=True)
class AndOperator:
    """``<And>``: prefix and tags (and, for lifecycle, object size bounds) all must match."""

    prefix: Optional[str] = None
    tags: Optional[Mapping[str, str]] = None
    object_size_greater_than: Optional[int] = None
    object_size_less_than: Optional[int] = None

    @classmethod
    def fromxml(cls, element: Element) -> "AndOperator":
        tags = Tags.fromxml(element) if find(element, "Tag") is not None else None
        return cls(findtext(element, "Prefix"), tags,
                   int_text(element, "ObjectSizeGreaterThan"),
                   int_text(element, "ObjectSizeLessThan"))

    def toxml(self, element: Element | None = None) -> Element:
        node = child_or_new(element, "And")
        if self.prefix is not None:
            SubElement(node, "Prefix", self.prefix)
        _tags_to_xml(node, self.tags or {})
        _size_xml(node, self.object_size_greater_than, self.object_size_less_than)
        return node

    def validate(self, field: str = "and_operator") -> None:
        if (self.prefix is None and not self.tags and self.object_size_greater_than is None
                and self.object_size_less_than is None):
            raise ValueError(f"{field} needs a prefix, tags or an object size bound")
        for key, value in (self.tags or {}).items():
            check_tag(key, value, f"{field}.tags")
        _check_sizes(self.object_size_greater_than, self.object_size_less_than, field)


@dataclass(frozen=True)
class Filter:
    """``<Filter>`` of a lifecycle/replication rule: one of And, Prefix, Tag or a size bound.

    ``Filter()`` (all None) is the empty filter: every object in the bucket.
    """

    and_operator: Optional[AndOperator] = None
    prefix: Optional[str] = None
    tag: Optional[Tag] = None
    object_size_greater_than: Optional[int] = None
    object_size_less_than: Optional[int] = None

    @classmethod
    def fromxml(cls, element: Element) -> "Filter":
        and_elem = find(element, "And")
        tag_elem = find(element, "Tag")
        return cls(
            None if and_elem is None else AndOperator.fromxml(and_elem),
            findtext(element, "Prefix"),
            None if tag_elem is None else Tag.fromxml(tag_elem),
            int_text(element, "ObjectSizeGreaterThan"),
            int_text(element, "ObjectSizeLessThan"),
        )

    def toxml(self, element: Element | None = None) -> Element:
        node = child_or_new(element, "Filter")
        if self.and_operator is not None:
            self.and_operator.toxml(node)
        if self.prefix is not None:
            SubElement(node, "Prefix", self.prefix)
        if self.tag is not None:
            self.tag.toxml(node)
        _size_xml(node, self.object_size_greater_than, self.object_size_less_than)
        return node

    def validate(self, field: str = "rule_filter") -> None:
        present = [name for name in ("and_operator", "prefix", "tag", "object_size_greater_than",
                                     "object_size_less_than")
                   if getattr(self, name) is not None]
        if len(present) > 1:
            raise ValueError(f"{field} may hold only one of and_operator, prefix, tag, "
                             f"object_size_greater_than, object_size_less_than (got "
                             f"{', '.join(present)}); combine conditions with AndOperator")
        if self.and_operator is not None:
            self.and_operator.validate(f"{field}.and_operator")
        if self.tag is not None:
            check_tag(self.tag.key, self.tag.value, f"{field}.tag")
        _check_sizes(self.object_size_greater_than, self.object_size_less_than, field)

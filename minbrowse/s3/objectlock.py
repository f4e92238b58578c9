"""Bucket object-lock configuration document (``<ObjectLockConfiguration>``), XML both ways.

``ObjectLockConfig(GOVERNANCE, 15, DAYS)``; a bucket with object lock but no default retention
loads as ``ObjectLockConfig(None, None, None)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional
from xml.etree.ElementTree import Element

from .commonconfig import COMPLIANCE, ENABLED, GOVERNANCE, child_or_new, int_text
from .validation import check_choice, check_positive_int
from .xmlutil import SubElement, find, findtext

__all__ = ["DAYS", "YEARS", "ObjectLockConfig"]

DAYS = "Days"
YEARS = "Years"


@dataclass(frozen=True)
class ObjectLockConfig:
    mode: Optional[str]
    duration: Optional[int]
    duration_unit: Optional[str]

    def __post_init__(self) -> None:
        if isinstance(self.duration_unit, str):  # "days"/"DAYS" -> "Days"
            object.__setattr__(self, "duration_unit", self.duration_unit.title())

    @classmethod
    def fromxml(cls, element: Element) -> "ObjectLockConfig":
        retention = find(find(element, "Rule"), "DefaultRetention")
        if retention is None:
            return cls(None, None, None)
        mode = findtext(retention, "Mode")
        for unit in (DAYS, YEARS):
            duration = int_text(retention, unit)
            if duration is not None:
                return cls(mode, duration, unit)
        return cls(mode, None, None)

    def toxml(self, element: Element | None = None) -> Element:
        root = child_or_new(element, "ObjectLockConfiguration")
        SubElement(root, "ObjectLockEnabled", ENABLED)
        if self.mode is not None or self.duration is not None:
            retention = SubElement(SubElement(root, "Rule"), "DefaultRetention")
            if self.mode is not None:
                SubElement(retention, "Mode", self.mode)
            if self.duration is not None and self.duration_unit:
                SubElement(retention, self.duration_unit, str(self.duration))
        return root

    def validate(self) -> None:
        if self.mode is None and self.duration is None:
            return  # object lock enabled, no default retention
        if self.mode is None:
            raise ValueError("mode is required when duration is set")
        if self.duration is None:
            raise ValueError("duration is required when mode is set")
        check_choice(self.mode, (GOVERNANCE, COMPLIANCE), "mode")
        check_positive_int(self.duration, "duration")
        check_choice(self.duration_unit, (DAYS, YEARS), "duration_unit")

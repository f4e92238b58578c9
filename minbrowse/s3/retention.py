"""Object retention document (``<Retention>``), XML both ways.

``Retention(GOVERNANCE, datetime)``; a naive datetime is taken as UTC. Replies with a date in
the past load fine; :meth:`Retention.validate` refuses them for requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Optional
from xml.etree.ElementTree import Element

from .commonconfig import (COMPLIANCE, GOVERNANCE, child_or_new, format_iso8601, parse_iso8601,
                           required_text, to_utc)
from .validation import check_choice
from .xmlutil import SubElement

__all__ = ["Retention"]


@dataclass(frozen=True)
class Retention:
    mode: str
    retain_until_date: datetime

    def __post_init__(self) -> None:
        if isinstance(self.retain_until_date, datetime):
            object.__setattr__(self, "retain_until_date", to_utc(self.retain_until_date))

    @classmethod
    def fromxml(cls, element: Element) -> "Retention":
        return cls(required_text(element, "Mode"),
                   parse_iso8601(required_text(element, "RetainUntilDate"), "RetainUntilDate"))

    def toxml(self, element: Element | None = None) -> Element:
        root = child_or_new(element, "Retention")
        SubElement(root, "Mode", self.mode)
        SubElement(root, "RetainUntilDate", format_iso8601(self.retain_until_date))
        return root

    def validate(self, now: Optional[datetime] = None) -> None:
        check_choice(self.mode, (GOVERNANCE, COMPLIANCE), "mode")
        if not isinstance(self.retain_until_date, datetime):
            raise ValueError("retain_until_date must be a datetime")
        now = to_utc(now) if now is not None else datetime.now(timezone.utc)
        if self.retain_until_date <= now:
            raise ValueError(f"retain_until_date must be in the future, got "
                             f"{format_iso8601(self.retain_until_date)}")

"""Object legal-hold document (``<LegalHold><Status>ON|OFF</Status>``), XML both ways."""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element

from .commonconfig import child_or_new
from .xmlutil import SubElement, findtext

__all__ = ["LegalHold"]


@dataclass(frozen=True)
class LegalHold:
    status: bool = False

    @classmethod
    def fromxml(cls, element: Element) -> "LegalHold":
        return cls((findtext(element, "Status") or "").strip().upper() == "ON")

    def toxml(self, element: Element | None = None) -> Element:
        root = child_or_new(element, "LegalHold")
        SubElement(root, "Status", "ON" if self.status else "OFF")
        return root

    def validate(self) -> None:
        if not isinstance(self.status, bool):
            raise ValueError(f"status must be a bool, got {type(self.status).__name__}")

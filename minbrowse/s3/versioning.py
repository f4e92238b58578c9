"""Bucket versioning document (``<VersioningConfiguration>``), XML both ways.

``VersioningConfig(status=None, mfa_delete=None, excluded_prefixes=None, exclude_folders=False)``;
``status`` reads ``"Off"`` for a bucket that never had versioning. ``excluded_prefixes`` and
``exclude_folders`` are MinIO extensions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence
from xml.etree.ElementTree import Element

from .commonconfig import DISABLED, ENABLED, child_or_new
from .validation import check_choice
from .xmlutil import SubElement, findall, findtext

__all__ = ["OFF", "SUSPENDED", "VersioningConfig"]

OFF = "Off"
SUSPENDED = "Suspended"
#: MinIO accepts at most this many excluded prefixes.
MAX_EXCLUDED_PREFIXES = 10


@dataclass(frozen=True)
class VersioningConfig:
    status: Optional[str] = None
    mfa_delete: Optional[str] = None
    excluded_prefixes: Optional[Sequence[str]] = None
    exclude_folders: bool = False

    def __post_init__(self) -> None:
        if not self.status:
            object.__setattr__(self, "status", OFF)
        if self.excluded_prefixes is not None:
            object.__setattr__(self, "excluded_prefixes", tuple(self.excluded_prefixes))

    @property
    def status_string(self) -> str:
        """minio-py 7.2 name for the same value as :attr:`status`."""
        return self.status or OFF

    @classmethod
    def fromxml(cls, element: Element) -> "VersioningConfig":
        mfa = findtext(element, "MfaDelete")
        if mfa is None:
            mfa = findtext(element, "MFADelete")
        # MinIO writes one <ExcludedPrefixes><Prefix/></ExcludedPrefixes> per prefix
        prefixes = [prefix.text or "" for node in findall(element, "ExcludedPrefixes")
                    for prefix in findall(node, "Prefix")]
        return cls(findtext(element, "Status"), mfa, prefixes or None,
                   (findtext(element, "ExcludeFolders") or "").strip().lower() == "true")

    def toxml(self, element: Element | None = None) -> Element:
        root = child_or_new(element, "VersioningConfiguration")
        if self.status and self.status != OFF:
            SubElement(root, "Status", self.status)
        if self.mfa_delete is not None:
            SubElement(root, "MfaDelete", self.mfa_delete)
        for prefix in self.excluded_prefixes or ():
            SubElement(SubElement(root, "ExcludedPrefixes"), "Prefix", prefix)
        if self.exclude_folders:
            SubElement(root, "ExcludeFolders", "true")
        return root

    def validate(self) -> None:
        check_choice(self.status, (ENABLED, SUSPENDED), "status")
        if self.mfa_delete is not None:
            check_choice(self.mfa_delete, (ENABLED, DISABLED), "mfa_delete")
        prefixes = self.excluded_prefixes or ()
        if len(prefixes) > MAX_EXCLUDED_PREFIXES:
            raise ValueError(f"excluded_prefixes may hold at most {MAX_EXCLUDED_PREFIXES} "
                             f"prefixes, got {len(prefixes)}")
        if (prefixes or self.exclude_folders) and self.status != ENABLED:
            raise ValueError("excluded_prefixes/exclude_folders need status Enabled")
        for index, prefix in enumerate(prefixes):
            if not isinstance(prefix, str) or not prefix:
                raise ValueError(f"excluded_prefixes[{index}] must be a non-empty string")

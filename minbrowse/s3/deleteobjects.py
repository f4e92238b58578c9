"""Multi-object delete: DeleteObject/DeleteError values and the Delete request/result documents."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable
from xml.etree.ElementTree import Element

from .xmlutil import SubElement, findall, findtext, new_element


@dataclass(frozen=True)
class DeleteObject:
    """One object (and optional version) to delete."""

    name: str
    version_id: str | None = None


@dataclass(frozen=True)
class DeleteError:
    """A per-key failure reported by DeleteObjects."""

    code: str | None
    message: str | None
    name: str | None
    version_id: str | None


@dataclass(frozen=True)
class DeletedObject:
    name: str | None
    version_id: str | None
    delete_marker: bool
    delete_marker_version_id: str | None


def delete_request_xml(objects: Iterable[DeleteObject], quiet: bool = True) -> Element:
    root = new_element("Delete")
    if quiet:
        SubElement(root, "Quiet", "true")
    for obj in objects:
        el = SubElement(root, "Object")
        SubElement(el, "Key", obj.name)
        if obj.version_id:
            SubElement(el, "VersionId", obj.version_id)
    return root


def parse_delete_result(root: Element) -> tuple[list[DeletedObject], list[DeleteError]]:
    deleted = [
        DeletedObject(findtext(el, "Key"), findtext(el, "VersionId"),
                      (findtext(el, "DeleteMarker") or "").lower() == "true",
                      findtext(el, "DeleteMarkerVersionId"))
        for el in findall(root, "Deleted")
    ]
    errors = [
        DeleteError(findtext(el, "Code"), findtext(el, "Message"), findtext(el, "Key"),
                    findtext(el, "VersionId"))
        for el in findall(root, "Error")
    ]
    return deleted, errors

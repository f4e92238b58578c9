"""Safe XML parsing (defusedxml, DOCTYPE refused, size-capped) and namespace-tolerant helpers.

Every S3 document model implements::

    @classmethod
    def fromxml(cls, element: Element) -> Self      # element is the document root
    def toxml(self, element: Element | None) -> Element

and the client converts with :func:`marshal` / :func:`unmarshal`.
"""

from __future__ import annotations

from typing import Any, Iterator, Type, TypeVar
from xml.etree import ElementTree as ET
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as _defused_fromstring

from .errors import InvalidResponseError

S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/"
#: Largest XML body we parse: listings of 1000 keys are ~350 KiB; configs are tiny.
MAX_XML_BYTES = 16 * 1024 * 1024

T = TypeVar("T")

__all__ = [
    "Element", "S3_NS", "MAX_XML_BYTES", "parse_xml", "find", "findall", "findtext",
    "SubElement", "new_element", "to_bytes", "marshal", "unmarshal", "local_name",
]


def parse_xml(data: bytes | str, max_bytes: int = MAX_XML_BYTES) -> Element:
    """Parse untrusted XML; refuse DTDs/entities and bodies over `max_bytes`."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > max_bytes:
        raise InvalidResponseError(0, "application/xml", f"XML body over {max_bytes} bytes refused")
    try:
        return _defused_fromstring(data, forbid_dtd=True, forbid_entities=True,
                                   forbid_external=True)
    except DefusedXmlException as exc:
        raise InvalidResponseError(0, "application/xml", f"unsafe XML refused: {type(exc).__name__}") from None
    except ET.ParseError as exc:
        raise InvalidResponseError(0, "application/xml", f"malformed XML: {exc}") from None


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def find(element: Element | None, name: str) -> Element | None:
    """First direct child whose local name is `name` (any or no namespace)."""
    if element is None:
        return None
    for child in element:
        if local_name(child.tag) == name:
            return child
    return None


def findall(element: Element | None, name: str) -> Iterator[Element]:
    if element is None:
        return iter(())
    return (child for child in element if local_name(child.tag) == name)


def findtext(element: Element | None, name: str, strict: bool = False,
             default: Any = None) -> Any:
    """Text of child `name`; '' for an empty element; `default` when absent (or raise if strict)."""
    child = find(element, name)
    if child is None:
        if strict:
            raise ValueError(f"XML element <{name}> not found")
        return default
    return child.text or ""


def new_element(tag: str, namespace: str | None = S3_NS) -> Element:
    return Element(f"{{{namespace}}}{tag}" if namespace else tag)


def SubElement(parent: Element, tag: str, text: str | None = None) -> Element:
    """Child in the parent's namespace, with optional text."""
    ns = parent.tag[1:].split("}", 1)[0] if parent.tag.startswith("{") else None
    child = ET.SubElement(parent, f"{{{ns}}}{tag}" if ns else tag)
    if text is not None:
        child.text = text
    return child


def to_bytes(element: Element) -> bytes:
    ET.register_namespace("", S3_NS)
    data = ET.tostring(element, encoding="utf-8", xml_declaration=False)
    # ElementTree leaves CR raw and parsers fold CRLF to LF: a raw CR can only come from text.
    return data.replace(b"\r", b"&#13;")


def marshal(obj: Any) -> bytes:
    return to_bytes(obj.toxml(None))


def unmarshal(cls: Type[T], data: bytes | str) -> T:
    return cls.fromxml(parse_xml(data))  # type: ignore[attr-defined]

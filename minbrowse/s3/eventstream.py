"""Incremental decoder (and test encoder) of the AWS binary event-stream framing.

Wire format (``application/vnd.amazon.eventstream``), all integers big-endian::

    total length (u32) | headers length (u32) | prelude CRC32 (u32)
    headers (headers-length bytes) | payload | message CRC32 (u32)

The prelude CRC covers the first 8 bytes; the message CRC covers everything before it.
Each header is ``name length (u8) | name (utf-8) | value type (u8) | value`` where the
value type is one of ten codes (0 true, 1 false, 2 byte, 3 short, 4 int, 5 long,
6 byte array, 7 string, 8 timestamp, 9 uuid). This module is pure: it never touches
the network, it only turns bytes (in any chunking) into :class:`Message` values.
"""

from __future__ import annotations

import struct
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Iterator, Mapping

from .errors import MinioException

__all__ = [
    "EventStreamError", "Message", "TypedHeaderValue", "EventStreamDecoder",
    "decode_messages", "encode_message", "MAX_MESSAGE_BYTES", "PRELUDE_BYTES",
    "HEADER_TRUE", "HEADER_FALSE", "HEADER_BYTE", "HEADER_SHORT", "HEADER_INT",
    "HEADER_LONG", "HEADER_BYTES", "HEADER_STRING", "HEADER_TIMESTAMP", "HEADER_UUID",
]

#: Largest message we accept; a hostile length field beyond this is refused unread.
MAX_MESSAGE_BYTES = 16 * 1024 * 1024
PRELUDE_BYTES = 12           # total length, headers length, prelude CRC
MIN_MESSAGE_BYTES = 16       # prelude + message CRC, no headers, no payload

HEADER_TRUE = 0
HEADER_FALSE = 1
HEADER_BYTE = 2
HEADER_SHORT = 3
HEADER_INT = 4
HEADER_LONG = 5
HEADER_BYTES = 6
HEADER_STRING = 7
HEADER_TIMESTAMP = 8
HEADER_UUID = 9

_FIXED = {HEADER_BYTE: ">b", HEADER_SHORT: ">h", HEADER_INT: ">i",
          HEADER_LONG: ">q", HEADER_TIMESTAMP: ">q"}
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class EventStreamError(MinioException):
    """The event stream is corrupt (CRC mismatch, bad lengths, bad header) or truncated."""


@dataclass(frozen=True)
class Message:
    """One decoded event-stream message: its headers (name -> value) and raw payload."""

    headers: Mapping[str, Any] = field(default_factory=dict)
    payload: bytes = b""

    @property
    def message_type(self) -> str | None:
        return self.headers.get(":message-type")

    @property
    def event_type(self) -> str | None:
        return self.headers.get(":event-type")

    @property
    def content_type(self) -> str | None:
        return self.headers.get(":content-type")


@dataclass(frozen=True)
class TypedHeaderValue:
    """A header value with an explicit wire type (for encoding bytes/shorts/longs...)."""

    type_code: int
    value: Any = None


def _crc(data: bytes | memoryview) -> int:
    return zlib.crc32(data) & 0xFFFFFFFF


def _decode_headers(data: bytes) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    pos, end = 0, len(data)

    def take(n: int) -> bytes:
        nonlocal pos
        if pos + n > end:
            raise EventStreamError("event-stream header section is truncated")
        chunk = data[pos:pos + n]
        pos += n
        return chunk

    while pos < end:
        name_len = take(1)[0]
        if name_len == 0:
            raise EventStreamError("event-stream header with an empty name")
        try:
            name = take(name_len).decode("utf-8")
        except UnicodeDecodeError:
            raise EventStreamError("event-stream header name is not UTF-8") from None
        type_code = take(1)[0]
        value: Any
        if type_code == HEADER_TRUE:
            value = True
        elif type_code == HEADER_FALSE:
            value = False
        elif type_code in _FIXED:
            fmt = _FIXED[type_code]
            (value,) = struct.unpack(fmt, take(struct.calcsize(fmt)))
            if type_code == HEADER_TIMESTAMP:
                value = _EPOCH + timedelta(milliseconds=value)
        elif type_code in (HEADER_BYTES, HEADER_STRING):
            (length,) = struct.unpack(">H", take(2))
            value = take(length)
            if type_code == HEADER_STRING:
                try:
                    value = value.decode("utf-8")
                except UnicodeDecodeError:
                    raise EventStreamError(
                        f"event-stream header {name!r} string value is not UTF-8") from None
        elif type_code == HEADER_UUID:
            value = uuid.UUID(bytes=take(16))
        else:
            raise EventStreamError(
                f"event-stream header {name!r} has unknown value type {type_code}")
        headers[name] = value
    return headers


class EventStreamDecoder:
    """Feed bytes in any chunking; get back every message completed so far.

    Both CRCs are verified; a total length outside ``[16, max_message_bytes]`` is refused
    as soon as the (CRC-checked) prelude is read, before anything is allocated for it.
    """

    def __init__(self, max_message_bytes: int = MAX_MESSAGE_BYTES) -> None:
        self._max = max_message_bytes
        self._buf = bytearray()
        self._pos = 0                       # start of the unconsumed bytes in _buf
        self._total: int | None = None      # length of the message being assembled

    @property
    def buffered(self) -> int:
        """Bytes received but not yet part of a returned message."""
        return len(self._buf) - self._pos

    @property
    def at_boundary(self) -> bool:
        """True when no partial message is pending (a clean place for the stream to end)."""
        return self.buffered == 0

    def bytes_needed(self) -> int:
        """Minimum further bytes required before the next message can complete."""
        if self._total is None:
            if self.buffered < PRELUDE_BYTES:
                return PRELUDE_BYTES - self.buffered
            self._read_prelude()
        assert self._total is not None
        return max(self._total - self.buffered, 0)

    def feed(self, data: bytes | bytearray | memoryview) -> list[Message]:
        """Add received bytes and return the messages they complete (possibly none)."""
        if data:
            self._buf += data
        messages: list[Message] = []
        while True:
            if self._total is None:
                if self.buffered < PRELUDE_BYTES:
                    break
                self._read_prelude()
            assert self._total is not None
            if self.buffered < self._total:
                break
            messages.append(self._take_message())
        self._compact()
        return messages

    def close(self) -> None:
        """Declare the end of input; raise if it cut a message short."""
        if not self.at_boundary:
            raise EventStreamError(
                f"event stream truncated: ended inside a message "
                f"({self.buffered} bytes of an incomplete message pending)")

    def _read_prelude(self) -> None:
        start = self._pos
        prelude = bytes(self._buf[start:start + 8])
        total, headers_len, prelude_crc = struct.unpack(">III", self._buf[start:start + 12])
        if _crc(prelude) != prelude_crc:
            raise EventStreamError(
                f"event-stream prelude CRC mismatch (computed {_crc(prelude):#010x}, "
                f"received {prelude_crc:#010x})")
        if total < MIN_MESSAGE_BYTES or total > self._max:
            raise EventStreamError(
                f"event-stream message length {total} outside the accepted range "
                f"[{MIN_MESSAGE_BYTES}, {self._max}]")
        if headers_len > total - MIN_MESSAGE_BYTES:
            raise EventStreamError(
                f"event-stream headers length {headers_len} exceeds message length {total}")
        self._total = total

    def _take_message(self) -> Message:
        assert self._total is not None
        start, total = self._pos, self._total
        view = memoryview(self._buf)
        try:
            body = view[start:start + total - 4]
            (message_crc,) = struct.unpack(">I", view[start + total - 4:start + total])
            computed = _crc(body)
            if computed != message_crc:
                raise EventStreamError(
                    f"event-stream message CRC mismatch (computed {computed:#010x}, "
                    f"received {message_crc:#010x})")
            (headers_len,) = struct.unpack(">I", view[start + 4:start + 8])
            headers_start = start + PRELUDE_BYTES
            headers = _decode_headers(bytes(view[headers_start:headers_start + headers_len]))
            payload = bytes(view[headers_start + headers_len:start + total - 4])
        finally:
            view.release()
        self._pos += total
        self._total = None
        return Message(headers=headers, payload=payload)

    def _compact(self) -> None:
        if self._pos and (self._pos >= len(self._buf) or self._pos > 64 * 1024):
            del self._buf[:self._pos]
            self._pos = 0


def decode_messages(chunks: Iterable[bytes],
                    max_message_bytes: int = MAX_MESSAGE_BYTES) -> Iterator[Message]:
    """Decode a whole chunked stream lazily; raise if it ends inside a message."""
    decoder = EventStreamDecoder(max_message_bytes)
    for chunk in chunks:
        yield from decoder.feed(chunk)
    decoder.close()


def _encode_header_value(value: Any) -> bytes:
    if isinstance(value, TypedHeaderValue):
        code, raw = value.type_code, value.value
    elif isinstance(value, bool):
        code, raw = (HEADER_TRUE if value else HEADER_FALSE), None
    elif isinstance(value, str):
        code, raw = HEADER_STRING, value
    elif isinstance(value, (bytes, bytearray)):
        code, raw = HEADER_BYTES, bytes(value)
    elif isinstance(value, int):
        code, raw = (HEADER_INT if -2**31 <= value < 2**31 else HEADER_LONG), value
    elif isinstance(value, datetime):
        code, raw = HEADER_TIMESTAMP, value
    elif isinstance(value, uuid.UUID):
        code, raw = HEADER_UUID, value
    else:
        raise TypeError(f"cannot encode event-stream header value of type {type(value)}")
    if code in (HEADER_TRUE, HEADER_FALSE):
        return bytes([code])
    if code == HEADER_TIMESTAMP:
        if isinstance(raw, datetime):
            raw = (raw - _EPOCH) // timedelta(milliseconds=1)
        return bytes([code]) + struct.pack(">q", raw)
    if code in _FIXED:
        return bytes([code]) + struct.pack(_FIXED[code], raw)
    if code in (HEADER_BYTES, HEADER_STRING):
        data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
        if len(data) > 0xFFFF:
            raise ValueError("event-stream header value longer than 65535 bytes")
        return bytes([code]) + struct.pack(">H", len(data)) + data
    if code == HEADER_UUID:
        return bytes([code]) + (raw.bytes if isinstance(raw, uuid.UUID) else bytes(raw))
    raise ValueError(f"unknown event-stream header value type {code}")


def encode_message(headers: Mapping[str, Any] | Iterable[tuple[str, Any]],
                   payload: bytes = b"") -> bytes:
    """Encode one message (used by tests and fakes; the client only decodes)."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    encoded = bytearray()
    for name, value in items:
        name_bytes = name.encode("utf-8")
        if not 0 < len(name_bytes) < 256:
            raise ValueError("event-stream header name must be 1..255 bytes")
        encoded += bytes([len(name_bytes)]) + name_bytes + _encode_header_value(value)
    total = MIN_MESSAGE_BYTES + len(encoded) + len(payload)
    prelude = struct.pack(">II", total, len(encoded))
    message = prelude + struct.pack(">I", _crc(prelude)) + bytes(encoded) + bytes(payload)
    return message + struct.pack(">I", _crc(message))

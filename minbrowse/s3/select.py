"""S3 Select: the SelectObjectContentRequest document and the streaming result reader.

The request models keep minio-py's public names and constructor order. The reader
decodes the binary event stream of a streaming HTTP response one message at a time:
Records payloads are handed out as they arrive, Progress/Stats update counters, Cont
(keep-alive) is ignored, End marks completion and an error event raises ``S3Error``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator

import requests.exceptions
import urllib3.exceptions

from .cancel import CancelToken, check
from .errors import InvalidResponseError, S3Error
from .eventstream import MAX_MESSAGE_BYTES, EventStreamDecoder, EventStreamError, Message
from .xmlutil import Element, SubElement, find, findtext, new_element, parse_xml

__all__ = [
    "COMPRESSION_TYPE_NONE", "COMPRESSION_TYPE_GZIP", "COMPRESSION_TYPE_BZIP2",
    "FILE_HEADER_INFO_USE", "FILE_HEADER_INFO_IGNORE", "FILE_HEADER_INFO_NONE",
    "JSON_TYPE_DOCUMENT", "JSON_TYPE_LINES", "QUOTE_FIELDS_ALWAYS", "QUOTE_FIELDS_ASNEEDED",
    "InputSerialization", "CSVInputSerialization", "JSONInputSerialization",
    "ParquetInputSerialization", "OutputSerialization", "CSVOutputSerialization",
    "JSONOutputSerialization", "SelectRequest", "Stats", "SelectObjectReader",
    "EventStreamError",
]

COMPRESSION_TYPE_NONE = "NONE"
COMPRESSION_TYPE_GZIP = "GZIP"
COMPRESSION_TYPE_BZIP2 = "BZIP2"
FILE_HEADER_INFO_USE = "USE"
FILE_HEADER_INFO_IGNORE = "IGNORE"
FILE_HEADER_INFO_NONE = "NONE"
JSON_TYPE_DOCUMENT = "DOCUMENT"
JSON_TYPE_LINES = "LINES"
QUOTE_FIELDS_ALWAYS = "ALWAYS"
QUOTE_FIELDS_ASNEEDED = "ASNEEDED"


def _one_of(value: str | None, allowed: tuple[str, ...], what: str) -> None:
    if value is not None and value not in allowed:
        raise ValueError(f"{what} must be one of {', '.join(allowed)}; got {value!r}")


def _optional(parent: Element, tag: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        value = "TRUE" if value else "FALSE"
    SubElement(parent, tag, str(value))


# ---------------------------------------------------------------- request document

@dataclass(frozen=True)
class InputSerialization:
    """Base of the input formats: the optional whole-object compression."""

    compression_type: str | None = None

    def __post_init__(self) -> None:
        _one_of(self.compression_type,
                (COMPRESSION_TYPE_NONE, COMPRESSION_TYPE_GZIP, COMPRESSION_TYPE_BZIP2),
                "compression type")

    def toxml(self, element: Element) -> Element:
        """Fill an <InputSerialization> element."""
        _optional(element, "CompressionType", self.compression_type)
        self._format_toxml(element)
        return element

    def _format_toxml(self, element: Element) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class CSVInputSerialization(InputSerialization):
    """CSV input (``allow_quoted_record_delimiter`` accepts a bool or "TRUE"/"FALSE")."""

    allow_quoted_record_delimiter: Any = None
    comments: str | None = None
    field_delimiter: str | None = None
    file_header_info: str | None = None
    quote_character: str | None = None
    quote_escape_character: str | None = None
    record_delimiter: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        _one_of(self.file_header_info,
                (FILE_HEADER_INFO_USE, FILE_HEADER_INFO_IGNORE, FILE_HEADER_INFO_NONE),
                "file header info")

    def _format_toxml(self, element: Element) -> None:
        csv = SubElement(element, "CSV")
        _optional(csv, "AllowQuotedRecordDelimiter", self.allow_quoted_record_delimiter)
        _optional(csv, "Comments", self.comments)
        _optional(csv, "FieldDelimiter", self.field_delimiter)
        _optional(csv, "FileHeaderInfo", self.file_header_info)
        _optional(csv, "QuoteCharacter", self.quote_character)
        _optional(csv, "QuoteEscapeCharacter", self.quote_escape_character)
        _optional(csv, "RecordDelimiter", self.record_delimiter)


@dataclass(frozen=True)
class JSONInputSerialization(InputSerialization):
    """JSON input: one DOCUMENT or newline-delimited LINES."""

    json_type: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        _one_of(self.json_type, (JSON_TYPE_DOCUMENT, JSON_TYPE_LINES), "json type")

    def _format_toxml(self, element: Element) -> None:
        _optional(SubElement(element, "JSON"), "Type", self.json_type)


@dataclass(frozen=True)
class ParquetInputSerialization(InputSerialization):
    """Parquet input (no options)."""

    def _format_toxml(self, element: Element) -> None:
        SubElement(element, "Parquet")


@dataclass(frozen=True)
class OutputSerialization:
    """Base of the output formats."""

    def toxml(self, element: Element) -> Element:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class CSVOutputSerialization(OutputSerialization):
    """CSV output."""

    field_delimiter: str | None = None
    quote_character: str | None = None
    quote_escape_character: str | None = None
    quote_fields: str | None = None
    record_delimiter: str | None = None

    def __post_init__(self) -> None:
        _one_of(self.quote_fields, (QUOTE_FIELDS_ALWAYS, QUOTE_FIELDS_ASNEEDED), "quote fields")

    def toxml(self, element: Element) -> Element:
        csv = SubElement(element, "CSV")
        _optional(csv, "FieldDelimiter", self.field_delimiter)
        _optional(csv, "QuoteCharacter", self.quote_character)
        _optional(csv, "QuoteEscapeCharacter", self.quote_escape_character)
        _optional(csv, "QuoteFields", self.quote_fields)
        _optional(csv, "RecordDelimiter", self.record_delimiter)
        return element


@dataclass(frozen=True)
class JSONOutputSerialization(OutputSerialization):
    """JSON-lines output."""

    record_delimiter: str | None = None

    def toxml(self, element: Element) -> Element:
        _optional(SubElement(element, "JSON"), "RecordDelimiter", self.record_delimiter)
        return element


@dataclass(frozen=True)
class SelectRequest:
    """The SelectObjectContentRequest body (SQL expression, formats, progress, scan range)."""

    expression: str
    input_serialization: InputSerialization
    output_serialization: OutputSerialization
    request_progress: bool = False
    scan_start_range: int | None = None
    scan_end_range: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.expression, str) or not self.expression.strip():
            raise ValueError("expression must be a non-empty SQL string")
        if not isinstance(self.input_serialization, InputSerialization):
            raise ValueError("input_serialization must be an InputSerialization")
        if not isinstance(self.output_serialization, OutputSerialization):
            raise ValueError("output_serialization must be an OutputSerialization")
        for name in ("scan_start_range", "scan_end_range"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or value < 0):
                raise ValueError(f"{name} must be a non-negative integer")
        if (self.scan_start_range is not None and self.scan_end_range is not None
                and self.scan_start_range > self.scan_end_range):
            raise ValueError("scan_start_range must not exceed scan_end_range")

    def toxml(self, element: Element | None = None) -> Element:
        root = new_element("SelectObjectContentRequest")
        SubElement(root, "Expression", self.expression)
        SubElement(root, "ExpressionType", "SQL")
        self.input_serialization.toxml(SubElement(root, "InputSerialization"))
        self.output_serialization.toxml(SubElement(root, "OutputSerialization"))
        if self.request_progress:
            SubElement(SubElement(root, "RequestProgress"), "Enabled", "true")
        if self.scan_start_range is not None or self.scan_end_range is not None:
            scan = SubElement(root, "ScanRange")
            _optional(scan, "Start", self.scan_start_range)
            _optional(scan, "End", self.scan_end_range)
        return root


# ---------------------------------------------------------------- result stream

@dataclass(frozen=True)
class Stats:
    """Byte counters of a Progress or Stats event (None when the server omitted one)."""

    bytes_scanned: int | None = None
    bytes_processed: int | None = None
    bytes_returned: int | None = None

    @classmethod
    def fromxml(cls, element: Element) -> "Stats":
        details = find(element, "Details")
        source = details if details is not None else element

        def number(tag: str) -> int | None:
            text = findtext(source, tag)
            if text is None or not text.strip():
                return None
            try:
                return int(text.strip())
            except ValueError:
                raise InvalidResponseError(200, "text/xml", f"bad {tag} value {text!r}") from None

        return cls(number("BytesScanned"), number("BytesProcessed"), number("BytesReturned"))


ReadFn = Callable[[int], bytes]


def _byte_source(response: Any) -> ReadFn:
    """A `read(n)` over the response body: returns 1..n bytes, or b"" at end of body."""
    raw = getattr(response, "raw", None)
    if raw is not None and hasattr(raw, "read"):
        return raw.read
    if hasattr(response, "read"):
        return response.read
    if hasattr(response, "iter_content"):
        chunks = response.iter_content(chunk_size=64 * 1024)
        leftover = bytearray()

        def read(n: int) -> bytes:
            if not leftover:
                leftover.extend(next(chunks, b""))
            data = bytes(leftover[:n])
            del leftover[:n]
            return data
        return read
    raise TypeError("response must expose raw.read(n), read(n) or iter_content()")


class SelectObjectReader:
    """Reader of a SelectObjectContent response; holds at most one message in memory.

    Use as a context manager; ``stream()`` yields Records bytes, ``stats()`` returns the
    final Stats event, ``progress()`` the latest Progress event. An error event raises
    :class:`S3Error`; a stream that stops before the End event raises EventStreamError.
    """

    def __init__(self, response: Any, bucket_name: str | None = None,
                 object_name: str | None = None, *,
                 cancel_token: CancelToken | None = None,
                 max_message_bytes: int = MAX_MESSAGE_BYTES) -> None:
        self._response = response
        self._bucket_name = bucket_name
        self._object_name = object_name
        self._cancel = cancel_token
        self._read = _byte_source(response)
        self._decoder = EventStreamDecoder(max_message_bytes)
        self._payload = b""
        self._offset = 0
        self._stats: Stats | None = None
        self._progress: Stats | None = None
        self._done = False
        self._closed = False
        headers = getattr(response, "headers", None) or {}
        content_type = headers.get("Content-Type") or ""
        if "xml" in content_type.lower() or "html" in content_type.lower():
            body = self._read_some(4096).decode("utf-8", "replace")
            self.close()
            raise InvalidResponseError(getattr(response, "status_code", 200), content_type,
                                       f"select answered a document, not an event stream: {body}")

    # -- public API ------------------------------------------------------------
    def __enter__(self) -> "SelectObjectReader":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def readable(self) -> bool:
        return True

    def writeable(self) -> bool:
        return False

    writable = writeable

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def finished(self) -> bool:
        """True once the End event was received."""
        return self._done

    def close(self) -> None:
        """Close the HTTP response (idempotent); the connection is not reused mid-stream."""
        if self._closed:
            return
        self._closed = True
        close = getattr(self._response, "close", None)
        if close is not None:
            close()

    def stats(self) -> Stats | None:
        return self._stats

    def progress(self) -> Stats | None:
        return self._progress

    def stream(self, num_bytes: int = 32 * 1024) -> Iterator[bytes]:
        """Yield record bytes in pieces of at most `num_bytes`, as they arrive."""
        if num_bytes <= 0:
            raise ValueError("num_bytes must be positive")
        while True:
            chunk = self._take(num_bytes)
            if not chunk:
                return
            yield chunk

    def __iter__(self) -> Iterator[bytes]:
        return self.stream()

    def read(self, size: int = -1) -> bytes:
        """Read up to `size` record bytes (all remaining when negative); b"" at the end."""
        if size is not None and size >= 0:
            return self._take(size) if size else b""
        return b"".join(self.stream(1024 * 1024))

    # -- decoding --------------------------------------------------------------
    def _take(self, limit: int) -> bytes:
        while self._offset >= len(self._payload):
            self._payload, self._offset = b"", 0
            if not self._next_records():
                return b""
        piece = self._payload[self._offset:self._offset + limit]
        self._offset += len(piece)
        return piece

    def _next_records(self) -> bool:
        """Advance to the next non-empty Records payload; False at End."""
        while not self._done:
            if self._closed:
                raise ValueError("I/O operation on a closed SelectObjectReader")
            check(self._cancel)
            data = self._read_some(self._decoder.bytes_needed())
            if not data:
                self._decoder.close()   # raises if EOF fell inside a message
                raise EventStreamError(
                    "select result stream ended before the End event (connection closed early)")
            for message in self._decoder.feed(data):
                self._handle(message)
            if self._payload:
                return True
        return False

    def _read_some(self, n: int) -> bytes:
        try:
            return self._read(max(n, 1))
        except urllib3.exceptions.ProtocolError as exc:
            raise requests.exceptions.ChunkedEncodingError(exc) from exc
        except urllib3.exceptions.ReadTimeoutError as exc:
            raise requests.exceptions.ConnectionError(exc) from exc

    def _handle(self, message: Message) -> None:
        if self._done:
            return          # anything after End is ignored
        kind = message.message_type
        if kind in ("error", "exception"):
            self._raise_error(message)
        event = message.event_type
        if event == "Records":
            self._payload += message.payload
        elif event == "Stats":
            self._stats = Stats.fromxml(parse_xml(message.payload))
        elif event == "Progress":
            self._progress = Stats.fromxml(parse_xml(message.payload))
        elif event == "End":
            self._done = True
        # "Cont" keep-alives and unknown future event types are skipped.

    def _raise_error(self, message: Message) -> None:
        headers = message.headers
        if message.message_type == "error":
            code = headers.get(":error-code")
            text = headers.get(":error-message")
        else:
            code = headers.get(":exception-type")
            text = message.payload.decode("utf-8", "replace")[:1000] or None
        response_headers = getattr(self._response, "headers", None) or {}
        self._done = True
        self.close()
        raise S3Error(
            code, text, None,
            response_headers.get("x-amz-request-id"), response_headers.get("x-amz-id-2"),
            self._response, self._bucket_name, self._object_name,
        )

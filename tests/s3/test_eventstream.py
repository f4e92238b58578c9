"""Unit tests of the AWS event-stream decoder/encoder (minbrowse.s3.eventstream)."""

from __future__ import annotations

import struct
import uuid
import zlib
from datetime import datetime, timezone

import pytest

from minbrowse.s3.errors import MinioException
from minbrowse.s3.eventstream import (
    HEADER_BYTE, HEADER_LONG, HEADER_SHORT, EventStreamDecoder, EventStreamError,
    TypedHeaderValue, decode_messages, encode_message,
)

# A message built by hand from the spec (not by our encoder): one string header
# ":event-type" = "End", no payload.
_NAME = b":event-type"
_HEADERS = bytes([len(_NAME)]) + _NAME + b"\x07" + struct.pack(">H", 3) + b"End"
_PRELUDE = struct.pack(">II", 16 + len(_HEADERS), len(_HEADERS))
_BODY = _PRELUDE + struct.pack(">I", zlib.crc32(_PRELUDE)) + _HEADERS
HAND_END = _BODY + struct.pack(">I", zlib.crc32(_BODY))


def _stream() -> bytes:
    return b"".join([
        encode_message({":message-type": "event", ":event-type": "Records",
                        ":content-type": "application/octet-stream"}, b"a,1\nb,2\n"),
        encode_message({":message-type": "event", ":event-type": "Cont"}),
        encode_message({":event-type": "Records"}, b"x" * 70_000),
        HAND_END,
    ])


def test_hand_encoded_message_decodes_and_matches_encoder():
    [msg] = EventStreamDecoder().feed(HAND_END)
    assert msg.headers == {":event-type": "End"}
    assert msg.payload == b""
    assert msg.event_type == "End"
    assert encode_message({":event-type": "End"}) == HAND_END


def test_same_messages_whether_fed_bytewise_or_whole():
    data = _stream()
    whole = EventStreamDecoder().feed(data)
    decoder = EventStreamDecoder()
    bytewise = []
    for i in range(len(data)):
        bytewise.extend(decoder.feed(data[i:i + 1]))
    assert decoder.at_boundary
    assert bytewise == whole
    assert [m.event_type for m in whole] == ["Records", "Cont", "Records", "End"]
    assert whole[0].payload == b"a,1\nb,2\n"
    assert whole[0].content_type == "application/octet-stream"
    assert whole[2].payload == b"x" * 70_000


@pytest.mark.parametrize("size", [3, 11, 12, 13, 4096])
def test_odd_chunk_sizes(size):
    data = _stream()
    chunks = [data[i:i + size] for i in range(0, len(data), size)]
    assert list(decode_messages(chunks)) == EventStreamDecoder().feed(data)


def test_all_header_value_types_round_trip():
    stamp = datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=timezone.utc)
    ident = uuid.UUID("12345678-1234-5678-1234-567812345678")
    headers = {
        "t": True, "f": False,
        "b": TypedHeaderValue(HEADER_BYTE, -5),
        "s": TypedHeaderValue(HEADER_SHORT, 30000),
        "i": 2_000_000_000,
        "l": TypedHeaderValue(HEADER_LONG, 2**40),
        "bytes": b"\x00\xff",
        "str": "héllo",
        "ts": stamp,
        "u": ident,
    }
    [msg] = EventStreamDecoder().feed(encode_message(headers, b"p"))
    assert dict(msg.headers) == {
        "t": True, "f": False, "b": -5, "s": 30000, "i": 2_000_000_000, "l": 2**40,
        "bytes": b"\x00\xff", "str": "héllo", "ts": stamp, "u": ident,
    }
    # wire type codes in order 0..9
    raw = encode_message(headers)[12:-4]
    codes, pos = [], 0
    while pos < len(raw):
        n = raw[pos]
        codes.append(raw[pos + 1 + n])
        pos += 1 + n + 1
        code = codes[-1]
        pos += {0: 0, 1: 0, 2: 1, 3: 2, 4: 4, 5: 8, 8: 8, 9: 16}.get(code, 0)
        if code in (6, 7):
            pos += 2 + struct.unpack(">H", raw[pos:pos + 2])[0]
    assert codes == list(range(10))


def test_message_crc_corruption_raises():
    data = bytearray(encode_message({":event-type": "Records"}, b"hello"))
    data[-6] ^= 0x01   # flip a payload bit
    with pytest.raises(EventStreamError, match="message CRC mismatch"):
        EventStreamDecoder().feed(bytes(data))


def test_prelude_crc_corruption_raises_before_body_arrives():
    data = bytearray(encode_message({":event-type": "Records"}, b"hello"))
    data[3] ^= 0x01    # total length no longer matches the prelude CRC
    with pytest.raises(EventStreamError, match="prelude CRC mismatch"):
        EventStreamDecoder().feed(bytes(data[:12]))


def test_hostile_length_refused_without_waiting_for_it():
    prelude = struct.pack(">II", 2**31, 0)
    data = prelude + struct.pack(">I", zlib.crc32(prelude))
    with pytest.raises(EventStreamError, match="outside the accepted range"):
        EventStreamDecoder().feed(data)
    small = encode_message({}, b"z" * 100)
    with pytest.raises(EventStreamError, match="outside the accepted range"):
        EventStreamDecoder(max_message_bytes=64).feed(small)


def test_headers_length_larger_than_message_refused():
    prelude = struct.pack(">II", 20, 10)
    data = prelude + struct.pack(">I", zlib.crc32(prelude))
    with pytest.raises(EventStreamError, match="headers length"):
        EventStreamDecoder().feed(data)


def test_unknown_header_type_raises():
    headers = b"\x01x\x0e"   # name "x", type 14 (undefined)
    prelude = struct.pack(">II", 16 + len(headers), len(headers))
    body = prelude + struct.pack(">I", zlib.crc32(prelude)) + headers
    with pytest.raises(EventStreamError, match="unknown value type 14"):
        EventStreamDecoder().feed(body + struct.pack(">I", zlib.crc32(body)))


def test_truncated_header_section_raises():
    headers = b"\x05:abc"   # name length 5 but only 4 bytes follow
    prelude = struct.pack(">II", 16 + len(headers), len(headers))
    body = prelude + struct.pack(">I", zlib.crc32(prelude)) + headers
    with pytest.raises(EventStreamError, match="truncated"):
        EventStreamDecoder().feed(body + struct.pack(">I", zlib.crc32(body)))


def test_truncated_stream_raises_on_close():
    data = _stream()
    decoder = EventStreamDecoder()
    messages = decoder.feed(data[:-5])
    assert [m.event_type for m in messages] == ["Records", "Cont", "Records"]
    assert decoder.bytes_needed() == 5
    with pytest.raises(EventStreamError, match="truncated"):
        decoder.close()
    with pytest.raises(EventStreamError, match="truncated"):
        list(decode_messages([data[:-1]]))


def test_error_is_a_minio_exception():
    assert issubclass(EventStreamError, MinioException)


def test_bytes_needed_tracks_prelude_then_body():
    data = encode_message({":event-type": "Records"}, b"12345")
    decoder = EventStreamDecoder()
    assert decoder.bytes_needed() == 12
    decoder.feed(data[:5])
    assert decoder.bytes_needed() == 7
    decoder.feed(data[5:12])
    assert decoder.bytes_needed() == len(data) - 12
    [msg] = decoder.feed(data[12:])
    assert msg.payload == b"12345"
    assert decoder.bytes_needed() == 12


def test_botocore_oracle_decodes_our_encoding_identically():
    botocore_eventstream = pytest.importorskip("botocore.eventstream")
    data = _stream() + encode_message(
        {"n": TypedHeaderValue(HEADER_SHORT, -2), "flag": True, "blob": b"\x01\x02"}, b"tail")
    buffer = botocore_eventstream.EventStreamBuffer()
    buffer.add_data(data)
    theirs = [(dict(m.headers), m.payload) for m in buffer]
    ours = [(dict(m.headers), m.payload) for m in EventStreamDecoder().feed(data)]
    assert ours == theirs
    assert len(ours) == 5

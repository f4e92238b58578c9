"""S3 Select: request document, SelectObjectReader over hand-encoded streams, and moto."""

from __future__ import annotations

import bz2
import gzip
import json
from xml.etree import ElementTree as ET

import pytest
import requests

from minbrowse.s3.cancel import CancelToken
from minbrowse.s3.errors import Cancelled, InvalidResponseError, S3Error
from minbrowse.s3.eventstream import EventStreamError, encode_message
from minbrowse.s3.select import (
    COMPRESSION_TYPE_BZIP2, COMPRESSION_TYPE_GZIP, FILE_HEADER_INFO_USE, JSON_TYPE_LINES,
    QUOTE_FIELDS_ALWAYS, CSVInputSerialization, CSVOutputSerialization,
    JSONInputSerialization, JSONOutputSerialization, ParquetInputSerialization,
    SelectObjectReader, SelectRequest, Stats,
)
from minbrowse.s3.xmlutil import marshal
from tests.fakes import moto_endpoint_fixture

NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


# ---------------------------------------------------------------- request document

def _tree(element):
    """(local tag, text, children) ignoring namespaces, for structural comparison."""
    tag = element.tag.rsplit("}", 1)[-1]
    return (tag, (element.text or "").strip(), [_tree(child) for child in element])


def test_full_csv_request_document():
    request = SelectRequest(
        "select s.name from S3Object s",
        CSVInputSerialization(compression_type=COMPRESSION_TYPE_GZIP,
                              allow_quoted_record_delimiter=True, comments="#",
                              field_delimiter=";", file_header_info=FILE_HEADER_INFO_USE,
                              quote_character="'", quote_escape_character="\\",
                              record_delimiter="\n"),
        CSVOutputSerialization(field_delimiter="|", quote_character='"',
                               quote_escape_character='"', quote_fields=QUOTE_FIELDS_ALWAYS,
                               record_delimiter="\r\n"),
        request_progress=True, scan_start_range=0, scan_end_range=100,
    )
    root = ET.fromstring(marshal(request))
    assert root.tag == NS + "SelectObjectContentRequest"
    assert _tree(root) == ("SelectObjectContentRequest", "", [
        ("Expression", "select s.name from S3Object s", []),
        ("ExpressionType", "SQL", []),
        ("InputSerialization", "", [
            ("CompressionType", "GZIP", []),
            ("CSV", "", [
                ("AllowQuotedRecordDelimiter", "TRUE", []), ("Comments", "#", []),
                ("FieldDelimiter", ";", []), ("FileHeaderInfo", "USE", []),
                ("QuoteCharacter", "'", []), ("QuoteEscapeCharacter", "\\", []),
                ("RecordDelimiter", "", []),
            ]),
        ]),
        ("OutputSerialization", "", [("CSV", "", [
            ("FieldDelimiter", "|", []), ("QuoteCharacter", '"', []),
            ("QuoteEscapeCharacter", '"', []), ("QuoteFields", "ALWAYS", []),
            ("RecordDelimiter", "", []),
        ])]),
        ("RequestProgress", "", [("Enabled", "true", [])]),
        ("ScanRange", "", [("Start", "0", []), ("End", "100", [])]),
    ])
    # whitespace delimiters are carried exactly in the document tree
    element = request.toxml()
    assert element.find(f"{NS}InputSerialization/{NS}CSV/{NS}RecordDelimiter").text == "\n"
    assert element.find(f"{NS}OutputSerialization/{NS}CSV/{NS}RecordDelimiter").text == "\r\n"


def test_json_and_parquet_documents_match_minio_oracle():
    minio_select = pytest.importorskip("minio.select")
    from minio.xml import marshal as minio_marshal
    cases = [
        (SelectRequest("select * from s3object", JSONInputSerialization(json_type=JSON_TYPE_LINES),
                       JSONOutputSerialization(record_delimiter=",")),
         minio_select.SelectRequest("select * from s3object",
                                    minio_select.JSONInputSerialization(json_type="LINES"),
                                    minio_select.JSONOutputSerialization(record_delimiter=","))),
        (SelectRequest("select * from s3object",
                       ParquetInputSerialization(compression_type=COMPRESSION_TYPE_BZIP2),
                       CSVOutputSerialization()),
         minio_select.SelectRequest("select * from s3object",
                                    minio_select.ParquetInputSerialization(compression_type="BZIP2"),
                                    minio_select.CSVOutputSerialization())),
    ]
    for ours, theirs in cases:
        assert _tree(ET.fromstring(marshal(ours))) == _tree(ET.fromstring(minio_marshal(theirs)))


@pytest.mark.parametrize("build", [
    lambda: CSVInputSerialization(compression_type="ZIP"),
    lambda: CSVInputSerialization(file_header_info="YES"),
    lambda: JSONInputSerialization(json_type="ARRAY"),
    lambda: CSVOutputSerialization(quote_fields="NEVER"),
    lambda: SelectRequest("", CSVInputSerialization(), CSVOutputSerialization()),
    lambda: SelectRequest("select 1", CSVOutputSerialization(), CSVOutputSerialization()),
    lambda: SelectRequest("select 1", CSVInputSerialization(), CSVOutputSerialization(),
                          scan_start_range=-1),
    lambda: SelectRequest("select 1", CSVInputSerialization(), CSVOutputSerialization(),
                          scan_start_range=10, scan_end_range=2),
])
def test_invalid_arguments_rejected(build):
    with pytest.raises(ValueError):
        build()


# ---------------------------------------------------------------- reader, hand-made streams

class ChunkyRaw:
    """A raw body that hands out at most `chunk` bytes per read, counting what was read."""

    def __init__(self, data: bytes, chunk: int = 1 << 20) -> None:
        self.data, self.chunk, self.pos, self.closed = data, chunk, 0, False

    def read(self, n: int) -> bytes:
        take = min(n, self.chunk)
        piece = self.data[self.pos:self.pos + take]
        self.pos += len(piece)
        return piece

    def close(self) -> None:
        self.closed = True


def _response(data: bytes, chunk: int = 1 << 20) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response.headers["Content-Type"] = "application/vnd.amazon.eventstream"
    response.headers["x-amz-request-id"] = "REQ123"
    response.headers["x-amz-id-2"] = "HOST456"
    response.raw = ChunkyRaw(data, chunk)
    return response


def _event(event_type: str, payload: bytes = b"", content_type: str | None = None) -> bytes:
    headers = {":message-type": "event", ":event-type": event_type}
    if content_type:
        headers[":content-type"] = content_type
    return encode_message(headers, payload)


def _stats_xml(tag: str, scanned: int, processed: int, returned: int) -> bytes:
    return (f"<?xml version='1.0' encoding='UTF-8'?><{tag} xmlns=''><BytesScanned>{scanned}"
            f"</BytesScanned><BytesProcessed>{processed}</BytesProcessed><BytesReturned>"
            f"{returned}</BytesReturned></{tag}>").encode()


RECORDS_1 = b"alice,30\n" * 10
RECORDS_2 = b"bob,25\n" * 3
FULL = b"".join([
    _event("Records", RECORDS_1, "application/octet-stream"),
    _event("Cont"),
    _event("Progress", _stats_xml("Progress", 10, 10, 90), "text/xml"),
    _event("Records", RECORDS_2, "application/octet-stream"),
    _event("Stats", _stats_xml("Stats", 200, 200, len(RECORDS_1 + RECORDS_2)), "text/xml"),
    _event("End"),
])


@pytest.mark.parametrize("chunk", [1, 7, 1 << 20])
def test_reader_yields_records_and_stats(chunk):
    response = _response(FULL, chunk)
    with SelectObjectReader(response) as reader:
        pieces = list(reader.stream(16))
        assert all(0 < len(p) <= 16 for p in pieces)
        assert b"".join(pieces) == RECORDS_1 + RECORDS_2
        assert reader.stats() == Stats(200, 200, len(RECORDS_1 + RECORDS_2))
        assert reader.progress() == Stats(10, 10, 90)
        assert reader.finished
        assert list(reader.stream()) == []
    assert response.raw.closed and reader.closed


def test_reader_decodes_incrementally():
    response = _response(FULL + b"garbage that must never be read")
    reader = SelectObjectReader(response)
    first = next(reader.stream(4))
    assert first == b"alic"
    assert response.raw.pos == len(_event("Records", RECORDS_1, "application/octet-stream"))
    assert reader.read(5) == b"e,30\n"
    assert reader.read() == RECORDS_1[9:] + RECORDS_2
    assert response.raw.pos == len(FULL)      # stopped at End, trailing bytes untouched
    assert reader.read(10) == b""


def test_error_event_raises_s3error_with_code():
    data = _event("Records", b"a\n") + encode_message(
        {":message-type": "error", ":error-code": "CSVParsingError",
         ":error-message": "bad CSV at line 2"})
    response = _response(data)
    reader = SelectObjectReader(response, "bkt", "obj.csv")
    stream = reader.stream()
    assert next(stream) == b"a\n"
    with pytest.raises(S3Error) as info:
        next(stream)
    err = info.value
    assert (err.code, err.message) == ("CSVParsingError", "bad CSV at line 2")
    assert (err.request_id, err.host_id) == ("REQ123", "HOST456")
    assert (err.bucket_name, err.object_name) == ("bkt", "obj.csv")
    assert response.raw.closed


def test_stream_ending_before_end_event_raises():
    data = FULL[:-len(_event("End"))]
    with pytest.raises(EventStreamError, match="before the End event"):
        SelectObjectReader(_response(data)).read()


def test_stream_cut_inside_a_message_raises():
    with pytest.raises(EventStreamError, match="truncated"):
        SelectObjectReader(_response(FULL[:40])).read()


def test_crc_corruption_raises():
    data = bytearray(FULL)
    data[30] ^= 0xFF
    with pytest.raises(EventStreamError, match="CRC mismatch"):
        SelectObjectReader(_response(bytes(data))).read()


def test_xml_answer_instead_of_event_stream_is_invalid_response():
    response = _response(b"<?xml version='1.0'?><ListBucketResult/>")
    response.headers["Content-Type"] = "application/xml"
    with pytest.raises(InvalidResponseError, match="not an event stream"):
        SelectObjectReader(response)
    assert response.raw.closed


def test_cancel_token_stops_reading():
    token = CancelToken()
    reader = SelectObjectReader(_response(FULL), cancel_token=token)
    stream = reader.stream(1 << 20)
    assert next(stream) == RECORDS_1
    token.cancel()
    with pytest.raises(Cancelled):
        next(stream)


# ---------------------------------------------------------------- real server: moto

# moto does not verify signatures but refuses requests without an Authorization header.
DUMMY_AUTH = {"Authorization": "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/s3/"
                               "aws4_request, SignedHeaders=host, Signature=00"}


@pytest.fixture(scope="module")
def moto_url(request):
    yield from moto_endpoint_fixture(request)


@pytest.fixture(scope="module")
def select_bucket(moto_url):
    bucket = f"{moto_url}/select-tests"
    assert requests.put(bucket, headers=DUMMY_AUTH, timeout=10).status_code == 200
    return bucket


def _put(url: str, body: bytes) -> None:
    response = requests.put(url, data=body, timeout=10,
                            headers={**DUMMY_AUTH, "Content-Type": "application/octet-stream"})
    assert response.status_code == 200, response.text


def _select(url: str, request: SelectRequest) -> SelectObjectReader:
    response = requests.post(url, params=[("select", ""), ("select-type", "2")],
                             data=marshal(request), stream=True, timeout=10,
                             headers={**DUMMY_AUTH, "Content-Type": "application/xml"})
    assert response.status_code == 200, response.content[:500]
    assert response.headers["Content-Type"] == "application/vnd.amazon.eventstream"
    return SelectObjectReader(response)


def test_moto_csv_select(select_bucket):
    _put(f"{select_bucket}/people.csv", b"name,age\nalice,30\nbob,25\ncarol,41")
    # moto's PartiQL parser only handles WHERE on a lower-case, aliased `s3object`
    request = SelectRequest("select * from s3object s where s.name = 'carol'",
                            CSVInputSerialization(file_header_info=FILE_HEADER_INFO_USE),
                            CSVOutputSerialization(), request_progress=True)
    with _select(f"{select_bucket}/people.csv", request) as result:
        data = b"".join(result.stream(5))
        stats = result.stats()
    assert data.splitlines() == [b"carol,41"]
    assert stats.bytes_returned == len(data)
    assert stats.bytes_scanned > 0 and stats.bytes_processed == stats.bytes_scanned


def test_moto_csv_projection_select(select_bucket):
    _put(f"{select_bucket}/names.csv", b"name,age\nalice,30\nbob,25")
    request = SelectRequest("select name from s3object",
                            CSVInputSerialization(file_header_info=FILE_HEADER_INFO_USE),
                            JSONOutputSerialization(record_delimiter="\n"))
    with _select(f"{select_bucket}/names.csv", request) as result:
        data = result.read()
    assert data == b'{"name":"alice"}\n{"name":"bob"}\n'
    assert result.stats().bytes_returned == len(data)


def test_moto_gzip_csv_select_to_json(select_bucket):
    _put(f"{select_bucket}/people.csv.gz", gzip.compress(b"name,age\nalice,30\nbob,25"))
    request = SelectRequest("select * from S3Object",
                            CSVInputSerialization(compression_type=COMPRESSION_TYPE_GZIP,
                                                  file_header_info=FILE_HEADER_INFO_USE),
                            JSONOutputSerialization())
    with _select(f"{select_bucket}/people.csv.gz", request) as result:
        data = result.read()
    assert [json.loads(line) for line in data.splitlines()] == [
        {"name": "alice", "age": "30"}, {"name": "bob", "age": "25"}]
    assert result.stats().bytes_returned == len(data)


def test_moto_json_lines_select(select_bucket):
    lines = b'{"k": "a", "n": 1}\n{"k": "b", "n": 2}\n{"k": "c", "n": 3}\n'
    _put(f"{select_bucket}/rows.jsonl", lines)
    request = SelectRequest("select * from s3object s where s.k = 'b'",
                            JSONInputSerialization(json_type=JSON_TYPE_LINES),
                            JSONOutputSerialization())
    with _select(f"{select_bucket}/rows.jsonl", request) as result:
        data = result.read()
    assert [json.loads(line) for line in data.splitlines()] == [{"k": "b", "n": 2}]
    assert result.stats().bytes_returned == len(data)
    assert result.finished


def test_moto_bzip2_json_document_select(select_bucket):
    _put(f"{select_bucket}/doc.json.bz2", bz2.compress(b'{"a": {"b": 7}}'))
    request = SelectRequest("select a.b from s3object",
                            JSONInputSerialization(compression_type=COMPRESSION_TYPE_BZIP2,
                                                   json_type="DOCUMENT"),
                            JSONOutputSerialization())
    with _select(f"{select_bucket}/doc.json.bz2", request) as result:
        data = result.read()
    assert [json.loads(line) for line in data.splitlines()] == [{"b": 7}]


@pytest.mark.skip(reason="server gap: moto 5.2 select_object_content decodes every object as "
                         "UTF-8 text (no Parquet reader), and SeaweedFS 4.48 answers "
                         "405 MethodNotAllowed to SelectObjectContent")
def test_parquet_select():  # pragma: no cover - documented server gap
    raise AssertionError("no local server implements Parquet S3 Select")

"""Location parsing and preview classification/rendering (plain functions, no app)."""

from __future__ import annotations

from rich.console import Console

from minbrowse.ui.core.models import Location, PreviewData, parse_location
from minbrowse.ui.screens.preview_render import classify, render_preview


def test_parse_location_prefix_and_key() -> None:
    assert parse_location("s3://b/") == (Location("b", ""), None)
    assert parse_location("s3://b/a/b/") == (Location("b", "a/b/"), None)
    assert parse_location("s3://b/a/key.txt") == (Location("b", "a/"), "a/key.txt")
    assert parse_location("s3://b/key") == (Location("b", ""), "key")
    assert parse_location("s3://") == (Location(None, ""), None)


def test_location_parent() -> None:
    assert Location("b", "a/b/").parent == Location("b", "a/")
    assert Location("b", "a/").parent == Location("b", "")
    assert Location("b", "").parent == Location(None, "")


def render(preview: PreviewData) -> str:
    console = Console(width=100, record=True, color_system=None)
    kind, renderable = render_preview(preview)
    console.print(renderable)
    return kind + "\n" + console.export_text()


def test_classify() -> None:
    assert classify("x.json", "", b"{}") == "json"
    assert classify("x.csv", "", b"a,b") == "csv"
    assert classify("x.log", "", b"INFO") == "log"
    assert classify("x.bin", "", b"\x00\x01") == "binary"
    assert classify("x", "text/plain", b"hello") == "text"
    # a UTF-8 character cut at the 64 KiB boundary is still text
    assert classify("x.txt", "", "é".encode() * 10 + "é".encode()[:1]) == "text"


def test_json_pretty_csv_table_and_escaped_text() -> None:
    out = render(PreviewData("b", "d.json", "application/json", b'{"a":[1,2]}', 11, False))
    assert out.startswith("json") and '"a": [' in out
    out = render(PreviewData("b", "t.csv", "text/csv", b"h1,h2\nv1,v2\n", 12, False))
    assert out.startswith("csv") and "h1" in out and "v2" in out and "│" in out
    out = render(PreviewData("b", "e.txt", "text/plain", b"a\x1b[2Jb\nline2", 13, False))
    assert "a\\x1b[2Jb" in out and "\x1b" not in out.split("\n", 1)[1]
    out = render(PreviewData("b", "big.txt", "text/plain", b"x" * 65536, 10**9, True))
    assert "showing the first 64.0 KiB" in out
    out = render(PreviewData("b", "img.png", "image/png", b"\x89PNG\x00\x00", 6, False))
    assert out.startswith("binary") and "no preview" in out

"""Deterministic sample content for the demo buckets: text, JSON, CSV, logs, a PNG, binary blobs.

Everything is generated from fixed seeds so that every demo (and every snapshot state
that reuses it) holds byte-identical objects.
"""

from __future__ import annotations

import json
import random
import struct
import zlib

README = """\
Welcome to the minbrowse demo!

This bucket was seeded by `minbrowse --demo` on an embedded SeaweedFS server that
lives in a temporary folder and disappears when you quit.

Try: arrows or j/k to move, Enter to open, Backspace to go up, / to filter,
p to preview, ? for every key.
"""

GUIDE = """\
# Guide

## Folders
S3 has no folders: `docs/guide.md` is one key. minbrowse shows the `/`-separated
parts as folders, and a key ending in `/` as an empty folder.

## Versions
`demo-versioned` keeps every version of `notes.txt`.

## Object lock
`demo-locked` holds an object under retention: it cannot be deleted until its date.
"""

_CITIES = ("Lisbon", "Oslo", "Nairobi", "Lima", "Osaka", "Perth", "Quebec", "Tunis")
_PRODUCTS = ("widget", "gizmo", "sprocket", "flange", "gasket", "doohickey")


def records_json(count: int = 24) -> bytes:
    """A pretty-printed JSON array of order records."""
    rng = random.Random(1)
    records = [
        {
            "id": index + 1,
            "city": rng.choice(_CITIES),
            "product": rng.choice(_PRODUCTS),
            "quantity": rng.randint(1, 40),
            "paid": rng.random() > 0.3,
        }
        for index in range(count)
    ]
    return (json.dumps(records, indent=2) + "\n").encode()


def sales_csv(rows: int = 60) -> bytes:
    """A CSV table with a header row."""
    rng = random.Random(2)
    lines = ["date,city,product,units,unit_price"]
    for index in range(rows):
        lines.append(
            f"2026-01-{index % 28 + 1:02d},{rng.choice(_CITIES)},{rng.choice(_PRODUCTS)},"
            f"{rng.randint(1, 99)},{rng.randint(100, 9999) / 100:.2f}"
        )
    return ("\n".join(lines) + "\n").encode()


def app_log(lines: int = 240) -> bytes:
    """An application log with levels, timestamps and the odd traceback-free error."""
    rng = random.Random(3)
    levels = ("INFO", "INFO", "INFO", "DEBUG", "WARNING", "ERROR")
    messages = {
        "INFO": ("request served in {n} ms", "user {n} signed in", "cache warmed ({n} keys)"),
        "DEBUG": ("pool size {n}", "retrying part {n}"),
        "WARNING": ("slow response: {n} ms", "disk {n}% full"),
        "ERROR": ("upstream timeout after {n} s", "checksum mismatch on part {n}"),
    }
    out = []
    for index in range(lines):
        level = rng.choice(levels)
        text = rng.choice(messages[level]).format(n=rng.randint(1, 999))
        minute, second = divmod(index * 7, 60)
        out.append(f"2026-01-15T09:{minute % 60:02d}:{second:02d}Z {level:<7} app: {text}")
    return ("\n".join(out) + "\n").encode()


def access_log(lines: int = 120) -> bytes:
    """An HTTP access log in the common log format."""
    rng = random.Random(4)
    paths = ("/", "/index.html", "/api/items", "/api/items/7", "/static/app.js", "/health")
    out = []
    for index in range(lines):
        status = rng.choice((200, 200, 200, 304, 404, 500))
        out.append(
            f'10.0.0.{rng.randint(1, 254)} - - [15/Jan/2026:10:{index % 60:02d}:00 +0000] '
            f'"GET {rng.choice(paths)} HTTP/1.1" {status} {rng.randint(0, 50000)}'
        )
    return ("\n".join(out) + "\n").encode()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png_image(size: int = 32) -> bytes:
    """A small RGB gradient PNG, built by hand (no imaging library)."""
    rows = bytearray()
    for y in range(size):
        rows.append(0)  # filter type: none
        for x in range(size):
            rows += bytes((x * 255 // (size - 1), y * 255 // (size - 1), 160))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + _png_chunk(b"IEND", b""))


def binary_blob(size: int, seed: int = 5) -> bytes:
    """`size` pseudo-random bytes (incompressible, reproducible)."""
    return random.Random(seed).randbytes(size)


def small_item(index: int) -> bytes:
    return f"item {index:04d}\n".encode()

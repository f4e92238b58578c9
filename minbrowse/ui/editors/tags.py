"""Bucket tags and object tags editors: one `key=value` per line, limits checked inline
(10 tags per object, 50 per bucket, key ≤ 128 and value ≤ 256 characters)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.widgets import Static, TextArea

from minbrowse.s3.commonconfig import Tags
from minbrowse.s3.validation import check_tag

from .base import EditorScreen
from .fields import decode_text, encode_text


def parse_tags(text: str, *, for_object: bool) -> Tags:
    """Parse `key=value` lines; ValueError names the line. Blank lines are skipped."""
    tags = Tags(for_object)
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if "=" not in line:
            raise ValueError(f"line {number}: expected key=value")
        key, _, value = line.partition("=")
        key, value = decode_text(key.strip()), decode_text(value.strip())
        if key in seen:
            raise ValueError(f"line {number}: key {key[:40]!r} already set on line {seen[key]}")
        try:
            check_tag(key, value, "tag")
        except ValueError as exc:
            raise ValueError(f"line {number}: {exc}") from None
        if len(tags) >= tags.limit:
            raise ValueError(f"line {number}: {'an object' if for_object else 'a bucket'} may "
                             f"hold at most {tags.limit} tags")
        seen[key] = number
        tags[key] = value
    return tags


def tags_text(tags: Any) -> str:
    """Tags as `key=value` lines, control characters shown as visible escapes."""
    return "".join(f"{encode_text(k)}={encode_text(v)}\n"
                   for k, v in sorted(dict(tags or {}).items()))


class _TagsEditor(EditorScreen):
    FOR_OBJECT: ClassVar[bool] = False
    DEFAULT_CSS = EditorScreen.DEFAULT_CSS + """
    _TagsEditor #tags-text { height: 14; }
    """

    def compose_body(self) -> ComposeResult:
        limit = 10 if self.FOR_OBJECT else 50
        yield Static(f"One key=value per line; at most {limit} tags, keys up to 128 and values "
                     f"up to 256 characters. Remove every line to delete the tags. Control characters "
                     f"show as \\xNN / \\uNNNN (type \\\\ for a backslash).",
                     classes="hint")
        yield TextArea("", id="tags-text", show_line_numbers=True)

    def show_value(self, value: Any) -> None:
        self.query_one("#tags-text", TextArea).load_text(tags_text(value))

    def build_value(self) -> Tags | None:
        tags = parse_tags(self.query_one("#tags-text", TextArea).text, for_object=self.FOR_OBJECT)
        return tags if tags else None

    def describe(self, value: Any) -> str:
        return f"live: {len(value)} tag(s)" if value else "none set: no tags"


class BucketTagsEditor(_TagsEditor):
    KIND = "tags"
    TITLE = "Bucket tags"


class ObjectTagsEditor(_TagsEditor):
    KIND = "object_tags"
    TITLE = "Object tags"
    FOR_OBJECT = True

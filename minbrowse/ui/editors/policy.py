"""Bucket policy editor: JSON text area with highlighting, pretty-print, templates, validation
with line and column (`minbrowse.s3.validation.check_policy_json`)."""

from __future__ import annotations

import json
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Button, Static, TextArea

from minbrowse.s3.validation import check_policy_json

from ..core.safe_text import escape_control
from .base import EditorScreen


def read_only_template(bucket: str) -> dict[str, Any]:
    """The seed's anonymous read-only policy for `bucket`."""
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"},
         "Action": ["s3:GetBucketLocation", "s3:ListBucket"],
         "Resource": f"arn:aws:s3:::{bucket}"},
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject",
         "Resource": f"arn:aws:s3:::{bucket}/*"},
    ]}


def read_write_template(bucket: str) -> dict[str, Any]:
    """The seed's anonymous read-write policy for `bucket` (on its images/ prefix)."""
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"},
         "Action": ["s3:GetBucketLocation", "s3:ListBucket",
                    "s3:ListBucketMultipartUploads"],
         "Resource": f"arn:aws:s3:::{bucket}"},
        {"Effect": "Allow", "Principal": {"AWS": "*"},
         "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject",
                    "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"],
         "Resource": f"arn:aws:s3:::{bucket}/images/*"},
    ]}


def json_language() -> str | None:
    """"json" when TextArea highlighting is safe here, else None (plain text).

    tree-sitter 0.26 crashes the interpreter (SIGSEGV) inside textual 8's TextArea
    highlighting; the project pins tree-sitter<0.26, this guards other environments.
    """
    try:
        from importlib.metadata import version

        major, minor = (int(part) for part in version("tree-sitter").split(".")[:2])
    except Exception:  # noqa: BLE001 - not installed or odd version: no highlighting
        return None
    return "json" if (major, minor) < (0, 26) else None


def pretty(text: str) -> str:
    """Indented JSON of `text` (ValueError with line/column when it does not parse)."""
    check_policy_json(text)
    return json.dumps(json.loads(text), indent=2) + "\n"


class PolicyEditor(EditorScreen):
    KIND = "policy"
    TITLE = "Bucket policy"
    DEFAULT_CSS = EditorScreen.DEFAULT_CSS + """
    PolicyEditor #policy-text { height: 24; }
    """

    def compose_body(self) -> ComposeResult:
        yield Static("JSON policy document. Empty the text and apply, or use Delete, to remove it.",
                     classes="hint")
        yield TextArea("", language=json_language(), show_line_numbers=True, id="policy-text",
                       tab_behavior="indent")

    def compose_extra_buttons(self) -> ComposeResult:
        yield Button("Pretty-print", id="policy-pretty", compact=True)
        yield Button("Template: read-only", id="policy-template-ro", compact=True)
        yield Button("Template: read-write", id="policy-template-rw", compact=True)

    @property
    def text_area(self) -> TextArea:
        return self.query_one("#policy-text", TextArea)

    def show_value(self, value: Any) -> None:
        if value is None:
            self.text_area.load_text("")
            return
        try:
            self.text_area.load_text(pretty(value))  # json.dumps escapes every control char
        except ValueError:
            self.text_area.load_text(escape_control(value, keep_newlines=True))

    def build_value(self) -> str | None:
        text = self.text_area.text
        if not text.strip():
            return None
        check_policy_json(text)
        return text

    def check_value(self, value: Any) -> None:
        if value is None and self.live is None:
            raise ValueError("the policy is empty")

    def describe(self, value: Any) -> str:
        if value is None:
            return "none set: this bucket has no policy"
        try:
            count = len(json.loads(value).get("Statement") or [])
        except (ValueError, AttributeError):
            count = 0
        return f"live policy: {count} statement(s)"

    def on_extra_button(self, button_id: str) -> None:
        if button_id == "policy-pretty":
            try:
                self.text_area.load_text(pretty(self.text_area.text))
                self.show_error(None)
            except ValueError as exc:
                self.show_error(f"cannot pretty-print: {exc}")
        elif button_id == "policy-template-ro":
            self.text_area.load_text(json.dumps(read_only_template(self.bucket), indent=2) + "\n")
        elif button_id == "policy-template-rw":
            self.text_area.load_text(json.dumps(read_write_template(self.bucket), indent=2) + "\n")

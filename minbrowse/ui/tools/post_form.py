"""Upload form (POST policy): key prefix, content-length range, content type and expiry →
the signed form fields and a curl command. The fields are a bearer credential for uploads."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from ..core.format import format_expiry
from .base import TOOL_CSS, ToolScreen
from .logic import EXPIRY_PRESETS, curl_for_form, parse_duration
from .protocol import ToolRequest
from .values import PostForm

_SIZE_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "kib": 1024, "m": 1024 ** 2, "mb": 1024 ** 2,
               "mib": 1024 ** 2, "g": 1024 ** 3, "gb": 1024 ** 3, "gib": 1024 ** 3}
MAX_SIZE = 5 * 1024 ** 3  # a single POST upload is limited to 5 GiB


def parse_size(text: str) -> int:
    """"0", "512", "10MiB", "1g" → bytes; ValueError otherwise."""
    raw = text.strip().lower().replace(" ", "")
    digits = raw.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = raw[len(digits):]
    if not digits.isdigit() or unit not in _SIZE_UNITS:
        raise ValueError("give a size like 0, 512, 10MiB or 1GiB")
    return int(digits) * _SIZE_UNITS[unit]


class PostFormScreen(ToolScreen):
    TOOL = "post_form"
    TITLE = "Upload form (POST policy)"
    DEFAULT_CSS = TOOL_CSS.format(name="PostFormScreen") + """
    PostFormScreen > #tool-box { border: thick $warning; }
    PostFormScreen Select { width: 22; }
    PostFormScreen #post-fields { height: 1fr; min-height: 6; }
    PostFormScreen #post-curl { height: 1fr; min-height: 6; }
    """
    BINDINGS = ToolScreen.BINDINGS + [Binding("ctrl+g", "generate", "Generate", id="post.generate")]

    def __init__(self, bucket: str, key: str | None = None, *, gateway: Any = None) -> None:
        super().__init__(bucket, key, gateway=gateway)
        self.form: PostForm | None = None

    def subtitle(self) -> str:
        return "ctrl+g generate · Esc closes"

    def target_label(self) -> str:
        return f"Browser upload form for s3://{self.bucket}/"

    def has_mutations(self) -> bool:
        return True

    def compose_body(self) -> ComposeResult:
        yield Static(Text("Bearer credential: anyone holding these fields can upload under the "
                          "prefix until they expire.", style="bold"), classes="tool-warning")
        with Horizontal(classes="tool-row"):
            yield Label("Key prefix", classes="tool-label")
            yield Input(self.key or "", placeholder="uploads/ (empty: anywhere)", id="post-prefix")
            yield Label("Content type", classes="tool-label")
            yield Input(placeholder="image/ (prefix) or image/png (exact); empty: any",
                        id="post-content-type")
        with Horizontal(classes="tool-row"):
            yield Label("Size from", classes="tool-label")
            yield Input("0", id="post-min-size")
            yield Label("to", classes="tool-label")
            yield Input("10MiB", id="post-max-size")
            yield Label("Expires in", classes="tool-label")
            yield Select([(label, value) for label, value in EXPIRY_PRESETS if value != "custom"],
                         value="1h", allow_blank=False, id="post-expiry")
            yield Button("Generate", id="post-generate", variant="primary", compact=True)
        yield Static(Text(""), classes="tool-error", id="post-error")
        yield Static(Text(""), id="post-summary")
        yield TextArea("", read_only=True, id="post-fields")
        yield Static(Text("curl command:", style="bold"))
        yield TextArea("", read_only=True, soft_wrap=True, id="post-curl")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "post-generate":
            self.action_generate()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_generate()

    def form_params(self) -> tuple[dict | None, str | None]:
        if self.read_only:
            return None, "an upload form lets others write to the bucket: disabled in read-only mode"
        prefix = self.query_one("#post-prefix", Input).value
        if any(ord(c) < 32 for c in prefix):
            return None, "key prefix: control characters are not allowed"
        try:
            low = parse_size(self.query_one("#post-min-size", Input).value)
            high = parse_size(self.query_one("#post-max-size", Input).value)
        except ValueError as exc:
            return None, f"size: {exc}"
        if low > high:
            return None, "size: the lower limit is above the upper limit"
        if high > MAX_SIZE:
            return None, "size: a POST upload holds at most 5 GiB"
        content_type = self.query_one("#post-content-type", Input).value.strip()
        if content_type and ("/" not in content_type or " " in content_type):
            return None, "content type: give type/ (any subtype) or type/subtype"
        expires = parse_duration(str(self.query_one("#post-expiry", Select).value))
        return {"key_prefix": prefix, "min_size": low, "max_size": high,
                "content_type": content_type, "expires": int(expires.total_seconds())}, None

    def action_generate(self) -> None:
        params, error = self.form_params()
        self.query_one("#post-error", Static).update(Text(error or ""))
        if error:
            self.last_error = error
            return
        self.submit("generate", params)
        self.set_status("signing…")

    def tool_done(self, request: ToolRequest, value: Any) -> None:
        self.show_form(value)

    def show_form(self, form: PostForm) -> None:
        self.form = form
        self.query_one("#post-summary", Static).update(Text(
            f"POST to {form.url} — valid until {format_expiry(form.expires_at)}; the key must "
            f"start with {form.key_prefix!r}", style="bold"))
        lines = [f"key = {form.key_prefix}<file name>"]
        lines += [f"{name} = {value}" for name, value in form.fields]
        self.query_one("#post-fields", TextArea).load_text("\n".join(lines))
        self.query_one("#post-curl", TextArea).load_text(
            curl_for_form(form.url, form.fields, form.key_prefix))
        self.set_status("form fields ready")

"""escape_control: every control and bidi character becomes a visible escape."""

from __future__ import annotations

import pytest

from minbrowse.ui.core.safe_text import escape_control, has_control, safe_text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain/key.txt", "plain/key.txt"),
        ("a\x1b[31mred", "a\\x1b[31mred"),
        ("bell\x07", "bell\\x07"),
        ("nul\x00", "nul\\x00"),
        ("del\x7f", "del\\x7f"),
        ("c1\x9b", "c1\\x9b"),
        ("line\nbreak\ttab", "line\\x0abreak\\x09tab"),
        ("rtl\u202eexe.txt", "rtl\\u202eexe.txt"),
        ("\u202a\u202b\u202c\u202d", "\\u202a\\u202b\\u202c\\u202d"),
        ("iso\u2066\u2067\u2068\u2069", "iso\\u2066\\u2067\\u2068\\u2069"),
        ("[bold]not markup[/bold]", "[bold]not markup[/bold]"),
        ("ünïcødé 日本", "ünïcødé 日本"),
    ],
)
def test_escape_control(raw: str, shown: str) -> None:
    assert escape_control(raw) == shown
    assert has_control(raw) == (raw != shown)


def test_keep_newlines_keeps_only_newline_and_tab() -> None:
    assert escape_control("a\nb\tc\x1bd\r", keep_newlines=True) == "a\nb\tc\\x1bd\\x0d"


def test_safe_text_is_not_markup() -> None:
    text = safe_text("[red]x[/red]\x1b")
    assert text.plain == "[red]x[/red]\\x1b"
    assert not text.spans

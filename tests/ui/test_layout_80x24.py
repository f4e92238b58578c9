"""The main screen at the terminal's width: 80x24 (most terminals' default), 100 and 120+ columns.

FAKE backend (`screenshots.render.make_app`). At 80x24 the listing gets the width (names
readable), `i` shows the detail pane, `[` the tree; wide terminals keep the three panes. The
snapshots show the main screen, a modal dialog and an editor at 80x24 with nothing cut off.
Update after an intended change with `pytest tests/ui/test_layout_80x24.py --snapshot-update`.
"""

from __future__ import annotations

import asyncio

from minbrowse.ui.actions.layout import layout_for, panes_for
from minbrowse.ui.screenshots.render import STATES, make_app, settle
from tests.ui.editors.test_editor_snapshots import build_app, steady

SMALL = (80, 24)


def test_breakpoints() -> None:
    assert [layout_for(w) for w in (80, 89, 90, 119, 120, 200)] == \
        ["narrow", "narrow", "medium", "medium", "wide", "wide"]
    assert panes_for("narrow") == (False, False) and panes_for("wide") == (True, True)


async def _layout_at(size: tuple[int, int]) -> dict:
    app = make_app(location="s3://reports/")
    seen: dict = {}
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        seen["tree"], seen["detail"] = app.tree_widget.display, app.detail.display
        seen["listing_width"] = app.listing.size.width
        seen["lines"] = [app.listing.render_line(y).text for y in range(3)]
        await pilot.press("i")
        await settle(pilot)
        seen["detail_after_i"] = app.detail.display
        seen["detail_text"] = (" ".join(s.title for s in app.detail_shown.sections)
                               if app.detail.display and app.detail_shown else "")
        await pilot.press("left_square_bracket")
        await pilot.pause()
        seen["tree_after_bracket"] = app.tree_widget.display
        await pilot.press("ctrl+t")
        await pilot.pause()
        seen["tree_focused"] = app.tree_widget.has_focus
    return seen


def test_at_80x24_the_listing_gets_the_width_and_keys_show_the_panes() -> None:
    seen = asyncio.run(_layout_at(SMALL))
    assert (seen["tree"], seen["detail"]) == (False, False)
    assert seen["listing_width"] >= 76
    assert any("2026" in line for line in seen["lines"]), seen["lines"]  # names, not "Size…"
    assert seen["detail_after_i"] and seen["detail_text"]
    assert seen["tree_after_bracket"] is True
    assert seen["tree_focused"]


def test_wide_terminals_keep_three_panes() -> None:
    seen = asyncio.run(_layout_at((120, 36)))
    assert (seen["tree"], seen["detail"]) == (True, True)
    assert seen["detail_after_i"] is False  # `i` hides it there
    assert seen["tree_after_bracket"] is False


def test_main_screen_80x24_snapshot(snap_compare) -> None:
    factory, steps = STATES["main"]
    assert snap_compare(factory(), terminal_size=SMALL, run_before=steps)


def test_download_dialog_80x24_snapshot(snap_compare) -> None:
    factory, steps = STATES["download"]
    assert snap_compare(factory(), terminal_size=SMALL, run_before=steps)


def test_lifecycle_editor_80x24_snapshot(snap_compare) -> None:
    assert snap_compare(build_app("lifecycle"), terminal_size=SMALL, run_before=steady)

"""Repeatable SVG screenshots: `python -m minbrowse.ui.screenshots.render DIR`.

Each named state (main screen, help, every modal) is built from the deterministic FAKE
backend with a fixed clock and config; the snapshot tests drive the very same states.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Awaitable, Callable

from textual.pilot import Pilot

from ..app import MinbrowseApp
from .fake_backend import FIXED_NOW, demo_backend

SIZE = (120, 36)
Steps = Callable[[Pilot], Awaitable[None]]


def demo_profile_and_config():
    from minbrowse.config.loader import AppConfig
    from minbrowse.config.profiles import Profile

    profile = Profile(name="demo", endpoint="127.0.0.1:9000", secure=False, region="us-east-1",
                      access_key="demo-access", secret_key="demo-secret-key", source="config")
    return profile, AppConfig(profiles=(profile,), default_profile="demo")


def make_app(*, read_only: bool = False, location: str | None = None) -> MinbrowseApp:
    """The app on the fake backend with a fixed clock and a clipboard that always works."""
    profile, config = demo_profile_and_config()
    app = MinbrowseApp(config, profile, read_only=read_only, location=location,
                       clock=lambda: FIXED_NOW, client=demo_backend())
    app.system_copy = lambda text: None
    return app


async def settle(pilot: Pilot, delay: float = 0.2) -> None:
    """Let debounce timers fire and every worker finish, then let the screen repaint."""
    for _ in range(2):
        await pilot.pause(delay)
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def at_reports(pilot: Pilot, cursor_name: str = "config.json") -> None:
    await settle(pilot)
    app = pilot.app
    assert isinstance(app, MinbrowseApp)
    app.listing.select_name(cursor_name)
    await settle(pilot)


async def state_main(pilot: Pilot) -> None:
    await at_reports(pilot)


async def state_help(pilot: Pilot) -> None:
    await at_reports(pilot)
    await pilot.press("question_mark")
    await settle(pilot, 0.1)


async def state_preview_json(pilot: Pilot) -> None:
    await at_reports(pilot)
    await pilot.press("p")
    await settle(pilot)


async def state_preview_csv(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("enter")  # into q1/
    await settle(pilot)
    pilot.app.listing.select_name("sales.csv")
    await pilot.press("enter")
    await settle(pilot)


async def state_presign(pilot: Pilot) -> None:
    await at_reports(pilot, "readme.txt")
    await pilot.press("y")
    await settle(pilot)


async def state_delete(pilot: Pilot) -> None:
    await at_reports(pilot, "readme.txt")
    await pilot.press("space", "d")
    await settle(pilot, 0.1)


async def state_remove_bucket(pilot: Pilot) -> None:
    await at_reports(pilot)
    await pilot.press("B")
    await settle(pilot, 0.1)


async def state_make_bucket(pilot: Pilot) -> None:
    await at_reports(pilot)
    await pilot.press("b")
    await pilot.press(*"new-bucket")
    await settle(pilot, 0.1)


async def state_control_chars(pilot: Pilot) -> None:
    await at_reports(pilot, "evil-\x1b[31mred\u202etxt.exe")


async def state_read_only(pilot: Pilot) -> None:
    await at_reports(pilot)
    await pilot.press("d")
    await settle(pilot, 0.1)


def _type_path(pilot: Pilot, selector: str, path: str) -> None:
    """A fixed path in a dialog's path input, the cursor at its end (the dialog opens on the
    current folder, which differs from machine to machine)."""
    field = pilot.app.screen.query_one(selector)
    field.value = path
    field.cursor_position = len(path)


async def state_upload(pilot: Pilot) -> None:
    await at_reports(pilot)
    await pilot.press("U")
    await settle(pilot, 0.1)
    _type_path(pilot, "#upload-path", "/home/ops/exports/2026-01/")
    await pilot.click("#existing-skip-unchanged")
    await settle(pilot, 0.1)


async def state_download(pilot: Pilot) -> None:
    await at_reports(pilot)
    await pilot.press("D")
    await settle(pilot, 0.1)
    _type_path(pilot, "#download-dest", "/home/ops/downloads/")
    await settle(pilot, 0.1)


# name -> (app factory, steps). The snapshot tests parametrize over this table.
STATES: dict[str, tuple[Callable[[], MinbrowseApp], Steps]] = {
    "main": (lambda: make_app(location="s3://reports/"), state_main),
    "help": (lambda: make_app(location="s3://reports/"), state_help),
    "preview_json": (lambda: make_app(location="s3://reports/"), state_preview_json),
    "preview_csv": (lambda: make_app(location="s3://reports/"), state_preview_csv),
    "presign": (lambda: make_app(location="s3://reports/"), state_presign),
    "confirm_delete": (lambda: make_app(location="s3://reports/"), state_delete),
    "remove_bucket": (lambda: make_app(location="s3://reports/"), state_remove_bucket),
    "make_bucket": (lambda: make_app(location="s3://reports/"), state_make_bucket),
    "control_chars": (lambda: make_app(location="s3://reports/"), state_control_chars),
    "read_only": (lambda: make_app(read_only=True, location="s3://reports/"), state_read_only),
    "upload": (lambda: make_app(location="s3://reports/"), state_upload),
    "download": (lambda: make_app(location="s3://reports/"), state_download),
}


async def capture(name: str) -> str:
    factory, steps = STATES[name]
    app = factory()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await steps(pilot)
        return app.export_screenshot(title=f"minbrowse — {name}")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m minbrowse.ui.screenshots.render DIR", file=sys.stderr)
        return 2
    out = Path(args[0])
    out.mkdir(parents=True, exist_ok=True)
    for name in STATES:
        svg = asyncio.run(capture(name))
        (out / f"{name}.svg").write_text(svg, encoding="utf-8")
        print(f"wrote {out / name}.svg")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

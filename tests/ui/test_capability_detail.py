"""What a bucket lacks is said, not shown as a raw error: the detail pane and the palette
(FAKE backend: a plain server without object lock, policy, lifecycle…)."""

from __future__ import annotations

import asyncio

from minbrowse.ui.actions.commands import CommandsProvider, all_commands
from minbrowse.ui.screenshots.render import make_app, settle


async def _probe() -> dict:
    app = make_app(location="s3://reports/")
    seen: dict = {}
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        seen["server"] = app.status.server  # probed on connect
        app.listing.select_name("config.json")
        await settle(pilot, 0.3)
        seen["object_detail"] = "\n".join(
            f"{s.title}: {s.note or ''} {s.rows}" for s in app.detail_shown.sections)
        seen["lock"] = app.feature_unavailable("object lock")
        seen["policy"] = app.feature_unavailable("policy")
        provider = CommandsProvider(app.screen)
        helps = {c.name: provider._help(c) for c in all_commands()}
        seen["retention_help"] = helps["Retention"]
        seen["policy_help"] = helps["Bucket policy"]
        seen["dim"] = str(provider._display(
            next(c for c in all_commands() if c.name == "Retention"), "Retention").style)
    return seen


def test_no_object_lock_is_said_in_the_detail_and_greys_the_palette() -> None:
    seen = asyncio.run(_probe())
    assert "object lock is not enabled on this bucket" in seen["object_detail"]
    assert "InvalidRequest" not in seen["object_detail"]
    assert seen["server"] == "seaweedfs"
    assert seen["lock"] == "object lock is not enabled on this bucket"
    assert seen["retention_help"].endswith("(object lock is not enabled on this bucket)")
    assert seen["dim"] == "dim"
    # a policy the bucket has none of yet can still be written: not greyed
    assert seen["policy"] == "" and "(" not in seen["policy_help"][-2:]

"""SVG snapshots of every editor modal with fixed data (fake gateway: no network, fixed
clock). Update after an intended change: `pytest tests/ui/editors/test_editor_snapshots.py
--snapshot-update`."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable

import pytest
from textual.widgets import Input, TextArea

from minbrowse.s3 import GOVERNANCE, ObjectLockConfig, Retention, Tags, VersioningConfig
from minbrowse.ui.editors import registry
from minbrowse.ui.editors.diffview import DiffConfirmScreen
from minbrowse.ui.editors import config_diff
from tests.ui.editors.conftest import FakeGateway, HostApp
from tests.ui.editors.test_config_pure import EVERYTHING, LIFECYCLE

SIZE = (110, 48)
FIXED_NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def object_tags() -> Tags:
    tags = Tags.new_object_tags()
    tags.update({"owner": "alice", "bad\x1bkey": "esc\u202evalue"})
    return tags


POLICY = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},'
          '"Action":"s3:GetObject","Resource":"arn:aws:s3:::demo-photos/*"}]}')
CASES: dict[str, tuple[str, Any, dict[str, Any]]] = {
    "policy": ("policy", POLICY, {}),
    "policy_none": ("policy", None, {}),
    "lifecycle": ("lifecycle", LIFECYCLE, {}),
    "replication": ("replication", EVERYTHING["replication"], {}),
    "notification": ("notification", EVERYTHING["notification"], {}),
    "encryption": ("encryption", EVERYTHING["encryption"], {}),
    "versioning": ("versioning", VersioningConfig("Suspended"), {}),
    "object_lock": ("object_lock", ObjectLockConfig(GOVERNANCE, 30, "Days"), {}),
    "object_lock_disabled": ("object_lock", None, {}),
    "bucket_tags": ("tags", EVERYTHING["tags"], {}),
    "object_tags": ("object_tags", "OBJECT_TAGS", {}),
    "retention": ("retention", Retention(GOVERNANCE, datetime(2027, 6, 1, tzinfo=timezone.utc)),
                  {"clock": lambda: FIXED_NOW}),
    "legal_hold": ("legal_hold", True, {}),
    "read_only": ("lifecycle", LIFECYCLE, {"read_only": True}),
    "not_supported": ("notification", ("NotImplemented", "A header you provided implies "
                                       "functionality that is not implemented"), {}),
    "export": ("export", None, {"path": "/tmp/demo-photos-configuration.json"}),
    "import": ("import", None, {"path": "/tmp/demo-photos-configuration.json"}),
}


def build_app(case: str) -> HostApp:
    spec_id, value, options = CASES[case]
    spec = registry.get(spec_id)
    key = "reports/2026/q1.csv" if spec.scope == "object" else None
    if value == "OBJECT_TAGS":
        value = object_tags()
    if case == "not_supported":
        gateway = FakeGateway(fail=value)
    else:
        gateway = FakeGateway(value, read_only=bool(options.pop("read_only", False)))
    return HostApp(lambda app: registry.build(spec_id, "demo-photos", key, gateway=gateway,
                                              **dict(options)))


async def steady(pilot: Any) -> None:
    await pilot.pause()
    for widget in pilot.app.screen.query(TextArea):
        widget.cursor_blink = False
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("case", sorted(CASES))
def test_editor_snapshot(snap_compare: Callable[..., bool], case: str) -> None:
    assert snap_compare(build_app(case), terminal_size=SIZE, run_before=steady)


def test_diff_modal_snapshot(snap_compare: Callable[..., bool]) -> None:
    diff = config_diff.diff_text("versioning", VersioningConfig("Suspended"),
                                 VersioningConfig("Enabled"))
    app = HostApp(lambda app: DiffConfirmScreen("Apply versioning?", diff))
    assert snap_compare(app, terminal_size=(100, 30), run_before=steady)

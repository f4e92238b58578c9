"""SVG snapshots of the main screen, help and every modal (deterministic FAKE backend).

The states come from `minbrowse.ui.screenshots.render.STATES`, the same table `make screenshots`
uses; fixed clock, fixed profile and fixed fake data keep the SVGs stable.
Update after an intended change with `pytest tests/ui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import pytest

from minbrowse.ui.screenshots.render import SIZE, STATES


@pytest.mark.parametrize("state", sorted(STATES))
def test_snapshot(snap_compare, state: str) -> None:
    factory, steps = STATES[state]
    assert snap_compare(factory(), terminal_size=SIZE, run_before=steps)

"""The collector tuning applied while the app runs is undone when it ends."""

from __future__ import annotations

import gc

from minbrowse.ui.runtime.gctuning import GEN0_THRESHOLD, release_collector, tune_collector


def test_tune_then_release_restores_thresholds_and_unfreezes() -> None:
    before = gc.get_threshold()
    try:
        tune_collector()
        assert gc.get_threshold()[0] == GEN0_THRESHOLD
        assert gc.get_freeze_count() > 0
    finally:
        release_collector()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0

"""Transfers UI pieces without a server: path completion, message coalescing, progress text,
the transfers screen fed with fixed snapshots (SVG snapshot) and its cancel key."""

from __future__ import annotations

import os
from pathlib import Path

from minbrowse.transfer import BulkReport, FailedItem, JobSnapshot, JobState, ProgressSnapshot
from minbrowse.ui.screens.transfers import TransfersScreen, outcome_text, progress_text
from minbrowse.ui.screenshots.render import make_app
from minbrowse.ui.jobs.transfer_bridge import TransferChanged
from minbrowse.ui.widgets.path_input import complete_path

MiB = 1024 * 1024


def progress(done: int, total: int, files: tuple[int, int] = (0, 1), rate: float = 0.0,
             eta: float | None = None, known: bool = True) -> ProgressSnapshot:
    return ProgressSnapshot(done, total, files[0], 0, files[1], rate, eta, 1.0, known)


FIXED_JOBS = [
    JobSnapshot(1, "upload_dir", "/home/me/photos → demo-photos/2026/", JobState.RUNNING,
                progress(3 * MiB, 12 * MiB, (14, 40), rate=2 * MiB, eta=4.5), created=100.0,
                started=100.0),
    JobSnapshot(2, "download_prefix", "demo-logs/app/ → /home/me/logs", JobState.DONE,
                progress(5 * MiB, 5 * MiB, (7, 7)), created=100.0, started=100.0, finished=103.0),
    JobSnapshot(3, "download_object", "demo-data/big.bin → /home/me/big.bin", JobState.FAILED,
                progress(MiB, 8 * MiB), error="NoSuchKey: The specified key does not exist.",
                created=100.0, started=101.0, finished=102.0),
    JobSnapshot(4, "upload_file", "/home/me/notes.txt → demo-docs/notes.txt", JobState.QUEUED,
                progress(0, 0, known=False), created=100.0),
    JobSnapshot(5, "download_prefix", "demo-photos/ → /home/me/p", JobState.CANCELLED,
                progress(2 * MiB, 9 * MiB, (3, 9)), created=100.0, started=100.0, finished=160.0),
]


def bulk_progress(done: int, total: int, files: tuple[int, int, int], rate: float,
                  files_rate: float, eta: float | None, note: str = "",
                  known: bool = True) -> ProgressSnapshot:
    return ProgressSnapshot(done, total, files[0], files[1], files[2], rate, eta, 1.0, known,
                            files_rate=files_rate, note=note)


MOVE_REPORT = BulkReport("move", 4_995, 5_115_000,
                         (FailedItem("logs/2026/locked-1.log", "AccessDenied: Object is WORM protected"),
                          FailedItem("logs/2026/locked-2.log", "AccessDenied: Object is WORM protected")),
                         5, 0, False, copied_not_removed=5)
BULK_JOBS = [
    JobSnapshot(11, "delete", "Delete 3 item(s) of s3://demo-logs/", JobState.RUNNING,
                bulk_progress(41 * MiB, 97 * MiB, (41_000, 0, 97_000), 1.2 * MiB, 1180.0, 47.0,
                              "server asked to slow down 3x: 16 of 64 requests in flight"),
                created=100.0, started=100.0),
    JobSnapshot(12, "move", "Move 1 item(s) of s3://demo-logs/ → s3://archive/logs/",
                JobState.FAILED, bulk_progress(5 * MiB, 5 * MiB, (4_995, 5, 5_000), 0, 0, None),
                error="5 object(s) failed; first: logs/2026/locked-1.log: AccessDenied",
                result=MOVE_REPORT, created=100.0, started=100.0, finished=104.0),
]


class FixedSource:
    def __init__(self, jobs: list[JobSnapshot] | None = None) -> None:
        self.cancelled: list[int] = []
        self.fixed = FIXED_JOBS if jobs is None else jobs

    def jobs(self) -> list[JobSnapshot]:
        return list(self.fixed)

    def cancel(self, job_id: int) -> bool:
        self.cancelled.append(job_id)
        return True

    def clear_finished(self) -> None:
        pass


def test_complete_path(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    (tmp_path / "photo-list.txt").write_text("x")
    (tmp_path / "docs").mkdir()
    (tmp_path / ".hidden").mkdir()
    base = str(tmp_path) + os.sep
    assert complete_path(base + "d") == base + "docs" + os.sep
    assert complete_path(base + "pho") == base + "photo"  # the common part of two matches
    assert complete_path(base + "photo", dirs_only=True) == base + "photos" + os.sep
    assert complete_path(base + "x") is None
    assert complete_path(base + ".h") == base + ".hidden" + os.sep
    assert complete_path(base) is None  # several entries, nothing in common: nothing to add
    assert complete_path(str(tmp_path / "missing" / "a")) is None


def test_progress_messages_coalesce_but_state_changes_do_not() -> None:
    running = FIXED_JOBS[0]
    newer = TransferChanged(running)
    assert TransferChanged(running).can_replace(newer)
    other_job = TransferChanged(JobSnapshot(9, "upload_file", "t", JobState.RUNNING, running.progress))
    assert not TransferChanged(running).can_replace(other_job)
    done = JobSnapshot(1, "upload_dir", "t", JobState.DONE, running.progress)
    assert not TransferChanged(running).can_replace(TransferChanged(done))
    assert not TransferChanged(done).can_replace(newer)


def test_progress_text_uses_humanized_bytes_rate_and_eta() -> None:
    assert progress_text(FIXED_JOBS[0]) == \
        "3.0 MiB of 12.0 MiB · 14 of 40 files · 2.0 MiB/s · ETA 4 seconds"
    assert progress_text(FIXED_JOBS[1]) == "5.0 MiB of 5.0 MiB · 7 of 7 files · took 3 seconds"
    assert progress_text(FIXED_JOBS[3]) == "waiting to start"
    listing = JobSnapshot(6, "download_prefix", "t", JobState.RUNNING,
                          progress(MiB, 2 * MiB, (1, 3), rate=MiB, eta=None, known=False))
    assert progress_text(listing) == "1.0 MiB of 2.0 MiB+ · 1 of 3 files · 1.0 MiB/s"


def test_bulk_jobs_say_objects_their_rate_the_note_and_failures_per_key() -> None:
    assert progress_text(BULK_JOBS[0]) == (
        "41,000 of 97,000 objects · 41.0 MiB of 97.0 MiB · 1,180 objects/s · 1.2 MiB/s · "
        "ETA 47 seconds · server asked to slow down 3x: 16 of 64 requests in flight")
    assert progress_text(BULK_JOBS[1]) == \
        "4,995 of 5,000 objects (5 failed) · 5.0 MiB of 5.0 MiB · took 4 seconds"
    assert outcome_text(BULK_JOBS[1]).splitlines() == [
        "4,995 object(s) moved, 5 failed",
        "5 copied but still at the source too",
        "logs/2026/locked-1.log: AccessDenied: Object is WORM protected",
        "logs/2026/locked-2.log: AccessDenied: Object is WORM protected",
        "… and 3 more failures",
    ]
    done = BulkReport("delete", 10, 100, (), 0, 0, False)
    finished = JobSnapshot(13, "delete", "t", JobState.DONE, BULK_JOBS[1].progress, result=done)
    assert outcome_text(finished) == ""  # nothing to say beyond the progress line


def test_transfers_screen_bulk_jobs_snapshot(snap_compare) -> None:
    async def open_screen(pilot) -> None:
        await pilot.pause(0.3)
        await pilot.app.push_screen(TransfersScreen(FixedSource(BULK_JOBS)))
        await pilot.pause(0.2)

    assert snap_compare(make_app(location="s3://reports/"), terminal_size=(120, 36),
                        run_before=open_screen)


def test_transfers_screen_snapshot(snap_compare) -> None:
    async def open_screen(pilot) -> None:
        await pilot.pause(0.3)
        await pilot.app.push_screen(TransfersScreen(FixedSource()))
        await pilot.pause(0.2)

    assert snap_compare(make_app(location="s3://reports/"), terminal_size=(120, 36),
                        run_before=open_screen)


async def _cancel_focused() -> list[int]:
    app = make_app(location="s3://reports/")
    source = FixedSource()
    async with app.run_test(size=(120, 36)) as pilot:
        await app.push_screen(TransfersScreen(source))
        await pilot.pause(0.1)
        await pilot.press("j", "x")
        await pilot.pause(0.1)
    return source.cancelled


def test_transfers_screen_cancels_the_focused_row() -> None:
    import asyncio

    assert asyncio.run(_cancel_focused()) == [2]

"""The transfers screen: every queued/running/finished transfer with a progress bar each.

Rows show the title, state, a bar, and bytes / files / rate / ETA through humanize (bulk
jobs: objects, objects/s, the engine's note, and at the end their failures per key). The
screen reads snapshots from a `source` (the app's `TransferBridge`, or fixed data in
snapshot tests) and is updated by `update_job` as `TransferChanged` messages arrive.
Keys: ↑/↓ move, x cancels the highlighted transfer, C clears finished ones, Esc/T closes.
"""

from __future__ import annotations

from typing import Protocol

import humanize
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, ProgressBar, Static

from ..core.format import human_size
from ..core.safe_text import escape_control
from ..jobs.bulk_jobs import report_lines
from ..jobs.transfer_bridge import BulkReport, JobSnapshot, JobState

STATE_LABELS = {
    JobState.QUEUED: ("queued", "dim"),
    JobState.RUNNING: ("running", "bold cyan"),
    JobState.DONE: ("done", "bold green"),
    JobState.FAILED: ("failed", "bold red"),
    JobState.CANCELLED: ("cancelled", "bold yellow"),
}


class TransferSource(Protocol):
    def jobs(self) -> list[JobSnapshot]: ...
    def cancel(self, job_id: int) -> bool: ...
    def clear_finished(self) -> None: ...


BULK_KINDS = ("delete", "copy", "move", "rename")


def bulk_progress_text(job: JobSnapshot) -> str:
    """'1,200 of 5,000+ objects · 1.2 MiB of 4.9 MiB · 310 objects/s · 300.0 KiB/s · ETA …'."""
    progress = job.progress
    total = f"{progress.files_total:,}" + ("" if progress.total_known else "+")
    parts = [f"{progress.files_done:,} of {total} objects"]
    if progress.files_failed:
        parts[0] += f" ({progress.files_failed:,} failed)"
    if progress.bytes_total:
        parts.append(f"{human_size(progress.bytes_done)} of {human_size(progress.bytes_total)}")
    if job.state is JobState.RUNNING:
        parts.append(f"{progress.files_rate:,.0f} objects/s")
        if progress.rate:
            parts.append(f"{human_size(int(progress.rate))}/s")
        if progress.eta is not None and progress.total_known:
            parts.append(f"ETA {humanize.naturaldelta(progress.eta)}")
        if progress.note:
            parts.append(progress.note)
    elif job.state.finished and job.started is not None and job.finished is not None:
        parts.append(f"took {humanize.naturaldelta(max(job.finished - job.started, 0.0))}")
    return " · ".join(parts)


def outcome_text(job: JobSnapshot) -> str:
    """A finished bulk job's report (counts, notes, failures per key); else the error."""
    if isinstance(job.result, BulkReport) and job.state.finished:
        lines = report_lines(job.result)
        return "\n".join(lines if job.result.failed_count or job.result.notes
                         or job.result.not_started else [])
    return job.error or ""


def progress_text(job: JobSnapshot) -> str:
    """'1.0 MiB of 4.0 MiB · 2 of 5 files · 512.0 KiB/s · ETA 6 seconds' (state-aware)."""
    progress = job.progress
    if job.state is JobState.QUEUED:
        return "waiting to start"
    if job.kind in BULK_KINDS:
        return bulk_progress_text(job)
    parts = []
    total = human_size(progress.bytes_total) if progress.total_known else \
        f"{human_size(progress.bytes_total)}+"
    parts.append(f"{human_size(progress.bytes_done)} of {total}")
    if progress.files_total > 1 or job.kind in ("upload_dir", "download_prefix"):
        files = f"{progress.files_done} of {progress.files_total} files"
        if progress.files_failed:
            files += f" ({progress.files_failed} failed)"
        parts.append(files)
    if job.state is JobState.RUNNING:
        parts.append(f"{human_size(int(progress.rate))}/s")
        if progress.eta is not None:
            parts.append(f"ETA {humanize.naturaldelta(progress.eta)}")
    elif job.state.finished and job.started is not None and job.finished is not None:
        parts.append(f"took {humanize.naturaldelta(max(job.finished - job.started, 0.0))}")
    return " · ".join(parts)


class TransferRow(Widget, can_focus=True):
    """One transfer: title line, progress bar, details (and the error, if any)."""

    DEFAULT_CSS = """
    TransferRow { height: auto; padding: 0 1; margin-bottom: 1; }
    TransferRow:focus { background: $boost; }
    TransferRow > .title { height: 1; }
    TransferRow > .details { height: auto; color: $text-muted; }
    TransferRow > .error { height: auto; color: $error; }
    TransferRow ProgressBar { height: 1; }
    """

    def __init__(self, job: JobSnapshot) -> None:
        super().__init__(id=f"transfer-{job.id}")
        self.job = job

    def compose(self) -> ComposeResult:
        yield Static(classes="title")
        yield ProgressBar(total=None, show_eta=False)
        yield Static(classes="details")
        yield Static(classes="error")

    def on_mount(self) -> None:
        self._ready = True
        self.show(self.job)

    def show(self, job: JobSnapshot) -> None:
        self.job = job
        if not getattr(self, "_ready", False):
            return  # on_mount shows the latest job
        label, style = STATE_LABELS[job.state]
        title = Text()
        title.append(f"#{job.id} ", style="bold")
        title.append(f"{label:<9} ", style=style)
        title.append(escape_control(job.title))
        self.query_one(".title", Static).update(title)
        bar = self.query_one(ProgressBar)
        progress = job.progress
        if job.state is JobState.DONE:
            bar.update(total=max(progress.bytes_total, 1), progress=max(progress.bytes_total, 1))
        elif job.state is JobState.RUNNING and progress.bytes_total <= 0 and not progress.total_known:
            bar.update(total=None)  # still listing: indeterminate
        else:
            bar.update(total=max(progress.bytes_total, 1), progress=progress.bytes_done)
        self.query_one(".details", Static).update(Text(progress_text(job)))
        error = self.query_one(".error", Static)
        outcome = outcome_text(job)
        error.update(Text(escape_control(outcome, keep_newlines=True)))
        error.display = bool(outcome)


class TransfersScreen(Screen[None]):
    """The transfer queue panel."""

    CSS_PATH = "transfers.tcss"
    BINDINGS = [
        Binding("escape,T", "close", "Close", id="transfers.close"),
        Binding("x", "cancel_transfer", "Cancel transfer", id="transfers.cancel"),
        Binding("C", "clear_finished", "Clear finished", id="transfers.clear"),
        Binding("down,j", "focus_next", "Next", show=False, id="transfers.next"),
        Binding("up,k", "focus_previous", "Previous", show=False, id="transfers.previous"),
    ]

    def __init__(self, source: TransferSource) -> None:
        super().__init__()
        self.source = source

    def compose(self) -> ComposeResult:
        with Vertical(id="transfers-box"):
            yield Static(Text("Transfers", style="bold"), id="transfers-title")
            yield Static(Text("No transfers yet: U uploads, D downloads.", style="dim"),
                         id="transfers-empty")
            yield VerticalScroll(id="transfers-list")
        yield Footer()

    def on_mount(self) -> None:
        for job in self.source.jobs():
            self.update_job(job)

    def _row(self, job_id: int) -> TransferRow | None:
        found = self.query(f"#transfer-{job_id}")
        return found.first(TransferRow) if found else None

    def update_job(self, job: JobSnapshot) -> None:
        row = self._row(job.id)
        if row is None:
            row = TransferRow(job)
            self.query_one("#transfers-list", VerticalScroll).mount(row)
            if not isinstance(self.focused, TransferRow):
                self.call_after_refresh(self._focus_first)
        else:
            row.show(job)
        self.query_one("#transfers-empty", Static).display = False

    def _focus_first(self) -> None:
        if not isinstance(self.focused, TransferRow):
            rows = list(self.query(TransferRow))
            if rows:
                rows[0].focus()

    def _focused_job(self) -> JobSnapshot | None:
        """The highlighted transfer (the first one while focus has not reached a row yet)."""
        focused = self.focused
        if isinstance(focused, TransferRow):
            return focused.job
        rows = list(self.query(TransferRow))
        return rows[0].job if rows else None

    def action_cancel_transfer(self) -> None:
        job = self._focused_job()
        if job is None:
            return
        if self.source.cancel(job.id):
            self.notify(f"Cancelling transfer #{job.id}", markup=False)
        else:
            self.notify(f"Transfer #{job.id} already finished", severity="warning", markup=False)

    def action_clear_finished(self) -> None:
        self.source.clear_finished()
        for row in list(self.query(TransferRow)):
            if row.job.state.finished:
                row.remove()
        if not any(not r.job.state.finished for r in self.query(TransferRow)):
            self.query_one("#transfers-empty", Static).display = True

    def action_focus_next(self) -> None:
        self.focus_next(TransferRow)

    def action_focus_previous(self) -> None:
        self.focus_previous(TransferRow)

    def action_close(self) -> None:
        self.app.pop_screen()

"""Transfer actions of the app (upload, download, transfers screen, copy to a profile) as a mixin.

Each action asks its questions in a modal (`screens.transfer_dialogs`) and hands the job to
the app's `TransferBridge`; `TransferChanged` messages update the transfers screen, finished
jobs are notified, and an upload into the prefix on screen refreshes the listing.
Uploads and copies to a profile write to a server: refused when read-only. Downloads only
write local files and stay allowed.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ..core.models import parse_location
from ..core.safe_text import escape_control
from ..jobs.bulk_jobs import report_lines
from ..jobs.transfer_bridge import BulkReport, JobSnapshot, JobState, SkippedKey, TransferBridge, TransferChanged

if TYPE_CHECKING:  # pragma: no cover
    from .host import AppHost


def _summary(job: JobSnapshot) -> str:
    result = job.result
    parts = [f"#{job.id} {job.state.value}: {job.title}"]
    if isinstance(result, SkippedKey):  # a single file or object that was not needed
        parts.append(f"skipped: {result.reason}")
    if isinstance(result, BulkReport):  # delete / copy / move / rename: counts, not lists
        parts.append(report_lines(result)[0])
        if job.error:
            parts.append(job.error)
        return " · ".join(parts)
    for label in ("uploaded", "downloaded", "skipped", "failed"):
        items = getattr(result, label, None)
        if items:
            parts.append(f"{len(items)} {label}")
    if job.error:
        parts.append(job.error)
    return " · ".join(parts)


class TransfersMixin:
    """Actions of `MinbrowseApp` for transfers (see keymap.APP_ACTIONS)."""

    _transfer_bridge: TransferBridge | None = None
    last_download_dir: str = ""

    @property
    def transfers(self: "AppHost") -> TransferBridge:
        if self._transfer_bridge is None:
            settings = self.settings_in_force()
            self._transfer_bridge = TransferBridge(self.post_message,
                                                   max_running=settings.concurrency,
                                                   tuning=self.bulk_tuning)
        return self._transfer_bridge

    def settings_in_force(self: "AppHost") -> Any:
        """The settings for the current profile ([settings] with the profile's overrides)."""
        from minbrowse.config.settings import Settings

        config = self.config
        if hasattr(config, "settings_for"):
            return config.settings_for(self.profile)
        return getattr(config, "settings", None) or Settings()

    def bulk_tuning(self: "AppHost") -> dict[str, Any]:
        """`concurrency=` for bulk jobs when the profile's settings name one."""
        return self.settings_in_force().bulk_kwargs()

    def client_for_profile(self: "AppHost", profile: Any) -> Any:
        config = self.config
        if hasattr(config, "client_for"):
            return config.client_for(profile)
        return profile.make_client()

    def on_unmount(self: "AppHost") -> None:
        if self._transfer_bridge is not None:
            self._transfer_bridge.shutdown()  # cancel what still runs: never block exit

    # ---- actions --------------------------------------------------------------------------

    def action_transfers(self: "AppHost") -> None:
        from ..screens.transfers import TransfersScreen

        if isinstance(self.screen, TransfersScreen):
            self.pop_screen()
        else:
            self.push_screen(TransfersScreen(self.transfers))

    def action_upload(self: "AppHost") -> None:
        if self.refuse_read_only("Upload") or not self._need_bucket():
            return
        from ..screens.transfer_dialogs import UploadChoice, UploadDialog

        bucket, prefix, client = self.location.bucket, self.location.prefix, self.client

        def done(choice: UploadChoice | None) -> None:
            if choice:
                job = self.transfers.upload(client, choice.path, bucket, prefix, choice.existing)
                self.notify(escape_control(f"Upload #{job} queued: {choice.path} → "
                                           f"s3://{bucket}/{prefix}"), markup=False)

        self.push_screen(UploadDialog(bucket, prefix, os.getcwd() + os.sep), done)

    def action_download(self: "AppHost") -> None:
        if not self._need_bucket():
            return
        from ..screens.transfer_dialogs import DownloadChoice, DownloadDialog

        entries = self.listing.selected_entries()
        bucket, prefix, client = self.location.bucket, self.location.prefix, self.client
        here = f"s3://{bucket}/{prefix}"
        what = (f"{len(entries)} item(s) of {here}" if len(entries) != 1
                else f"s3://{bucket}/{entries[0].key}")
        if not entries:
            what = here

        def done(choice: DownloadChoice | None) -> None:
            if choice is None:
                return
            self.last_download_dir = choice.dest_dir
            if choice.whole_prefix or not entries:
                jobs = [self.transfers.download_prefix(client, bucket, prefix, choice.dest_dir,
                                                       choice.policy)]
            else:
                jobs = self.transfers.download(client, bucket, prefix, [e.name for e in entries],
                                               choice.dest_dir, choice.policy)
            self.notify(escape_control(f"Download queued ({len(jobs)} job(s)) → {choice.dest_dir}"),
                        markup=False)

        start = self.last_download_dir or os.getcwd()
        self.push_screen(DownloadDialog(what, here, start.rstrip(os.sep) + os.sep), done)

    def action_copy_to_profile(self: "AppHost") -> None:
        if self.refuse_read_only("Copy to another profile"):
            return
        entries = self._selection()
        if not entries:
            return
        profiles = {p.name: p for p in getattr(self.config, "profiles", ())}
        if not profiles:
            self.notify("No profiles configured", severity="warning", markup=False)
            return
        from ..screens.transfer_dialogs import CopyChoice, CopyToProfileDialog

        bucket, prefix, client = self.location.bucket, self.location.prefix, self.client
        names = sorted(profiles, key=lambda n: (n == getattr(self.profile, "name", None), n))

        def done(choice: CopyChoice | None) -> None:
            if choice is None:
                return
            target, _ = parse_location(choice.destination if choice.destination.endswith("/")
                                       else choice.destination + "/")
            try:
                dst_client = self.client_for_profile(profiles[choice.profile])
            except Exception as exc:  # noqa: BLE001 - a broken profile must not kill the app
                self.notify(escape_control(f"Cannot use profile {choice.profile}: {exc}"),
                            severity="error", markup=False)
                return
            job = self.transfers.copy_to(client, bucket, [e.key for e in entries], dst_client,
                                         target.bucket, target.prefix, prefix, choice.profile)
            self.notify(escape_control(f"Copy #{job} queued → {choice.profile}:{choice.destination}"),
                        markup=False)

        self.push_screen(CopyToProfileDialog(f"{len(entries)} item(s)", names,
                                             f"s3://{bucket}/{prefix}"), done)

    # ---- results --------------------------------------------------------------------------

    def on_transfer_changed(self: "AppHost", message: TransferChanged) -> None:
        from ..screens.transfers import TransfersScreen

        job = message.snapshot
        for screen in self.screen_stack:
            if isinstance(screen, TransfersScreen):
                screen.update_job(job)
        if not job.state.finished:
            return
        severity = {JobState.DONE: "information", JobState.CANCELLED: "warning"}.get(
            job.state, "error")
        self.notify(escape_control(_summary(job)), title="Transfer", severity=severity,
                    markup=False, timeout=6)
        context: dict[str, Any] = self.transfers.context.pop(job.id, {})
        if (context.get("refresh")
                and (context.get("always_refresh") or job.state is not JobState.CANCELLED)
                and context.get("bucket") == self.location.bucket
                and context.get("prefix") == self.location.prefix):
            self.action_refresh()

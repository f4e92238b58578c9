"""The user's actions (bound to keys, the palette and detail-pane buttons) as an App mixin.

Each action gathers input through a modal, then hands the job to the service. Mutating
actions are refused (with a notification saying so) when the app is read-only.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from rich.text import Text

from minbrowse.capabilities import FeatureState

from ..core.format import human_size
from ..core.models import Location, Usage, parse_location
from ..core.safe_text import escape_control

if TYPE_CHECKING:  # pragma: no cover
    from .host import AppHost

BUCKET_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def bucket_name_error(name: str) -> str | None:
    if not BUCKET_NAME_RE.match(name) or ".." in name:
        return "3-63 characters: lowercase letters, digits, '.' and '-', starting and ending alphanumeric"
    return None


def copy_with_pyperclip(text: str) -> None:
    """Copy to the system clipboard; raises when no clipboard mechanism is available."""
    import pyperclip

    pyperclip.copy(text)


class ActionsMixin:
    """Actions of `MinbrowseApp` (see keymap.APP_ACTIONS for keys and names)."""

    def refuse_read_only(self: "AppHost", what: str) -> bool:
        """True (and a notification) when `what` must not run because we are read-only."""
        if self.read_only:
            self.notify(f"{what} is disabled: minbrowse is in read-only mode", title="Read-only",
                        severity="warning", markup=False)
            return True
        return False

    def feature_unavailable(self: "AppHost", name: str) -> str:
        """Why feature `name` cannot be used on the bucket on screen, from what the probe
        found ("" when usable or not probed yet): the palette greys such editors."""
        bucket = self.location.bucket
        if bucket is None:
            entry = self.listing.current_entry()
            bucket = entry.name if entry is not None else None
        found = self.service.known_feature(bucket, name) if bucket else None
        if found is None:
            return ""
        if found.state in (FeatureState.UNSUPPORTED, FeatureState.DENIED):
            return found.reason
        if name == "object lock" and found.state is FeatureState.OFF:
            return "object lock is not enabled on this bucket"  # it cannot be turned on later
        return ""

    def _need_bucket(self: "AppHost") -> bool:
        if self.location.bucket is None:
            self.notify("Open a bucket first", severity="warning", markup=False)
            return False
        return True

    # ---- screens --------------------------------------------------------------------------

    def action_help(self: "AppHost") -> None:
        from ..screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def action_focus_listing(self: "AppHost") -> None:
        self.listing.focus()

    # ---- listing --------------------------------------------------------------------------

    def action_refresh(self: "AppHost") -> None:
        self.service.forget_capabilities()  # features are probed again on the next detail
        current = self.listing.current_entry()
        self.service.list_buckets(-1)
        self.navigate(self.location, select_name=current.name if current else None, search=self.search)

    def action_sort(self: "AppHost", key: str) -> None:
        self.listing.set_sort(key)

    def action_filter(self: "AppHost") -> None:
        from ..widgets.filter_input import FilterInput

        self.query_one("#filter", FilterInput).open()

    def action_search(self: "AppHost") -> None:
        if not self._need_bucket():
            return
        from ..screens.prompt import PromptScreen

        def done(value: str | None) -> None:
            if value is not None:
                self.navigate(self.location, search=value)

        self.push_screen(PromptScreen("Prefix search (server-side)",
                                      f"List keys of {self.location} that start with:", self.search), done)

    def action_preview(self: "AppHost") -> None:
        entry = self.listing.current_entry()
        if entry is None or self.location.bucket is None or entry.is_dir:
            self.notify("Preview needs an object (not a folder or bucket)", severity="warning", markup=False)
            return
        self.service.preview(entry.bucket, entry.key, entry.size)

    def action_usage(self: "AppHost") -> None:
        entry = self.listing.current_entry()
        if self.location.bucket is None:
            if entry is None:
                return
            bucket, prefix = entry.name, ""
        else:
            bucket = self.location.bucket
            prefix = entry.key if entry is not None and entry.is_dir else self.location.prefix
        self.notify(escape_control(f"Counting s3://{bucket}/{prefix} …"), markup=False)
        self.service.usage(bucket, prefix)

    def show_usage(self: "AppHost", usage: Usage) -> None:
        where = escape_control(f"s3://{usage.bucket}/{usage.prefix}")
        text = f"{where}: {usage.count:,} objects, {human_size(usage.size)}"
        if usage.done:
            self.notify(text, title="Size and count", markup=False, timeout=10)
            self.status.set_state(text)
        else:
            self.status.set_state(text + " (counting…)")

    # ---- presign + clipboard ----------------------------------------------------------------

    def action_presign(self: "AppHost") -> None:
        """The presigned-URL tool on the highlighted object (GET, 1 hour, copied at once)."""
        from ..tools.registry import open_tool

        open_tool(self, "presign")

    # ---- mutating actions -----------------------------------------------------------------

    def action_make_bucket(self: "AppHost") -> None:
        if self.refuse_read_only("Make bucket"):
            return
        from ..screens.prompt import PromptScreen

        def done(name: str | None) -> None:
            if name:
                self.service.make_bucket(name)

        self.push_screen(PromptScreen("Make bucket", "New bucket name:", validate=bucket_name_error), done)

    def action_remove_bucket(self: "AppHost") -> None:
        if self.refuse_read_only("Remove bucket"):
            return
        bucket = self.location.bucket
        if bucket is None:
            entry = self.listing.current_entry()
            bucket = entry.name if entry else None
        if not bucket:
            return
        from ..screens.confirm import RemoveBucketScreen

        def done(answer: tuple[bool, bool] | None) -> None:
            if answer and answer[0]:
                if self.location.bucket == bucket:
                    self.navigate(Location())
                self.service.remove_bucket(bucket, empty_first=answer[1])

        self.push_screen(RemoveBucketScreen(bucket), done)

    def _selection(self: "AppHost") -> list[Any]:
        if not self._need_bucket():
            return []
        entries = self.listing.selected_entries()
        if not entries:
            self.notify("Nothing selected", severity="warning", markup=False)
        return entries

    def _picked(self: "AppHost", entries: list[Any]) -> list[Any]:
        from ..jobs.bulk_jobs import Picked

        return [Picked(e.key, int(e.size or 0), e.is_dir) for e in entries]

    def _items_text(self: "AppHost", head: str, entries: list[Any]) -> Text:
        body = Text(head + "\n")
        for entry in entries[:12]:
            body.append("\n  " + escape_control(entry.key) + ("  (folder: everything under it)"
                                                                 if entry.is_dir else ""))
        if len(entries) > 12:
            body.append(f"\n  … and {len(entries) - 12} more")
        return body

    def _queue_bulk(self: "AppHost", kind: str, title: str, job: Any, bucket: str,
                    prefix: str) -> None:
        if self.refuse_read_only(kind.title()):  # the gate every bulk job passes
            return
        job_id = self.transfers.bulk(kind, title, job, bucket=bucket, prefix=prefix)
        self.notify(escape_control(f"{title}: job #{job_id} (transfers: T)"), markup=False)

    def _confirm_bulk(self: "AppHost", title: str, body: Text, verb: str, bucket: str,
                      entries: list[Any], run: Any, *, destructive: bool,
                      always_ask: bool = False) -> None:
        """Count the selection (dry run) and confirm; a copy, move or rename of a few files
        (no folder: nothing unseen) runs at once, a delete always asks (`always_ask`)."""
        from ..jobs.bulk_jobs import TYPED_CONFIRM_ABOVE
        from ..screens.bulk_confirm import BulkConfirmScreen

        if (not always_ask and not any(e.is_dir for e in entries)
                and len(entries) <= TYPED_CONFIRM_ABOVE):
            run()
            return
        folders = [e.key for e in entries if e.is_dir]
        word = folders[0] if len(entries) == 1 and folders else (self.location.prefix or bucket)

        def done(confirmed: bool | None) -> None:
            if confirmed:
                run()

        self.push_screen(BulkConfirmScreen(self.service, title, body, verb, bucket,
                                           self._picked(entries), word=word,
                                           destructive=destructive), done)

    def action_delete(self: "AppHost") -> None:
        if self.refuse_read_only("Delete"):
            return
        entries = self._selection()
        if not entries:
            return
        from ..jobs.bulk_jobs import delete_job

        bucket, prefix, client = self.location.bucket, self.location.prefix, self.client
        body = self._items_text(f"Delete {len(entries)} item(s) from "
                                f"s3://{escape_control(bucket)}?", entries)
        title = f"Delete {len(entries)} item(s) of s3://{bucket}/{prefix}"
        self._confirm_bulk("Delete objects", body, "Delete", bucket, entries,
                           lambda: self._queue_bulk("delete", title,
                                                    delete_job(client, bucket,
                                                               self._picked(entries),
                                                               self.transfers.tuning),
                                                    bucket, prefix),
                           destructive=True, always_ask=True)

    def _copy_or_move(self: "AppHost", move: bool) -> None:
        verb = "Move" if move else "Copy"
        if self.refuse_read_only(verb):
            return
        entries = self._selection()
        if not entries:
            return
        from ..jobs.bulk_jobs import copy_job, overlap_error
        from ..screens.prompt import PromptScreen

        source, client = self.location, self.client
        picked = self._picked(entries)

        def target_of(value: str) -> Location:
            full = value if value.startswith("s3://") else f"s3://{source.bucket}/{value}"
            target, _ = parse_location(full if full.endswith("/") else full + "/")
            return target

        def validate(value: str) -> str | None:
            target = target_of(value)
            if not target.bucket:
                return "give s3://bucket/prefix/ or a prefix/ in this bucket"
            return overlap_error(source.bucket, picked, target.bucket, target.prefix,
                                 source.prefix)

        def done(value: str | None) -> None:
            if not value:
                return
            target = target_of(value)
            where = f"s3://{target.bucket}/{target.prefix}"
            title = f"{verb} {len(entries)} item(s) of {source} → {where}"
            job = copy_job(client, source.bucket, picked, source.prefix, target.bucket,
                           target.prefix, move=move, tuning=self.transfers.tuning)
            body = self._items_text(f"{verb} {len(entries)} item(s) to "
                                    f"{escape_control(where)}?", entries)
            self._confirm_bulk(f"{verb} objects", body, verb, source.bucket, entries,
                               lambda: self._queue_bulk(verb.lower(), title, job, source.bucket,
                                                        source.prefix),
                               destructive=move)

        self.push_screen(PromptScreen(f"{verb} {len(entries)} item(s)",
                                      "Destination (s3://bucket/prefix/, or prefix/ in this bucket):",
                                      str(source), validate), done)

    def action_copy(self: "AppHost") -> None:
        self._copy_or_move(False)

    def action_move(self: "AppHost") -> None:
        self._copy_or_move(True)

    def action_rename(self: "AppHost") -> None:
        if self.refuse_read_only("Rename"):
            return
        entry = self.listing.current_entry() if self._need_bucket() else None
        if entry is None:
            return
        from ..jobs.bulk_jobs import rename_job
        from ..screens.prompt import PromptScreen

        prefix, client = self.location.prefix, self.client

        def validate(value: str) -> str | None:
            if not value or value.strip("/") == "":
                return "the new name must not be empty"
            new_key = prefix + value
            if entry.is_dir and (new_key.rstrip("/") + "/").startswith(entry.key):
                return "a folder cannot be renamed into itself"
            return None

        def done(value: str | None) -> None:
            if not value or value == entry.name:
                return
            new_key = prefix + value
            if entry.is_dir and not new_key.endswith("/"):
                new_key += "/"
            title = f"Rename s3://{entry.bucket}/{entry.key} → {new_key}"
            job = rename_job(client, entry.bucket, self._picked([entry])[0], new_key,
                             self.transfers.tuning)
            body = self._items_text(f"Rename to {escape_control(new_key)} (copy, then delete "
                                    "each source)?", [entry])
            self._confirm_bulk("Rename", body, "Rename", entry.bucket, [entry],
                               lambda: self._queue_bulk("rename", title, job, entry.bucket,
                                                        prefix),
                               destructive=True)

        self.push_screen(PromptScreen("Rename", f"New name for {escape_control(entry.key)}:",
                                      entry.name, validate), done)

    # ---- profiles -------------------------------------------------------------------------

    def action_switch_profile(self: "AppHost") -> None:
        try:
            from ..screens.profiles import ProfileSwitcher
        except ImportError:
            self.notify("Profile switcher is not available", severity="warning", markup=False)
            return

        def done(profile: Any) -> None:
            if profile is not None:
                self.use_profile(profile)

        self.push_screen(ProfileSwitcher(self.config), done)

    def use_profile(self: "AppHost", profile: Any, client: Any = None) -> None:
        """Connect with `profile` (a new client) and reload everything."""
        try:
            new_client = client if client is not None else self.client_for_profile(profile)
        except Exception as exc:  # noqa: BLE001 - bad credentials config must not kill the app
            self.notify(escape_control(f"Cannot use profile {profile.name}: {exc}"), severity="error",
                        markup=False)
            return
        self.profile = profile
        self.client = new_client
        self.service.set_client(new_client)
        self.status.set_profile(profile.name, self._endpoint_label())
        self.service.list_buckets(-1)
        self.service.probe_endpoint()
        self.navigate(Location())

"""The user's actions (bound to keys, the palette and detail-pane buttons) as an App mixin.

Each action gathers input through a modal, then hands the job to the service. Mutating
actions are refused (with a notification saying so) when the app is read-only.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from rich.text import Text

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

    def _need_bucket(self: "AppHost") -> bool:
        if self.location.bucket is None:
            self.notify("Open a bucket first", severity="warning", markup=False)
            return False
        return True

    # ---- screens --------------------------------------------------------------------------

    def action_help(self: "AppHost") -> None:
        from ..screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def action_focus_tree(self: "AppHost") -> None:
        self.tree_widget.focus()

    def action_focus_listing(self: "AppHost") -> None:
        self.listing.focus()

    # ---- listing --------------------------------------------------------------------------

    def action_refresh(self: "AppHost") -> None:
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

    def action_delete(self: "AppHost") -> None:
        if self.refuse_read_only("Delete"):
            return
        entries = self._selection()
        if not entries:
            return
        from ..screens.confirm import ConfirmScreen

        body = Text(f"Delete {len(entries)} item(s) from s3://{escape_control(self.location.bucket)}?\n")
        for entry in entries[:12]:
            body.append("\n  " + escape_control(entry.key) + ("  (folder: everything under it)"
                                                                 if entry.is_dir else ""))
        if len(entries) > 12:
            body.append(f"\n  … and {len(entries) - 12} more")
        bucket = self.location.bucket

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self.service.delete_objects(bucket, [e.key for e in entries])

        self.push_screen(ConfirmScreen("Delete objects", body), done)

    def _copy_or_move(self: "AppHost", move: bool) -> None:
        verb = "Move" if move else "Copy"
        if self.refuse_read_only(verb):
            return
        entries = self._selection()
        if not entries:
            return
        from ..screens.prompt import PromptScreen

        source = self.location

        def validate(value: str) -> str | None:
            target, _ = parse_location(value if value.startswith("s3://")
                                       else f"s3://{source.bucket}/{value}")
            if not target.bucket:
                return "give s3://bucket/prefix/ or a prefix/ in this bucket"
            return None

        def done(value: str | None) -> None:
            if not value:
                return
            full = value if value.startswith("s3://") else f"s3://{source.bucket}/{value}"
            if not full.endswith("/"):
                full += "/"
            target, _ = parse_location(full)
            self.service.copy_objects(source.bucket, [e.key for e in entries], source.prefix,
                                      target.bucket, target.prefix, move=move)

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
        from ..screens.prompt import PromptScreen

        prefix = self.location.prefix

        def validate(value: str) -> str | None:
            if not value or value.strip("/") == "":
                return "the new name must not be empty"
            return None

        def done(value: str | None) -> None:
            if not value or value == entry.name:
                return
            new_key = prefix + value
            if entry.is_dir and not new_key.endswith("/"):
                new_key += "/"
            self.service.rename(entry.bucket, entry.key, new_key)

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
            new_client = client if client is not None else profile.make_client()
        except Exception as exc:  # noqa: BLE001 - bad credentials config must not kill the app
            self.notify(escape_control(f"Cannot use profile {profile.name}: {exc}"), severity="error",
                        markup=False)
            return
        self.profile = profile
        self.client = new_client
        self.service.set_client(new_client)
        self.status.set_profile(profile.name, self._endpoint_label())
        self.service.list_buckets(-1)
        self.navigate(Location())

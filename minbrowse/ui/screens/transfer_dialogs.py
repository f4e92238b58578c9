"""Modals that start transfers: upload (local path + what to do with objects already in the
bucket), download (folder + existing-file policy, asked once per batch), copy to another
profile (profile + destination)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, RadioButton, RadioSet, Select, Static

from ..core.safe_text import escape_control
from ..jobs.transfer_bridge import ExistingFilePolicy, ExistingObjectPolicy
from ..widgets.path_input import PathInput

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 80; max-width: 100%; height: auto; max-height: 100%;
                    overflow-y: auto; border: thick $primary; background: $surface;
                    padding: 1 2; }}
{name} .dialog-error {{ color: $error; height: auto; }}
{name} .dialog-buttons {{ height: auto; margin-top: 1; }}
{name} .dialog-buttons Button {{ margin-right: 2; }}
{name} RadioSet {{ width: 100%; }}
"""


# (button id, label, value) of each policy radio set; the first is the default.
UPLOAD_EXISTING = (
    ("existing-overwrite", "Overwrite it", ExistingObjectPolicy.OVERWRITE),
    ("existing-skip-unchanged", "Skip it if unchanged (same size and MD5, or not older)",
     ExistingObjectPolicy.SKIP_UNCHANGED),
    ("existing-skip", "Skip it", ExistingObjectPolicy.SKIP),
)
DOWNLOAD_EXISTING = (
    ("policy-skip", "Skip it", ExistingFilePolicy.SKIP),
    ("policy-skip-unchanged", "Skip it if unchanged (same size and MD5), else overwrite",
     ExistingFilePolicy.SKIP_UNCHANGED),
    ("policy-overwrite", "Overwrite it", ExistingFilePolicy.OVERWRITE),
    ("policy-rename", "Keep both (rename the new one)", ExistingFilePolicy.RENAME),
)


@dataclass(frozen=True)
class UploadChoice:
    path: str
    existing: ExistingObjectPolicy


@dataclass(frozen=True)
class DownloadChoice:
    dest_dir: str
    policy: ExistingFilePolicy
    whole_prefix: bool


@dataclass(frozen=True)
class CopyChoice:
    profile: str
    destination: str  # s3://bucket/prefix/


class _Dialog(ModalScreen):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def _error(self, text: str) -> None:
        self.query_one(".dialog-error", Static).update(Text(escape_control(text)))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "dialog-ok":
            self.submit()
        else:
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    @staticmethod
    def _radios(set_id: str, choices: tuple) -> RadioSet:
        return RadioSet(*(RadioButton(label, value=number == 0, id=button_id)
                          for number, (button_id, label, _) in enumerate(choices)), id=set_id)

    def _picked(self, set_id: str, choices: tuple) -> Any:
        pressed = self.query_one(f"#{set_id}", RadioSet).pressed_button
        picked = pressed.id if pressed is not None else None
        return next((value for button_id, _, value in choices if button_id == picked),
                    choices[0][2])

    def _buttons(self, ok: str) -> Horizontal:
        return Horizontal(Button(ok, variant="primary", id="dialog-ok"),
                          Button("Cancel", id="dialog-cancel"), classes="dialog-buttons")


class UploadDialog(_Dialog):
    """Ask for a local file or folder to upload into s3://bucket/prefix."""

    DEFAULT_CSS = DIALOG_CSS.format(name="UploadDialog")

    def __init__(self, bucket: str, prefix: str, start: str = "") -> None:
        super().__init__()
        self.target = f"s3://{bucket}/{prefix}"
        self.start = start

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Upload"
            yield Static(Text(f"Upload a local file or folder into {escape_control(self.target)}\n"
                              "(Tab completes the path; a folder is uploaded with everything in it)"))
            yield PathInput(self.start, placeholder="local path", id="upload-path")
            yield Static(Text("When the bucket already holds an object at a key:"))
            yield self._radios("upload-existing", UPLOAD_EXISTING)
            yield Static(classes="dialog-error")
            yield self._buttons("Upload")

    def submit(self) -> None:
        value = self.query_one("#upload-path", PathInput).value.strip()
        path = os.path.expanduser(value)
        if not value or not os.path.exists(path):
            self._error(f"no such file or folder: {value}")
            return
        self.dismiss(UploadChoice(path, self._picked("upload-existing", UPLOAD_EXISTING)))


class DownloadDialog(_Dialog):
    """Ask for the destination folder and the policy for files that already exist."""

    DEFAULT_CSS = DIALOG_CSS.format(name="DownloadDialog")

    def __init__(self, what: str, prefix_label: str, start: str = "") -> None:
        super().__init__()
        self.what = what
        self.prefix_label = prefix_label
        self.start = start

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Download"
            yield Static(Text(f"Download {escape_control(self.what)} into the folder:"))
            yield PathInput(self.start, dirs_only=True, placeholder="local folder", id="download-dest")
            yield Checkbox(f"Everything under {escape_control(self.prefix_label)} instead",
                           id="download-whole-prefix")
            yield Static(Text("When a local file already exists:"))
            yield self._radios("download-policy", DOWNLOAD_EXISTING)
            yield Static(classes="dialog-error")
            yield self._buttons("Download")

    def submit(self) -> None:
        value = self.query_one("#download-dest", PathInput).value.strip()
        if not value:
            self._error("give a destination folder")
            return
        path = os.path.expanduser(value)
        if os.path.exists(path) and not os.path.isdir(path):
            self._error(f"not a folder: {value}")
            return
        policy = self._picked("download-policy", DOWNLOAD_EXISTING)
        whole = self.query_one("#download-whole-prefix", Checkbox).value
        self.dismiss(DownloadChoice(path, policy, whole))


class CopyToProfileDialog(_Dialog):
    """Ask for the destination profile and s3://bucket/prefix/ there."""

    DEFAULT_CSS = DIALOG_CSS.format(name="CopyToProfileDialog")

    def __init__(self, what: str, profiles: list[str], destination: str) -> None:
        super().__init__()
        self.what = what
        self.profiles = profiles
        self.destination = destination

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Copy to another profile"
            yield Static(Text(f"Copy {escape_control(self.what)} (streamed through minbrowse) to:"))
            yield Select([(name, name) for name in self.profiles], allow_blank=False,
                         value=self.profiles[0], id="copy-profile")
            yield Input(self.destination, placeholder="s3://bucket/prefix/", id="copy-dest")
            yield Static(classes="dialog-error")
            yield self._buttons("Copy")

    def submit(self) -> None:
        dest = self.query_one("#copy-dest", Input).value.strip()
        if not dest.startswith("s3://") or len(dest) <= 5 or dest[5:].startswith("/"):
            self._error("give the destination as s3://bucket/prefix/")
            return
        profile = self.query_one("#copy-profile", Select).value
        self.dismiss(CopyChoice(str(profile), dest))

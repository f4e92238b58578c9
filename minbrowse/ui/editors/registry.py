"""Every configuration editor as an `EditorSpec`: its palette name, scope and factory.

`open_editor(app, spec_id, bucket, key)` builds the screen; the app's palette and the
detail pane list `EDITORS` (see `palette_entries`). `unsupported` remembers, per app run,
which configurations the current server refused as not implemented, so the palette can say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .bucket_settings import EncryptionEditor, ObjectLockEditor, VersioningEditor
from .export_import import ExportScreen, ImportScreen
from .lifecycle import LifecycleEditor
from .notification import NotificationEditor
from .object_settings import LegalHoldEditor, RetentionEditor
from .policy import PolicyEditor
from .replication import ReplicationEditor
from .tags import BucketTagsEditor, ObjectTagsEditor


@dataclass(frozen=True)
class EditorSpec:
    """One editor: `id` (also its configuration kind), palette `title`, scope, factory."""

    id: str
    title: str
    scope: str  # "bucket" | "object"
    mutating: bool
    factory: Callable[..., Any]
    help: str = ""


# The bucket feature (minbrowse.capabilities' names) each editor needs; the palette greys the
# editor when the probe says the bucket on screen lacks it.
FEATURE_OF = {"policy": "policy", "lifecycle": "lifecycle", "replication": "replication",
              "encryption": "encryption", "versioning": "versioning", "object_lock": "object lock",
              "tags": "tags", "notification": "notification", "retention": "object lock",
              "legal_hold": "object lock"}

EDITORS: tuple[EditorSpec, ...] = (
    EditorSpec("policy", "Bucket policy", "bucket", True, PolicyEditor,
               "Edit the bucket policy (JSON)"),
    EditorSpec("lifecycle", "Lifecycle rules", "bucket", True, LifecycleEditor,
               "Expiration, transition and cleanup rules"),
    EditorSpec("replication", "Replication", "bucket", True, ReplicationEditor,
               "Replication role and rules"),
    EditorSpec("encryption", "Encryption", "bucket", True, EncryptionEditor,
               "Default bucket encryption (SSE-S3 / SSE-KMS)"),
    EditorSpec("versioning", "Versioning", "bucket", True, VersioningEditor,
               "Enable or suspend versioning"),
    EditorSpec("object_lock", "Object lock", "bucket", True, ObjectLockEditor,
               "Default retention of a lock-enabled bucket"),
    EditorSpec("tags", "Bucket tags", "bucket", True, BucketTagsEditor, "Edit the bucket's tags"),
    EditorSpec("notification", "Notification config", "bucket", True, NotificationEditor,
               "Queue, topic and function notifications"),
    EditorSpec("object_tags", "Object tags", "object", True, ObjectTagsEditor,
               "Edit the selected object's tags"),
    EditorSpec("retention", "Retention", "object", True, RetentionEditor,
               "Retention mode and date of the selected object"),
    EditorSpec("legal_hold", "Legal hold", "object", True, LegalHoldEditor,
               "Legal hold ON/OFF of the selected object"),
    EditorSpec("export", "Export bucket configuration", "bucket", False, ExportScreen,
               "Write every configuration of the bucket to one JSON file"),
    EditorSpec("import", "Import bucket configuration", "bucket", True, ImportScreen,
               "Compare a configuration file with the bucket and apply it"),
)
BY_ID: dict[str, EditorSpec] = {spec.id: spec for spec in EDITORS}


def get(spec_id: str) -> EditorSpec:
    return BY_ID[spec_id]


def build(spec_id: str, bucket: str, key: str | None = None, **options: Any) -> Any:
    """The editor screen for `spec_id` on a bucket (or object, for object editors)."""
    spec = BY_ID[spec_id]
    if spec.scope == "object" and not key:
        raise ValueError(f"{spec.title} needs a selected object")
    return spec.factory(bucket, key if spec.scope == "object" else None, **options)


def help_text(spec: EditorSpec, *, unsupported: bool = False, read_only: bool = False) -> str:
    """The palette help of an editor, marked when the server lacks it or when read-only."""
    text = spec.help
    if unsupported:
        text += " (not supported by this server)"
    elif read_only and spec.mutating:
        text += " (view only: read-only)"
    return text

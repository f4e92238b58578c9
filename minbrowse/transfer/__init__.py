"""minbrowse.transfer: headless bulk transfers on top of minbrowse.s3 (no textual, no UI).

- `download_prefix` / `download_object`: objects to local files, with safe key→path mapping
  (`keypaths`), an existing-file policy (`ExistingFilePolicy`), atomic writes.
- `upload_dir` / `upload_file`: local files to objects; symlinks never escape the folder.
- `copy_between`: stream one object from one client/server to another.
- `copy_prefix` / `delete_prefix` (and `copy_objects` / `delete_objects` for a selection):
  the bulk engine: streamed listing, pipelined requests under an adaptive limit that shrinks
  on the server's slow-down replies, 1000-key delete batches, move = copy then remove;
  `summarize_prefix` is their dry run.
- `TransferProgress`: thread-safe progress aggregator with throttled snapshots (rate, ETA).
- `TransferQueue`: background jobs with ids, states, per-job cancel and change callbacks.

Progress is reported through callbacks; cancellation uses `minbrowse.s3.cancel.CancelToken`.
"""

from minbrowse.s3.cancel import CancelToken
from minbrowse.s3.errors import Cancelled

from .adaptive import AdaptiveLimit, LimitState
from .bulkreport import BulkReport, PrefixSummary
from .copy import copy_between
from .copyprefix import copy_objects, copy_prefix
from .deleteprefix import delete_objects, delete_prefix, summarize_prefix
from .download import download_object, download_prefix
from .keypaths import KeyConflict, KeyPlan, SkippedKey, plan_key, split_key
from .policy import ExistingFilePolicy, ExistingObjectPolicy, free_name, numbered_name
from .progress import FileProgress, ProgressSnapshot, TransferProgress
from .queue import JobSnapshot, JobState, TransferQueue
from .report import (
    DownloadReport,
    FailedItem,
    TransferEvent,
    TransferredFile,
    UploadReport,
    describe_error,
)
from .upload import upload_dir, upload_file, walk_tree

__all__ = [
    "AdaptiveLimit",
    "BulkReport",
    "LimitState",
    "PrefixSummary",
    "copy_objects",
    "copy_prefix",
    "delete_objects",
    "delete_prefix",
    "summarize_prefix",
    "CancelToken",
    "Cancelled",
    "DownloadReport",
    "ExistingFilePolicy",
    "ExistingObjectPolicy",
    "FailedItem",
    "FileProgress",
    "JobSnapshot",
    "JobState",
    "KeyConflict",
    "KeyPlan",
    "ProgressSnapshot",
    "SkippedKey",
    "TransferEvent",
    "TransferProgress",
    "TransferQueue",
    "TransferredFile",
    "UploadReport",
    "copy_between",
    "describe_error",
    "download_object",
    "download_prefix",
    "free_name",
    "numbered_name",
    "plan_key",
    "split_key",
    "upload_dir",
    "upload_file",
    "walk_tree",
]

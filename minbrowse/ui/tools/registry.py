"""Every ops tool as a `ToolSpec`, and how the app reaches them: palette commands, detail-pane
buttons, and `open_tool(app, tool_id)`, which picks the bucket/prefix/object from the app's
selection. `register_all()` runs once when the app module is imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..actions.commands import PaletteCommand, register_command
from ..widgets.detail_pane import DetailAction, register_detail_action
from .live_events import LiveEventsScreen
from .metadata import MetadataScreen
from .post_form import PostFormScreen
from .presign import PresignScreen
from .select import SelectScreen
from .uploads import UploadsScreen
from .versions import VersionsScreen


@dataclass(frozen=True)
class ToolSpec:
    """One tool. `target`: "prefix" (bucket + prefix), "object", or "object_or_prefix"."""

    id: str
    title: str
    target: str
    factory: Callable[..., Any]
    help: str
    detail_scopes: tuple[str, ...]
    palette: bool = True
    mutating: bool = False


TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec("live", "Live events", "prefix", LiveEventsScreen,
             "watch the bucket's events as they happen (or poll a prefix)", ("bucket", "folder")),
    ToolSpec("presign", "Presigned URL", "object", PresignScreen,
             "GET/PUT/DELETE URL with expiry, version and response headers", (), palette=False),
    ToolSpec("post_form", "Upload form (POST policy)", "prefix", PostFormScreen,
             "signed browser upload form fields and a curl command", ("bucket", "folder")),
    ToolSpec("select", "S3 Select", "object", SelectScreen,
             "run SQL over a CSV, JSON or Parquet object", ("object",)),
    ToolSpec("versions", "Versions", "object_or_prefix", VersionsScreen,
             "versions and delete markers: download, restore, undelete, delete",
             ("object", "folder"), mutating=True),
    ToolSpec("uploads", "Incomplete uploads", "prefix", UploadsScreen,
             "unfinished multipart uploads: list and abort", ("bucket", "folder"), mutating=True),
    ToolSpec("metadata", "Metadata", "object", MetadataScreen,
             "edit the object's content type and user metadata", ("object",), mutating=True),
)
BY_ID: dict[str, ToolSpec] = {spec.id: spec for spec in TOOLS}


def action_for(tool_id: str) -> str:
    return f"open_tool('{tool_id}')"


def register_all() -> None:
    """Palette commands (the presigned URL keeps its app action, key y) and detail buttons."""
    for spec in TOOLS:
        if spec.palette:
            register_command(PaletteCommand(spec.title, action_for(spec.id), spec.help))
        if spec.detail_scopes:
            register_detail_action(DetailAction(f"tool-{spec.id}", spec.title,
                                                f"app.{action_for(spec.id)}", spec.detail_scopes))


def selection(app: Any) -> tuple[str | None, str | None, bool]:
    """(bucket, key, key_is_object) of what the app shows: the highlighted row, else the prefix."""
    entry = app.listing.current_entry()
    if app.location.bucket is None:
        return (entry.name if entry is not None else None), None, False
    if entry is None:
        return app.location.bucket, app.location.prefix or None, False
    return app.location.bucket, entry.key, not entry.is_dir


def build(spec: ToolSpec, bucket: str, key: str | None, is_object: bool,
          prefix: str) -> tuple[Any | None, str | None]:
    """(screen, None) or (None, why it cannot open on this selection)."""
    if spec.target == "object":
        if not is_object:
            return None, f"{spec.title}: select an object first"
        return spec.factory(bucket, key), None
    if spec.target == "prefix":
        return spec.factory(bucket, prefix if is_object else key), None
    return spec.factory(bucket, key), None


def open_tool(app: Any, tool_id: str) -> None:
    spec = BY_ID[tool_id]
    bucket, key, is_object = selection(app)
    if bucket is None:
        app.notify(f"{spec.title}: select a bucket first", severity="warning", markup=False)
        return
    prefix = app.location.prefix if app.location.bucket else ""
    screen, problem = build(spec, bucket, key, is_object, prefix)
    if problem:
        app.notify(problem, severity="warning", markup=False)
        return
    app.push_screen(screen)

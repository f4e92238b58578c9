"""How the app reaches the editors: palette commands, detail-pane buttons, and
`open_editor(app, spec_id)` which picks the bucket/object from the app's selection.

`register_all()` is called once when the app module is imported; `mark_unsupported`
re-registers a palette command with "(not supported by this server)" in its help.
"""

from __future__ import annotations

from typing import Any

from ..actions.commands import PaletteCommand, register_command
from ..core.safe_text import escape_control
from ..widgets.detail_pane import DetailAction, register_detail_action
from . import registry

#: The detail pane gets one "Configuration…" button per scope, opening `EditorChooser`.
CHOOSERS = {"bucket": "Bucket configuration…", "object": "Object configuration…"}


def action_for(spec_id: str) -> str:
    return f"open_editor('{spec_id}')"


def register_all(*, unsupported: frozenset[str] = frozenset(), read_only: bool = False) -> None:
    for spec in registry.EDITORS:
        register_command(PaletteCommand(
            spec.title, action_for(spec.id),
            registry.help_text(spec, unsupported=spec.id in unsupported, read_only=read_only),
            mutating=False,  # editors open view-only when read-only, so never "disabled"
            feature=registry.FEATURE_OF.get(spec.id, "")))
    for scope, label in CHOOSERS.items():
        register_detail_action(DetailAction(f"editors-{scope}", label,
                                            f"app.{action_for(scope)}", (scope,)))


def mark_unsupported(app: Any, kind: str) -> None:
    """Remember that the current server lacks `kind`; the palette help says so."""
    found: set[str] = getattr(app, "unsupported_editors", set())
    found.add(kind)
    app.unsupported_editors = found
    register_all(unsupported=frozenset(found), read_only=bool(getattr(app, "read_only", False)))


def selection(app: Any) -> tuple[str | None, str | None, str | None]:
    """(bucket, object key or None, version id or None) the editors should open on."""
    entry = app.listing.current_entry()
    if app.location.bucket is None:
        return (entry.name if entry is not None else None), None, None
    key = entry.key if entry is not None and not entry.is_dir else None
    return app.location.bucket, key, None


def open_editor(app: Any, spec_id: str) -> None:
    """Open editor `spec_id` on the selection; "bucket"/"object" first show the chooser."""
    if spec_id in CHOOSERS:
        from .chooser import EditorChooser

        def chosen(picked: str | None) -> None:
            if picked:
                open_editor(app, picked)

        app.push_screen(EditorChooser(spec_id, frozenset(getattr(app, "unsupported_editors",
                                                                  ()))), chosen)
        return
    spec = registry.get(spec_id)
    bucket, key, version = selection(app)
    if bucket is None:
        app.notify(f"{spec.title}: select a bucket first", severity="warning", markup=False)
        return
    if spec.scope == "object" and key is None:
        app.notify(f"{spec.title}: select an object first", severity="warning", markup=False)
        return
    if spec.id in getattr(app, "unsupported_editors", set()):
        app.notify(escape_control(f"{spec.title}: not supported by this server"),
                   severity="warning", markup=False)
    if spec.scope == "object":
        app.push_screen(object_editor(app, spec_id, bucket, key, version))
    else:
        app.push_screen(registry.build(spec_id, bucket))


def object_editor(app: Any, spec_id: str, bucket: str, key: str,
                  version_id: str | None = None, **options: Any) -> Any:
    """The object editor `spec_id` (tags, retention, legal hold) on one version of `key`
    (None: the latest), with the app's clock for retention dates."""
    if spec_id == "retention" and getattr(app, "clock", None):
        options.setdefault("clock", app.clock)
    return registry.build(spec_id, bucket, key, version_id=version_id, **options)

"""The presigned-URL modal lives with the ops tools (`minbrowse.ui.tools.presign`); this name
stays for callers that import it from the screens package."""

from __future__ import annotations

from ..tools.presign import PresignScreen, clipboard_note

__all__ = ["PresignScreen", "clipboard_note"]

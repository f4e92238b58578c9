"""Safe mapping of object keys to local paths (never outside the destination folder).

Keys are split on ``/`` (and, on Windows, also on ``\\``). A key is refused — returned as a
`SkippedKey` with a human-readable reason — when it is absolute, contains an empty, ``.`` or
``..`` segment or a NUL, or (on Windows) a drive/colon or a reserved device name. The final
path is resolved with ``realpath`` and must stay inside the real destination folder, so a
symlink inside the destination cannot redirect a download elsewhere.

`ConflictTracker` detects a key that is both an object and a prefix (``a`` and ``a/b``):
the first one seen wins and the later one is reported.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Callable

WINDOWS = os.sep == "\\"

_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"COM{i}" for i in range(1, 10)]
    + [f"LPT{i}" for i in range(1, 10)]
)


@dataclass(frozen=True)
class KeyPlan:
    """Where one key goes: `path` is absolute, inside the destination; `is_dir` for markers."""

    key: str
    relative: tuple[str, ...]
    path: str
    is_dir: bool


@dataclass(frozen=True)
class SkippedKey:
    """A key (or local path, for uploads) that was not transferred, and why."""

    key: str
    reason: str


@dataclass(frozen=True)
class KeyConflict:
    """`key` could not be placed because `other_key` already claimed the path as file/folder."""

    key: str
    other_key: str
    reason: str


def base_of_prefix(prefix: str) -> str:
    """The part of `prefix` stripped from keys: everything up to and including its last '/'.

    ``photos/`` -> ``photos/`` (contents land directly in the destination);
    ``photos`` -> ``""`` (a ``photos`` folder is created, as are ``photos2`` siblings).
    """
    cut = prefix.rfind("/")
    return prefix[: cut + 1] if cut >= 0 else ""


def split_key(key: str, *, windows: bool = WINDOWS) -> tuple[tuple[str, ...], bool] | str:
    """Split a (relative) key into safe path segments.

    Returns ``(segments, is_dir)`` or, when the key is unsafe, a reason string.
    A trailing separator marks a folder; an empty key means the destination itself.
    """
    if "\x00" in key:
        return "key contains a NUL character"
    text = key.replace("\\", "/") if windows else key
    if text.startswith("/"):
        return "absolute key (leading separator)"
    is_dir = text.endswith("/")
    if is_dir:
        text = text[:-1]
    if text == "":
        return (), True
    segments = tuple(text.split("/"))
    for segment in segments:
        reason = _segment_problem(segment, windows)
        if reason:
            return reason
    return segments, is_dir


def _segment_problem(segment: str, windows: bool) -> str | None:
    if segment == "":
        return "empty path segment ('//')"
    if segment in (".", ".."):
        return f"'{segment}' path segment"
    if windows:
        if ":" in segment:
            return "drive letter or colon in key"
        if segment.rstrip(" .") != segment:
            return "segment ends with a dot or space"
        if segment.split(".")[0].upper() in _WINDOWS_RESERVED:
            return "reserved device name"
        if any(ch in segment for ch in '<>"|?*') or any(ord(ch) < 32 for ch in segment):
            return "character not allowed in Windows file names"
    return None


def is_inside(root_real: str, path: str) -> bool:
    """True when the real (symlink-resolved) `path` is `root_real` or below it."""
    real = os.path.realpath(path)
    try:
        return os.path.commonpath([root_real, real]) == root_real
    except ValueError:  # different drives on Windows
        return False


class InsideChecker:
    """`is_inside(root_real, path)` for the many paths of one job: a folder whose real path is
    itself (no symlink on the way) is remembered, so each file costs one `lstat` of its own
    name instead of one per folder of its path (a deep destination, thousands of files)."""

    def __init__(self, root_real: str) -> None:
        self.root = root_real
        self._plain: set[str] = {root_real}
        self._lock = threading.Lock()

    def __call__(self, path: str) -> bool:
        parent = os.path.dirname(path)
        if parent not in self._plain:
            real = os.path.realpath(parent)
            try:
                if os.path.commonpath([self.root, real]) != self.root:
                    return False
            except ValueError:  # different drives on Windows
                return False
            if real == parent:
                with self._lock:
                    self._plain.add(parent)
        if os.path.islink(path):  # the file's own name may be a symlink: resolve that one
            return is_inside(self.root, path)
        return True


def plan_key(key: str, base: str, dest_real: str, *, windows: bool = WINDOWS,
             inside: Callable[[str], bool] | None = None) -> KeyPlan | SkippedKey:
    """Plan the local path for `key` below `dest_real` (a realpath), stripping `base`.

    The caller passes ``os.path.realpath(dest_dir)``; the result is re-resolved so that a
    symlink already present inside the destination cannot lead outside it.
    """
    if not key.startswith(base):
        return SkippedKey(key, "key is outside the requested prefix")
    split = split_key(key[len(base):], windows=windows)
    if isinstance(split, str):
        return SkippedKey(key, split)
    segments, is_dir = split
    path = os.path.join(dest_real, *segments) if segments else dest_real
    if not (inside(path) if inside is not None else is_inside(dest_real, path)):
        return SkippedKey(key, "resolves outside the destination folder (symlink)")
    return KeyPlan(key, segments, path, is_dir)


class ConflictTracker:
    """Remembers which relative paths are files and which are folders (thread-safe).

    `claim(plan)` returns None when the plan fits, or a `KeyConflict` when the path is
    already a file needed as a folder (or the reverse), or claimed twice as a file.
    Paths are compared after ``os.path.normcase`` (case-insensitive on Windows).
    """

    def __init__(self) -> None:
        self._files: dict[tuple[str, ...], str] = {}
        self._dirs: dict[tuple[str, ...], str] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _norm(segments: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(os.path.normcase(s) for s in segments)

    def claim(self, plan: KeyPlan) -> KeyConflict | None:
        rel = self._norm(plan.relative)
        parents = [rel[:i] for i in range(1, len(rel) if not plan.is_dir else len(rel) + 1)]
        with self._lock:
            for parent in parents:
                owner = self._files.get(parent)
                if owner is not None:
                    return KeyConflict(plan.key, owner, "an object with this name is a file, not a folder")
            if not plan.is_dir:
                owner = self._dirs.get(rel)
                if owner is not None:
                    return KeyConflict(plan.key, owner, "a prefix with this name is a folder")
                owner = self._files.get(rel)
                if owner is not None:
                    return KeyConflict(plan.key, owner, "another key maps to the same file")
                self._files[rel] = plan.key
            for parent in parents:
                self._dirs.setdefault(parent, plan.key)
        return None

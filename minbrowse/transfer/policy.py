"""What to do when a transfer's target already exists (a local file for downloads, an object for
uploads), and `name (1).ext` naming."""

from __future__ import annotations

import enum
import os
from typing import Callable, Collection


class ExistingFilePolicy(enum.Enum):
    """SKIP keeps the local file; OVERWRITE replaces it atomically (temp file + rename);
    RENAME downloads next to it as ``name (1).ext`` (first free number); SKIP_UNCHANGED keeps
    it when it holds the object's bytes (same size, and the same MD5 when the ETag is one; for
    other ETags, same size and not older than the object) and replaces it otherwise."""

    SKIP = "skip"
    OVERWRITE = "overwrite"
    RENAME = "rename"
    SKIP_UNCHANGED = "skip-unchanged"


class ExistingObjectPolicy(enum.Enum):
    """What an upload does when its key already holds an object: OVERWRITE it; SKIP_UNCHANGED
    when it holds the same bytes (same size, and the same MD5 when its ETag is one; for other
    ETags — multipart, KMS — same size and not older than the local file); SKIP it whatever it
    holds."""

    OVERWRITE = "overwrite"
    SKIP_UNCHANGED = "skip-unchanged"
    SKIP = "skip"


def numbered_name(path: str, number: int) -> str:
    """``dir/photo.jpg`` + 2 -> ``dir/photo (2).jpg``; dotfiles keep their leading dot."""
    folder, name = os.path.split(path)
    stem, ext = os.path.splitext(name)
    return os.path.join(folder, f"{stem} ({number}){ext}")


def free_name(
    path: str,
    taken: Collection[str] = (),
    exists: Callable[[str], bool] = os.path.lexists,
    limit: int = 100_000,
) -> str:
    """First ``name (n).ext`` (n = 1, 2, ...) that neither exists nor is in `taken`."""
    for number in range(1, limit + 1):
        candidate = numbered_name(path, number)
        if candidate not in taken and not exists(candidate):
            return candidate
    raise FileExistsError(f"no free name found for {os.path.basename(path)!r}")

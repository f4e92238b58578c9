"""`Settings`: the tunables of the ``[settings]`` table (transfer sizes, concurrency, timeouts, paging).

Every field is documented in ``config.example.toml``; values are range-checked here and a
bad one is reported with its file, line and key.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from minbrowse.config.errors import error_at

MiB = 1024 * 1024
GiB = 1024 * MiB


@dataclass(frozen=True)
class Settings:
    """Application-wide tunables (not per profile)."""

    part_size: int = 16 * MiB  # multipart part size, bytes (5 MiB .. 5 GiB)
    multipart_threshold: int = 16 * MiB  # uploads bigger than this go multipart, bytes
    concurrency: int = 4  # parallel transfers / HTTP connections per profile (1 .. 64)
    connect_timeout: float = 10.0  # seconds to establish a connection
    read_timeout: float = 60.0  # seconds without data before a request fails
    page_size: int = 1000  # keys per listing request (1 .. 1000)
    preview_bytes: int = 64 * 1024  # bytes fetched for a preview (4 KiB .. 1 MiB)
    # Key overrides as (binding id, keys) pairs, e.g. (("app.delete", "x"),); dict() it.
    keymap: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        for name, low, high in _RANGES:
            value = getattr(self, name)
            if not low <= value <= high:
                raise ValueError(f"{name} must be between {low} and {high}")
        if self.multipart_threshold < self.part_size:
            raise ValueError("multipart_threshold must be at least part_size")

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for `minbrowse.s3.Client` (``profile.make_client(**these)``)."""
        return {
            "connect_timeout": self.connect_timeout,
            "read_timeout": self.read_timeout,
            # every transfer may run 3 part uploads or 4 ranged GETs at once, plus listings
            "max_pool_connections": max(16, 4 * self.concurrency),
            "multipart_threshold": self.multipart_threshold,
            "part_size": self.part_size,
        }


_RANGES = (
    ("part_size", 5 * MiB, 5 * GiB),
    ("multipart_threshold", 5 * MiB, 5 * 1024 * GiB),
    ("concurrency", 1, 64),
    ("connect_timeout", 0.1, 600.0),
    ("read_timeout", 0.1, 3600.0),
    ("page_size", 1, 1000),
    ("preview_bytes", 4096, MiB),
)
_TYPES = {f.name: f.type for f in fields(Settings)}


def parse_settings(table: object, path: Path | None, text: str) -> tuple[Settings, list[str]]:
    """Build Settings from the ``[settings]`` table; return it and warnings for unknown keys."""
    if table is None:
        return Settings(), []
    if not isinstance(table, dict):
        raise error_at(path, text, ("settings",), "must be a table")
    values: dict[str, Any] = {}
    warnings = []
    for key, value in table.items():
        if key == "keymap":
            values[key] = _parse_keymap(value, path, text)
            continue
        kind = _TYPES.get(key)
        if kind is None:
            warnings.append(f"{path}: unknown key settings.{key} ignored")
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise error_at(path, text, ("settings", key), "must be a number")
        if kind == "int" and not isinstance(value, int):
            raise error_at(path, text, ("settings", key), "must be a whole number")
        values[key] = float(value) if kind == "float" else value
    try:
        return Settings(**values), warnings
    except ValueError as exc:
        name = str(exc).split(" ", 1)[0]
        raise error_at(path, text, ("settings", name), str(exc).split(" ", 1)[1]) from None


def _parse_keymap(table: object, path: Path | None, text: str) -> tuple[tuple[str, str], ...]:
    """``[settings.keymap]``: action id (``delete`` or ``app.delete``) → keys (``"x,ctrl+d"``)."""
    if not isinstance(table, dict):
        raise error_at(path, text, ("settings", "keymap"), "must be a table of action = \"keys\"")
    pairs = []
    for action, keys in table.items():
        if not isinstance(keys, str) or not keys.strip():
            raise error_at(path, text, ("settings", "keymap", action), "must be a non-empty string")
        pairs.append((action if "." in action else f"app.{action}", keys.strip()))
    return tuple(pairs)

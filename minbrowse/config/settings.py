"""`Settings`: the tunables of the ``[settings]`` table (transfer sizes, concurrency, timeouts, paging).

Every field is documented in ``config.example.toml``; values are range-checked here and a
bad one is reported with its file, line and key.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from minbrowse.config.errors import error_at

MiB = 1024 * 1024
GiB = 1024 * MiB


@dataclass(frozen=True)
class Settings:
    """The tunables: application-wide, each overridable per profile (`overridden`)."""

    part_size: int = 16 * MiB  # multipart part size, bytes (5 MiB .. 5 GiB)
    multipart_threshold: int = 16 * MiB  # uploads bigger than this go multipart, bytes
    concurrency: int = 4  # parallel transfers / HTTP connections per profile (1 .. 64)
    connect_timeout: float = 10.0  # seconds to establish a connection
    read_timeout: float = 60.0  # seconds without data before a request fails
    page_size: int = 1000  # keys per listing request (1 .. 1000)
    preview_bytes: int = 64 * 1024  # bytes fetched for a preview (4 KiB .. 1 MiB)
    # requests one bulk job keeps in flight at most; 0: the engine's own ceilings, with the
    # number that pays found from the link's latency (minbrowse.transfer.adaptive)
    bulk_concurrency: int = 0
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

    def bulk_kwargs(self) -> dict[str, Any]:
        """`concurrency=` for the bulk engine's calls, when the user set one."""
        return {"concurrency": self.bulk_concurrency} if self.bulk_concurrency else {}

    def overridden(self, overrides: tuple[tuple[str, Any], ...]) -> "Settings":
        """These settings with a profile's ``[profiles.NAME.settings]`` values in place."""
        return replace(self, **dict(overrides)) if overrides else self


_RANGES = (
    ("part_size", 5 * MiB, 5 * GiB),
    ("multipart_threshold", 5 * MiB, 5 * 1024 * GiB),
    ("concurrency", 1, 64),
    ("connect_timeout", 0.1, 600.0),
    ("read_timeout", 0.1, 3600.0),
    ("page_size", 1, 1000),
    ("preview_bytes", 4096, MiB),
    ("bulk_concurrency", 0, 512),
)
_TYPES = {f.name: f.type for f in fields(Settings)}


def parse_settings(table: object, path: Path | None, text: str,
                   where: tuple[str, ...] = ("settings",),
                   base: Settings | None = None) -> tuple[Settings, list[str]]:
    """Build Settings from the ``[settings]`` table; return it and warnings for unknown keys."""
    values, warnings = _parse_values(table, path, text, where, allow_keymap=True)
    try:
        return (base or Settings()).overridden(tuple(values.items())), warnings
    except ValueError as exc:
        name = str(exc).split(" ", 1)[0]
        raise error_at(path, text, where + (name,), str(exc).split(" ", 1)[1]) from None


def parse_overrides(table: object, path: Path | None, text: str, where: tuple[str, ...],
                    base: Settings) -> tuple[tuple[tuple[str, Any], ...], list[str]]:
    """A profile's ``[profiles.NAME.settings]``: (key, value) pairs, checked against `base`
    (the file's ``[settings]``) so a bad value is reported where it is written."""
    values, warnings = _parse_values(table, path, text, where, allow_keymap=False)
    parse_settings(table, path, text, where, base)  # range checks, with the file's line
    return tuple(values.items()), warnings


def _parse_values(table: object, path: Path | None, text: str, where: tuple[str, ...],
                  allow_keymap: bool) -> tuple[dict[str, Any], list[str]]:
    if table is None:
        return {}, []
    if not isinstance(table, dict):
        raise error_at(path, text, where, "must be a table")
    values: dict[str, Any] = {}
    warnings = []
    dotted = ".".join(where)
    for key, value in table.items():
        if key == "keymap" and allow_keymap:
            values[key] = _parse_keymap(value, path, text)
            continue
        kind = _TYPES.get(key) if key != "keymap" else None
        if kind is None:
            warnings.append(f"{path}: unknown key {dotted}.{key} ignored")
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise error_at(path, text, where + (key,), "must be a number")
        if kind == "int" and not isinstance(value, int):
            raise error_at(path, text, where + (key,), "must be a whole number")
        values[key] = float(value) if kind == "float" else value
    return values, warnings


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

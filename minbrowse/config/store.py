"""Write app-edited profiles to ``profiles.toml`` beside config.toml — atomically, mode 0600.

The hand-written config.toml is never opened for writing. Keys are written only when the
caller asks (``store_keys=True``); otherwise a profile must use a credentials reference or
be anonymous.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import tomli_w

from minbrowse.config.errors import ConfigError, read_toml
from minbrowse.config.loader import PROFILES_NAME
from minbrowse.config.profiles import Profile

HEADER = (
    "# Profiles added or edited in minbrowse. This file is rewritten by the app;\n"
    "# keep hand-written profiles and comments in config.toml instead.\n"
)


def profile_table(profile: Profile, *, store_keys: bool) -> dict[str, Any]:
    """The TOML table for `profile` (keys included only with `store_keys`)."""
    table: dict[str, Any] = {"endpoint": profile.endpoint, "secure": profile.secure}
    if profile.region:
        table["region"] = profile.region
    if profile.credentials:
        table["credentials"] = profile.credentials
    elif profile.has_keys:
        if not store_keys:
            raise ConfigError(
                f"profile {profile.name!r} has keys but storing keys was not requested; "
                "use a credentials reference (env, aws:PROFILE, mc:ALIAS) or allow storing keys"
            )
        table["access_key"] = profile.access_key
        table["secret_key"] = profile.secret_key
        if profile.session_token:
            table["session_token"] = profile.session_token
    if profile.ca_bundle:
        table["ca_bundle"] = profile.ca_bundle
    if profile.settings:
        table["settings"] = dict(profile.settings)
    return table


def atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write `data` to `path` via a temp file in the same folder, fsync, then os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    try:  # make the rename durable too
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _load_stored(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    document, _ = read_toml(path)  # malformed → ConfigError; never overwrite what we can't read
    profiles = document.get("profiles", {})
    if not isinstance(profiles, dict):
        raise ConfigError(f"{path}: profiles must be a table; not rewriting it", path=path)
    return dict(profiles)


def _write(path: Path, profiles: dict[str, Any]) -> None:
    body = tomli_w.dumps({"profiles": profiles}) if profiles else ""
    atomic_write(path, (HEADER + body).encode("utf-8"))


def save_profile(config_dir: Path, profile: Profile, *, store_keys: bool = False) -> Path:
    """Add or replace `profile` in ``config_dir/profiles.toml``; return that path."""
    path = Path(config_dir) / PROFILES_NAME
    table = profile_table(profile, store_keys=store_keys)
    profiles = _load_stored(path)
    profiles[profile.name] = table
    _write(path, profiles)
    return path


def delete_profile(config_dir: Path, name: str) -> bool:
    """Remove `name` from ``profiles.toml``; return whether it was there."""
    path = Path(config_dir) / PROFILES_NAME
    profiles = _load_stored(path)
    if name not in profiles:
        return False
    del profiles[name]
    _write(path, profiles)
    return True

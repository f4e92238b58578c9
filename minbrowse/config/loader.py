"""Resolve, read and merge the configuration into one `AppConfig`.

Sources, in display order: ``config.toml`` (hand-written, never rewritten), ``profiles.toml``
beside it (written by the app; a profile there replaces the same name from config.toml),
then the environment, mc aliases and AWS profiles (skipped when a name is already taken).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from minbrowse.config.discovery import discover
from minbrowse.config.errors import ConfigError, error_at, read_toml
from minbrowse.config.profiles import Profile, ProfileError
from minbrowse.config.settings import Settings, parse_overrides, parse_settings

CONFIG_NAME = "config.toml"
PROFILES_NAME = "profiles.toml"
_PROFILE_KEYS = ("endpoint", "secure", "region", "access_key", "secret_key", "session_token",
                 "credentials", "ca_bundle")
_STRING_KEYS = frozenset(_PROFILE_KEYS) - {"secure"}
_TOP_KEYS = ("default_profile", "profiles", "settings")


def default_config_path(env: Mapping[str, str] = os.environ) -> Path:
    """``$MINBROWSE_CONFIG``, else ``$XDG_CONFIG_HOME/minbrowse/config.toml``, else ~/.config/…"""
    if env.get("MINBROWSE_CONFIG"):
        return Path(env["MINBROWSE_CONFIG"]).expanduser()
    xdg = env.get("XDG_CONFIG_HOME")
    if xdg and Path(xdg).is_absolute():
        base = Path(xdg)
    else:
        base = Path(env.get("HOME") or os.path.expanduser("~")) / ".config"
    return base / "minbrowse" / CONFIG_NAME


@dataclass(frozen=True)
class AppConfig:
    """Everything the app needs to start: profiles, the default one, settings and warnings."""

    profiles: tuple[Profile, ...] = ()
    default_profile: str | None = None
    config_path: Path | None = None
    settings: Settings = field(default_factory=Settings)
    warnings: tuple[str, ...] = ()

    @property
    def config_dir(self) -> Path | None:
        """Where ``profiles.toml`` lives (beside config.toml)."""
        return None if self.config_path is None else self.config_path.parent

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.profiles)

    def profile(self, name: str) -> Profile:
        for candidate in self.profiles:
            if candidate.name == name:
                return candidate
        known = ", ".join(self.names) or "none configured"
        raise ConfigError(f"unknown profile {name!r}; known profiles: {known}")

    def settings_for(self, profile: Profile | None) -> Settings:
        """The settings in force for `profile`: ``[settings]`` with its own overrides."""
        return self.settings.overridden(getattr(profile, "settings", ()) or ())

    def client_for(self, profile: Profile) -> Any:
        """A client for `profile` built with its settings (timeouts, part size, pool)."""
        return profile.make_client(**self.settings_for(profile).client_kwargs())

    def start_profile(self) -> Profile | None:
        """`default_profile` if set, else the first profile, else None."""
        if self.default_profile:
            return self.profile(self.default_profile)
        return self.profiles[0] if self.profiles else None

    def with_profile(self, profile: Profile) -> "AppConfig":
        """A copy with `profile` added or replacing the one of the same name."""
        kept = [p for p in self.profiles if p.name != profile.name]
        position = next((i for i, p in enumerate(self.profiles) if p.name == profile.name),
                        len(kept))
        kept.insert(position, profile)
        return AppConfig(tuple(kept), self.default_profile, self.config_path, self.settings,
                         self.warnings)


def _permission_warning(path: Path) -> str | None:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None
    if os.name == "posix" and mode & 0o077:
        return (f"{path} is readable by group or others (mode {mode:04o}); "
                f"run: chmod 600 {path}")
    return None


def parse_profiles(document: Mapping[str, Any], path: Path | None, text: str,
                   source: str, base: Settings | None = None) -> tuple[list[Profile], list[str]]:
    """The ``[profiles.NAME]`` tables of one parsed TOML document."""
    table = document.get("profiles", {})
    if not isinstance(table, dict):
        raise error_at(path, text, ("profiles",), "must be a table of [profiles.NAME] tables")
    profiles, warnings = [], []
    for name, entry in table.items():
        where = ("profiles", name)
        if not isinstance(entry, dict):
            raise error_at(path, text, where, "must be a table")
        values: dict[str, Any] = {}
        for key, value in entry.items():
            if key == "settings":  # [profiles.NAME.settings]: this profile's overrides
                values[key], problems = parse_overrides(value, path, text, where + (key,),
                                                        base or Settings())
                warnings += problems
                continue
            if key not in _PROFILE_KEYS:
                warnings.append(f"{path}: unknown key profiles.{name}.{key} ignored")
                continue
            if key == "secure" and not isinstance(value, bool):
                raise error_at(path, text, where + (key,), "must be true or false")
            if key in _STRING_KEYS and not isinstance(value, str):
                raise error_at(path, text, where + (key,), "must be a string")
            values[key] = value
        if "endpoint" not in values:
            raise error_at(path, text, where, "missing required key endpoint")
        if values.get("ca_bundle"):
            values["ca_bundle"] = str(Path(values["ca_bundle"]).expanduser())
        try:
            profiles.append(Profile(name=name, source=source, **values))
        except ProfileError as exc:
            raise error_at(path, text, where, str(exc)) from None
    return profiles, warnings


def _read(path: Path, allowed: tuple[str, ...]) -> tuple[dict[str, Any], str, list[str]]:
    document, text = read_toml(path)
    warnings = [f"{path}: unknown key {key} ignored" for key in document if key not in allowed]
    problem = _permission_warning(path)
    if problem:
        warnings.append(problem)
    return document, text, warnings


def load_config(path: Path | None = None, env: Mapping[str, str] = os.environ, *,
                must_exist: bool | None = None) -> AppConfig:
    """Read config.toml (explicit `path`, else the default location) and merge every source.

    An explicit path, or ``$MINBROWSE_CONFIG``, must exist (unless `must_exist` is False);
    the default location may not.
    """
    explicit = path is not None or bool(env.get("MINBROWSE_CONFIG"))
    if must_exist is not None:
        explicit = must_exist
    config_path = Path(path).expanduser() if path is not None else default_config_path(env)
    warnings: list[str] = []
    document: dict[str, Any] = {}
    text = ""
    if config_path.is_file():
        document, text, problems = _read(config_path, _TOP_KEYS)
        warnings += problems
    elif explicit or config_path.exists():
        raise ConfigError(f"{config_path}: configuration file not found", path=config_path)

    settings, problems = parse_settings(document.get("settings"), config_path, text)
    warnings += problems
    profiles, problems = parse_profiles(document, config_path, text, "config", settings)
    warnings += problems
    default = document.get("default_profile")
    if default is not None and not isinstance(default, str):
        raise error_at(config_path, text, ("default_profile",), "must be a string")

    stored_path = config_path.parent / PROFILES_NAME
    if stored_path.is_file():
        stored_doc, stored_text, problems = _read(stored_path, ("profiles",))
        warnings += problems
        stored, problems = parse_profiles(stored_doc, stored_path, stored_text, "profiles.toml",
                                          settings)
        warnings += problems
        for profile in stored:
            index = next((i for i, p in enumerate(profiles) if p.name == profile.name), None)
            if index is None:
                profiles.append(profile)
            else:
                profiles[index] = profile

    found, problems = discover(env)
    warnings += problems
    taken = {p.name for p in profiles}
    profiles += [p for p in found if p.name not in taken]

    if default is not None and default not in {p.name for p in profiles}:
        known = ", ".join(p.name for p in profiles) or "none"
        raise error_at(config_path, text, ("default_profile",),
                       f"names unknown profile {default!r}; known profiles: {known}")
    return AppConfig(tuple(profiles), default, config_path, settings, tuple(warnings))


def reload_config(config: AppConfig, env: Mapping[str, str] = os.environ) -> AppConfig:
    """Read `config`'s files again (after profiles.toml changed); same path, may be missing."""
    if config.config_path is None:
        return config
    return load_config(config.config_path, env, must_exist=False)

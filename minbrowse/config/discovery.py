"""Find profiles the user already has elsewhere: mc aliases, AWS profiles and the environment.

Discovered profiles *reference* their credentials (``mc:ALIAS``, ``aws:PROFILE``, ``env``);
keys are never copied out of those files. Problems are returned as warnings, never raised:
a broken ``~/.mc/config.json`` must not stop the app from starting.
"""

from __future__ import annotations

import configparser
import json
import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from minbrowse.config.profiles import Profile, ProfileError

AWS_DEFAULT_ENDPOINT = "s3.amazonaws.com"


def _home(env: Mapping[str, str]) -> Path:
    return Path(env.get("HOME") or os.path.expanduser("~"))


def mc_config_path(env: Mapping[str, str]) -> Path:
    base = env.get("MC_CONFIG_DIR")
    return (Path(base) if base else _home(env) / ".mc") / "config.json"


def _mc_env_profiles(env: Mapping[str, str]) -> tuple[list[Profile], list[str]]:
    """``MC_HOST_<alias>=https://ACCESS:SECRET@host:port`` → ``mc:<alias>`` (keys stay in env)."""
    found, warnings = [], []
    for var in sorted(env):
        if not var.startswith("MC_HOST_") or not env[var]:
            continue
        alias = var[len("MC_HOST_"):]
        parts = urlsplit(env[var])
        hostport = parts.netloc.rpartition("@")[2]
        try:
            found.append(Profile(name=f"mc:{alias}", endpoint=f"{parts.scheme}://{hostport}",
                                 credentials=f"mc:{alias}", source="mc"))
        except ProfileError as exc:
            warnings.append(f"environment variable {var} ignored: {exc}")
    return found, warnings


def mc_profiles(env: Mapping[str, str]) -> tuple[list[Profile], list[str]]:
    """``mc:ALIAS`` profiles: MC_HOST_<alias> variables, then the mc config's aliases."""
    from_env, env_warnings = _mc_env_profiles(env)
    from_file, file_warnings = _mc_file_profiles(env)
    taken = {p.name for p in from_env}
    return from_env + [p for p in from_file if p.name not in taken], env_warnings + file_warnings


def _mc_file_profiles(env: Mapping[str, str]) -> tuple[list[Profile], list[str]]:
    """One ``mc:ALIAS`` profile per alias in the mc config (``aliases`` or legacy ``hosts``)."""
    path = mc_config_path(env)
    if not path.is_file():
        return [], []
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return [], [f"{path}: ignored, cannot read mc config ({type(exc).__name__})"]
    aliases = None
    if isinstance(document, dict):
        aliases = document.get("aliases") or document.get("hosts")
    if not isinstance(aliases, dict):
        return [], [f"{path}: ignored, no aliases"]
    found, warnings = [], []
    for alias, entry in aliases.items():
        url = entry.get("url") if isinstance(entry, dict) else None
        if not isinstance(url, str) or not url:
            warnings.append(f"{path}: alias {alias!r} ignored, it has no url")
            continue
        try:
            found.append(Profile(name=f"mc:{alias}", endpoint=url, credentials=f"mc:{alias}",
                                 source="mc"))
        except ProfileError as exc:
            warnings.append(f"{path}: alias {alias!r} ignored: {exc}")
    return found, warnings


def _read_ini(path: Path) -> configparser.RawConfigParser | str:
    parser = configparser.RawConfigParser(interpolation=None, strict=False)
    try:
        with open(path, encoding="utf-8") as handle:
            parser.read_file(handle)
    except (OSError, UnicodeDecodeError) as exc:
        return f"{path}: ignored, cannot read ({type(exc).__name__})"
    except configparser.Error as exc:
        line = getattr(exc, "lineno", None)
        where = f", line {line}" if line else ""
        return f"{path}{where}: ignored, not an INI file ({type(exc).__name__})"
    return parser


def _nested(value: str) -> dict[str, str]:
    """Parse an AWS config sub-section value (``s3 =\\n  endpoint_url = ...``)."""
    result = {}
    for line in value.splitlines():
        key, sep, item = line.partition("=")
        if sep:
            result[key.strip().lower()] = item.strip()
    return result


def aws_profiles(env: Mapping[str, str]) -> tuple[list[Profile], list[str]]:
    """One ``aws:NAME`` profile per profile in the shared credentials and config files.

    Endpoint: ``AWS_ENDPOINT_URL_S3`` / ``AWS_ENDPOINT_URL`` from the environment, else the
    profile's ``services``/``s3``/``endpoint_url`` setting, else AWS S3. Region:
    ``AWS_REGION`` / ``AWS_DEFAULT_REGION``, else the profile's ``region``.
    """
    home = _home(env)
    cred_path = Path(env.get("AWS_SHARED_CREDENTIALS_FILE") or home / ".aws" / "credentials")
    conf_path = Path(env.get("AWS_CONFIG_FILE") or home / ".aws" / "config")
    names: dict[str, dict[str, str]] = {}
    services: dict[str, dict[str, str]] = {}
    warnings: list[str] = []
    for path, is_config in ((cred_path, False), (conf_path, True)):
        if not path.is_file():
            continue
        parser = _read_ini(path)
        if isinstance(parser, str):
            warnings.append(parser)
            continue
        for section in parser.sections():
            items = {k.lower(): v for k, v in parser.items(section)}
            if is_config and section.startswith("services "):
                services[section[len("services "):].strip()] = items
                continue
            if is_config and section.startswith("profile "):
                name = section[len("profile "):].strip()
            elif is_config and section.strip() != "default":
                continue  # sso-session and other non-profile sections
            else:
                name = section.strip()
            settings = names.setdefault(name, {})
            if is_config:  # only non-secret settings are kept from either file
                for key in ("region", "endpoint_url", "s3", "services", "ca_bundle"):
                    if key in items:
                        settings[key] = items[key]
    env_endpoint = env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL")
    env_region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
    found = []
    for name, settings in names.items():
        service = services.get(settings.get("services", ""), {})
        endpoint = (env_endpoint
                    or _nested(service.get("s3", "")).get("endpoint_url")
                    or _nested(settings.get("s3", "")).get("endpoint_url")
                    or settings.get("endpoint_url")
                    or AWS_DEFAULT_ENDPOINT)
        try:
            found.append(Profile(name=f"aws:{name}", endpoint=endpoint,
                                 region=env_region or settings.get("region") or None,
                                 credentials=f"aws:{name}",
                                 ca_bundle=env.get("AWS_CA_BUNDLE") or settings.get("ca_bundle"),
                                 source="aws"))
        except ProfileError as exc:
            warnings.append(f"AWS profile {name!r} ignored: {exc}")
    return found, warnings


def env_profile(env: Mapping[str, str]) -> tuple[list[Profile], list[str]]:
    """The ``env`` profile, when the environment names an endpoint.

    Endpoint from ``AWS_ENDPOINT_URL_S3``, ``AWS_ENDPOINT_URL``, ``MINIO_ENDPOINT`` or
    ``MINIO_SERVER_URL``; credentials from ``AWS_ACCESS_KEY_ID``/``MINIO_ACCESS_KEY`` and
    friends, read by the client when it connects.
    """
    endpoint = None
    for var in ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "MINIO_ENDPOINT", "MINIO_SERVER_URL"):
        if env.get(var):
            endpoint = env[var], var
            break
    if endpoint is None:
        return [], []
    secure = None
    if env.get("MINIO_SECURE"):
        secure = env["MINIO_SECURE"].strip().lower() in ("1", "true", "yes", "on")
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or env.get("MINIO_REGION")
    try:
        profile = Profile(name="env", endpoint=endpoint[0], region=region or None,
                          credentials="env", source="env",
                          ca_bundle=env.get("AWS_CA_BUNDLE") or None,
                          **({} if secure is None else {"secure": secure}))
    except ProfileError as exc:
        return [], [f"environment variable {endpoint[1]} ignored: {exc}"]
    return [profile], []


def discover(env: Mapping[str, str]) -> tuple[list[Profile], list[str]]:
    """All discovered profiles in display order: env, mc, aws."""
    profiles: list[Profile] = []
    warnings: list[str] = []
    for finder in (env_profile, mc_profiles, aws_profiles):
        found, problems = finder(env)
        profiles += found
        warnings += problems
    return profiles, warnings

"""Credentials value and the providers that find them (static, env, AWS profile, mc alias, chain).

Every provider is safe to share between threads. No message, repr or str produced
here ever contains a secret key, a session token or a credential_process output.
"""

from __future__ import annotations

import configparser
import json
import os
import shlex
import subprocess
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Iterable, Sequence
from urllib.parse import unquote, urlsplit, urlunsplit

from .errors import S3ClientError

_REDACTED = "***"


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


@dataclass(frozen=True)
class Credentials:
    """Access key, secret key and optional session token (with optional expiry)."""

    access_key: str
    secret_key: str = field(repr=False)
    session_token: str | None = field(default=None, repr=False)
    expiration: datetime | None = None

    def __post_init__(self) -> None:
        if not self.access_key:
            raise ValueError("access key must not be empty")
        if not self.secret_key:
            raise ValueError("secret key must not be empty")

    def is_expired(self, skew: timedelta = timedelta(seconds=10),
                   now: datetime | None = None) -> bool:
        """True when the expiry (naive = UTC) is within `skew` of now; never without expiry."""
        if self.expiration is None:
            return False
        current = _as_utc(now) if now is not None else _utcnow()
        return _as_utc(self.expiration) - skew <= current

    def __repr__(self) -> str:
        token = _REDACTED if self.session_token else None
        return (f"Credentials(access_key={self.access_key!r}, secret_key={_REDACTED!r}, "
                f"session_token={token!r}, expiration={self.expiration!r})")

    __str__ = __repr__


class Provider(ABC):
    """Source of credentials; `retrieve` may be called from many threads at once."""

    @abstractmethod
    def retrieve(self) -> Credentials:
        """Return current credentials or raise S3ClientError saying what is missing."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class StaticProvider(Provider):
    """Fixed credentials given in code."""

    def __init__(self, access_key: str, secret_key: str, session_token: str | None = None):
        self._credentials = Credentials(access_key, secret_key, session_token)

    def retrieve(self) -> Credentials:
        return self._credentials


def _from_env(provider: str, access_names: Sequence[str], secret_names: Sequence[str],
              token_names: Sequence[str] = ()) -> Credentials:
    def first(names: Sequence[str]) -> str | None:
        for name in names:
            if os.environ.get(name):
                return os.environ[name]
        return None

    access, secret = first(access_names), first(secret_names)
    if not access:
        raise S3ClientError(f"{provider}: environment variable {' or '.join(access_names)} is not set")
    if not secret:
        raise S3ClientError(f"{provider}: environment variable {' or '.join(secret_names)} is not set")
    return Credentials(access, secret, first(token_names))


class EnvAWSProvider(Provider):
    """AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN (read on each call)."""

    def retrieve(self) -> Credentials:
        return _from_env("EnvAWSProvider", ("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"),
                         ("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"),
                         ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"))


class EnvMinioProvider(Provider):
    """MINIO_ACCESS_KEY / MINIO_SECRET_KEY (MINIO_ROOT_USER / MINIO_ROOT_PASSWORD as fallback)."""

    def retrieve(self) -> Credentials:
        return _from_env("EnvMinioProvider", ("MINIO_ACCESS_KEY", "MINIO_ROOT_USER"),
                         ("MINIO_SECRET_KEY", "MINIO_ROOT_PASSWORD"))


def endpoint_from_env() -> str | None:
    """AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL, else None."""
    return os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or None


# ---------------------------------------------------------------- AWS shared config

_SECRET_SETTINGS = frozenset({"aws_secret_access_key", "aws_session_token", "aws_security_token"})
_PROCESS_TIMEOUT = 60.0


def _home() -> str:
    return os.path.expanduser("~")


def _read_ini(path: str, what: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(interpolation=None)
    if not os.path.exists(path):
        return parser
    try:
        with open(path, encoding="utf-8") as handle:
            parser.read_file(handle, source=path)
    except (OSError, UnicodeDecodeError) as exc:
        raise S3ClientError(f"cannot read {what} {path}: {type(exc).__name__}") from None
    except configparser.Error as exc:
        # configparser messages quote the offending line, which may hold a secret.
        raise S3ClientError(f"{what} {path} is not a valid INI file ({type(exc).__name__})") from None
    return parser


def _section_items(parser: configparser.RawConfigParser, section: str) -> dict[str, str]:
    if not parser.has_section(section):
        return {}
    return {key.lower(): value for key, value in parser.items(section)}


def _parse_process_expiration(value: object, profile: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        text = str(value).strip().replace("Z", "+00:00").replace("z", "+00:00")
        return _as_utc(datetime.fromisoformat(text))
    except ValueError:
        raise S3ClientError(
            f"credential_process for profile '{profile}' returned an invalid Expiration") from None


class AWSConfigProvider(Provider):
    """Credentials of one profile in ~/.aws/credentials and ~/.aws/config.

    Static keys are cached until either file changes; `credential_process` results
    are cached until their Expiration (forever when they carry none).
    """

    def __init__(self, filename: str | None = None, profile: str | None = None,
                 config_filename: str | None = None):
        self._filename = (filename or os.environ.get("AWS_SHARED_CREDENTIALS_FILE")
                          or os.path.join(_home(), ".aws", "credentials"))
        self._config_filename = (config_filename or os.environ.get("AWS_CONFIG_FILE")
                                 or os.path.join(_home(), ".aws", "config"))
        self._profile = profile or os.environ.get("AWS_PROFILE") or "default"
        self._lock = threading.Lock()
        self._cached: Credentials | None = None
        self._cached_stamp: object = None

    @property
    def profile(self) -> str:
        return self._profile

    def __repr__(self) -> str:
        return (f"AWSConfigProvider(filename={self._filename!r}, profile={self._profile!r}, "
                f"config_filename={self._config_filename!r})")

    def _stamp(self) -> tuple:
        stamp = []
        for path in (self._filename, self._config_filename):
            try:
                info = os.stat(path)
                stamp.append((info.st_mtime_ns, info.st_size))
            except OSError:
                stamp.append(None)
        return tuple(stamp)

    def _settings(self) -> dict[str, str]:
        """Merged profile settings: config file first, credentials file overrides."""
        config = _read_ini(self._config_filename, "AWS config file")
        section = "default" if self._profile == "default" else f"profile {self._profile}"
        settings = _section_items(config, section)
        if self._profile == "default" and not settings:
            settings = _section_items(config, "profile default")
        creds = _read_ini(self._filename, "AWS credentials file")
        settings.update(_section_items(creds, self._profile))
        return settings

    def profile_settings(self) -> dict[str, str]:
        """Non-secret settings of the profile (region, endpoint_url, ...).

        Nested service sections (``s3 =`` followed by indented ``key = value`` lines)
        are flattened to ``"s3.key"``.
        """
        flat: dict[str, str] = {}
        for key, value in self._settings().items():
            if key in _SECRET_SETTINGS:
                continue
            if value.startswith("\n"):
                for line in value.splitlines():
                    sub_key, sep, sub_value = line.partition("=")
                    if sep and sub_key.strip():
                        flat[f"{key}.{sub_key.strip().lower()}"] = sub_value.strip()
                continue
            flat[key] = value
        return flat

    @property
    def region(self) -> str | None:
        return self.profile_settings().get("region") or None

    @property
    def endpoint_url(self) -> str | None:
        settings = self.profile_settings()
        return settings.get("s3.endpoint_url") or settings.get("endpoint_url") or None

    def retrieve(self) -> Credentials:
        with self._lock:
            stamp = self._stamp()
            cached = self._cached
            if cached is not None and stamp == self._cached_stamp and not cached.is_expired():
                return cached
            settings = self._settings()
            credentials = self._resolve(settings)
            self._cached, self._cached_stamp = credentials, stamp
            return credentials

    def _where(self) -> str:
        return f"profile '{self._profile}' ({self._filename}, {self._config_filename})"

    def _resolve(self, settings: dict[str, str]) -> Credentials:
        access = settings.get("aws_access_key_id", "").strip()
        secret = settings.get("aws_secret_access_key", "").strip()
        token = (settings.get("aws_session_token") or settings.get("aws_security_token") or "").strip()
        if access and secret:
            return Credentials(access, secret, token or None)
        if access:
            raise S3ClientError(f"aws_secret_access_key is missing in {self._where()}")
        if secret:
            raise S3ClientError(f"aws_access_key_id is missing in {self._where()}")
        command = settings.get("credential_process", "").strip()
        if command:
            return self._run_process(command)
        if not settings:
            raise S3ClientError(f"{self._where()} not found")
        raise S3ClientError(
            f"{self._where()} has neither aws_access_key_id/aws_secret_access_key nor credential_process")

    def _run_process(self, command: str) -> Credentials:
        profile = self._profile
        try:
            argv = shlex.split(command)
        except ValueError:
            raise S3ClientError(f"credential_process for profile '{profile}' cannot be parsed") from None
        if not argv:
            raise S3ClientError(f"credential_process for profile '{profile}' is empty")
        program = os.path.basename(argv[0])
        try:
            done = subprocess.run(argv, capture_output=True, timeout=_PROCESS_TIMEOUT,
                                  check=False, shell=False, stdin=subprocess.DEVNULL)
        except FileNotFoundError:
            raise S3ClientError(
                f"credential_process for profile '{profile}': program '{program}' not found") from None
        except subprocess.TimeoutExpired:
            raise S3ClientError(f"credential_process for profile '{profile}' timed out "
                                f"after {_PROCESS_TIMEOUT:g}s") from None
        except OSError as exc:
            raise S3ClientError(f"credential_process for profile '{profile}' could not start "
                                f"'{program}': {type(exc).__name__}") from None
        if done.returncode != 0:
            raise S3ClientError(f"credential_process for profile '{profile}' exited with status "
                                f"{done.returncode} (its output is not shown)")
        try:
            document = json.loads(done.stdout.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise S3ClientError(
                f"credential_process for profile '{profile}' did not print valid JSON") from None
        if not isinstance(document, dict):
            raise S3ClientError(f"credential_process for profile '{profile}' did not print a JSON object")
        if document.get("Version") != 1:
            raise S3ClientError(
                f"credential_process for profile '{profile}' printed unsupported Version (need 1)")
        for name in ("AccessKeyId", "SecretAccessKey"):
            if not isinstance(document.get(name), str) or not document[name]:
                raise S3ClientError(f"credential_process for profile '{profile}' printed no {name}")
        token = document.get("SessionToken")
        expiration = _parse_process_expiration(document.get("Expiration"), profile)
        return Credentials(document["AccessKeyId"], document["SecretAccessKey"],
                           token if isinstance(token, str) and token else None, expiration)


# ---------------------------------------------------------------- MinIO client config

@dataclass(frozen=True)
class McAlias:
    """One alias of the MinIO client: its URL and keys (secret redacted in repr)."""

    url: str
    access_key: str | None
    secret_key: str | None = field(repr=False)
    api: str | None = None
    path: str | None = None
    session_token: str | None = field(default=None, repr=False)

    @property
    def secure(self) -> bool:
        return urlsplit(self.url).scheme.lower() == "https"

    @property
    def endpoint(self) -> str:
        """``host[:port]`` of the alias URL."""
        return urlsplit(self.url).netloc

    def __repr__(self) -> str:
        return (f"McAlias(url={self.url!r}, access_key={self.access_key!r}, "
                f"secret_key={_REDACTED!r}, api={self.api!r}, path={self.path!r})")

    __str__ = __repr__


def _mc_config_path(filename: str | None) -> str:
    if filename:
        return filename
    config_dir = os.environ.get("MC_CONFIG_DIR") or os.path.join(_home(), ".mc")
    return os.path.join(config_dir, "config.json")


def _alias_from_env(alias: str) -> McAlias | None:
    """MC_HOST_<alias>=scheme://ACCESS:SECRET[:TOKEN]@host[:port]."""
    value = os.environ.get(f"MC_HOST_{alias}")
    if not value:
        return None
    parts = urlsplit(value)
    if not parts.scheme or not parts.hostname:
        raise S3ClientError(f"environment variable MC_HOST_{alias} is not a URL")
    userinfo, _, hostport = parts.netloc.rpartition("@")
    access, secret, token = None, None, None
    if userinfo:
        fields = [unquote(piece) for piece in userinfo.split(":", 2)]
        access = fields[0] or None
        secret = fields[1] if len(fields) > 1 else None
        token = fields[2] if len(fields) > 2 else None
    url = urlunsplit((parts.scheme, hostport, parts.path, "", ""))
    return McAlias(url, access, secret, None, None, token or None)


def mc_alias(alias: str, filename: str | None = None) -> McAlias:
    """Look `alias` up in MC_HOST_<alias> or the mc config.json (``aliases`` or legacy ``hosts``)."""
    from_env = _alias_from_env(alias)
    if from_env is not None:
        return from_env
    path = _mc_config_path(filename)
    try:
        with open(path, encoding="utf-8") as handle:
            config = json.load(handle)
    except FileNotFoundError:
        raise S3ClientError(f"MinIO client config file {path} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise S3ClientError(f"cannot read MinIO client config file {path}: {type(exc).__name__}") from None
    except ValueError:
        raise S3ClientError(f"MinIO client config file {path} is not valid JSON") from None
    aliases = config.get("aliases") or config.get("hosts") if isinstance(config, dict) else None
    if not isinstance(aliases, dict):
        raise S3ClientError(f"MinIO client config file {path} has no aliases")
    entry = aliases.get(alias)
    if not isinstance(entry, dict):
        raise S3ClientError(f"alias '{alias}' not found in MinIO client config file {path}")
    url = entry.get("url")
    if not isinstance(url, str) or not url:
        raise S3ClientError(f"alias '{alias}' in {path} has no url")
    token = entry.get("sessionToken") or None
    return McAlias(url, entry.get("accessKey") or None, entry.get("secretKey") or None,
                   entry.get("api"), entry.get("path"), token)


class MinioClientConfigProvider(Provider):
    """Credentials of an mc alias (MC_HOST_<alias> or ~/.mc/config.json); alias defaults to "s3"."""

    def __init__(self, filename: str | None = None, alias: str | None = None):
        self._filename = filename
        self._alias = alias or os.environ.get("MINIO_ALIAS") or "s3"

    def __repr__(self) -> str:
        return f"MinioClientConfigProvider(filename={self._filename!r}, alias={self._alias!r})"

    def alias(self) -> McAlias:
        return mc_alias(self._alias, self._filename)

    def retrieve(self) -> Credentials:
        found = self.alias()
        if not found.access_key:
            raise S3ClientError(f"alias '{self._alias}' has no accessKey")
        if not found.secret_key:
            raise S3ClientError(f"alias '{self._alias}' has no secretKey")
        return Credentials(found.access_key, found.secret_key, found.session_token)


# ---------------------------------------------------------------- chain

class ChainedProvider(Provider):
    """Ask providers in order; the first that yields credentials is remembered and reused."""

    def __init__(self, providers: Iterable[Provider]):
        self._providers = list(providers)
        if not self._providers:
            raise ValueError("ChainedProvider needs at least one provider")
        self._lock = threading.Lock()
        self._current: Provider | None = None

    @property
    def current(self) -> Provider | None:
        """The provider that last yielded credentials (None before the first success)."""
        with self._lock:
            return self._current

    def __repr__(self) -> str:
        return f"ChainedProvider({self._providers!r})"

    def retrieve(self) -> Credentials:
        current = self.current
        if current is not None:
            try:
                return current.retrieve()
            except S3ClientError:
                pass  # fall back to a fresh walk of the chain
        reasons = []
        for provider in self._providers:
            try:
                credentials = provider.retrieve()
            except (S3ClientError, ValueError) as exc:
                reasons.append(f"{type(provider).__name__}: {exc}")
                continue
            with self._lock:
                self._current = provider
            return credentials
        with self._lock:
            self._current = None
        raise S3ClientError("no credentials found; " + "; ".join(reasons))

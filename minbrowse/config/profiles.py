"""The `Profile` value: one S3 endpoint plus how to find its credentials, and its client factory.

A profile names an endpoint (``host:port``), TLS on/off, a region and either literal
keys or a credentials *reference* (``env``, ``aws:PROFILE``, ``mc:ALIAS``). Secrets never
appear in a repr or an error message. ``make_client`` imports ``minbrowse.s3`` lazily so
that reading configuration never needs the client.

For convenience the rest of the configuration API (``Settings``, ``AppConfig``,
``load_config``, ``save_profile``, ``delete_profile``, ``ConfigError``) is importable from
here too; it lives in sibling modules and is loaded on first access.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:  # pragma: no cover
    from minbrowse.s3 import Client

SOURCES = ("config", "profiles.toml", "mc", "aws", "env", "demo")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@+\-]{0,63}$")
_REF_NAME = re.compile(r"^[A-Za-z0-9_.@+\-]{1,128}$")
_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_](?:[A-Za-z0-9_.\-]{0,252}))$")
_REDACTED = "***"


class ProfileError(ValueError):
    """A profile field is invalid; the message names the field, never a secret value."""


def check_profile_name(name: object) -> str:
    """Return `name` if it is a usable profile name, else raise ProfileError."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise ProfileError(
            "profile name must be 1-64 characters: letters, digits and _ . - : @ +, "
            "starting with a letter or digit"
        )
    return name


def normalise_endpoint(value: object, secure: bool | None = None) -> tuple[str, bool]:
    """``host[:port]`` or ``http(s)://host[:port][/]`` → (``host[:port]``, secure).

    A URL scheme decides `secure`; a bare host keeps the given `secure` (default True).
    """
    if not isinstance(value, str) or not value.strip():
        raise ProfileError("endpoint must be a non-empty host:port or http(s):// URL")
    text = value.strip()
    if "://" in text:
        parts = urlsplit(text)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise ProfileError(f"endpoint scheme {parts.scheme!r} is not http or https")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise ProfileError("endpoint must not have a path, query or fragment")
        if "@" in parts.netloc:
            raise ProfileError("endpoint must not carry user:password; use access_key/secret_key")
        text, secure = parts.netloc, scheme == "https"
    elif "/" in text or "?" in text or "#" in text or "@" in text:
        raise ProfileError("endpoint must be host:port (or an http(s):// URL without a path)")
    host, port = text, None
    if text.startswith("["):
        end = text.find("]")
        host, rest = text[: end + 1], text[end + 1 :]
        if end < 0 or (rest and not rest.startswith(":")):
            raise ProfileError("endpoint has an invalid IPv6 literal")
        port = rest[1:] if rest else None
    elif text.count(":") == 1:
        host, port = text.split(":")
    if not _HOST.match(host):
        raise ProfileError(f"endpoint host {host!r} is not a valid host name or address")
    if port is not None:
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise ProfileError(f"endpoint port {port!r} is not a number from 1 to 65535")
        text = f"{host}:{int(port)}"
    return text, True if secure is None else bool(secure)


def check_credentials_ref(value: object) -> str:
    """Validate ``env`` | ``aws:PROFILE`` | ``mc:ALIAS`` (``aws`` alone means ``aws:default``)."""
    if not isinstance(value, str):
        raise ProfileError('credentials must be "env", "aws:PROFILE" or "mc:ALIAS"')
    text = value.strip()
    if text == "env":
        return text
    if text == "aws":
        return "aws:default"
    kind, sep, name = text.partition(":")
    if sep and kind in ("aws", "mc") and _REF_NAME.match(name):
        return f"{kind}:{name}"
    # The value itself is not echoed: a secret pasted here by mistake must not be shown.
    raise ProfileError('credentials must be "env", "aws:PROFILE" or "mc:ALIAS"')


@dataclass(frozen=True)
class Profile:
    """One place to browse: endpoint, TLS, region and a credentials source."""

    name: str
    endpoint: str
    secure: bool = True
    region: str | None = None
    access_key: str | None = None
    secret_key: str | None = field(default=None, repr=False)
    session_token: str | None = field(default=None, repr=False)
    credentials: str | None = None
    ca_bundle: str | None = None
    source: str = "config"
    # [profiles.NAME.settings]: (key, value) pairs overriding [settings] for this profile
    settings: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        check_profile_name(self.name)
        endpoint, secure = normalise_endpoint(self.endpoint, self.secure)
        object.__setattr__(self, "endpoint", endpoint)
        object.__setattr__(self, "secure", secure)
        if self.credentials is not None:
            object.__setattr__(self, "credentials", check_credentials_ref(self.credentials))
            if self.access_key or self.secret_key or self.session_token:
                raise ProfileError(
                    f"profile {self.name!r}: give either credentials or access_key/secret_key, not both"
                )
        if bool(self.access_key) != bool(self.secret_key):
            raise ProfileError(
                f"profile {self.name!r}: access_key and secret_key must be given together"
            )
        if self.session_token and not self.access_key:
            raise ProfileError(f"profile {self.name!r}: session_token needs access_key/secret_key")
        if self.region is not None and not re.match(r"^[a-z0-9][a-z0-9\-]{0,62}$", self.region):
            raise ProfileError(f"profile {self.name!r}: region {self.region!r} is not a region name")
        if self.source not in SOURCES:
            raise ProfileError(f"profile {self.name!r}: unknown source {self.source!r}")

    def __repr__(self) -> str:
        secret = _REDACTED if self.secret_key else None
        token = _REDACTED if self.session_token else None
        return (
            f"Profile(name={self.name!r}, endpoint={self.endpoint!r}, secure={self.secure!r}, "
            f"region={self.region!r}, access_key={self.access_key!r}, secret_key={secret!r}, "
            f"session_token={token!r}, credentials={self.credentials!r}, "
            f"ca_bundle={self.ca_bundle!r}, source={self.source!r})"
        )

    __str__ = __repr__

    @property
    def url(self) -> str:
        return f"{'https' if self.secure else 'http'}://{self.endpoint}"

    @property
    def has_keys(self) -> bool:
        return bool(self.access_key and self.secret_key)

    @property
    def auth_label(self) -> str:
        """A short, secret-free description of where credentials come from."""
        if self.credentials:
            return self.credentials
        if self.has_keys:
            return "keys"
        return "anonymous"

    def credentials_provider(self) -> Any:
        """The `minbrowse.s3.credentials` provider for the reference, or None for keys/anonymous."""
        if self.credentials is None:
            return None
        from minbrowse.s3 import credentials as creds

        if self.credentials == "env":
            return creds.ChainedProvider([creds.EnvAWSProvider(), creds.EnvMinioProvider()])
        kind, _, name = self.credentials.partition(":")
        if kind == "aws":
            return creds.AWSConfigProvider(profile=name)
        return creds.MinioClientConfigProvider(alias=name)

    def make_client(self, **kw: Any) -> "Client":
        """Build a `minbrowse.s3.Client` for this profile; `kw` goes to the constructor."""
        from minbrowse.s3 import Client

        kw.setdefault("secure", self.secure)
        kw.setdefault("region", self.region)
        provider = self.credentials_provider()
        if provider is not None:
            kw.setdefault("credentials", provider)
        elif self.has_keys:
            kw.setdefault("access_key", self.access_key)
            kw.setdefault("secret_key", self.secret_key)
            kw.setdefault("session_token", self.session_token)
        if self.ca_bundle and "http_client" not in kw:
            kw.setdefault("ca_bundle", self.ca_bundle)
        return Client(self.endpoint, **kw)


_LAZY = {
    "Settings": "minbrowse.config.settings",
    "ConfigError": "minbrowse.config.errors",
    "AppConfig": "minbrowse.config.loader",
    "load_config": "minbrowse.config.loader",
    "save_profile": "minbrowse.config.store",
    "delete_profile": "minbrowse.config.store",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)

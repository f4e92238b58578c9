"""profiles.toml writes: atomic, 0600, config.toml untouched, keys only when asked."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest

from minbrowse.config import ConfigError, Profile, delete_profile, load_config, save_profile
from minbrowse.config import store

SECRET = "wJalrXUtnFEMI-secret"
HAND_WRITTEN = """# my hand-written config — comments must survive
default_profile = "mine"   # trailing comment

[profiles.mine]
endpoint = "127.0.0.1:9000"   # local MinIO
secure = false
"""


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "cfg"
    folder.mkdir()
    (folder / "config.toml").write_text(HAND_WRITTEN)
    os.chmod(folder / "config.toml", 0o600)
    return folder


def test_save_writes_profiles_toml_0600_and_leaves_config_byte_identical(config_dir, tmp_path):
    before = (config_dir / "config.toml").read_bytes()
    before_stat = (config_dir / "config.toml").stat()
    path = save_profile(config_dir, Profile("work", "https://s3.example.com", credentials="aws:work"))
    assert path == config_dir / "profiles.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert (config_dir / "config.toml").read_bytes() == before
    assert (config_dir / "config.toml").stat().st_mtime_ns == before_stat.st_mtime_ns
    assert tomllib.loads(path.read_text())["profiles"] == {
        "work": {"endpoint": "s3.example.com", "secure": True, "credentials": "aws:work"}}
    config = load_config(config_dir / "config.toml", env={"HOME": str(tmp_path)})
    assert config.names == ("mine", "work")
    assert config.profile("work").source == "profiles.toml"
    assert config.warnings == ()
    assert sorted(p.name for p in config_dir.iterdir()) == ["config.toml", "profiles.toml"]


def test_save_replaces_same_name_and_keeps_others(config_dir):
    save_profile(config_dir, Profile("a", "h:1", credentials="env"))
    save_profile(config_dir, Profile("b", "h:2", credentials="mc:local"))
    save_profile(config_dir, Profile("a", "h:3", secure=False, region="eu-west-1"))
    stored = tomllib.loads((config_dir / "profiles.toml").read_text())["profiles"]
    assert stored == {"a": {"endpoint": "h:3", "secure": False, "region": "eu-west-1"},
                      "b": {"endpoint": "h:2", "secure": True, "credentials": "mc:local"}}


def test_keys_are_stored_only_when_asked(config_dir):
    keyed = Profile("k", "h:1", access_key="AKIA", secret_key=SECRET, session_token="TOKEN")
    with pytest.raises(ConfigError) as info:
        save_profile(config_dir, keyed)
    assert SECRET not in str(info.value)
    assert not (config_dir / "profiles.toml").exists()
    save_profile(config_dir, keyed, store_keys=True)
    stored = tomllib.loads((config_dir / "profiles.toml").read_text())["profiles"]["k"]
    assert (stored["access_key"], stored["secret_key"], stored["session_token"]) == (
        "AKIA", SECRET, "TOKEN")
    config = load_config(config_dir / "config.toml", env={"HOME": str(config_dir)})
    assert config.profile("k").secret_key == SECRET


def test_failed_write_leaves_previous_file_and_no_temp(config_dir, monkeypatch):
    save_profile(config_dir, Profile("a", "h:1"))
    original = (config_dir / "profiles.toml").read_bytes()

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(store.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        save_profile(config_dir, Profile("b", "h:2"))
    assert (config_dir / "profiles.toml").read_bytes() == original
    assert sorted(p.name for p in config_dir.iterdir()) == ["config.toml", "profiles.toml"]


def test_write_goes_through_temp_file_in_same_dir_with_fsync(config_dir, monkeypatch):
    seen = {}
    real_replace, real_fsync = os.replace, os.fsync
    fsynced = []

    def spy_replace(src, dst):
        seen["src"], seen["dst"] = Path(src), Path(dst)
        seen["mode"] = stat.S_IMODE(os.stat(src).st_mode)
        seen["content"] = Path(src).read_text()
        return real_replace(src, dst)

    def spy_fsync(fd):
        fsynced.append(fd)
        return real_fsync(fd)

    monkeypatch.setattr(store.os, "replace", spy_replace)
    monkeypatch.setattr(store.os, "fsync", spy_fsync)
    save_profile(config_dir, Profile("a", "h:1"))
    assert seen["src"].parent == config_dir and seen["src"] != seen["dst"]
    assert seen["dst"] == config_dir / "profiles.toml"
    assert seen["mode"] == 0o600 and "[profiles.a]" in seen["content"]
    assert fsynced  # data flushed before the rename


def test_malformed_profiles_toml_is_not_overwritten(config_dir):
    (config_dir / "profiles.toml").write_text("[profiles.a\nendpoint=")
    with pytest.raises(ConfigError, match="line 1"):
        save_profile(config_dir, Profile("b", "h:2"))
    assert (config_dir / "profiles.toml").read_text() == "[profiles.a\nendpoint="


def test_delete_profile(config_dir):
    save_profile(config_dir, Profile("a", "h:1"))
    save_profile(config_dir, Profile("b", "h:2"))
    assert delete_profile(config_dir, "a") is True
    assert delete_profile(config_dir, "a") is False
    stored = tomllib.loads((config_dir / "profiles.toml").read_text())["profiles"]
    assert list(stored) == ["b"]
    assert stat.S_IMODE((config_dir / "profiles.toml").stat().st_mode) == 0o600
    assert delete_profile(config_dir, "b") is True
    assert tomllib.loads((config_dir / "profiles.toml").read_text()) == {}


def test_save_creates_missing_config_dir(tmp_path):
    folder = tmp_path / "new" / "minbrowse"
    path = save_profile(folder, Profile("a", "h:1"))
    assert path.is_file() and stat.S_IMODE(path.stat().st_mode) == 0o600

"""Config resolution, parsing, merging, permission warnings and error messages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from minbrowse.config import AppConfig, ConfigError, Profile, Settings, load_config
from minbrowse.config.loader import default_config_path

SECRET = "s3cr3t-VALUE-never-shown"
REPO = Path(__file__).resolve().parents[2]


def write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.chmod(path, mode)
    return path


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    return home


def test_default_path_prefers_minbrowse_config_then_xdg_then_home(tmp_path, home):
    env = {"HOME": str(home)}
    assert default_config_path(env) == home / ".config" / "minbrowse" / "config.toml"
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    assert default_config_path(env) == tmp_path / "xdg" / "minbrowse" / "config.toml"
    env["MINBROWSE_CONFIG"] = str(tmp_path / "explicit.toml")
    assert default_config_path(env) == tmp_path / "explicit.toml"


def test_relative_xdg_config_home_is_ignored(home):
    env = {"HOME": str(home), "XDG_CONFIG_HOME": "relative/dir"}
    assert default_config_path(env) == home / ".config" / "minbrowse" / "config.toml"


def test_loads_from_xdg(tmp_path, home):
    xdg = tmp_path / "xdg"
    write(xdg / "minbrowse" / "config.toml", '[profiles.x]\nendpoint = "h:1"\n')
    config = load_config(env={"HOME": str(home), "XDG_CONFIG_HOME": str(xdg)})
    assert config.names == ("x",)
    assert config.config_path == xdg / "minbrowse" / "config.toml"
    assert config.config_dir == xdg / "minbrowse"


def test_env_var_beats_xdg_and_explicit_path_beats_env(tmp_path, home):
    xdg = tmp_path / "xdg"
    write(xdg / "minbrowse" / "config.toml", '[profiles.fromxdg]\nendpoint = "h:1"\n')
    by_env = write(tmp_path / "env.toml", '[profiles.fromenv]\nendpoint = "h:2"\n')
    explicit = write(tmp_path / "cli.toml", '[profiles.fromcli]\nendpoint = "h:3"\n')
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(xdg), "MINBROWSE_CONFIG": str(by_env)}
    assert load_config(env=env).names == ("fromenv",)
    assert load_config(explicit, env=env).names == ("fromcli",)


def test_missing_default_file_is_fine_but_missing_explicit_is_an_error(tmp_path, home):
    config = load_config(env={"HOME": str(home)})
    assert config.profiles == () and config.settings == Settings() and config.warnings == ()
    assert config.start_profile() is None
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml", env={"HOME": str(home)})
    with pytest.raises(ConfigError, match="not found"):
        load_config(env={"HOME": str(home), "MINBROWSE_CONFIG": str(tmp_path / "nope.toml")})


def test_full_profile_and_settings(tmp_path, home):
    path = write(tmp_path / "c.toml", f"""
default_profile = "b"
[profiles.a]
endpoint = "http://127.0.0.1:9000/"
region = "eu-west-1"
access_key = "AK"
secret_key = "{SECRET}"
[profiles.b]
endpoint = "s3.example.com"
credentials = "aws:work"
ca_bundle = "~/ca.pem"
[settings]
part_size = 8388608
concurrency = 8
read_timeout = 5
""")
    config = load_config(path, env={"HOME": str(home)})
    a, b = config.profiles
    assert (a.endpoint, a.secure, a.region, a.access_key, a.secret_key) == (
        "127.0.0.1:9000", False, "eu-west-1", "AK", SECRET)
    assert a.source == "config"
    assert (b.endpoint, b.secure, b.credentials) == ("s3.example.com", True, "aws:work")
    assert b.ca_bundle == str(Path("~/ca.pem").expanduser())
    assert config.start_profile() == b
    assert config.settings.part_size == 8388608 and config.settings.concurrency == 8
    assert config.settings.read_timeout == 5.0 and isinstance(config.settings.read_timeout, float)
    assert SECRET not in repr(a) and SECRET not in repr(config)


def test_example_config_is_valid(home):
    config = load_config(REPO / "config.example.toml", env={"HOME": str(home)})
    assert config.names == ("local", "play", "corp")
    assert config.default_profile == "local"
    assert config.settings == Settings()  # the example documents the defaults


def test_unknown_profile_lists_known_names(tmp_path, home):
    path = write(tmp_path / "c.toml", '[profiles.one]\nendpoint="h:1"\n[profiles.two]\nendpoint="h:2"\n')
    config = load_config(path, env={"HOME": str(home)})
    with pytest.raises(ConfigError) as info:
        config.profile("three")
    assert str(info.value) == "unknown profile 'three'; known profiles: one, two"


def test_default_profile_must_exist(tmp_path, home):
    path = write(tmp_path / "c.toml", 'default_profile = "ghost"\n[profiles.one]\nendpoint="h:1"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path, env={"HOME": str(home)})
    assert "line 1" in str(info.value) and "'ghost'" in str(info.value) and "one" in str(info.value)


def test_bad_toml_names_file_line_and_key_without_the_secret(tmp_path, home):
    path = write(tmp_path / "c.toml",
                 f'[profiles.a]\nendpoint = "h:1"\nsecret_key = {SECRET}\naccess_key = "AK"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path, env={"HOME": str(home)})
    message = str(info.value)
    assert message.startswith(f"{path}, line 3 (key secret_key): ")
    assert SECRET not in message and "s3cr3t" not in message
    assert info.value.line == 3 and info.value.key == "secret_key"
    assert "\n" not in message


def test_wrong_type_names_file_line_and_key_without_the_value(tmp_path, home):
    path = write(tmp_path / "c.toml",
                 f'[profiles.a]\nendpoint = "h:1"\naccess_key = "AK"\nsecret_key = ["{SECRET}"]\n')
    with pytest.raises(ConfigError) as info:
        load_config(path, env={"HOME": str(home)})
    assert str(info.value) == f"{path}, line 4: profiles.a.secret_key: must be a string"


def test_invalid_profile_fields_are_reported_by_key(tmp_path, home):
    cases = {
        'endpoint = "ftp://h"': "scheme",
        'endpoint = "h:99999"': "port",
        'endpoint = "h:1"\nsecure = "yes"': "profiles.a.secure: must be true or false",
        'endpoint = "h:1"\ncredentials = "vault:x"': "credentials",
        f'endpoint = "h:1"\naccess_key = "AK"': "together",
        f'endpoint = "h:1"\ncredentials = "env"\naccess_key = "A"\nsecret_key = "{SECRET}"': "not both",
        'region = "x"': "missing required key endpoint",
    }
    for body, expected in cases.items():
        path = write(tmp_path / "c.toml", f"[profiles.a]\n{body}\n")
        with pytest.raises(ConfigError) as info:
            load_config(path, env={"HOME": str(home)})
        assert expected in str(info.value), body
        assert str(path) in str(info.value) and SECRET not in str(info.value)


def test_bad_settings_are_reported_with_line(tmp_path, home):
    path = write(tmp_path / "c.toml", "[settings]\npage_size = 5000\n")
    with pytest.raises(ConfigError) as info:
        load_config(path, env={"HOME": str(home)})
    assert str(info.value) == f"{path}, line 2: settings.page_size: must be between 1 and 1000"
    path = write(tmp_path / "c.toml", '[settings]\nconcurrency = "8"\n')
    with pytest.raises(ConfigError, match="settings.concurrency: must be a number"):
        load_config(path, env={"HOME": str(home)})


def test_unknown_keys_are_warnings(tmp_path, home):
    path = write(tmp_path / "c.toml", 'colour = "red"\n[profiles.a]\nendpoint = "h:1"\nfoo = 1\n')
    config = load_config(path, env={"HOME": str(home)})
    assert f"{path}: unknown key colour ignored" in config.warnings
    assert f"{path}: unknown key profiles.a.foo ignored" in config.warnings


def test_permission_warning_for_group_or_world_readable_files(tmp_path, home):
    path = write(tmp_path / "c.toml", '[profiles.a]\nendpoint = "h:1"\n', mode=0o644)
    config = load_config(path, env={"HOME": str(home)})
    assert any(str(path) in w and "0644" in w and "chmod 600" in w for w in config.warnings)
    os.chmod(path, 0o600)
    assert load_config(path, env={"HOME": str(home)}).warnings == ()
    write(tmp_path / "profiles.toml", '[profiles.b]\nendpoint = "h:2"\n', mode=0o640)
    warnings = load_config(path, env={"HOME": str(home)}).warnings
    assert len(warnings) == 1 and "profiles.toml" in warnings[0] and "0640" in warnings[0]


def test_profiles_toml_overrides_and_extends_config(tmp_path, home):
    path = write(tmp_path / "c.toml", '[profiles.a]\nendpoint = "h:1"\n[profiles.b]\nendpoint = "h:2"\n')
    write(tmp_path / "profiles.toml", '[profiles.a]\nendpoint = "h:9"\n[profiles.c]\nendpoint = "h:3"\n')
    config = load_config(path, env={"HOME": str(home)})
    assert [(p.name, p.endpoint, p.source) for p in config.profiles] == [
        ("a", "h:9", "profiles.toml"), ("b", "h:2", "config"), ("c", "h:3", "profiles.toml")]


def test_app_config_with_profile_replaces_in_place():
    one, two = Profile("one", "h:1"), Profile("two", "h:2")
    config = AppConfig((one, two), "one", None, Settings(), ())
    updated = config.with_profile(Profile("one", "h:9"))
    assert [p.endpoint for p in updated.profiles] == ["h:9", "h:2"]
    assert config.with_profile(Profile("three", "h:3")).names == ("one", "two", "three")


def test_keymap_overrides_and_client_kwargs(tmp_path, home):
    path = write(tmp_path / "c.toml",
                 '[settings]\nconcurrency = 8\n[settings.keymap]\ndelete = "x"\n"app.copy" = "C"\n')
    settings = load_config(path, env={"HOME": str(home)}).settings
    assert dict(settings.keymap) == {"app.delete": "x", "app.copy": "C"}
    kwargs = settings.client_kwargs()
    assert kwargs["max_pool_connections"] == 32  # 8 transfers, each with up to 4 requests
    assert kwargs["part_size"] == settings.part_size
    client_module = pytest.importorskip("minbrowse.s3.client")
    client = Profile("p", "h:1").make_client(**kwargs)  # every hint is a Client keyword
    assert isinstance(client, client_module.Client)
    path = write(tmp_path / "c.toml", '[settings.keymap]\ndelete = ""\n')
    with pytest.raises(ConfigError, match="line 2: settings.keymap.delete: must be a non-empty"):
        load_config(path, env={"HOME": str(home)})


def test_profile_settings_override_the_file_settings(tmp_path, home):
    path = write(tmp_path / "c.toml", """
[settings]
read_timeout = 30.0
bulk_concurrency = 64
[profiles.fast]
endpoint = "h:1"
[profiles.gentle]
endpoint = "h:2"
[profiles.gentle.settings]
bulk_concurrency = 4
part_size = 8388608
multipart_threshold = 8388608
""")
    config = load_config(path, env={"HOME": str(home)})
    fast, gentle = config.profile("fast"), config.profile("gentle")
    assert config.settings_for(fast) == config.settings
    assert config.settings_for(fast).bulk_kwargs() == {"concurrency": 64}
    mine = config.settings_for(gentle)
    assert (mine.bulk_concurrency, mine.part_size, mine.read_timeout) == (4, 8388608, 30.0)
    client = config.client_for(gentle)
    assert client.part_size == 8388608


def test_example_profile_settings(home):
    config = load_config(REPO / "config.example.toml", env={"HOME": str(home)})
    corp = config.settings_for(config.profile("corp"))
    assert corp.bulk_concurrency == 8 and corp.read_timeout == 120.0
    assert config.settings_for(config.profile("local")) == Settings()


@pytest.mark.parametrize("body, where, why", [
    ("bulk_concurrency = 1000", "bulk_concurrency", "between 0 and 512"),
    ("bulk_concurrency = 'many'", "bulk_concurrency", "must be a number"),
    # the rule ties two keys; the one missing here is named (the file's [settings] had none)
    ("part_size = 33554432", "multipart_threshold", "at least part_size"),
])
def test_bad_profile_settings_name_their_line(tmp_path, home, body, where, why):
    path = write(tmp_path / "c.toml", f'[profiles.p]\nendpoint = "h:1"\n[profiles.p.settings]\n{body}\n')
    with pytest.raises(ConfigError) as info:
        load_config(path, env={"HOME": str(home)})
    text = str(info.value)
    assert f"profiles.p.settings.{where}" in text and why in text, text
    if where == "bulk_concurrency":
        assert "line 4" in text


def test_unknown_profile_setting_warns(tmp_path, home):
    path = write(tmp_path / "c.toml", '[profiles.p]\nendpoint = "h:1"\n[profiles.p.settings]\nspeed = 3\n')
    config = load_config(path, env={"HOME": str(home)})
    assert any("profiles.p.settings.speed ignored" in w for w in config.warnings)
    assert config.profile("p").settings == ()

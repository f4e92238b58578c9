"""Pilot tests of the profile switcher and its add/edit form (profiles.toml writes)."""

from __future__ import annotations

import asyncio
import functools
import os
import stat
import tomllib
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Checkbox, Input, OptionList, Static

from minbrowse.config import load_config
from minbrowse.ui.screens.profiles import KEYS_NEED_CONSENT, ProfileForm, ProfileSwitcher

SECRET = "switcher-SECRET-value"
CONFIG = f"""# hand-written
default_profile = "one"
[profiles.one]
endpoint = "127.0.0.1:1"
secure = false
access_key = "AK1"
secret_key = "{SECRET}"
[profiles.two]
endpoint = "https://s3.example.com"
credentials = "env"
"""


@pytest.fixture
def config_path(tmp_path: Path, monkeypatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    for var in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "MINIO_ENDPOINT", "MINIO_SERVER_URL",
                "MC_CONFIG_DIR", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(home))  # the switcher re-reads config after a save
    path = tmp_path / "cfg" / "config.toml"
    path.parent.mkdir()
    path.write_text(CONFIG)
    os.chmod(path, 0o600)
    return path


def sync(test):
    """Run an async pilot test without an asyncio pytest plugin."""
    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))
    return wrapper


class Host(App[None]):
    def __init__(self, config, current="one") -> None:
        super().__init__()
        self.config = config
        self.current = current
        self.results: list = []

    def on_mount(self) -> None:
        self.push_screen(ProfileSwitcher(self.config, self.current), self.results.append)


def rows(screen: ProfileSwitcher) -> list[str]:
    options = screen.query_one(OptionList)
    return [options.get_option_at_index(i).prompt.plain for i in range(options.option_count)]


@sync
async def test_lists_profiles_without_keys_and_marks_current(config_path):
    app = Host(load_config(config_path, env={"HOME": os.environ["HOME"]}))
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProfileSwitcher)
        listed = rows(screen)
        assert len(listed) == 2
        assert listed[0].startswith("● one") and "http://127.0.0.1:1" in listed[0]
        assert "[config]" in listed[0] and "keys" in listed[0]
        assert listed[1].startswith("  two") and "https://s3.example.com" in listed[1]
        assert listed[1].rstrip().endswith("env")
        assert SECRET not in "".join(listed) and "AK1" not in "".join(listed)
        assert SECRET not in app.export_screenshot()


@sync
async def test_enter_selects_and_escape_closes(config_path):
    config = load_config(config_path, env={"HOME": os.environ["HOME"]})
    app = Host(config)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert [p.name for p in app.results] == ["two"]
        assert app.results[0] == config.profile("two")
    app = Host(config)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]


async def fill(screen: ProfileForm, **values) -> None:
    for widget_id, value in values.items():
        widget = screen.query_one(f"#{widget_id}")
        if isinstance(widget, Checkbox):
            widget.value = value
        else:
            assert isinstance(widget, Input)
            widget.value = value


def form_error(screen: ProfileForm) -> str:
    return str(screen.query_one("#form-error", Static).render())


@sync
async def test_new_profile_with_keys_needs_consent_then_saves_0600(config_path):
    before = config_path.read_bytes()
    app = Host(load_config(config_path, env={"HOME": os.environ["HOME"]}))
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ProfileForm)
        await pilot.press(*"three")  # typed into the focused name field
        await fill(form, endpoint="http://10.0.0.9:9000", **{"access-key": "AK3",
                                                             "secret-key": SECRET})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and form_error(form) == KEYS_NEED_CONSENT
        assert not (config_path.parent / "profiles.toml").exists()
        await fill(form, **{"store-keys": True})
        await pilot.press("ctrl+s")
        await pilot.pause()
        switcher = app.screen
        assert isinstance(switcher, ProfileSwitcher)
        listed = rows(switcher)
        assert switcher.config.names == ("one", "two", "three")
        assert any(r.strip().startswith("three") and "[profiles.toml]" in r for r in listed)
        assert switcher.highlighted_profile().name == "three"
        assert app.config.profile("three").endpoint == "10.0.0.9:9000"  # app sees it too
    stored_path = config_path.parent / "profiles.toml"
    assert stat.S_IMODE(stored_path.stat().st_mode) == 0o600
    stored = tomllib.loads(stored_path.read_text())["profiles"]["three"]
    assert stored == {"endpoint": "10.0.0.9:9000", "secure": False, "access_key": "AK3",
                      "secret_key": SECRET}
    assert config_path.read_bytes() == before


@sync
async def test_new_profile_with_reference_and_inline_validation(config_path):
    app = Host(load_config(config_path, env={"HOME": os.environ["HOME"]}))
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        await fill(form, name="two", endpoint="h:1")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "exists already" in form_error(form)
        await fill(form, name="ref", endpoint="h:99999")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "port" in form_error(form)
        await fill(form, endpoint="h:9000", credentials="vault:x")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "credentials" in form_error(form)
        await fill(form, credentials="aws:work", region="eu-west-1")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ProfileSwitcher)
    stored = tomllib.loads((config_path.parent / "profiles.toml").read_text())["profiles"]
    assert stored == {"ref": {"endpoint": "h:9000", "secure": True, "region": "eu-west-1",
                              "credentials": "aws:work"}}


@sync
async def test_edit_keeps_secret_and_delete_restores_config_profile(config_path):
    app = Host(load_config(config_path, env={"HOME": os.environ["HOME"]}))
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("e")  # edit "one" (highlighted)
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ProfileForm)
        assert form.query_one("#secret-key", Input).value == ""  # never prefilled
        await fill(form, region="eu-north-1", **{"store-keys": True})
        await pilot.press("ctrl+s")
        await pilot.pause()
        switcher = app.screen
        edited = switcher.config.profile("one")
        assert (edited.source, edited.region, edited.secret_key) == ("profiles.toml",
                                                                    "eu-north-1", SECRET)
        await pilot.press("delete")
        await pilot.pause()
        restored = switcher.config.profile("one")
        assert (restored.source, restored.region) == ("config", None)
        await pilot.press("delete")  # a config.toml profile cannot be deleted here
        await pilot.pause()
        assert switcher.config.profile("one").source == "config"
    assert tomllib.loads((config_path.parent / "profiles.toml").read_text()) == {}


@sync
async def test_no_form_without_config_folder(config_path):
    from minbrowse.config import AppConfig

    config = load_config(config_path, env={"HOME": os.environ["HOME"]})
    demo = AppConfig(config.profiles, None, None, config.settings, ())
    app = Host(demo)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ProfileSwitcher)
        assert not (config_path.parent / "profiles.toml").exists()


@sync
async def test_app_switches_profile_through_the_switcher(config_path):
    app_module = pytest.importorskip("minbrowse.ui.app")
    config = load_config(config_path, env={"HOME": os.environ["HOME"]})
    app = app_module.MinbrowseApp(config, config.profile("one"))
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("P")
        await pilot.pause()
        switcher = app.screen
        assert isinstance(switcher, ProfileSwitcher)
        assert rows(switcher)[0].startswith("● one")
        await pilot.press("down", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, ProfileSwitcher)
        assert app.profile.name == "two"
        assert app.client is not None

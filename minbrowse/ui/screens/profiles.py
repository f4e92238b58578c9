"""The profile switcher modal and its add/edit form (saved to profiles.toml via minbrowse.config).

`ProfileSwitcher(config, current)` lists profiles — name, endpoint, source and where the
credentials come from, never a key — and dismisses with the chosen `Profile` (Enter) or
None (Escape). `n` adds a profile, `e` edits the highlighted one; the form validates inline,
prefers a credentials reference and writes keys only when "store keys" is ticked.
"""

from __future__ import annotations

from pathlib import Path
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from minbrowse.config import AppConfig, ConfigError, Profile, ProfileError, save_profile
from minbrowse.config.loader import reload_config
from minbrowse.config.store import delete_profile

from ..core.safe_text import escape_control

KEYS_NEED_CONSENT = ("Keys given: tick \"Store keys in profiles.toml\", or clear them and use a "
                     "credentials reference (env, aws:PROFILE, mc:ALIAS)")


def profile_row(profile: Profile, current: bool, name_width: int = 16) -> Text:
    """One list row: marker, name, URL, source and credentials source — never a key."""
    row = Text("● " if current else "  ", style="bold green" if current else "")
    row.append(escape_control(profile.name).ljust(name_width), style="bold")
    row.append("  ")
    row.append(escape_control(profile.url))
    row.append(f"  [{profile.source}]", style="dim")
    row.append(f"  {escape_control(profile.auth_label)}", style="italic dim")
    return row


class ProfileSwitcher(ModalScreen[Profile | None]):
    """Pick the profile to browse with; add or edit profiles (saved to profiles.toml)."""

    DEFAULT_CSS = """
    ProfileSwitcher { align: center middle; }
    ProfileSwitcher > Vertical { width: 96; max-width: 95%; height: auto; max-height: 90%;
                                 border: thick $primary; background: $surface; padding: 1 2; }
    ProfileSwitcher OptionList { height: auto; max-height: 20; }
    ProfileSwitcher #profiles-hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", id="profiles.close"),
        Binding("n", "new_profile", "New profile", id="profiles.new"),
        Binding("e", "edit_profile", "Edit profile", id="profiles.edit"),
        Binding("delete", "delete_profile", "Delete saved profile", id="profiles.delete"),
    ]

    def __init__(self, config: AppConfig, current: str | None = None) -> None:
        super().__init__()
        self.config = config
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Profiles"
            yield OptionList(id="profiles-list")
            yield Static(Text("Enter: connect   n: new   e: edit   Del: delete (profiles.toml only)"
                              "   Esc: close"), id="profiles-hint")

    def on_mount(self) -> None:
        if self.current is None:
            self.current = getattr(getattr(self.app, "profile", None), "name", None)
        self._refresh_list(self.current)
        self.query_one(OptionList).focus()

    @property
    def option_list(self) -> OptionList:
        return self.query_one("#profiles-list", OptionList)

    def _refresh_list(self, highlight: str | None) -> None:
        width = max((len(p.name) for p in self.config.profiles), default=8)
        width = min(max(width, 8), 32)
        options = self.option_list
        options.clear_options()
        if not self.config.profiles:
            options.add_option(Option(Text("No profiles yet: press n to add one"), disabled=True))
            return
        options.add_options(
            Option(profile_row(p, p.name == self.current, width), id=f"p{index}")
            for index, p in enumerate(self.config.profiles)
        )
        names = list(self.config.names)
        options.highlighted = names.index(highlight) if highlight in names else 0

    def highlighted_profile(self) -> Profile | None:
        index = self.option_list.highlighted
        if index is None or not 0 <= index < len(self.config.profiles):
            return None
        return self.config.profiles[index]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.config.profiles):
            self.dismiss(self.config.profiles[event.option_index])

    def action_close(self) -> None:
        self.dismiss(None)

    def _config_dir(self) -> Path | None:
        return self.config.config_dir

    def action_new_profile(self) -> None:
        self._open_form(None)

    def action_edit_profile(self) -> None:
        profile = self.highlighted_profile()
        if profile is not None:
            self._open_form(profile)

    def _open_form(self, original: Profile | None) -> None:
        folder = self._config_dir()
        if folder is None:
            self.notify("No configuration folder (demo mode): profiles cannot be saved",
                        severity="warning", markup=False)
            return
        self.app.push_screen(ProfileForm(self.config, folder, original),
                             lambda saved: self._saved(saved, original))

    def _saved(self, profile: Profile | None, original: Profile | None = None) -> None:
        if profile is None:
            return
        config = self.config
        if original is not None and original.name != profile.name \
                and original.source == "profiles.toml":
            config = self._without(original.name)
        self._use_config(config.with_profile(profile))
        self._refresh_list(profile.name)
        self.notify(f"Saved profile {profile.name} to profiles.toml", markup=False)

    def _use_config(self, fallback: AppConfig) -> None:
        """Re-read the files (a deleted override shows its config.toml original again)."""
        try:
            self.config = reload_config(self.config)
        except (ConfigError, OSError):
            self.config = fallback
        if hasattr(self.app, "config"):
            self.app.config = self.config  # later switchers see the change too

    def _without(self, name: str) -> AppConfig:
        config = self.config
        return AppConfig(tuple(p for p in config.profiles if p.name != name),
                         config.default_profile, config.config_path, config.settings,
                         config.warnings)

    def action_delete_profile(self) -> None:
        profile = self.highlighted_profile()
        folder = self._config_dir()
        if profile is None or folder is None:
            return
        if profile.source != "profiles.toml":
            self.notify(f"{profile.name} comes from {profile.source}; only profiles saved in "
                        "profiles.toml can be deleted here", severity="warning", markup=False)
            return
        try:
            delete_profile(folder, profile.name)
        except (ConfigError, OSError) as exc:
            self.notify(escape_control(str(exc)), severity="error", markup=False)
            return
        self._use_config(self._without(profile.name))
        self._refresh_list(None)
        self.notify(f"Deleted profile {profile.name} from profiles.toml", markup=False)


class ProfileForm(ModalScreen[Profile | None]):
    """Add or edit one profile; validates inline; saves to profiles.toml and dismisses it."""

    DEFAULT_CSS = """
    ProfileForm { align: center middle; }
    ProfileForm > VerticalScroll { width: 80; max-width: 95%; height: auto; max-height: 95%;
                                   border: thick $primary; background: $surface; padding: 0 2; }
    ProfileForm Label { margin-top: 1; }
    ProfileForm #form-error { color: $error; height: auto; margin-top: 1; }
    ProfileForm Horizontal { height: auto; align-horizontal: right; margin: 1 0; }
    ProfileForm Button { margin-left: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="profile_form.cancel"),
                Binding("ctrl+s", "save", "Save", id="profile_form.save")]

    def __init__(self, config: AppConfig, config_dir: Path, original: Profile | None = None) -> None:
        super().__init__()
        self.config = config
        self.config_dir = Path(config_dir)
        self.original = original

    def compose(self) -> ComposeResult:
        p = self.original
        refs = ["env"] + sorted({q.credentials for q in self.config.profiles
                                 if q.credentials and q.source in ("mc", "aws")})
        with VerticalScroll() as box:
            box.border_title = f"Edit profile {p.name}" if p else "New profile"
            yield Label("Name")
            yield Input(value=p.name if p else "", placeholder="e.g. local", id="name")
            yield Label("Endpoint (host:port or http(s)://host:port)")
            yield Input(value=p.url if p else "", placeholder="http://127.0.0.1:9000", id="endpoint")
            yield Checkbox("Use TLS (https) for host:port endpoints", p.secure if p else True,
                           id="secure")
            yield Label("Region (optional)")
            yield Input(value=(p.region or "") if p else "", placeholder="us-east-1", id="region")
            yield Label("Credentials reference (preferred): env, aws:PROFILE or mc:ALIAS")
            yield Input(value=(p.credentials or "") if p else "", placeholder="env",
                        suggester=SuggestFromList(refs, case_sensitive=True), id="credentials")
            yield Label("…or keys (leave empty for a reference or anonymous access)")
            yield Input(value=(p.access_key or "") if p else "", placeholder="access key",
                        id="access-key")
            secret_hint = "secret key (empty: keep the current one)" if p and p.has_keys \
                else "secret key"
            yield Input(placeholder=secret_hint, password=True, id="secret-key")
            yield Checkbox("Store keys in profiles.toml (file mode 0600)", False, id="store-keys")
            yield Static(Text(""), id="form-error")
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button("Save (ctrl+s)", id="save", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    def show_error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(Text(escape_control(message)))

    def build_profile(self) -> tuple[Profile, bool]:
        """The profile the form describes and whether to store keys; raises ProfileError."""
        name, access = self._value("name"), self._value("access-key")
        secret = self.query_one("#secret-key", Input).value
        original = self.original
        if access and not secret and original is not None and original.access_key == access:
            secret = original.secret_key or ""  # unchanged keys: keep the stored secret
        creating = original is None or original.name != name
        if creating and name in self.config.names:
            raise ProfileError(f"a profile named {name!r} exists already; edit it with e")
        profile = Profile(
            name=name,
            endpoint=self._value("endpoint"),
            secure=self.query_one("#secure", Checkbox).value,
            region=self._value("region") or None,
            access_key=access or None,
            secret_key=secret or None,
            session_token=(original.session_token if original and original.access_key == access
                           and access else None),
            credentials=self._value("credentials") or None,
            ca_bundle=original.ca_bundle if original else None,
            source="profiles.toml",
        )
        store_keys = self.query_one("#store-keys", Checkbox).value
        if profile.has_keys and not store_keys:
            raise ProfileError(KEYS_NEED_CONSENT)
        return profile, store_keys

    def action_save(self) -> None:
        try:
            profile, store_keys = self.build_profile()
            save_profile(self.config_dir, profile, store_keys=store_keys)
        except (ProfileError, ConfigError) as exc:
            self.show_error(str(exc))
            return
        except OSError as exc:
            self.show_error(f"cannot write profiles.toml: {exc.strerror or type(exc).__name__}")
            return
        original = self.original
        if original is not None and original.name != profile.name \
                and original.source == "profiles.toml":
            try:
                delete_profile(self.config_dir, original.name)
            except (ConfigError, OSError):
                pass  # the new entry is saved; the old one stays
        self.dismiss(profile)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

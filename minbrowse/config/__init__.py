"""Configuration: profiles, settings, where they come from, and the LOCATION argument. No textual."""

from minbrowse.config.errors import ConfigError
from minbrowse.config.loader import AppConfig, default_config_path, load_config
from minbrowse.config.location import Location, LocationError, parse_location
from minbrowse.config.profiles import Profile, ProfileError
from minbrowse.config.settings import Settings
from minbrowse.config.store import delete_profile, save_profile

__all__ = [
    "AppConfig",
    "ConfigError",
    "Location",
    "LocationError",
    "Profile",
    "ProfileError",
    "Settings",
    "default_config_path",
    "delete_profile",
    "load_config",
    "parse_location",
    "save_profile",
]

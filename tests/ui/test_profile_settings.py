"""The settings in force for the app's profile reach its clients and its bulk jobs."""

from __future__ import annotations

from minbrowse.config import AppConfig, Profile, Settings
from minbrowse.ui.app import MinbrowseApp


def _profile(name: str, **settings) -> Profile:
    return Profile(name=name, endpoint="127.0.0.1:9", secure=False, region="us-east-1",
                   access_key="ak", secret_key="sk-secret", source="config",
                   settings=tuple(settings.items()))


def test_profile_overrides_reach_the_client_and_the_bulk_jobs() -> None:
    gentle = _profile("gentle", bulk_concurrency=3, read_timeout=7.0, concurrency=2)
    plain = _profile("plain")
    config = AppConfig(profiles=(gentle, plain), default_profile="gentle",
                       settings=Settings(bulk_concurrency=0, read_timeout=30.0))
    app = MinbrowseApp(config, gentle)
    assert app.client._transport.timeouts.read == 7.0
    assert app.transfers.tuning == {"concurrency": 3}
    assert app.transfers.queue._executor._max_workers == 2
    other = app.client_for_profile(plain)
    assert other._transport.timeouts.read == 30.0
    app.profile = plain
    assert app.bulk_tuning() == {} and app.transfers.tuning == {}  # derived, not stored

"""mc aliases, AWS profiles and the environment show up as profiles, referencing credentials."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from minbrowse.config import Profile, load_config

SECRET = "mc-and-aws-SECRET-value"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    (home / ".mc").mkdir(parents=True)
    (home / ".aws").mkdir()
    (home / ".mc" / "config.json").write_text(json.dumps({
        "version": "10",
        "aliases": {
            "local": {"url": "http://localhost:9000", "accessKey": "minio",
                      "secretKey": SECRET, "api": "s3v4", "path": "auto"},
            "play": {"url": "https://play.min.io", "accessKey": "Q3", "secretKey": SECRET},
            "broken": {"accessKey": "x"},
        },
    }))
    (home / ".aws" / "credentials").write_text(
        f"[default]\naws_access_key_id = AKIA\naws_secret_access_key = {SECRET}\n"
        f"[work]\naws_access_key_id = AKIB\naws_secret_access_key = {SECRET}\n"
    )
    (home / ".aws" / "config").write_text(
        "[default]\nregion = eu-central-1\n"
        "[profile work]\nregion = us-west-2\nendpoint_url = http://10.0.0.5:8333\n"
        "[profile onlyconfig]\nservices = mine\n"
        "[services mine]\ns3 =\n  endpoint_url = https://objects.example.com\n"
        "[sso-session corp]\nsso_region = us-east-1\n"
    )
    return home


def by_name(profiles) -> dict[str, Profile]:
    return {p.name: p for p in profiles}


def test_mc_and_aws_profiles_are_discovered_without_copying_keys(home):
    config = load_config(env={"HOME": str(home)})
    found = by_name(config.profiles)
    assert list(found) == ["mc:local", "mc:play", "aws:default", "aws:work", "aws:onlyconfig"]
    local = found["mc:local"]
    assert (local.endpoint, local.secure, local.credentials, local.source) == (
        "localhost:9000", False, "mc:local", "mc")
    assert found["mc:play"].secure is True and found["mc:play"].endpoint == "play.min.io"
    default = found["aws:default"]
    assert (default.endpoint, default.region, default.credentials, default.source) == (
        "s3.amazonaws.com", "eu-central-1", "aws:default", "aws")
    work = found["aws:work"]
    assert (work.endpoint, work.secure, work.region) == ("10.0.0.5:8333", False, "us-west-2")
    assert found["aws:onlyconfig"].endpoint == "objects.example.com"
    for profile in config.profiles:
        assert profile.access_key is None and profile.secret_key is None
        assert SECRET not in repr(profile)
    assert any("'broken'" in w and "no url" in w for w in config.warnings)
    assert all(SECRET not in w for w in config.warnings)


def test_mc_config_dir_and_aws_file_env_overrides(tmp_path, home):
    other = tmp_path / "othermc"
    other.mkdir()
    (other / "config.json").write_text(json.dumps({"hosts": {"legacy": {"url": "https://x.example"}}}))
    aws_creds = tmp_path / "creds"
    aws_creds.write_text("[ci]\naws_access_key_id = A\naws_secret_access_key = B\n")
    env = {"HOME": str(home), "MC_CONFIG_DIR": str(other),
           "AWS_SHARED_CREDENTIALS_FILE": str(aws_creds),
           "AWS_CONFIG_FILE": str(tmp_path / "missing-config"),
           "AWS_REGION": "ap-south-1", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:7000"}
    found = by_name(load_config(env=env).profiles)
    assert set(found) == {"env", "mc:legacy", "aws:ci"}
    assert found["aws:ci"].endpoint == "127.0.0.1:7000" and found["aws:ci"].region == "ap-south-1"
    assert found["env"].credentials == "env" and found["env"].secure is False


def test_env_profile_from_minio_variables(tmp_path):
    env = {"HOME": str(tmp_path), "MINIO_ENDPOINT": "play.min.io:9000", "MINIO_SECURE": "false",
           "MINIO_ACCESS_KEY": "a", "MINIO_SECRET_KEY": SECRET}
    (profile,) = load_config(env=env).profiles
    assert (profile.name, profile.endpoint, profile.secure, profile.source, profile.credentials) == (
        "env", "play.min.io:9000", False, "env", "env")
    assert profile.secret_key is None


def test_no_env_profile_without_an_endpoint(tmp_path):
    env = {"HOME": str(tmp_path), "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": SECRET}
    assert load_config(env=env).profiles == ()


def test_config_names_win_over_discovered_ones_and_order(tmp_path, home):
    path = tmp_path / "c.toml"
    path.write_text('[profiles."mc:local"]\nendpoint = "override:1"\n[profiles.mine]\nendpoint="h:1"\n')
    config = load_config(path, env={"HOME": str(home), "AWS_ENDPOINT_URL": "http://e:1"})
    assert config.names[:4] == ("mc:local", "mine", "env", "mc:play")
    assert config.profile("mc:local").endpoint == "override:1"
    assert config.profile("mc:local").source == "config"
    assert config.start_profile().name == "mc:local"


def test_broken_discovery_files_are_warnings_not_errors(tmp_path):
    home = tmp_path / "h"
    (home / ".mc").mkdir(parents=True)
    (home / ".aws").mkdir()
    (home / ".mc" / "config.json").write_text("{not json")
    (home / ".aws" / "credentials").write_text("no section header\n")
    config = load_config(env={"HOME": str(home)})
    assert config.profiles == ()
    assert len(config.warnings) == 2
    assert "mc config" in config.warnings[0] and "not an INI file" in config.warnings[1]


def test_make_client_uses_credential_references(monkeypatch, home):
    credentials = pytest.importorskip("minbrowse.s3.credentials")
    aws = Profile("a", "h:1", credentials="aws:work").credentials_provider()
    assert isinstance(aws, credentials.AWSConfigProvider) and aws.profile == "work"
    mc = Profile("m", "h:1", credentials="mc:local").credentials_provider()
    assert isinstance(mc, credentials.MinioClientConfigProvider)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("MC_CONFIG_DIR", raising=False)
    assert mc.retrieve().secret_key == SECRET
    env = Profile("e", "h:1", credentials="env").credentials_provider()
    assert isinstance(env, credentials.ChainedProvider)
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    monkeypatch.delenv("AWS_ACCESS_KEY", raising=False)
    monkeypatch.setenv("MINIO_ACCESS_KEY", "minio-user")
    monkeypatch.setenv("MINIO_SECRET_KEY", SECRET)
    assert env.retrieve().access_key == "minio-user"
    assert Profile("k", "h:1", access_key="a", secret_key="b").credentials_provider() is None


def test_mc_host_environment_aliases(tmp_path, home):
    env = {"HOME": str(home), "MC_HOST_edge": f"https://EDGEKEY:{SECRET}@edge.example.com:9443",
           "MC_HOST_local": "http://other:1"}
    config = load_config(env=env)
    edge = config.profile("mc:edge")
    assert (edge.endpoint, edge.secure, edge.credentials) == ("edge.example.com:9443", True,
                                                               "mc:edge")
    assert SECRET not in repr(edge) and edge.access_key is None
    assert config.profile("mc:local").endpoint == "other:1"  # env wins, like mc itself
    assert [n for n in config.names if n == "mc:local"] == ["mc:local"]

"""Credentials value and providers: env, AWS profiles (incl. credential_process), mc aliases, chain."""

from __future__ import annotations

import json
import os
import sys
import textwrap
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from minbrowse.s3 import credentials as credmod
from minbrowse.s3.credentials import (
    AWSConfigProvider,
    ChainedProvider,
    Credentials,
    EnvAWSProvider,
    EnvMinioProvider,
    McAlias,
    MinioClientConfigProvider,
    Provider,
    StaticProvider,
    endpoint_from_env,
    mc_alias,
)
from minbrowse.s3.errors import S3ClientError

SECRET = "wJalr-SECRET-VALUE-never-shown"
TOKEN = "SESSION-TOKEN-never-shown"

_ENV_VARS = (
    "AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY",
    "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_CONFIG_FILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "MINIO_ACCESS_KEY",
    "MINIO_SECRET_KEY", "MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD", "MINIO_ALIAS", "MC_CONFIG_DIR",
    "MC_HOST_s3", "MC_HOST_play",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in _ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


def _no_secret(text: str) -> None:
    assert SECRET not in text and TOKEN not in text


# --------------------------------------------------------------------------- Credentials

def test_credentials_repr_str_redact_secrets():
    creds = Credentials("AKID", SECRET, TOKEN, datetime(2030, 1, 1))
    for text in (repr(creds), str(creds), f"{creds}", repr([creds])):
        _no_secret(text)
        assert "AKID" in text
    assert creds.secret_key == SECRET and creds.session_token == TOKEN


def test_credentials_require_keys():
    with pytest.raises(ValueError):
        Credentials("", "s")
    with pytest.raises(ValueError):
        Credentials("a", "")


def test_is_expired_with_skew_and_naive_utc():
    now = datetime(2024, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
    assert not Credentials("a", "s").is_expired(now=now)
    soon = Credentials("a", "s", expiration=datetime(2024, 1, 1, 12, 0, 5))  # naive = UTC
    assert soon.is_expired(now=now)  # within default 10 s skew
    assert not soon.is_expired(skew=timedelta(seconds=1), now=now)
    later = Credentials("a", "s", expiration=datetime(2024, 1, 1, 13, 0, tzinfo=timezone(timedelta(hours=1))))
    assert later.is_expired(skew=timedelta(0), now=now)  # 13:00+01:00 == 12:00Z
    assert Credentials("a", "s", expiration=datetime(2000, 1, 1)).is_expired()


def test_static_provider():
    creds = StaticProvider("AK", SECRET, TOKEN).retrieve()
    assert (creds.access_key, creds.secret_key, creds.session_token) == ("AK", SECRET, TOKEN)
    assert isinstance(StaticProvider("a", "b"), Provider)


# --------------------------------------------------------------------------- environment

def test_env_aws_provider(monkeypatch):
    with pytest.raises(S3ClientError, match="AWS_ACCESS_KEY_ID"):
        EnvAWSProvider().retrieve()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKENV")
    with pytest.raises(S3ClientError, match="AWS_SECRET_ACCESS_KEY") as info:
        EnvAWSProvider().retrieve()
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    creds = EnvAWSProvider().retrieve()
    assert (creds.access_key, creds.secret_key, creds.session_token) == ("AKENV", SECRET, TOKEN)
    _no_secret(str(info.value))


def test_env_aws_provider_legacy_names_and_live_reads(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY", "OLDAK")
    monkeypatch.setenv("AWS_SECRET_KEY", SECRET)
    provider = EnvAWSProvider()
    assert provider.retrieve().access_key == "OLDAK"
    assert provider.retrieve().session_token is None
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "NEWAK")
    assert provider.retrieve().access_key == "NEWAK"


def test_env_minio_provider(monkeypatch):
    with pytest.raises(S3ClientError, match="MINIO_ACCESS_KEY"):
        EnvMinioProvider().retrieve()
    monkeypatch.setenv("MINIO_ROOT_USER", "root")
    monkeypatch.setenv("MINIO_ROOT_PASSWORD", SECRET)
    assert EnvMinioProvider().retrieve().access_key == "root"
    monkeypatch.setenv("MINIO_ACCESS_KEY", "minioak")
    monkeypatch.setenv("MINIO_SECRET_KEY", "miniosk")
    creds = EnvMinioProvider().retrieve()
    assert (creds.access_key, creds.secret_key) == ("minioak", "miniosk")


def test_endpoint_from_env(monkeypatch):
    assert endpoint_from_env() is None
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://general:1")
    assert endpoint_from_env() == "http://general:1"
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://s3only:2")
    assert endpoint_from_env() == "http://s3only:2"


# --------------------------------------------------------------------------- AWS profiles

def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_aws_config_default_profile_from_home(clean_env):
    _write(clean_env / ".aws" / "credentials", f"""
        [default]
        aws_access_key_id = AKDEFAULT
        aws_secret_access_key = {SECRET}
        [other]
        aws_access_key_id = AKOTHER
        aws_secret_access_key = other-secret
        aws_session_token = {TOKEN}
    """)
    creds = AWSConfigProvider().retrieve()
    assert (creds.access_key, creds.secret_key, creds.session_token) == ("AKDEFAULT", SECRET, None)
    other = AWSConfigProvider(profile="other").retrieve()
    assert (other.access_key, other.session_token) == ("AKOTHER", TOKEN)
    _no_secret(repr(AWSConfigProvider()))


def test_aws_profile_env_and_config_file_sections(clean_env, monkeypatch, tmp_path):
    creds_file = _write(tmp_path / "elsewhere" / "creds.ini", """
        [dev]
        aws_access_key_id = AKCREDSFILE
    """)
    config_file = _write(tmp_path / "elsewhere" / "config.ini", f"""
        [default]
        region = us-east-1
        [profile dev]
        aws_access_key_id = AKCONFIG
        aws_secret_access_key = {SECRET}
        region = eu-west-3
        endpoint_url = http://127.0.0.1:8333
        s3 =
            endpoint_url = http://127.0.0.1:9000
            addressing_style = path
    """)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(creds_file))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config_file))
    monkeypatch.setenv("AWS_PROFILE", "dev")
    provider = AWSConfigProvider()
    assert provider.profile == "dev"
    creds = provider.retrieve()
    # credentials file overrides the config file key by key
    assert (creds.access_key, creds.secret_key) == ("AKCREDSFILE", SECRET)
    settings = provider.profile_settings()
    assert settings["region"] == "eu-west-3"
    assert settings["endpoint_url"] == "http://127.0.0.1:8333"
    assert settings["s3.endpoint_url"] == "http://127.0.0.1:9000"
    assert settings["s3.addressing_style"] == "path"
    assert "aws_secret_access_key" not in settings
    _no_secret(json.dumps(settings))
    assert provider.region == "eu-west-3"
    assert provider.endpoint_url == "http://127.0.0.1:9000"
    assert AWSConfigProvider(profile="default").region == "us-east-1"


def test_aws_profile_errors_name_file_profile_and_key_never_secret(tmp_path):
    creds_file = _write(tmp_path / "c", f"""
        [halfsecret]
        aws_secret_access_key = {SECRET}
        [halfaccess]
        aws_access_key_id = AKHALF
        [nothing]
        region = x
    """)
    cases = {"halfsecret": "aws_access_key_id is missing", "halfaccess": "aws_secret_access_key is missing",
             "nothing": "neither", "absent": "not found"}
    for profile, message in cases.items():
        provider = AWSConfigProvider(filename=str(creds_file), profile=profile,
                                     config_filename=str(tmp_path / "none"))
        with pytest.raises(S3ClientError) as info:
            provider.retrieve()
        text = str(info.value)
        assert message in text and f"'{profile}'" in text and str(creds_file) in text
        _no_secret(text)


def test_aws_config_invalid_ini_does_not_echo_lines(tmp_path):
    bad = _write(tmp_path / "bad", f"aws_secret_access_key = {SECRET}\n[default]\n")
    with pytest.raises(S3ClientError, match="not a valid INI") as info:
        AWSConfigProvider(filename=str(bad), config_filename=str(tmp_path / "none")).retrieve()
    _no_secret(str(info.value))


def test_aws_config_refreshes_when_file_changes(tmp_path):
    path = _write(tmp_path / "c", "[default]\naws_access_key_id = AK1\naws_secret_access_key = s1\n")
    provider = AWSConfigProvider(filename=str(path), config_filename=str(tmp_path / "none"))
    first = provider.retrieve()
    assert provider.retrieve() is first  # cached
    path.write_text("[default]\naws_access_key_id = AK2\naws_secret_access_key = s2\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert provider.retrieve().access_key == "AK2"


# --------------------------------------------------------------------------- credential_process

def _process_script(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "dir with space"
    folder.mkdir(exist_ok=True)
    script = folder / "creds helper.py"
    script.write_text(textwrap.dedent(body), encoding="utf-8")
    return script


def _process_profile(tmp_path: Path, script: Path, *args: str, profile: str = "proc") -> AWSConfigProvider:
    import shlex
    command = " ".join(shlex.quote(part) for part in (sys.executable, str(script), *args))
    config = _write(tmp_path / "config", f"[profile {profile}]\ncredential_process = {command}\nregion = r1\n")
    return AWSConfigProvider(filename=str(tmp_path / "no-creds"), profile=profile,
                             config_filename=str(config))


COUNTING_SCRIPT = """
    import json, sys, pathlib
    counter = pathlib.Path(sys.argv[1])
    n = int(counter.read_text()) + 1 if counter.exists() else 1
    counter.write_text(str(n))
    doc = {"Version": 1, "AccessKeyId": f"AKPROC{n}", "SecretAccessKey": "SECRET-%d" % n,
           "SessionToken": "TOKEN-%d" % n}
    if sys.argv[2] != "none":
        doc["Expiration"] = sys.argv[2]
    print(json.dumps(doc))
"""


def test_credential_process_cached_until_expiration(tmp_path):
    counter = tmp_path / "count"
    future = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    provider = _process_profile(tmp_path, _process_script(tmp_path, COUNTING_SCRIPT), str(counter), future)
    creds = provider.retrieve()
    assert (creds.access_key, creds.secret_key, creds.session_token) == ("AKPROC1", "SECRET-1", "TOKEN-1")
    assert creds.expiration is not None and creds.expiration.tzinfo is not None
    threads = [threading.Thread(target=provider.retrieve) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert provider.retrieve().access_key == "AKPROC1"
    assert counter.read_text() == "1"
    assert provider.profile_settings()["region"] == "r1"


def test_credential_process_refreshed_when_expired(tmp_path):
    counter = tmp_path / "count"
    near = (datetime.now(timezone.utc) + timedelta(seconds=5)).isoformat()  # inside the 10 s skew
    provider = _process_profile(tmp_path, _process_script(tmp_path, COUNTING_SCRIPT), str(counter), near)
    assert provider.retrieve().access_key == "AKPROC1"
    assert provider.retrieve().access_key == "AKPROC2"
    assert counter.read_text() == "2"


def test_credential_process_without_expiration_is_cached(tmp_path):
    counter = tmp_path / "count"
    provider = _process_profile(tmp_path, _process_script(tmp_path, COUNTING_SCRIPT), str(counter), "none")
    assert provider.retrieve().expiration is None
    provider.retrieve()
    assert counter.read_text() == "1"


@pytest.mark.parametrize("body, message", [
    (f"import sys\nprint('{SECRET}')\nprint('{TOKEN}', file=sys.stderr)\nsys.exit(3)\n", "exited with status 3"),
    (f"print('not json {SECRET}')\n", "valid JSON"),
    (f"print('[\"{SECRET}\"]')\n", "JSON object"),
    (f"import json\nprint(json.dumps({{'Version': 2, 'AccessKeyId': 'a', 'SecretAccessKey': '{SECRET}'}}))\n",
     "Version"),
    (f"import json\nprint(json.dumps({{'Version': 1, 'AccessKeyId': 'a', 'SessionToken': '{TOKEN}'}}))\n",
     "SecretAccessKey"),
    (f"import json\nprint(json.dumps({{'Version': 1, 'AccessKeyId': 'a', 'SecretAccessKey': '{SECRET}', "
     f"'Expiration': 'soon-{TOKEN}'}}))\n", "Expiration"),
])
def test_credential_process_errors_name_profile_not_output(tmp_path, body, message):
    provider = _process_profile(tmp_path, _process_script(tmp_path, body), profile="team")
    with pytest.raises(S3ClientError) as info:
        provider.retrieve()
    text = str(info.value)
    assert message in text and "'team'" in text
    _no_secret(text)
    # a printed traceback never shows the underlying parse error (which holds the output)
    assert info.value.__cause__ is None
    assert info.value.__context__ is None or info.value.__suppress_context__


def test_credential_process_missing_program_and_timeout(tmp_path, monkeypatch):
    config = _write(tmp_path / "config", "[profile gone]\ncredential_process = /nonexistent/helper --x\n")
    provider = AWSConfigProvider(filename=str(tmp_path / "nc"), profile="gone", config_filename=str(config))
    with pytest.raises(S3ClientError, match="program 'helper' not found"):
        provider.retrieve()

    monkeypatch.setattr(credmod, "_PROCESS_TIMEOUT", 0.5)
    slow = _process_profile(tmp_path, _process_script(tmp_path, "import time\ntime.sleep(30)\n"),
                            profile="slow")
    with pytest.raises(S3ClientError, match="'slow' timed out"):
        slow.retrieve()


# --------------------------------------------------------------------------- mc aliases

def _mc_config(home: Path, aliases: dict, key: str = "aliases") -> Path:
    path = home / ".mc" / "config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": "10", key: aliases}), encoding="utf-8")
    return path


def test_mc_alias_from_config_and_default_alias(clean_env, monkeypatch):
    _mc_config(clean_env, {
        "s3": {"url": "https://s3.amazonaws.com", "accessKey": "AKS3", "secretKey": SECRET, "api": "S3v4",
               "path": "auto"},
        "local": {"url": "http://127.0.0.1:9000", "accessKey": "minio", "secretKey": "minio123",
                  "api": "s3v4", "path": "on"},
    })
    creds = MinioClientConfigProvider().retrieve()
    assert (creds.access_key, creds.secret_key) == ("AKS3", SECRET)
    local = mc_alias("local")
    assert local == McAlias("http://127.0.0.1:9000", "minio", "minio123", "s3v4", "on")
    assert (local.endpoint, local.secure) == ("127.0.0.1:9000", False)
    assert mc_alias("s3").secure is True
    _no_secret(repr(mc_alias("s3")) + str(mc_alias("s3")))
    monkeypatch.setenv("MINIO_ALIAS", "local")
    assert MinioClientConfigProvider().retrieve().access_key == "minio"
    assert MinioClientConfigProvider(alias="s3").retrieve().access_key == "AKS3"


def test_mc_legacy_hosts_and_explicit_file(tmp_path):
    path = _mc_config(tmp_path, {"play": {"url": "https://play.min.io", "accessKey": "Q3", "secretKey": "zu"}},
                      key="hosts")
    assert MinioClientConfigProvider(filename=str(path), alias="play").retrieve().access_key == "Q3"


def test_mc_host_env_overrides_file(clean_env, monkeypatch):
    _mc_config(clean_env, {"play": {"url": "https://file.example", "accessKey": "F", "secretKey": "f"}})
    monkeypatch.setenv("MC_HOST_play", "https://ENVAK:s%2Fk%40x:tok@play.example.com:9443")
    alias = mc_alias("play")
    assert (alias.url, alias.access_key, alias.secret_key) == ("https://play.example.com:9443", "ENVAK", "s/k@x")
    creds = MinioClientConfigProvider(alias="play").retrieve()
    assert (creds.secret_key, creds.session_token) == ("s/k@x", "tok")
    assert "s/k@x" not in repr(alias)


def test_mc_errors(clean_env, tmp_path):
    with pytest.raises(S3ClientError, match="not found"):
        MinioClientConfigProvider().retrieve()
    _mc_config(clean_env, {"other": {"url": "http://x", "accessKey": "a", "secretKey": SECRET},
                           "nokey": {"url": "http://y", "accessKey": "a"}})
    with pytest.raises(S3ClientError, match="alias 's3' not found"):
        MinioClientConfigProvider().retrieve()
    with pytest.raises(S3ClientError, match="no secretKey"):
        MinioClientConfigProvider(alias="nokey").retrieve()
    broken = tmp_path / "broken.json"
    broken.write_text(f'{{"aliases": {{"s3": "{SECRET}"', encoding="utf-8")
    with pytest.raises(S3ClientError, match="not valid JSON") as info:
        MinioClientConfigProvider(filename=str(broken)).retrieve()
    _no_secret(str(info.value))


# --------------------------------------------------------------------------- chain

class _Counting(Provider):
    def __init__(self, result):
        self.result, self.calls = result, 0

    def retrieve(self):
        self.calls += 1
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


def test_chain_order_first_success_remembered():
    missing = _Counting(S3ClientError("nothing here"))
    first = _Counting(Credentials("AK1", "s1"))
    second = _Counting(Credentials("AK2", "s2"))
    chain = ChainedProvider([missing, first, second])
    assert chain.current is None
    assert chain.retrieve().access_key == "AK1"
    assert chain.current is first
    assert chain.retrieve().access_key == "AK1"
    assert (missing.calls, first.calls, second.calls) == (1, 2, 0)


def test_chain_rewalks_when_remembered_provider_fails():
    flaky = _Counting(Credentials("AK1", "s1"))
    backup = _Counting(Credentials("AK2", "s2"))
    chain = ChainedProvider([flaky, backup])
    chain.retrieve()
    flaky.result = S3ClientError("gone")
    assert chain.retrieve().access_key == "AK2"
    assert chain.current is backup


def test_chain_all_failing_lists_reasons_without_secrets(clean_env, monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)  # half-configured: no access key
    chain = ChainedProvider([EnvAWSProvider(), EnvMinioProvider(), AWSConfigProvider(),
                             MinioClientConfigProvider()])
    with pytest.raises(S3ClientError) as info:
        chain.retrieve()
    text = str(info.value)
    for name in ("EnvAWSProvider", "EnvMinioProvider", "AWSConfigProvider", "MinioClientConfigProvider"):
        assert name in text
    _no_secret(text)
    assert chain.current is None
    with pytest.raises(ValueError):
        ChainedProvider([])


def test_chain_with_real_providers_prefers_env(clean_env, monkeypatch):
    _write(clean_env / ".aws" / "credentials", "[default]\naws_access_key_id = AKFILE\naws_secret_access_key = f\n")
    chain = ChainedProvider([EnvAWSProvider(), AWSConfigProvider()])
    assert chain.retrieve().access_key == "AKFILE"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "e")
    fresh = ChainedProvider([EnvAWSProvider(), AWSConfigProvider()])
    assert fresh.retrieve().access_key == "AKENV"

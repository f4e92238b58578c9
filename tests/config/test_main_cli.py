"""`python -m minbrowse`: bad input ends with one line on stderr, exit status 2, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from minbrowse import __main__ as cli
from minbrowse.config import Location

REPO = Path(__file__).resolve().parents[2]
SECRET = "cli-SECRET-value"


def run_cli(*args: str, home: Path, extra_env: dict[str, str] | None = None):
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "PYTHONPATH": str(REPO),
           "LANG": "C.UTF-8"}
    env.update(extra_env or {})
    return subprocess.run([sys.executable, "-m", "minbrowse", *args], cwd=str(home), env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("args, fragment", [
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["ftp://bucket/key"], "LOCATION must look like s3://"),
    (["s3://x/"], "not a valid bucket name"),
    (["--profile", "nope"], "unknown profile 'nope'"),
    (["--config", "/nonexistent/minbrowse.toml"], "configuration file not found"),
    (["--demo", "--profile", "x"], "--demo cannot be combined"),
    (["s3://a/b", "s3://c/d"], "unrecognized arguments"),
    ([], "no profiles found"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, args, fragment):
    result = run_cli(*args, home=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("minbrowse: error: "), result.stderr
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr


def test_bad_toml_via_cli_names_line_and_hides_secret(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text(f'[profiles.a]\nendpoint = "h:1"\nsecret_key = {SECRET}\n')
    result = run_cli("--config", str(config), home=tmp_path)
    assert result.returncode == 2
    assert f"{config}, line 3 (key secret_key)" in result.stderr
    assert SECRET not in result.stderr and "Traceback" not in result.stderr


def test_help_and_version_exit_0(tmp_path):
    result = run_cli("--help", home=tmp_path)
    assert result.returncode == 0 and "--read-only" in result.stdout and "LOCATION" in result.stdout
    result = run_cli("--version", home=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("minbrowse ")


def write_config(tmp_path: Path) -> Path:
    path = tmp_path / "c.toml"
    path.write_text('default_profile = "two"\n[profiles.one]\nendpoint = "h:1"\n'
                    '[profiles.two]\nendpoint = "h:2"\n')
    os.chmod(path, 0o600)
    return path


def test_resolve_picks_default_profile_location_and_flags(tmp_path):
    path = write_config(tmp_path)
    env = {"HOME": str(tmp_path)}
    launch = cli.resolve(["--config", str(path), "--read-only", "s3://bkt/a/b.txt"], env)
    assert launch.profile.name == "two" and launch.read_only and not launch.demo
    assert launch.location == Location("bkt", "a/", "a/b.txt")
    assert launch.debug_path is None
    launch = cli.resolve(["--config", str(path), "--profile", "one"], env)
    assert launch.profile.name == "one" and launch.location is None and not launch.read_only


def test_resolve_uses_minbrowse_config_env(tmp_path):
    path = write_config(tmp_path)
    launch = cli.resolve([], {"HOME": str(tmp_path), "MINBROWSE_CONFIG": str(path)})
    assert launch.config.config_path == path and launch.profile.name == "two"


def test_debug_flag_optional_file(tmp_path):
    path = write_config(tmp_path)
    env = {"HOME": str(tmp_path)}
    launch = cli.resolve(["--config", str(path), "--debug"], env)
    assert launch.debug_path == Path(cli.DEFAULT_DEBUG_FILE)
    launch = cli.resolve(["--config", str(path), "--debug", "trace.log", "s3://bkt/"], env)
    assert launch.debug_path == Path("trace.log") and launch.location == Location("bkt")
    launch = cli.resolve(["--config", str(path), "--debug", "s3://bkt/p/"], env)
    assert launch.debug_path == Path(cli.DEFAULT_DEBUG_FILE)
    assert launch.location == Location("bkt", "p/")


def test_demo_resolves_without_reading_config(tmp_path):
    launch = cli.resolve(["--demo", "--read-only", "s3://demo-files/"],
                         {"HOME": str(tmp_path), "MINBROWSE_CONFIG": str(tmp_path / "missing")})
    assert launch.demo and launch.config is None and launch.profile is None
    assert launch.read_only and launch.location == Location("demo-files")


def test_main_hands_resolved_values_to_run_app(tmp_path, monkeypatch, capsys):
    path = write_config(tmp_path)
    calls = []
    monkeypatch.setattr(cli, "_run_app", lambda config, profile, launch: calls.append(
        (config.names, profile.name, launch.location, launch.read_only)) or 0)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cli.main(["--config", str(path), "--read-only", "s3://bkt/k"]) == 0
    assert calls == [(("one", "two"), "two", Location("bkt", "", "k"), True)]


def test_unexpected_errors_are_one_line_with_debug_hint(tmp_path, monkeypatch, capsys):
    path = write_config(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))

    def boom(*_args):
        raise RuntimeError("kaput")

    monkeypatch.setattr(cli, "_run_app", boom)
    assert cli.main(["--config", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == ("minbrowse: error: unexpected RuntimeError: kaput; "
                           "run with --debug FILE to record details")
    debug = tmp_path / "debug.log"
    assert cli.main(["--config", str(path), "--debug", str(debug)]) == 1
    assert f"details in {debug}" in capsys.readouterr().err
    assert "Traceback" in debug.read_text() and "kaput" in debug.read_text()


def test_probe_prints_the_capability_table_and_exits(seaweed, tmp_path):
    """`minbrowse --probe --config FILE --profile NAME` against a real SeaweedFS: exit 0."""
    client = seaweed.client()
    name = seaweed.unique_bucket("probe")
    client.make_bucket(name)
    try:
        config = tmp_path / "c.toml"
        config.write_text(f'[profiles.weed]\nendpoint = "{seaweed.endpoint}"\nsecure = false\n'
                          f'region = "us-east-1"\naccess_key = "{seaweed.access_key}"\n'
                          f'secret_key = "{seaweed.secret_key}"\n')
        config.chmod(0o600)
        done = run_cli("--config", str(config), "--profile", "weed", "--probe", home=tmp_path)
    finally:
        client.remove_bucket(name)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "profile:  weed" in lines
    assert any(line.startswith("server:   seaweedfs (Server: SeaweedFS") for line in lines[:4])
    assert any(line.startswith(name) for line in lines), done.stdout
    assert seaweed.secret_key not in done.stdout + done.stderr


def test_probe_of_an_unreachable_endpoint_exits_1(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[profiles.gone]\nendpoint = "127.0.0.1:9"\nsecure = false\n'
                      'region = "us-east-1"\n')
    config.chmod(0o600)
    done = run_cli("--config", str(config), "--probe", home=tmp_path)
    assert done.returncode == 1
    assert any(line.startswith("unreachable:") for line in done.stdout.splitlines()), done.stdout
    assert "Traceback" not in done.stdout + done.stderr

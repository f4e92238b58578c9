"""The `minbrowse` command: parse arguments, resolve config/profile/LOCATION, start the app.

Bad input (arguments, configuration, LOCATION, unknown profile) ends with one clear line
on stderr and exit status 2 — never a traceback. The Textual app is imported lazily, so
argument and configuration errors are reported without loading the UI.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from minbrowse import __version__
from minbrowse.config import (
    AppConfig,
    ConfigError,
    Location,
    LocationError,
    Profile,
    Settings,
    load_config,
    parse_location,
)

PROG = "minbrowse"
DEFAULT_DEBUG_FILE = "minbrowse-debug.log"
EXIT_USAGE = 2
EXIT_FAILURE = 1
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """Bad command-line input: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="A keyboard-driven terminal browser for S3-compatible object storage.",
        epilog="Config: $MINBROWSE_CONFIG, else $XDG_CONFIG_HOME/minbrowse/config.toml "
               "(see config.example.toml).",
    )
    parser.add_argument("location", nargs="?", metavar="LOCATION",
                        help="s3://bucket/prefix/ to open a prefix, s3://bucket/key to select an object")
    parser.add_argument("--config", metavar="FILE", type=Path, help="configuration file to read")
    parser.add_argument("--profile", metavar="NAME", help="profile to start with")
    parser.add_argument("--read-only", action="store_true", help="disable every mutating action")
    parser.add_argument("--demo", action="store_true",
                        help="start an embedded SeaweedFS with demo buckets (removed on exit)")
    parser.add_argument("--debug", nargs="?", const=DEFAULT_DEBUG_FILE, metavar="FILE",
                        help=f"write a redacted HTTP trace and the app log to FILE "
                             f"(default ./{DEFAULT_DEBUG_FILE})")
    parser.add_argument("--probe", action="store_true",
                        help="print what the profile's server is and what each bucket has "
                             "(read-only), then exit")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    return parser


@dataclass(frozen=True)
class Launch:
    """Everything `main` resolved from the command line, before the app starts."""

    config: AppConfig | None  # None in demo mode until the server is up
    profile: Profile | None
    location: Location | None
    read_only: bool
    demo: bool
    debug_path: Path | None
    probe: bool = False


def resolve(argv: Sequence[str] | None = None, env: dict[str, str] | None = None) -> Launch:
    """Parse `argv` and resolve config, profile and LOCATION; raise UsageError/ConfigError."""
    env = dict(os.environ) if env is None else env
    args = build_parser().parse_args(argv)
    location_text, debug = args.location, args.debug
    if debug is not None and debug.lower().startswith("s3://") and location_text is None:
        location_text, debug = debug, DEFAULT_DEBUG_FILE  # `--debug s3://…`: no FILE given
    location = parse_location(location_text) if location_text is not None else None
    debug_path = Path(debug).expanduser() if debug is not None else None
    if debug_path is not None and debug_path.is_dir():
        raise UsageError(f"--debug {debug_path} is a directory; name a file")
    if args.demo and args.probe:
        raise UsageError("--probe needs a profile's server, not --demo")
    if args.demo:
        if args.profile or args.config:
            raise UsageError("--demo cannot be combined with --profile or --config")
        return Launch(None, None, location, args.read_only, True, debug_path)
    config = load_config(args.config, env)
    if args.profile:
        profile = config.profile(args.profile)
    else:
        profile = config.start_profile()
    if profile is None:
        raise UsageError(
            f"no profiles found; create {config.config_path} (see config.example.toml), "
            "set AWS_ENDPOINT_URL, add an mc alias, or try --demo"
        )
    return Launch(config, profile, location, args.read_only, False, debug_path, args.probe)


def _run_app(config: AppConfig, profile: Profile, launch: Launch,
             exit_signals: tuple[int, ...] = ()) -> int:
    from minbrowse.ui.app import run_app

    location = str(launch.location) if launch.location is not None else None
    status = run_app(config, profile, read_only=launch.read_only, location=location,
                     debug_path=launch.debug_path, exit_signals=exit_signals)
    return status if isinstance(status, int) else 0


def _raise_system_exit(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


# By default SIGTERM/SIGHUP end the demo without its `finally`: nothing is cleaned up.
_DEMO_EXIT_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP")
                           if hasattr(signal, name))


def _run_demo(launch: Launch) -> int:
    from minbrowse.demo import run_demo

    # Turn them into SystemExit, and while the app runs into a clean exit of the app
    # (an exception raised inside its event loop can leave it hanging, see run_app).
    for signum in _DEMO_EXIT_SIGNALS:
        signal.signal(signum, _raise_system_exit)
    print("minbrowse: starting the demo server…", file=sys.stderr, flush=True)
    with run_demo() as profile:
        config = AppConfig(profiles=(profile,), default_profile=profile.name, config_path=None,
                           settings=Settings(), warnings=())
        return _run_app(config, profile, launch, exit_signals=_DEMO_EXIT_SIGNALS)


def _printable(text: str) -> str:
    """Keys and names from a server, safe to print: control characters escaped."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in str(text))


def _run_probe(config: AppConfig, profile: Profile) -> int:
    from minbrowse.capabilities.table import run_probe

    scheme = "https" if profile.secure else "http"
    client = config.client_for(profile)
    print(f"profile:  {_printable(profile.name)}")
    return run_probe(client, f"{scheme}://{profile.endpoint}",
                     lambda line: print(line, flush=True), _printable)


def _fail(message: str, status: int) -> int:
    first = message.strip().splitlines()[0] if message.strip() else "error"
    print(f"{PROG}: error: {first}", file=sys.stderr)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    launch: Launch | None = None
    try:
        launch = resolve(argv)
        if launch.demo:
            return _run_demo(launch)
        assert launch.config is not None and launch.profile is not None
        for warning in launch.config.warnings:
            print(f"{PROG}: warning: {warning}", file=sys.stderr)
        if launch.probe:
            return _run_probe(launch.config, launch.profile)
        return _run_app(launch.config, launch.profile, launch)
    except UsageError as exc:
        return _fail(f"{exc} (see {PROG} --help)", EXIT_USAGE)
    except (ConfigError, LocationError) as exc:
        return _fail(str(exc), EXIT_USAGE)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:
        return _unexpected(exc, launch)


def _unexpected(exc: Exception, launch: Launch | None) -> int:
    from minbrowse.embedded.seaweedfs import SeaweedNotFoundError, SeaweedStartError

    if isinstance(exc, SeaweedNotFoundError):
        return _fail(str(exc), EXIT_FAILURE)
    if isinstance(exc, SeaweedStartError):
        print(f"{PROG}: error: the demo server did not start: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    if isinstance(exc, ModuleNotFoundError) and (exc.name or "").startswith("minbrowse.ui"):
        return _fail("the user interface is not available in this installation", EXIT_FAILURE)
    where = ""
    if launch is not None and launch.debug_path is not None:
        try:
            with open(launch.debug_path, "a", encoding="utf-8") as handle:
                traceback.print_exception(exc, file=handle)
            where = f"; details in {launch.debug_path}"
        except OSError:
            pass
    hint = where or "; run with --debug FILE to record details"
    detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return _fail(f"unexpected {type(exc).__name__}{': ' + detail if detail else ''}{hint}",
                 EXIT_FAILURE)


if __name__ == "__main__":
    sys.exit(main())

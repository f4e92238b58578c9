"""A throwaway one-node Ceph cluster with a RADOS Gateway on loopback, for the tests.

One monitor, one memstore OSD (no disk), no manager, auth off, radosgw's beast frontend on
127.0.0.1:PORT and one S3 user. Needs Debian's `radosgw ceph-mon ceph-osd ceph-common`
(16.2; `.ci/run` installs them). Ready in about 15 s here; `start_in_background()` begins at
once on a thread so the other servers' tests run meanwhile, and `wait()` joins it.
`stop()` ends exactly the daemons it launched. Learnt from Ceph's vstart.sh and the
workplace's start-rgw.sh recipe; written for this project (no file outside it is used).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from minbrowse.embedded.ports import free_port

BINARIES = ("ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "ceph", "ceph-authtool",
            "monmaptool")
ACCESS_KEY = "rgwtestaccess"
SECRET_KEY = "rgwtestsecret1234567890"


def missing_binaries() -> list[str]:
    return [name for name in BINARIES if shutil.which(name) is None]


def _config(state: Path, fsid: str, port: int, mon_port: int) -> str:
    return f"""[global]
fsid = {fsid}
mon host = [v2:127.0.0.1:{mon_port}]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr1 = false
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
keyring = {state}/keyring
log file = {state}/log/$name.log
admin socket = {state}/run/$name.asok
pid file = {state}/run/$name.pid
run dir = {state}/run
crash dir = {state}/crash
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon data avail warn = 2
mon data avail crit = 1
[mon]
mon data = {state}/mon/$cluster-$id
[osd]
osd data = {state}/osd/$cluster-$id
osd objectstore = memstore
memstore device bytes = {2 * 1024 ** 3}
osd op num shards = 2
osd op num threads per shard = 1
[client.rgw.test]
rgw data = {state}/rgw
rgw frontends = beast endpoint=127.0.0.1:{port}
rgw thread pool size = 64
ms mon client mode = crc
rgw crypt require ssl = false
rgw crypt s3 kms backend = testing
rgw crypt s3 kms encryption keys = testkey-1=YmluCmJvb3N0CmJvb3N0LWJ1aWxkCmNlcGguY29uZgo=
"""


class RgwCluster:
    """`start()` (or `start_in_background()` + `wait()`), then `endpoint`; `stop()`."""

    def __init__(self, state_dir: Path) -> None:
        self.state = Path(state_dir)
        self.port = free_port()
        self.mon_port = free_port()
        self.conf = self.state / "ceph.conf"
        self._procs: list[subprocess.Popen] = []
        self._thread: threading.Thread | None = None
        self.error: str = ""
        self.startup_seconds = 0.0

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    # ---- starting ------------------------------------------------------------------------

    def start_in_background(self) -> None:
        def run() -> None:
            try:
                self.start()
            except Exception as exc:  # noqa: BLE001 - reported by wait()
                self.error = f"{type(exc).__name__}: {exc}"
        self._thread = threading.Thread(target=run, name="rgw-start", daemon=True)
        self._thread.start()

    def wait(self, timeout: float = 300) -> None:
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                self.error = self.error or f"radosgw not ready after {timeout:.0f} s"
        if self.error:
            raise RuntimeError(f"{self.error} (logs: {self.state / 'log'})")

    def start(self) -> None:
        started = time.monotonic()
        for sub in ("mon", "osd/ceph-0", "rgw", "log", "run", "crash", "tmp"):
            (self.state / sub).mkdir(parents=True, exist_ok=True)
        fsid, osd_uuid = str(uuid.uuid4()), str(uuid.uuid4())
        self.conf.write_text(_config(self.state, fsid, self.port, self.mon_port))
        keyring = str(self.state / "keyring")
        self._run("ceph-authtool", "--create-keyring", keyring, "--gen-key", "-n", "mon.",
                  "--cap", "mon", "allow *")
        self._run("ceph-authtool", keyring, "--gen-key", "-n", "client.admin", "--cap", "mon",
                  "allow *", "--cap", "osd", "allow *", "--cap", "mgr", "allow *")
        monmap = str(self.state / "tmp" / "monmap")
        self._run("monmaptool", "--create", "--fsid", fsid, "--addv", "a",
                  f"[v2:127.0.0.1:{self.mon_port}]", monmap)
        self._run("ceph-mon", "-c", str(self.conf), "--mkfs", "-i", "a", "--monmap", monmap,
                  "--keyring", keyring)
        self._launch("mon", "ceph-mon", "-c", str(self.conf), "-f", "-i", "a")
        self._until(60, "the monitor", lambda: self._ceph("mon", "stat") is not None)
        osd_id = (self._ceph("osd", "new", osd_uuid) or "0").strip()
        self._run("ceph-osd", "-c", str(self.conf), "-i", osd_id, "--mkfs", "--osd-uuid",
                  osd_uuid)
        self._launch("osd", "ceph-osd", "-c", str(self.conf), "-f", "-i", osd_id)
        self._until(90, "the OSD", self._osd_up)
        self._run("radosgw-admin", "-c", str(self.conf), "-n", "client.rgw.test", "user",
                  "create", "--uid=tester", "--display-name=tester",
                  f"--access-key={ACCESS_KEY}", f"--secret-key={SECRET_KEY}", timeout=120)
        self._launch("rgw", "radosgw", "-c", str(self.conf), "-f", "-n", "client.rgw.test")
        self._until(90, "radosgw", self._answers)
        self.startup_seconds = time.monotonic() - started

    def _run(self, *cmd: str, timeout: float = 60) -> str:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise RuntimeError(f"{cmd[0]} failed ({done.returncode}): "
                               f"{(done.stderr or done.stdout).strip()[-300:]}")
        return done.stdout

    def _ceph(self, *args: str) -> str | None:
        try:
            return self._run("ceph", "-c", str(self.conf), "--connect-timeout", "10", *args,
                             timeout=30)
        except (RuntimeError, subprocess.TimeoutExpired):
            return None

    def _osd_up(self) -> bool:
        dump = self._ceph("osd", "dump", "-f", "json")
        if not dump:
            return False
        osds = json.loads(dump).get("osds") or []
        return bool(osds) and osds[0].get("up") == 1 and osds[0].get("in") == 1

    def _answers(self) -> bool:
        try:
            urllib.request.urlopen(f"http://{self.endpoint}/", timeout=2).close()
            return True
        except urllib.error.HTTPError:
            return True  # an S3 error reply: it is up
        except OSError:
            return False

    def _launch(self, name: str, *cmd: str) -> None:
        log = open(self.state / "log" / f"{name}.out", "wb")
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self._procs.append(proc)

    def _until(self, seconds: float, what: str, ready) -> None:  # noqa: ANN001
        deadline = time.monotonic() + seconds
        while not ready():
            for proc in self._procs:
                if proc.poll() is not None:
                    raise RuntimeError(f"{proc.args[0]} exited ({proc.returncode}) "
                                       f"while waiting for {what}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"timed out after {seconds:.0f} s waiting for {what}")
            time.sleep(0.5)

    # ---- stopping ------------------------------------------------------------------------

    def stop(self) -> None:
        for proc in reversed(self._procs):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except OSError:
                    proc.terminate()
        for proc in reversed(self._procs):
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except OSError:
                    proc.kill()
                proc.wait(5)
        self._procs.clear()

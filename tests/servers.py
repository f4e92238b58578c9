"""Real S3 servers for tests: connection facts (`ServerInfo`), a moto launcher, bucket hygiene.

SeaweedFS itself is launched by `minbrowse.embedded.SeaweedServer`; this module adds
what only tests need: the moto server process, oracle botocore clients, unique bucket
names and a best-effort "empty and delete this bucket" used by the `bucket` fixture.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from minbrowse.embedded.ports import LOOPBACK, free_port
from minbrowse.embedded.seaweedfs import die_with_parent_hook
from minbrowse.embedded.s3probe import S3Prober

_BUCKET_PREFIX = re.compile(r"^[a-z0-9][a-z0-9-]{0,29}$")


def unique_bucket(prefix: str = "t") -> str:
    """A valid, lowercase, practically unique bucket name starting with ``prefix``."""
    if not _BUCKET_PREFIX.match(prefix):
        raise ValueError(f"bad bucket prefix {prefix!r}: use 1-30 chars of [a-z0-9-]")
    return f"{prefix}-{uuid.uuid4().hex[:24]}"


@dataclass(frozen=True)
class ServerInfo:
    """How to reach one running test server."""

    name: str  # "seaweedfs" | "seaweedfs-tls" | "moto"
    endpoint: str  # host:port
    access_key: str
    secret_key: str = field(repr=False)
    secure: bool = False
    ca_file: str | None = None
    region: str = "us-east-1"

    @property
    def url(self) -> str:
        return f"{'https' if self.secure else 'http'}://{self.endpoint}"

    def client(self, **kw: Any) -> Any:
        """Our own `minbrowse.s3.Client` pointed at this server (imported lazily)."""
        from minbrowse.s3 import Client

        if self.ca_file is not None and "http_client" not in kw:
            import requests

            session = requests.Session()
            session.verify = self.ca_file
            kw["http_client"] = session
        return Client(
            self.endpoint,
            access_key=self.access_key,
            secret_key=self.secret_key,
            secure=self.secure,
            region=self.region,
            **kw,
        )

    def botocore_client(self, **config: Any) -> Any:
        """A path-style botocore S3 client: the test ORACLE, never used by minbrowse."""
        import botocore.session
        from botocore.config import Config

        options: dict[str, Any] = {
            "signature_version": "s3v4",
            "s3": {"addressing_style": "path"},
            "retries": {"max_attempts": 2, "mode": "standard"},
            "request_checksum_calculation": "when_required",
            "response_checksum_validation": "when_required",
        }
        options.update(config)
        session = botocore.session.get_session()
        return session.create_client(
            "s3",
            endpoint_url=self.url,
            region_name=self.region,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            verify=self.ca_file if self.ca_file else True,
            config=Config(**options),
        )

    def unique_bucket(self, prefix: str = "t") -> str:
        return unique_bucket(prefix)


def log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class MotoServer:
    """`moto_server` on a free loopback port, with its output in ``log_path``."""

    def __init__(self, log_path: Path, host: str = LOOPBACK) -> None:
        self.log_path = log_path
        self.host = host
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"{self.host}:{self.port}"

    def _command(self) -> list[str]:
        beside = Path(sys.executable).parent / "moto_server"
        if beside.is_file() and os.access(beside, os.X_OK):
            return [str(beside), "-H", self.host, "-p", str(self.port)]
        return [sys.executable, "-m", "moto.server", "-H", self.host, "-p", str(self.port)]

    def start(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        for attempt in range(3):
            self.port = free_port(self.host)
            with open(self.log_path, "ab") as log:
                self._process = subprocess.Popen(
                    self._command(),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    preexec_fn=die_with_parent_hook(),
                )
            problem = self._wait_ready(deadline)
            if problem is None:
                return
            self.stop()
            if "already in use" not in log_tail(self.log_path, 100) or attempt == 2:
                raise RuntimeError(
                    f"moto_server did not start ({problem}); log {self.log_path} tail:\n"
                    f"{log_tail(self.log_path)}"
                )

    def _wait_ready(self, deadline: float) -> str | None:
        prober = S3Prober(self.host, self.port, False, "moto", "moto")
        problem = "no answer"
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                return "process exited"
            try:
                result = prober.request("GET", "/")
                if result.status == 200 and b"ListAllMyBucketsResult" in result.body:
                    return None
                problem = f"GET / answered {result.status}"
            except OSError as exc:
                problem = f"{type(exc).__name__}: {exc}"
            time.sleep(0.1)
        return problem

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        for sig, wait in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 10.0)):
            try:
                os.killpg(process.pid, sig)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                process.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
            if sig == signal.SIGTERM:
                # the leader is gone; sweep any children of its group too
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            break


# -- bucket hygiene (oracle client for now; the lead may switch to our Client) --


def create_bucket(server: ServerInfo, name: str, **kwargs: Any) -> None:
    """Create ``name`` on ``server`` (extra kwargs go to botocore's create_bucket)."""
    server.botocore_client().create_bucket(Bucket=name, **kwargs)


def purge_bucket(server: ServerInfo, name: str) -> list[str]:
    """Best-effort: remove every version, delete marker, upload, then the bucket.

    Never raises; returns a list of problems (for debugging leaks).
    """
    problems: list[str] = []
    try:
        s3 = server.botocore_client()
    except Exception as exc:  # pragma: no cover - botocore missing
        return [f"no client: {exc!r}"]
    _abort_uploads(s3, name, problems)
    _delete_all_versions(s3, name, problems)
    _abort_uploads(s3, name, problems)
    try:
        s3.delete_bucket(Bucket=name)
    except Exception as exc:
        if "NoSuchBucket" not in str(exc):
            problems.append(f"delete_bucket: {exc!r}")
    return problems


def _abort_uploads(s3: Any, bucket: str, problems: list[str]) -> None:
    try:
        for page in s3.get_paginator("list_multipart_uploads").paginate(Bucket=bucket):
            for upload in page.get("Uploads", []):
                try:
                    s3.abort_multipart_upload(
                        Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                    )
                except Exception as exc:
                    problems.append(f"abort {upload['Key']}: {exc!r}")
    except Exception as exc:
        problems.append(f"list uploads: {exc!r}")


def _object_entries(s3: Any, bucket: str, problems: list[str]) -> list[dict[str, str]]:
    entries: list[dict[str, str]] = []
    try:
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            for item in page.get("Versions", []) + page.get("DeleteMarkers", []):
                entry = {"Key": item["Key"]}
                if item.get("VersionId") and item["VersionId"] != "null":
                    entry["VersionId"] = item["VersionId"]
                entries.append(entry)
        return entries
    except Exception as exc:
        problems.append(f"list versions: {exc!r}")
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            entries.extend({"Key": item["Key"]} for item in page.get("Contents", []))
    except Exception as exc:
        problems.append(f"list objects: {exc!r}")
    return entries


def _delete_all_versions(s3: Any, bucket: str, problems: list[str]) -> None:
    for _round in range(3):
        entries = _object_entries(s3, bucket, problems)
        if not entries:
            return
        for start in range(0, len(entries), 1000):
            batch = entries[start : start + 1000]
            try:
                result = s3.delete_objects(
                    Bucket=bucket,
                    Delete={"Objects": batch, "Quiet": True},
                    BypassGovernanceRetention=True,
                )
                failed = result.get("Errors", [])
            except Exception as exc:
                problems.append(f"delete_objects: {exc!r}")
                failed = batch
            for entry in failed:
                _delete_one(s3, bucket, entry, problems)


def _delete_one(s3: Any, bucket: str, entry: dict[str, str], problems: list[str]) -> None:
    target = {"Bucket": bucket, "Key": entry["Key"]}
    if entry.get("VersionId"):
        target["VersionId"] = entry["VersionId"]
    try:
        s3.put_object_legal_hold(LegalHold={"Status": "OFF"}, **target)
    except Exception:
        pass  # no legal hold, or no object lock on this server
    try:
        s3.delete_object(BypassGovernanceRetention=True, **target)
    except Exception as exc:
        problems.append(f"delete {entry['Key']}: {exc!r}")

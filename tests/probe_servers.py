"""Re-runnable feature probe of the test servers (SeaweedFS, moto) through botocore.

Not collected by pytest. Run: `.venv/bin/python tests/probe_servers.py [seaweedfs|moto ...]`
It prints one line per S3 feature: OK, PARTIAL or FAIL with the server's answer,
the facts behind the README's compatibility table.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402
from servers import MotoServer, ServerInfo, purge_bucket, unique_bucket  # noqa: E402

from minbrowse.embedded import SeaweedServer  # noqa: E402


def _md5_b64(data: bytes) -> str:
    import base64
    import hashlib

    return base64.b64encode(hashlib.md5(data).digest()).decode()


def _outcome(call: Callable[[], object]) -> str:
    """'OK' or the error code of one call, for probes that collect several answers."""
    try:
        call()
    except ClientError as exc:
        return _code(exc)
    return "no error"


class Partial(Exception):
    """The call was accepted but the behaviour is incomplete."""


def _code(exc: ClientError) -> str:
    return f"{exc.response['ResponseMetadata']['HTTPStatusCode']} {exc.response['Error'].get('Code')}"


def _expect_error(call: Callable[[], object], label: str) -> str:
    try:
        call()
    except ClientError as exc:
        return _code(exc)
    raise Partial(f"{label}: no error")


class Prober:
    def __init__(self, info: ServerInfo) -> None:
        self.info = info
        self.s3 = info.botocore_client()
        self.buckets: list[str] = []

    def bucket(self, **kwargs: object) -> str:
        name = unique_bucket("probe")
        self.s3.create_bucket(Bucket=name, **kwargs)
        self.buckets.append(name)
        return name

    def cleanup(self) -> None:
        for name in self.buckets:
            purge_bucket(self.info, name)

    # ---- probes: return a note on success; raise on failure ----
    def object_tagging(self) -> str:
        b = self.bucket()
        self.s3.put_object(Bucket=b, Key="k", Body=b"x")
        tags = [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "two"}]
        self.s3.put_object_tagging(Bucket=b, Key="k", Tagging={"TagSet": tags})
        got = self.s3.get_object_tagging(Bucket=b, Key="k")["TagSet"]
        assert sorted(got, key=lambda t: t["Key"]) == tags, got
        self.s3.delete_object_tagging(Bucket=b, Key="k")
        assert self.s3.get_object_tagging(Bucket=b, Key="k")["TagSet"] == []
        self.s3.put_object(Bucket=b, Key="k2", Body=b"x", Tagging="x=y")
        assert self.s3.get_object_tagging(Bucket=b, Key="k2")["TagSet"] == [{"Key": "x", "Value": "y"}]
        return "put/get/delete + x-amz-tagging on PUT"

    def bucket_tagging(self) -> str:
        b = self.bucket()
        tags = [{"Key": "team", "Value": "x"}]
        self.s3.put_bucket_tagging(Bucket=b, Tagging={"TagSet": tags})
        assert self.s3.get_bucket_tagging(Bucket=b)["TagSet"] == tags
        self.s3.delete_bucket_tagging(Bucket=b)
        after = _expect_error(lambda: self.s3.get_bucket_tagging(Bucket=b), "get after delete")
        return f"put/get/delete; get after delete -> {after}"

    def versioning(self) -> str:
        b = self.bucket()
        assert "Status" not in self.s3.get_bucket_versioning(Bucket=b)
        self.s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
        assert self.s3.get_bucket_versioning(Bucket=b)["Status"] == "Enabled"
        v1 = self.s3.put_object(Bucket=b, Key="k", Body=b"one")["VersionId"]
        self.s3.put_object(Bucket=b, Key="k", Body=b"two")
        marker = self.s3.delete_object(Bucket=b, Key="k")
        assert marker.get("DeleteMarker") is True, marker
        listing = self.s3.list_object_versions(Bucket=b)
        assert len(listing["Versions"]) == 2 and len(listing["DeleteMarkers"]) == 1, listing
        assert self.s3.get_object(Bucket=b, Key="k", VersionId=v1)["Body"].read() == b"one"
        head = _expect_error(lambda: self.s3.head_object(Bucket=b, Key="k"), "head deleted")
        self.s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Suspended"})
        assert self.s3.get_bucket_versioning(Bucket=b)["Status"] == "Suspended"
        return f"enable/suspend, list versions, delete markers, GET by version; HEAD on marker -> {head}"

    def object_lock(self) -> str:
        b = self.bucket(ObjectLockEnabledForBucket=True)
        conf = self.s3.get_object_lock_configuration(Bucket=b)["ObjectLockConfiguration"]
        assert conf["ObjectLockEnabled"] == "Enabled", conf
        self.s3.put_object_lock_configuration(
            Bucket=b,
            ObjectLockConfiguration={
                "ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}},
            },
        )
        rule = self.s3.get_object_lock_configuration(Bucket=b)["ObjectLockConfiguration"]["Rule"]
        assert rule["DefaultRetention"]["Mode"] == "GOVERNANCE", rule
        # AWS (and moto) demand Content-MD5 or a checksum when a default retention applies
        version = self.s3.put_object(
            Bucket=b, Key="k", Body=b"x", ContentMD5=_md5_b64(b"x")
        )["VersionId"]
        until = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)).replace(microsecond=0)
        self.s3.put_object_retention(
            Bucket=b, Key="k", VersionId=version,
            Retention={"Mode": "GOVERNANCE", "RetainUntilDate": until},
        )
        gaps = []
        try:
            got = self.s3.get_object_retention(Bucket=b, Key="k", VersionId=version)["Retention"]
            assert got["Mode"] == "GOVERNANCE", got
        except Exception as exc:  # moto 5.2.5 answers GET ?retention with the object body
            gaps.append(f"GetObjectRetention broken ({type(exc).__name__})")
        head = self.s3.head_object(Bucket=b, Key="k", VersionId=version)
        if head.get("ObjectLockMode") != "GOVERNANCE":
            gaps.append(f"HEAD lacks lock mode: {head.get('ObjectLockMode')}")
        blocked = _expect_error(
            lambda: self.s3.delete_object(Bucket=b, Key="k", VersionId=version), "locked delete"
        )
        self.s3.put_object_legal_hold(Bucket=b, Key="k", VersionId=version, LegalHold={"Status": "ON"})
        hold = self.s3.get_object_legal_hold(Bucket=b, Key="k", VersionId=version)["LegalHold"]
        assert hold["Status"] == "ON", hold
        held = _expect_error(
            lambda: self.s3.delete_object(
                Bucket=b, Key="k", VersionId=version, BypassGovernanceRetention=True
            ),
            "legal-hold delete with bypass",
        )
        self.s3.put_object_legal_hold(Bucket=b, Key="k", VersionId=version, LegalHold={"Status": "OFF"})
        self.s3.delete_object(Bucket=b, Key="k", VersionId=version, BypassGovernanceRetention=True)
        summary = (
            f"lock config + default retention, retention put/get, HEAD lock headers, legal "
            f"hold; delete of retained version -> {blocked}; held+bypass -> {held}; "
            f"bypass after hold off OK"
        )
        if gaps:
            raise Partial(f"{'; '.join(gaps)}; {summary}")
        return summary

    def bucket_policy(self) -> str:
        b = self.bucket()
        policy = {
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"],
                "Resource": [f"arn:aws:s3:::{b}/*"],
            }],
        }
        self.s3.put_bucket_policy(Bucket=b, Policy=json.dumps(policy))
        got = json.loads(self.s3.get_bucket_policy(Bucket=b)["Policy"])
        assert got["Statement"][0]["Action"] in (["s3:GetObject"], "s3:GetObject"), got
        self.s3.put_object(Bucket=b, Key="pub", Body=b"public")
        anon = requests.get(f"{self.info.url}/{b}/pub", verify=self.info.ca_file or True, timeout=10)
        self.s3.delete_bucket_policy(Bucket=b)
        after = _expect_error(lambda: self.s3.get_bucket_policy(Bucket=b), "get after delete")
        return f"put/get/delete; anonymous GET under policy -> {anon.status_code}; get after delete -> {after}"

    def bucket_encryption(self) -> str:
        b = self.bucket()
        self.s3.put_bucket_encryption(
            Bucket=b,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            },
        )
        rules = self.s3.get_bucket_encryption(Bucket=b)["ServerSideEncryptionConfiguration"]["Rules"]
        assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256", rules
        self.s3.delete_bucket_encryption(Bucket=b)
        after = _expect_error(lambda: self.s3.get_bucket_encryption(Bucket=b), "get after delete")
        return f"AES256 put/get/delete; get after delete -> {after}"

    def lifecycle_expiration(self) -> str:
        b = self.bucket()
        rule = {"ID": "exp", "Status": "Enabled", "Filter": {"Prefix": "logs/"}, "Expiration": {"Days": 3}}
        self.s3.put_bucket_lifecycle_configuration(Bucket=b, LifecycleConfiguration={"Rules": [rule]})
        got = self.s3.get_bucket_lifecycle_configuration(Bucket=b)["Rules"]
        assert got[0]["Expiration"]["Days"] == 3, got
        self.s3.delete_bucket_lifecycle(Bucket=b)
        after = _expect_error(lambda: self.s3.get_bucket_lifecycle_configuration(Bucket=b), "after delete")
        return f"expiration put/get/delete; get after delete -> {after}"

    def lifecycle_transition(self) -> str:
        b = self.bucket()
        rule = {
            "ID": "tr", "Status": "Enabled", "Filter": {"Prefix": ""},
            "Transitions": [{"Days": 30, "StorageClass": "GLACIER"}],
        }
        self.s3.put_bucket_lifecycle_configuration(Bucket=b, LifecycleConfiguration={"Rules": [rule]})
        got = self.s3.get_bucket_lifecycle_configuration(Bucket=b)["Rules"]
        if not got or "Transitions" not in got[0]:
            raise Partial(f"accepted but read back without transitions: {got}")
        return "transition put/get"

    def replication(self) -> str:
        b = self.bucket()
        dest = self.bucket()
        before = _outcome(lambda: self.s3.get_bucket_replication(Bucket=b))
        for name in (b, dest):
            self.s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        self.s3.put_bucket_replication(
            Bucket=b,
            ReplicationConfiguration={
                "Role": "arn:aws:iam::123456789012:role/replication",
                "Rules": [{
                    "ID": "r1", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
                    "DeleteMarkerReplication": {"Status": "Disabled"},
                    "Destination": {"Bucket": f"arn:aws:s3:::{dest}"},
                }],
            },
        )
        got = self.s3.get_bucket_replication(Bucket=b)["ReplicationConfiguration"]
        assert got["Rules"][0]["ID"] == "r1", got
        self.s3.delete_bucket_replication(Bucket=b)
        return f"put/get/delete; get before put -> {before}"

    def replication_delete_routing(self) -> str:
        """SeaweedFS 4.48 routes DELETE /bucket?replication to DeleteBucket."""
        b = self.bucket()
        answer = _outcome(lambda: self.s3.delete_bucket_replication(Bucket=b))
        if _outcome(lambda: self.s3.head_bucket(Bucket=b)) != "no error":
            raise Partial(f"DANGER: DeleteBucketReplication ({answer}) deleted the empty bucket")
        return f"DeleteBucketReplication on a bucket without config -> {answer}; bucket kept"

    def notification(self) -> str:
        b = self.bucket()
        empty = self.s3.get_bucket_notification_configuration(Bucket=b)
        before = sorted(k for k in empty if k != "ResponseMetadata")
        self.s3.put_bucket_notification_configuration(
            Bucket=b,
            NotificationConfiguration={
                "QueueConfigurations": [{
                    "Id": "q1", "QueueArn": "arn:aws:sqs:us-east-1:123456789012:queue",
                    "Events": ["s3:ObjectCreated:*"],
                }]
            },
        )
        got = self.s3.get_bucket_notification_configuration(Bucket=b)
        queues = got.get("QueueConfigurations", [])
        if not queues:
            raise Partial(f"accepted, read back empty: {sorted(got)}")
        return f"queue config put/get; empty get -> keys {before}"

    def cors(self) -> str:
        b = self.bucket()
        rule = {"AllowedMethods": ["GET"], "AllowedOrigins": ["https://example.com"], "MaxAgeSeconds": 60}
        self.s3.put_bucket_cors(Bucket=b, CORSConfiguration={"CORSRules": [rule]})
        got = self.s3.get_bucket_cors(Bucket=b)["CORSRules"]
        assert got[0]["AllowedOrigins"] == ["https://example.com"], got
        self.s3.delete_bucket_cors(Bucket=b)
        after = _expect_error(lambda: self.s3.get_bucket_cors(Bucket=b), "get after delete")
        return f"put/get/delete; get after delete -> {after}"

    def multipart_and_part_copy(self) -> str:
        b = self.bucket()
        part1, part2 = os.urandom(5 * 1024 * 1024), os.urandom(1000)
        up = self.s3.create_multipart_upload(Bucket=b, Key="mp")["UploadId"]
        e1 = self.s3.upload_part(Bucket=b, Key="mp", UploadId=up, PartNumber=1, Body=part1)["ETag"]
        e2 = self.s3.upload_part(Bucket=b, Key="mp", UploadId=up, PartNumber=2, Body=part2)["ETag"]
        parts = self.s3.list_parts(Bucket=b, Key="mp", UploadId=up)["Parts"]
        assert [p["PartNumber"] for p in parts] == [1, 2], parts
        listed = self.s3.list_multipart_uploads(Bucket=b).get("Uploads", [])
        assert [u["UploadId"] for u in listed] == [up], listed
        done = self.s3.complete_multipart_upload(
            Bucket=b, Key="mp", UploadId=up,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]},
        )
        assert self.s3.get_object(Bucket=b, Key="mp")["Body"].read() == part1 + part2
        up2 = self.s3.create_multipart_upload(Bucket=b, Key="cp")["UploadId"]
        c1 = self.s3.upload_part_copy(
            Bucket=b, Key="cp", UploadId=up2, PartNumber=1,
            CopySource={"Bucket": b, "Key": "mp"}, CopySourceRange=f"bytes=0-{len(part1) - 1}",
        )["CopyPartResult"]["ETag"]
        c2 = self.s3.upload_part_copy(
            Bucket=b, Key="cp", UploadId=up2, PartNumber=2,
            CopySource={"Bucket": b, "Key": "mp"},
            CopySourceRange=f"bytes={len(part1)}-{len(part1) + 999}",
        )["CopyPartResult"]["ETag"]
        self.s3.complete_multipart_upload(
            Bucket=b, Key="cp", UploadId=up2,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": c1}, {"PartNumber": 2, "ETag": c2}]},
        )
        assert self.s3.get_object(Bucket=b, Key="cp")["Body"].read() == part1 + part2
        return f"multipart (etag {done['ETag']}), list parts/uploads, UploadPartCopy with ranges"

    def copy_conditions(self) -> str:
        b = self.bucket()
        etag = self.s3.put_object(Bucket=b, Key="src", Body=b"data", Metadata={"a": "1"})["ETag"]
        self.s3.copy_object(Bucket=b, Key="ok", CopySource={"Bucket": b, "Key": "src"}, CopySourceIfMatch=etag)
        assert self.s3.get_object(Bucket=b, Key="ok")["Body"].read() == b"data"
        src = {"Bucket": b, "Key": "src"}
        future = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
        past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
        answers = {
            "if-match(wrong)": _outcome(lambda: self.s3.copy_object(
                Bucket=b, Key="no", CopySource=src, CopySourceIfMatch='"0000"')),
            "if-none-match(same)": _outcome(lambda: self.s3.copy_object(
                Bucket=b, Key="no", CopySource=src, CopySourceIfNoneMatch=etag)),
            "if-modified-since(future)": _outcome(lambda: self.s3.copy_object(
                Bucket=b, Key="no", CopySource=src, CopySourceIfModifiedSince=future)),
            "if-unmodified-since(past)": _outcome(lambda: self.s3.copy_object(
                Bucket=b, Key="no", CopySource=src, CopySourceIfUnmodifiedSince=past)),
        }
        self.s3.copy_object(
            Bucket=b, Key="meta", CopySource={"Bucket": b, "Key": "src"},
            MetadataDirective="REPLACE", Metadata={"b": "2"},
        )
        meta = self.s3.head_object(Bucket=b, Key="meta")["Metadata"]
        if meta != {"b": "2"}:
            raise Partial(f"REPLACE metadata read back as {meta}")
        summary = ", ".join(f"{k} -> {v}" for k, v in answers.items())
        if any(v == "no error" for v in answers.values()):
            raise Partial(f"conditions not all enforced: {summary}")
        return f"if-match OK; {summary}; REPLACE metadata OK"

    def presigned_post(self) -> str:
        b = self.bucket()
        post = self.s3.generate_presigned_post(
            Bucket=b, Key="up/${filename}",
            Conditions=[["starts-with", "$key", "up/"], ["content-length-range", 1, 100]],
            ExpiresIn=300,
        )
        verify = self.info.ca_file or True
        ok = requests.post(post["url"], data=post["fields"], files={"file": ("f.txt", b"posted")},
                           verify=verify, timeout=10)
        assert ok.status_code in (200, 204), (ok.status_code, ok.text[:300])
        assert self.s3.get_object(Bucket=b, Key="up/f.txt")["Body"].read() == b"posted"
        big = requests.post(post["url"], data=post["fields"], files={"file": ("g.txt", b"x" * 500)},
                            verify=verify, timeout=10)
        enforced = "enforced" if big.status_code >= 400 else f"NOT enforced ({big.status_code})"
        return f"POST -> {ok.status_code}, ${{filename}} substitution OK; content-length-range {enforced}"

    def list_v1_v2(self) -> str:
        b = self.bucket()
        for key in ("a/1", "a/2", "b/1", "c"):
            self.s3.put_object(Bucket=b, Key=key, Body=b"x")
        v1 = self.s3.list_objects(Bucket=b, Delimiter="/")
        assert [p["Prefix"] for p in v1["CommonPrefixes"]] == ["a/", "b/"], v1
        assert [o["Key"] for o in v1["Contents"]] == ["c"], v1
        page = self.s3.list_objects(Bucket=b, MaxKeys=2)
        assert page["IsTruncated"] and [o["Key"] for o in page["Contents"]] == ["a/1", "a/2"]
        rest = self.s3.list_objects(Bucket=b, Marker="a/2")
        assert [o["Key"] for o in rest["Contents"]] == ["b/1", "c"], rest
        v2 = self.s3.list_objects_v2(Bucket=b, MaxKeys=3)
        token = v2["NextContinuationToken"]
        v2b = self.s3.list_objects_v2(Bucket=b, ContinuationToken=token)
        assert [o["Key"] for o in v2["Contents"] + v2b["Contents"]] == ["a/1", "a/2", "b/1", "c"]
        after = self.s3.list_objects_v2(Bucket=b, StartAfter="a/2", Prefix="")
        assert [o["Key"] for o in after["Contents"]] == ["b/1", "c"], after
        enc = self.s3.list_objects_v2(Bucket=b, Prefix="a/", Delimiter="/")
        assert [o["Key"] for o in enc["Contents"]] == ["a/1", "a/2"]
        return "v1 delimiter/marker/max-keys; v2 continuation/start-after/prefix"

    def bucket_location(self) -> str:
        b = self.bucket()
        loc = self.s3.get_bucket_location(Bucket=b)
        return f"LocationConstraint={loc.get('LocationConstraint')!r}"

    def delete_objects_versions(self) -> str:
        b = self.bucket()
        self.s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
        v1 = self.s3.put_object(Bucket=b, Key="k", Body=b"1")["VersionId"]
        v2 = self.s3.put_object(Bucket=b, Key="k", Body=b"2")["VersionId"]
        result = self.s3.delete_objects(Bucket=b, Delete={"Objects": [
            {"Key": "k", "VersionId": v1}, {"Key": "k", "VersionId": v2}, {"Key": "missing"},
        ]})
        deleted = sorted((d["Key"], d.get("VersionId", "")) for d in result.get("Deleted", []))
        errors = result.get("Errors", [])
        left = self.s3.list_object_versions(Bucket=b)
        remaining = len(left.get("Versions", []))
        assert remaining == 0, left
        return f"deleted={deleted} errors={errors} (missing key without version adds a marker)"

    def presigned_get(self) -> str:
        b = self.bucket()
        self.s3.put_object(Bucket=b, Key="p", Body=b"presigned")
        url = self.s3.generate_presigned_url("get_object", Params={"Bucket": b, "Key": "p"}, ExpiresIn=60)
        got = requests.get(url, verify=self.info.ca_file or True, timeout=10)
        assert got.content == b"presigned", got.status_code
        return "OK"


# every public method of Prober except the helpers, in definition order
PROBES = [name for name in vars(Prober) if not name.startswith("_") and name not in ("bucket", "cleanup")]


def run_probes(info: ServerInfo) -> dict[str, str]:
    prober = Prober(info)
    results: dict[str, str] = {}
    try:
        for name in PROBES:
            try:
                results[name] = "OK      " + getattr(prober, name)()
            except Partial as exc:
                results[name] = f"PARTIAL {exc}"
            except ClientError as exc:
                results[name] = f"FAIL    {exc.operation_name} -> {_code(exc)}: " \
                                f"{exc.response['Error'].get('Message', '')[:120]}"
            except Exception as exc:
                frame = traceback.extract_tb(exc.__traceback__)[-1]
                results[name] = f"FAIL    {type(exc).__name__} {str(exc)[:160]} (line {frame.lineno})"
    finally:
        prober.cleanup()
    return results


def _print(server: str, results: dict[str, str]) -> None:
    print(f"\n== {server}")
    for name, outcome in results.items():
        print(f"{name:26} {outcome}")


def main(argv: list[str]) -> int:
    wanted = argv or ["seaweedfs", "moto"]
    if "seaweedfs" in wanted:
        with SeaweedServer.temporary("probeAK", "probe-secret-key") as server:
            info = ServerInfo("seaweedfs", server.endpoint, "probeAK", "probe-secret-key")
            _print("seaweedfs", run_probes(info))
    if "moto" in wanted:
        with tempfile.TemporaryDirectory() as tmp:
            moto = MotoServer(Path(tmp) / "moto.log")
            moto.start()
            try:
                _print("moto", run_probes(ServerInfo("moto", moto.endpoint, "ak", "sk")))
            finally:
                moto.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

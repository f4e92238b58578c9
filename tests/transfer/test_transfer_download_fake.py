"""download_prefix / download_object against the in-memory FAKE client (no server)."""

from __future__ import annotations

import os
import threading

import pytest

from minbrowse.s3.cancel import CancelToken
from minbrowse.s3.errors import Cancelled
from minbrowse.transfer import ExistingFilePolicy, SkippedKey, download_object, download_prefix

from transfer_fakes import FakeClient

B = "bkt"


def _tree(root) -> dict[str, bytes]:
    out = {}
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            out[os.path.relpath(path, root).replace(os.sep, "/")] = open(path, "rb").read()
    return out


def _dirs(root) -> set[str]:
    return {os.path.relpath(os.path.join(f, d), root).replace(os.sep, "/")
            for f, ds, _ in os.walk(root) for d in ds}


@pytest.fixture
def client():
    fake = FakeClient()
    fake.add(B, "data/a.txt", b"alpha")
    fake.add(B, "data/sub/b.bin", bytes(range(256)) * 3)
    fake.add(B, "data/sub/deeper/c", b"")
    fake.add(B, "data/empty/", b"")
    fake.add(B, "other/x", b"not me")
    return fake


def test_downloads_tree_relative_to_prefix(client, tmp_path):
    events = []
    snaps = []
    report = download_prefix(client, B, "data/", str(tmp_path / "out"),
                             progress=snaps.append, on_event=events.append)
    assert _tree(tmp_path / "out") == {
        "a.txt": b"alpha", "sub/b.bin": bytes(range(256)) * 3, "sub/deeper/c": b""}
    assert "empty" in _dirs(tmp_path / "out")
    assert sorted(f.key for f in report.downloaded) == ["data/a.txt", "data/sub/b.bin", "data/sub/deeper/c"]
    assert report.ok and report.bytes_transferred == 5 + 768
    final = snaps[-1]
    assert (final.bytes_done, final.bytes_total, final.files_done, final.total_known) == (773, 773, 3, True)
    kinds = sorted(e.kind for e in events)
    assert kinds.count("downloaded") == 3 and kinds.count("started") == 3


def test_prefix_without_slash_keeps_its_folder(client, tmp_path):
    download_prefix(client, B, "dat", str(tmp_path))
    assert set(_tree(tmp_path)) == {"data/a.txt", "data/sub/b.bin", "data/sub/deeper/c"}


def test_non_recursive_downloads_only_direct_children(client, tmp_path):
    report = download_prefix(client, B, "data/", str(tmp_path), recursive=False)
    assert _tree(tmp_path) == {"a.txt": b"alpha"}
    assert report.ok


def test_hostile_keys_never_escape_dest(tmp_path):
    fake = FakeClient()
    hostile = ["../x", "a/../../b", "/etc/passwd", "a//b", "a/./b", "a\x00b", "..", "a/b/.."]
    for key in hostile:
        fake.add(B, key, b"evil")
    fake.add(B, "ok\\name", b"fine")
    dest = tmp_path / "deep" / "dest"
    report = download_prefix(fake, B, "", str(dest))
    assert {s.key for s in report.skipped} == set(hostile)
    assert all(s.reason for s in report.skipped)
    assert _tree(tmp_path) == {"deep/dest/ok\\name": b"fine"}


def test_conflicting_object_and_prefix_is_reported(tmp_path):
    fake = FakeClient()
    fake.add(B, "a", b"file a")
    fake.add(B, "a/b", b"under a")
    fake.add(B, "c", b"c")
    report = download_prefix(fake, B, "", str(tmp_path))
    assert [(c.key, c.other_key) for c in report.conflicts] == [("a/b", "a")]
    assert _tree(tmp_path) == {"a": b"file a", "c": b"c"}


def test_symlink_in_dest_pointing_outside_is_not_followed(tmp_path):
    fake = FakeClient()
    fake.add(B, "link/x", b"evil")
    outside = tmp_path / "outside"
    outside.mkdir()
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "link").symlink_to(outside, target_is_directory=True)
    report = download_prefix(fake, B, "", str(dest))
    assert report.skipped[0].key == "link/x"
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("policy,expected", [
    (ExistingFilePolicy.SKIP, {"a.txt": b"old", "new.txt": b"new"}),
    (ExistingFilePolicy.OVERWRITE, {"a.txt": b"fresh", "new.txt": b"new"}),
    (ExistingFilePolicy.RENAME, {"a.txt": b"old", "a (1).txt": b"fresh", "new.txt": b"new"}),
])
def test_existing_file_policies(tmp_path, policy, expected):
    fake = FakeClient()
    fake.add(B, "a.txt", b"fresh")
    fake.add(B, "new.txt", b"new")
    (tmp_path / "a.txt").write_bytes(b"old")
    report = download_prefix(fake, B, "", str(tmp_path), policy=policy)
    assert _tree(tmp_path) == expected
    if policy is ExistingFilePolicy.SKIP:
        assert report.skipped == (SkippedKey("a.txt", "file exists locally"),)
    if policy is ExistingFilePolicy.RENAME:
        assert str(tmp_path / "a (1).txt") in {f.path for f in report.downloaded}


def test_rename_does_not_clash_with_a_key_of_the_same_name(tmp_path):
    fake = FakeClient()
    fake.add(B, "a (1).txt", b"key-one")
    fake.add(B, "a.txt", b"fresh")
    (tmp_path / "a.txt").write_bytes(b"old")
    download_prefix(fake, B, "", str(tmp_path), policy=ExistingFilePolicy.RENAME, concurrency=1)
    assert sorted(_tree(tmp_path).values()) == [b"fresh", b"key-one", b"old"]


def test_one_failing_key_does_not_stop_others(client, tmp_path):
    client.fail_keys.add("data/sub/b.bin")
    report = download_prefix(client, B, "data/", str(tmp_path))
    assert report.failed_map == {"data/sub/b.bin": "InternalError: injected failure"}
    assert set(_tree(tmp_path)) == {"a.txt", "sub/deeper/c"}
    assert not report.ok


def test_listing_error_is_raised_after_running_downloads(client, tmp_path):
    client.list_error = RuntimeError("listing broke")
    with pytest.raises(RuntimeError, match="listing broke"):
        download_prefix(client, B, "data/", str(tmp_path))
    assert set(_tree(tmp_path)) == {"a.txt", "sub/b.bin", "sub/deeper/c"}


def test_cancel_mid_download_keeps_old_file_and_leaves_no_temp(tmp_path):
    fake = FakeClient()
    fake.add(B, "big.bin", b"N" * 400)
    for i in range(20):
        fake.add(B, f"more/{i}", b"m" * 40)
    (tmp_path / "big.bin").write_bytes(b"old content")
    fake.gate = threading.Event()
    cancel = CancelToken()
    result = {}
    worker = threading.Thread(target=lambda: result.setdefault("r", download_prefix(
        fake, B, "", str(tmp_path), policy=ExistingFilePolicy.OVERWRITE, cancel=cancel, concurrency=2)))
    worker.start()
    assert fake.blocked.wait(5)
    cancel.cancel()
    worker.join(5)
    assert not worker.is_alive()
    report = result["r"]
    assert report.cancelled and not report.failed
    assert (tmp_path / "big.bin").read_bytes() == b"old content"
    leftovers = [p for p in _tree(tmp_path) if p.endswith(".part") or "/." in "/" + p]
    assert leftovers == []
    assert len(report.downloaded) < 21


def test_download_object_policies_and_cancel(tmp_path):
    fake = FakeClient()
    fake.add(B, "k", b"0123456789")
    target = tmp_path / "sub" / "file.bin"
    done = download_object(fake, B, "k", str(target))
    assert target.read_bytes() == b"0123456789" and done.size == 10
    assert download_object(fake, B, "k", str(target)) == SkippedKey("k", "file exists locally")
    renamed = download_object(fake, B, "k", str(target), policy=ExistingFilePolicy.RENAME)
    assert renamed.path == str(tmp_path / "sub" / "file (1).bin")
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(Cancelled):
        download_object(fake, B, "k", str(target), policy=ExistingFilePolicy.OVERWRITE, cancel=cancel)
    assert sorted(os.listdir(tmp_path / "sub")) == ["file (1).bin", "file.bin"]


def test_listing_is_consumed_lazily_while_downloads_block(tmp_path):
    fake = FakeClient()
    for i in range(500):
        fake.add(B, f"k/{i:04}", b"data" * 4)
    consumed = []
    original = fake.list_objects

    def counting(*args, **kwargs):
        for obj in original(*args, **kwargs):
            consumed.append(obj.object_name)
            yield obj

    fake.list_objects = counting
    fake.gate = threading.Event()
    cancel = CancelToken()
    worker = threading.Thread(target=download_prefix, args=(fake, B, "k/", str(tmp_path)),
                              kwargs={"cancel": cancel, "concurrency": 3})
    worker.start()
    assert fake.blocked.wait(5)
    worker.join(0.3)  # give the lister time to run ahead if it were eager
    assert len(consumed) <= 2 * 3 + 1
    cancel.cancel()
    worker.join(5)
    assert not worker.is_alive()
    assert not any(name.endswith(".part") for name in os.listdir(tmp_path))


def test_error_text_never_carries_signatures():
    from minbrowse.transfer import describe_error

    exc = ConnectionError("GET http://h/b/k?X-Amz-Credential=AKIAXXX%2F2024&X-Amz-Signature=deadbeef "
                          "x-amz-server-side-encryption-customer-key=c2VjcmV0 failed")
    text = describe_error(exc)
    assert "deadbeef" not in text and "AKIAXXX" not in text and "c2VjcmV0" not in text
    assert text.startswith("ConnectionError: GET http://h/b/k?X-Amz-Credential=REDACTED")
    assert describe_error(OSError(28, "No space left on device")) == "OSError: No space left on device"

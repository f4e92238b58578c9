"""upload_dir / upload_file against the in-memory FAKE client: keys, content types, symlinks."""

from __future__ import annotations

import os
import threading

import pytest

from minbrowse.s3.cancel import CancelToken
from minbrowse.transfer import upload_dir, upload_file

from transfer_fakes import FakeClient

B = "bkt"


@pytest.fixture
def src(tmp_path):
    root = tmp_path / "src"
    (root / "docs" / "deep").mkdir(parents=True)
    (root / "empty").mkdir()
    (root / "index.html").write_bytes(b"<html></html>")
    (root / "docs" / "notes.txt").write_bytes(b"notes")
    (root / "docs" / "deep" / "data.bin").write_bytes(os.urandom(100))
    (root / "back\\slash").write_bytes(b"bs")
    return root


def _keys(fake):
    return {k: v[0] for (b, k), v in fake.store.items() if b == B}


def test_uploads_tree_with_prefix_and_content_types(src):
    fake = FakeClient()
    snaps = []
    report = upload_dir(fake, str(src), B, "up/", progress=snaps.append)
    assert _keys(fake) == {
        "up/index.html": b"<html></html>",
        "up/docs/notes.txt": b"notes",
        "up/docs/deep/data.bin": (src / "docs" / "deep" / "data.bin").read_bytes(),
        "up/back\\slash": b"bs",
    }
    assert fake.store[(B, "up/index.html")][1] == "text/html"
    assert fake.store[(B, "up/docs/notes.txt")][1] == "text/plain"
    assert fake.store[(B, "up/docs/deep/data.bin")][1] == "application/octet-stream"
    assert report.ok and report.bytes_transferred == 13 + 5 + 100 + 2
    assert snaps[-1].bytes_done == snaps[-1].bytes_total == 120


def test_content_type_guess_can_be_disabled(src):
    fake = FakeClient()
    upload_dir(fake, str(src), B, content_type_guess=False)
    assert fake.store[(B, "index.html")][1] == "application/octet-stream"


def test_symlinks_pointing_outside_are_skipped_even_when_following(tmp_path, src):
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "password.txt").write_bytes(b"hunter2")
    (src / "escape-dir").symlink_to(outside, target_is_directory=True)
    (src / "escape-file").symlink_to(outside / "password.txt")
    (src / "broken").symlink_to(tmp_path / "nowhere")
    for follow in (False, True):
        fake = FakeClient()
        report = upload_dir(fake, str(src), B, follow_symlinks=follow)
        reasons = {os.path.basename(s.key): s.reason for s in report.skipped}
        assert reasons["escape-dir"] == "symlink points outside the folder"
        assert reasons["escape-file"] == "symlink points outside the folder"
        assert reasons["broken"] == "broken symlink"
        assert b"hunter2" not in _keys(fake).values()


def test_inside_symlinks_need_follow_and_loops_are_reported(src):
    (src / "alias").symlink_to(src / "docs", target_is_directory=True)
    (src / "notes-link").symlink_to(src / "docs" / "notes.txt")
    (src / "docs" / "loop").symlink_to(src, target_is_directory=True)
    fake = FakeClient()
    report = upload_dir(fake, str(src), B)
    assert {os.path.basename(s.key) for s in report.skipped} == {"alias", "notes-link", "loop"}
    assert "alias/notes.txt" not in _keys(fake)
    fake = FakeClient()
    report = upload_dir(fake, str(src), B, follow_symlinks=True)
    keys = _keys(fake)
    assert keys["alias/notes.txt"] == b"notes" and keys["notes-link"] == b"notes"
    assert keys["alias/deep/data.bin"] == keys["docs/deep/data.bin"]
    loops = [s for s in report.skipped if s.reason.startswith("symlink loop")]
    assert {os.path.relpath(s.key, src) for s in loops} == {"docs/loop", "alias/loop"}


def test_fifo_is_skipped_not_read(src):
    os.mkfifo(src / "pipe")
    fake = FakeClient()
    report = upload_dir(fake, str(src), B)
    assert [(os.path.basename(s.key), s.reason) for s in report.skipped] == [("pipe", "not a regular file")]
    assert "pipe" not in _keys(fake)


def test_failing_file_does_not_stop_others(src):
    fake = FakeClient()
    fake.fail_keys.add("docs/notes.txt")
    report = upload_dir(fake, str(src), B)
    assert report.failed_map == {"docs/notes.txt": "AccessDenied: injected failure"}
    assert set(_keys(fake)) == {"index.html", "docs/deep/data.bin", "back\\slash"}


def test_cancel_stops_upload(src):
    for i in range(30):
        (src / f"f{i:02}").write_bytes(b"x" * 40)
    fake = FakeClient()
    fake.gate = threading.Event()
    cancel = CancelToken()
    out = {}
    worker = threading.Thread(target=lambda: out.setdefault(
        "r", upload_dir(fake, str(src), B, cancel=cancel, concurrency=2)))
    worker.start()
    assert fake.blocked.wait(5)
    cancel.cancel()
    worker.join(5)
    assert not worker.is_alive()
    assert out["r"].cancelled and not out["r"].failed
    assert len(_keys(fake)) < 10


def test_upload_file(tmp_path):
    fake = FakeClient()
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG....")
    done = upload_file(fake, str(path), B, "pics/photo.png")
    assert fake.store[(B, "pics/photo.png")] == (b"\x89PNG....", "image/png", {})
    assert done.size == 8


def test_not_a_folder(tmp_path):
    with pytest.raises(NotADirectoryError):
        upload_dir(FakeClient(), str(tmp_path / "missing"), B)

"""Key → local path mapping: hostile keys, Windows rules, symlink escapes, conflicts."""

from __future__ import annotations

import os

import pytest

from minbrowse.transfer.keypaths import (
    ConflictTracker,
    KeyConflict,
    KeyPlan,
    SkippedKey,
    base_of_prefix,
    plan_key,
    split_key,
)

HOSTILE = [
    ("../x", "'..' path segment"),
    ("a/../../b", "'..' path segment"),
    ("/etc/passwd", "absolute key (leading separator)"),
    ("a//b", "empty path segment ('//')"),
    ("a/./b", "'.' path segment"),
    ("a\x00b", "key contains a NUL character"),
    ("..", "'..' path segment"),
    ("a/b/..", "'..' path segment"),
    ("a/b/../", "'..' path segment"),
    (".", "'.' path segment"),
    ("//", "absolute key (leading separator)"),
]


@pytest.mark.parametrize("key,reason", HOSTILE)
def test_hostile_keys_are_skipped_with_reason(tmp_path, key, reason):
    dest = os.path.realpath(tmp_path)
    result = plan_key(key, "", dest, windows=False)
    assert result == SkippedKey(key, reason)


@pytest.mark.parametrize("key,parts,is_dir", [
    ("a", ("a",), False),
    ("a/b/c.txt", ("a", "b", "c.txt"), False),
    ("a/b/", ("a", "b"), True),
    ("", (), True),
    ("dir\\..\\x", ("dir\\..\\x",), False),  # backslash is an ordinary char on POSIX
    ("C:\\evil", ("C:\\evil",), False),
    ("héllo/日本語 ファイル.txt", ("héllo", "日本語 ファイル.txt"), False),
    ("...", ("...",), False),
    ("a/..b/c..", ("a", "..b", "c.."), False),
])
def test_split_key_posix(key, parts, is_dir):
    assert split_key(key, windows=False) == (parts, is_dir)


@pytest.mark.parametrize("key", [
    "a\\..\\..\\b", "\\etc\\passwd", "C:\\Windows\\x", "C:x", "a/b:stream",
    "CON", "dir/nul.txt", "a\\\\b", "trailing.", "trailing ", "a/<b>",
])
def test_windows_rules_refuse_backslash_traversal_drives_and_devices(key):
    assert isinstance(split_key(key, windows=True), str)


def test_windows_backslash_is_a_separator():
    assert split_key("a\\b\\c.txt", windows=True) == (("a", "b", "c.txt"), False)


def test_plan_stays_inside_dest_and_strips_base(tmp_path):
    dest = os.path.realpath(tmp_path)
    plan = plan_key("photos/2024/a.jpg", "photos/", dest, windows=False)
    assert plan == KeyPlan("photos/2024/a.jpg", ("2024", "a.jpg"),
                           os.path.join(dest, "2024", "a.jpg"), False)
    assert plan_key("other/a", "photos/", dest, windows=False).reason == \
        "key is outside the requested prefix"


def test_prefix_marker_maps_to_dest_itself(tmp_path):
    dest = os.path.realpath(tmp_path)
    assert plan_key("photos/", "photos/", dest, windows=False) == KeyPlan("photos/", (), dest, True)


def test_backslash_key_on_posix_is_one_file_inside_dest(tmp_path):
    dest = os.path.realpath(tmp_path)
    plan = plan_key("..\\..\\x", "", dest, windows=False)
    assert isinstance(plan, KeyPlan)
    assert os.path.dirname(plan.path) == dest


@pytest.mark.parametrize("prefix,base", [
    ("photos/", "photos/"), ("photos", ""), ("a/pho", "a/"), ("", ""), ("a/b/", "a/b/"),
])
def test_base_of_prefix(prefix, base):
    assert base_of_prefix(prefix) == base


def test_symlinked_dir_inside_dest_pointing_outside_is_refused(tmp_path):
    dest = tmp_path / "dest"
    outside = tmp_path / "outside"
    dest.mkdir()
    outside.mkdir()
    (dest / "link").symlink_to(outside, target_is_directory=True)
    (dest / "file-link").symlink_to(outside / "victim")
    real = os.path.realpath(dest)
    assert plan_key("link/x", "", real, windows=False).reason == \
        "resolves outside the destination folder (symlink)"
    assert plan_key("file-link", "", real, windows=False).reason == \
        "resolves outside the destination folder (symlink)"


def test_symlink_inside_dest_pointing_inside_is_fine(tmp_path):
    dest = tmp_path / "dest"
    (dest / "real").mkdir(parents=True)
    (dest / "alias").symlink_to(dest / "real", target_is_directory=True)
    assert isinstance(plan_key("alias/x", "", os.path.realpath(dest), windows=False), KeyPlan)


def _plan(key: str) -> KeyPlan:
    split = split_key(key, windows=False)
    assert not isinstance(split, str)
    return KeyPlan(key, split[0], "/unused/" + key, split[1])


def test_conflict_object_then_prefix():
    tracker = ConflictTracker()
    assert tracker.claim(_plan("a")) is None
    conflict = tracker.claim(_plan("a/b"))
    assert conflict == KeyConflict("a/b", "a", "an object with this name is a file, not a folder")
    assert tracker.claim(_plan("a/")).other_key == "a"


def test_conflict_prefix_then_object():
    tracker = ConflictTracker()
    assert tracker.claim(_plan("x/y/z")) is None
    conflict = tracker.claim(_plan("x/y"))
    assert conflict is not None and conflict.other_key == "x/y/z"
    assert conflict.reason == "a prefix with this name is a folder"


def test_no_conflict_for_markers_and_siblings():
    tracker = ConflictTracker()
    for key in ["a/", "a/b", "a/c/", "a/c/d", "a-b", "ab/c"]:
        assert tracker.claim(_plan(key)) is None, key
    assert tracker.claim(_plan("a/b")).reason == "another key maps to the same file"


def test_inside_checker_matches_is_inside_on_symlinks(tmp_path):
    import os

    from minbrowse.transfer.keypaths import InsideChecker, is_inside

    root = tmp_path / "dest"
    (root / "plain" / "deep").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "escape").symlink_to(outside)  # a folder that leads out
    (root / "plain" / "leaf").symlink_to(outside / "f")  # a file name that leads out
    (root / "inner").symlink_to(root / "plain")  # a link that stays inside
    real = os.path.realpath(root)
    check = InsideChecker(real)
    cases = [root / "plain" / "deep" / "a", root / "plain" / "a", root / "escape" / "a",
             root / "plain" / "leaf", root / "inner" / "a", root / "new" / "x" / "y"]
    for path in cases * 2:  # the second round runs on the remembered folders
        assert check(str(path)) == is_inside(real, str(path)), path
    assert not check(str(root / "escape" / "a")) and not check(str(root / "plain" / "leaf"))
    assert check(str(root / "inner" / "a"))

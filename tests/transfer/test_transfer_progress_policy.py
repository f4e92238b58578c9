"""TransferProgress math (totals, window rate, ETA, throttling) and rename-policy naming."""

from __future__ import annotations

import threading

import pytest

from minbrowse.transfer.policy import free_name, numbered_name
from minbrowse.transfer.progress import FileProgress, TransferProgress


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_totals_and_per_file_progress():
    clock = FakeClock()
    prog = TransferProgress(clock=clock)
    prog.add_total(100)
    prog.add_total(50)
    prog.start_file("a", 100)
    prog.advance("a", 40)
    snap = prog.snapshot()
    assert (snap.bytes_done, snap.bytes_total, snap.files_total) == (40, 150, 2)
    assert snap.active == (FileProgress("a", 40, 100),)
    assert snap.fraction == pytest.approx(40 / 150)
    assert not snap.total_known
    prog.advance("a", 60)
    prog.finish_file("a")
    prog.set_total_known()
    snap = prog.snapshot()
    assert (snap.bytes_done, snap.files_done, snap.active) == (100, 1, ())
    assert snap.total_known


def test_failed_file_is_removed_from_done_and_total():
    prog = TransferProgress(clock=FakeClock())
    prog.add_total(100)
    prog.add_total(10)
    prog.start_file("bad", 100)
    prog.advance("bad", 30)
    prog.finish_file("bad", ok=False)
    snap = prog.snapshot()
    assert (snap.bytes_done, snap.bytes_total, snap.files_failed) == (0, 10, 1)


def test_finish_normalises_under_and_over_reporting():
    prog = TransferProgress(clock=FakeClock())
    prog.add_total(10)
    prog.add_total(10)
    prog.start_file("under", 10)
    prog.advance("under", 4)
    prog.finish_file("under")
    prog.start_file("over", 10)
    prog.advance("over", 25)  # e.g. a retried part
    prog.finish_file("over")
    assert prog.snapshot().bytes_done == 20


def test_rate_uses_moving_window_and_eta():
    clock = FakeClock()
    prog = TransferProgress(clock=clock, window=5.0)
    prog.add_total(10_000)
    prog.start_file("f", 10_000)
    # 10 s at 100 B/s, then 5 s at 500 B/s: the 5 s window sees only the fast phase.
    for _ in range(10):
        clock.now += 1
        prog.advance("f", 100)
    for _ in range(5):
        clock.now += 1
        prog.advance("f", 500)
    snap = prog.snapshot()
    assert snap.bytes_done == 3500
    assert snap.rate == pytest.approx(500.0)
    assert snap.eta == pytest.approx((10_000 - 3500) / 500.0)
    assert snap.elapsed == pytest.approx(15.0)


def test_rate_decays_to_zero_when_stalled_and_eta_unknown():
    clock = FakeClock()
    prog = TransferProgress(clock=clock, window=2.0)
    prog.add_total(100)
    clock.now += 1
    prog.advance("f", 10)
    clock.now += 10
    snap = prog.snapshot()
    assert snap.rate == 0.0 and snap.eta is None


def test_rate_right_after_start_counts_from_start():
    clock = FakeClock()
    prog = TransferProgress(clock=clock, window=5.0)
    prog.add_total(1000)
    clock.now += 0.5
    prog.advance("f", 100)
    assert prog.snapshot().rate == pytest.approx(200.0)


def test_empty_transfer_fraction():
    prog = TransferProgress(clock=FakeClock())
    assert prog.snapshot().fraction == 0.0
    prog.set_total_known()
    snap = prog.snapshot()
    assert snap.fraction == 1.0 and snap.eta == 0.0


def test_callbacks_are_throttled_and_flush_delivers_final_state():
    clock = FakeClock()
    seen = []
    prog = TransferProgress(seen.append, clock=clock, min_interval=0.1)
    prog.add_total(1000)  # first event is delivered
    for _ in range(50):
        clock.now += 0.01  # 50 updates over 0.5 s
        prog.advance("f", 10)
    assert 4 <= len(seen) <= 7
    final = prog.flush()
    assert seen[-1] is final and final.bytes_done == 500


def test_thread_safety_of_counts():
    prog = TransferProgress()

    def work(name):
        prog.add_total(1000)
        prog.start_file(name, 1000)
        for _ in range(1000):
            prog.advance(name, 1)
        prog.finish_file(name)

    threads = [threading.Thread(target=work, args=(f"f{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    snap = prog.snapshot()
    assert (snap.bytes_done, snap.bytes_total, snap.files_done) == (8000, 8000, 8)


@pytest.mark.parametrize("path,n,expected", [
    ("d/photo.jpg", 1, "d/photo (1).jpg"),
    ("d/archive.tar.gz", 2, "d/archive.tar (2).gz"),
    ("d/README", 3, "d/README (3)"),
    ("d/.bashrc", 1, "d/.bashrc (1)"),
])
def test_numbered_name(path, n, expected):
    assert numbered_name(path, n) == expected


def test_free_name_skips_existing_and_taken(tmp_path):
    (tmp_path / "a.txt").write_text("0")
    (tmp_path / "a (1).txt").write_text("1")
    taken = {str(tmp_path / "a (2).txt")}
    assert free_name(str(tmp_path / "a.txt"), taken) == str(tmp_path / "a (3).txt")

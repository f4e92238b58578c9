"""AdaptiveLimit's two rules on their own: the latency gradient and the slow-down halving."""

from __future__ import annotations

import threading

from minbrowse.transfer.adaptive import AdaptiveLimit


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _run_windows(limit: AdaptiveLimit, seconds_for, windows: int) -> list[int]:
    """Complete `windows` windows of requests taking `seconds_for(limit)` each; the limits seen."""
    seen = []
    for _ in range(windows):
        for _ in range(max(8, limit.limit // 2)):
            assert limit.acquire()
            limit.release(True, seconds_for(limit.limit))
        seen.append(limit.limit)
    return seen


def test_flat_request_times_grow_the_limit_to_the_ceiling():
    # A long link: every request takes the round trip, whatever is in flight.
    limit = AdaptiveLimit(128)
    seen = _run_windows(limit, lambda n: 0.020, 20)
    assert seen[:6] == [4, 8, 16, 32, 64, 128]  # slow start: doubling while nothing queues
    assert seen[-1] == 128


def test_times_that_grow_with_the_load_settle_at_a_few_in_flight():
    # CPU-bound (loopback): each request in flight adds 0.6 ms; alone one takes 0.8 ms.
    limit = AdaptiveLimit(128)
    seen = _run_windows(limit, lambda n: 0.0008 + 0.0006 * (n - 1), 40)
    assert 3 <= seen[-1] <= 10, seen
    assert max(seen[-10:]) - min(seen[-10:]) <= 3  # settled, not swinging


def test_cpu_bound_far_link_stops_where_queuing_starts():
    # 20 ms round trip, and our CPU serves 1000 requests/s: latency = max(rtt, n * 1 ms).
    limit = AdaptiveLimit(128)
    seen = _run_windows(limit, lambda n: max(0.020, n * 0.001), 60)
    assert 30 <= seen[-1] <= 70, seen


def test_slow_down_halves_once_per_cooldown_and_notes_it():
    clock = _Clock()
    limit = AdaptiveLimit(16, start=16, clock=clock, cooldown=1.0)
    limit.throttled("SlowDown")
    limit.throttled("SlowDown")  # same burst: counted, not cut again
    state = limit.state()
    assert (state.limit, state.throttled, state.cuts) == (8, 2, 1)
    assert state.note == "server asked to slow down 2x: 8 of 16 requests in flight"
    clock.now = 1.5
    limit.throttled("SlowDown")
    assert limit.state().limit == 4 and limit.state().cuts == 2


def test_without_the_latency_rule_successes_add_one_slot_per_limit():
    limit = AdaptiveLimit(16, start=4, latency_tuned=False)
    for _ in range(4):
        limit.acquire()
        limit.release(True, 0.5)
    assert limit.limit == 5


def test_gate_holds_requests_beyond_the_limit_and_stops_on_request():
    limit = AdaptiveLimit(2, start=2, latency_tuned=False)
    assert limit.acquire() and limit.acquire()
    stop = threading.Event()
    result = []
    waiter = threading.Thread(target=lambda: result.append(limit.acquire(stop.is_set)))
    waiter.start()
    waiter.join(0.3)
    assert waiter.is_alive()  # held at the gate
    stop.set()
    waiter.join(2)
    assert result == [False]
    limit.release()
    assert limit.acquire()

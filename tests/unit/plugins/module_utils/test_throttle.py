# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The shared throttle: a bound on requests in flight, and a back-off that holds back every worker."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading
import time

import pytest

from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceTransportError
from ansible_collections.hwcloud.workspace.plugins.module_utils._throttle import Throttle, ThrottleTimeout


class InFlight:
    """Counts the bodies running inside slots, and the most that ran at once.

    With hold, each body keeps its slot until `released` is set: then how many run at once is decided by the throttle
    alone, not by how the threads happen to be scheduled.
    """

    def __init__(self, hold=False):
        self.released = threading.Event()
        if not hold:
            self.released.set()
        self.changed = threading.Condition()
        self.now = 0
        self.peak = 0
        self.starts = []

    def run(self, throttle):
        with throttle.slot():
            with self.changed:
                self.now += 1
                self.peak = max(self.peak, self.now)
                self.starts.append(time.monotonic())
                self.changed.notify_all()
            self.released.wait(30)
            with self.changed:
                self.now -= 1

    def wait_until_running(self, count):
        """Until at least count bodies run at once."""
        with self.changed:
            assert self.changed.wait_for(lambda: self.now >= count, 30), (self.now, count)


def run_threads(count, target):
    threads = start_threads(count, target)
    join(threads)


def start_threads(count, target):
    threads = [threading.Thread(target=target) for dummy in range(count)]
    for thread in threads:
        thread.start()
    return threads


def join(threads):
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads)


def assert_held_at(seen, limit, threads):
    """limit bodies are running and the other threads wait for a slot until those are released; then all run."""
    seen.wait_until_running(limit)
    # Time for a thread let through by mistake to show; a right throttle passes whatever this time is.
    time.sleep(0.05)
    assert seen.now == limit and len(seen.starts) == limit
    seen.released.set()
    join(threads)
    assert seen.peak == limit and len(seen.starts) == len(threads)


@pytest.mark.parametrize('limit', [1, 3, 8])
def test_never_more_than_limit_in_flight(limit):
    throttle = Throttle(limit)
    seen = InFlight(hold=True)
    threads = start_threads(2 * limit + 1, lambda: seen.run(throttle))
    assert_held_at(seen, limit, threads)
    assert throttle.in_flight == 0


def test_a_slot_is_released_when_the_body_raises():
    throttle = Throttle(1)
    with pytest.raises(KeyError):
        with throttle.slot():
            raise KeyError('boom')
    assert throttle.in_flight == 0
    with throttle.slot():
        assert throttle.in_flight == 1


def test_back_off_holds_back_every_new_request():
    throttle = Throttle(4)
    set_at = time.monotonic()
    throttle.throttled(0.2)
    seen = InFlight()
    run_threads(4, lambda: seen.run(throttle))
    assert len(seen.starts) == 4
    # Not a speed limit: what is checked is that nothing started before the back-off ended.
    assert min(seen.starts) >= set_at + 0.2


def test_limit_halves_once_per_back_off_and_never_below_one():
    now = [100.0]
    throttle = Throttle(8, clock=lambda: now[0])
    throttle.throttled(1)
    # Answers to requests already in flight are the same episode: no further halving.
    throttle.throttled(1)
    throttle.throttled(0.5)
    assert throttle.limit == 4
    now[0] += 1.5
    throttle.throttled(1)
    assert throttle.limit == 2
    for dummy in range(5):
        now[0] += 2
        throttle.throttled(1)
    assert throttle.limit == 1


def test_a_longer_back_off_extends_a_shorter_one_and_never_shortens_it():
    now = [0.0]
    throttle = Throttle(2, clock=lambda: now[0])
    throttle.throttled(5)
    throttle.throttled(1)
    now[0] = 4.9
    with pytest.raises(ThrottleTimeout):
        with throttle.slot(deadline=4.95):
            pass
    throttle.throttled(10)
    now[0] = 5.5
    with pytest.raises(ThrottleTimeout):
        with throttle.slot(deadline=6):
            pass


def test_deadline_before_the_back_off_ends_fails_at_once_with_a_clear_error():
    throttle = Throttle(2)
    throttle.throttled(30)
    with pytest.raises(ThrottleTimeout) as caught:
        with throttle.slot(deadline=time.monotonic() + 0.05):
            pass
    assert isinstance(caught.value, WorkspaceTransportError)
    assert 'HTTP 429' in str(caught.value) and 'deadline' in str(caught.value)
    assert throttle.in_flight == 0


def test_deadline_while_every_slot_is_taken():
    throttle = Throttle(1)
    release = threading.Event()
    holder_in = threading.Event()

    def hold():
        with throttle.slot():
            holder_in.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    holder_in.wait(10)
    try:
        with pytest.raises(ThrottleTimeout) as caught:
            with throttle.slot(deadline=time.monotonic() + 0.05):
                pass
        assert '1 request slots' in str(caught.value)
    finally:
        release.set()
        holder.join(10)
    with throttle.slot(deadline=time.monotonic() + 5):
        assert throttle.in_flight == 1


def test_lowered_limit_is_honoured_by_workers_already_waiting():
    throttle = Throttle(8)
    seen = InFlight(hold=True)
    throttle.throttled(0.05)
    assert throttle.limit == 4
    threads = start_threads(16, lambda: seen.run(throttle))
    assert_held_at(seen, 4, threads)


def test_throttled_from_many_threads_at_once_is_consistent():
    # A clock that stands still: the sixteen calls fall in one back-off however late the machine schedules a thread
    # (on the wall clock a thread that came 10 ms after the first would start a second back-off).
    throttle = Throttle(32, clock=FakeClock())
    barrier = threading.Barrier(16)

    def hit():
        barrier.wait(10)
        throttle.throttled(0.01)

    run_threads(16, hit)
    # One burst is one back-off: halved once, whichever thread came first.
    assert throttle.limit == 16


def test_a_limit_below_one_is_refused():
    with pytest.raises(ValueError):
        Throttle(0)


class RecordingCondition(type(threading.Condition())):
    """A Condition that records the time-out of each wait and moves a fake clock past it instead of sleeping."""

    def __init__(self, clock):
        super(RecordingCondition, self).__init__()
        self.clock = clock
        self.waits = []

    def wait(self, timeout=None):
        self.waits.append(timeout)
        self.clock.now += timeout
        return False


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_long_back_off_reaches_the_platform_in_slices_of_at_most_a_minute():
    clock = FakeClock()
    throttle = Throttle(2, clock=clock)
    throttle._condition = condition = RecordingCondition(clock)  # pylint: disable=protected-access
    throttle.throttled(600)
    with throttle.slot():  # no deadline: the back-off is waited out, a minute at most per wait
        pass
    assert len(condition.waits) == 10 and max(condition.waits) <= 60 and clock.now >= 600

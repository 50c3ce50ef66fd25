# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""How many requests of one run may be in flight, and a back-off that every worker honours."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import threading
import time

from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceTransportError

# The longest single Condition.wait: a wait longer than this is taken in slices (the loop looks again), so that no
# value reaches the platform's timed wait beyond what it takes, whatever deadline a caller gives.
MAX_WAIT_SLICE = 60.0


class ThrottleTimeout(WorkspaceTransportError):
    """No slot became free (or the back-off did not end) before the caller's deadline."""


class Throttle:
    """At most `limit` requests in flight, and none while a shared back-off is in force.

    When the API throttles (429), every worker must slow down, not only the one that was answered: otherwise
    parallel paging turns into a storm of retries. throttled() sets a back-off that holds back every new
    request and halves the limit (never below 1). Requests already in flight when it was set answer 429
    for the same reason, so the limit is halved once per back-off, not once per answer.
    The lowered limit is kept for the rest of the run: a run is short, and the API has said how much it takes.
    """

    def __init__(self, limit, clock=time.monotonic):
        if limit < 1:
            raise ValueError('a throttle needs a limit of at least 1, got %r' % (limit,))
        self.limit = limit
        self.in_flight = 0
        self.clock = clock
        self._resume_at = None
        self._condition = threading.Condition()

    def _time_to_wait(self):
        """Seconds until a slot may be taken (0 = now), or None while only a release can free one."""
        if self._resume_at is not None:
            remaining = self._resume_at - self.clock()
            if remaining > 0:
                return remaining
        return 0 if self.in_flight < self.limit else None

    @contextlib.contextmanager
    def slot(self, deadline=None):
        """Hold one of the `limit` slots for the body of the with statement.

        Blocks while `limit` requests are in flight or a back-off is in force. With a deadline (a
        clock() value), raises ThrottleTimeout instead of waiting past it.
        """
        with self._condition:
            while True:
                wait = self._time_to_wait()
                if wait == 0:
                    break
                if deadline is not None:
                    left = deadline - self.clock()
                    if left <= 0 or (wait is not None and wait > left):
                        raise ThrottleTimeout(self._timeout_message())
                    wait = left if wait is None else wait
                self._condition.wait(None if wait is None else min(wait, MAX_WAIT_SLICE))
            self.in_flight += 1
        try:
            yield
        finally:
            with self._condition:
                self.in_flight -= 1
                self._condition.notify_all()

    def _timeout_message(self):
        if self._resume_at is not None and self._resume_at > self.clock():
            return 'the deadline passed while every request was held back after the API throttled (HTTP 429)'
        return 'the deadline passed while waiting for one of %d request slots' % self.limit

    def throttled(self, delay):
        """The API asked to slow down: no request starts before now + delay, and fewer run at once."""
        with self._condition:
            now = self.clock()
            if self._resume_at is None or self._resume_at <= now:
                self.limit = max(1, self.limit // 2)
            self._resume_at = max(self._resume_at or now, now + max(0.0, delay))
            self._condition.notify_all()

# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""When to try a request again, and how long to wait before it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import email.utils
import math
import random
import time

RETRYABLE_STATUSES = frozenset((429, 500, 502, 503, 504))
BACKOFF_BASE = 0.5
BACKOFF_CAP = 20.0
# A Retry-After beyond this is not waited for: the failure is reported instead.
RETRY_AFTER_MAX = 120.0


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), or None.

    None also for a value that cannot be a wait (0 or less, nan, infinite, a moment in the past): the normal
    backoff applies then, so that a broken header never turns retries into a tight loop.
    """
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if moment is None:
            return None
        seconds = moment.timestamp() - (time.time() if now is None else now)
    return seconds if math.isfinite(seconds) and seconds > 0 else None


class RetryPolicy:
    """Capped exponential backoff with jitter; a Retry-After from the server replaces the backoff."""

    def __init__(self, retries, base=BACKOFF_BASE, cap=BACKOFF_CAP, rng=random.random):
        self.retries = retries
        self.base = base
        self.cap = cap
        self.rng = rng

    def delay(self, attempt, retry_after=None):
        """Seconds to wait before retry number attempt (1-based); None means do not retry."""
        if attempt > self.retries:
            return None
        ceiling = min(self.cap, self.base * (2 ** (attempt - 1)))
        # "Equal jitter": never zero, never in lock-step with other clients.
        backoff = ceiling / 2 + self.rng() * ceiling / 2
        if retry_after is None:
            return backoff
        return retry_after if retry_after <= RETRY_AFTER_MAX else None

# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Retry-After: only a wait in the future replaces the backoff; anything else never means "retry at once"."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import math

import pytest

from hypothesis import given, strategies as st

from ansible_collections.hwcloud.workspace.plugins.module_utils._retry import RETRY_AFTER_MAX, RetryPolicy, parse_retry_after

NOW = 1795860000.0  # 2026-11-28T10:00:00Z


@pytest.mark.parametrize('value', ['-5', '-0.1', '0', '0.0', 'nan', 'NaN', 'inf', '-inf', 'Infinity', '1e400',
                                   'Sat, 28 Nov 2026 09:59:59 GMT', 'Thu, 01 Jan 1970 00:00:00 GMT', '', '  '])
def test_no_wait_in_the_future_means_none(value):
    assert parse_retry_after(value, now=NOW) is None


def test_a_wait_in_the_future():
    assert parse_retry_after('7', now=NOW) == 7.0
    assert parse_retry_after('Sat, 28 Nov 2026 10:00:30 GMT', now=NOW) == 30.0


@given(st.text() | st.floats().map(repr) | st.integers().map(str))
def test_any_header_gives_none_or_a_positive_finite_wait(value):
    seconds = parse_retry_after(value, now=NOW)
    assert seconds is None or (math.isfinite(seconds) and seconds > 0)


@given(st.text() | st.floats().map(repr))
def test_the_policy_never_waits_zero(value):
    policy = RetryPolicy(3, rng=lambda: 0.0)
    delay = policy.delay(1, parse_retry_after(value, now=NOW))
    assert delay is None or 0 < delay <= RETRY_AFTER_MAX

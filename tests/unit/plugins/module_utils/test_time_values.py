# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Time values: a finite number of seconds within the option's bounds, or an error naming the option."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceConfigError
from ansible_collections.hwcloud.workspace.plugins.module_utils._time_values import check_seconds


@pytest.mark.parametrize('option', ['wait_timeout', 'wait_sleep'])
@pytest.mark.parametrize('value', [float('nan'), float('inf'), -0.5, 'x'])
def test_check_seconds_names_the_option(option, value):
    with pytest.raises(WorkspaceConfigError) as caught:
        check_seconds(option, value, allow_zero=True)
    assert str(caught.value).startswith('%s must be a finite number of seconds, at least 0, got ' % option)


def test_check_seconds_accepts_finite_values():
    assert check_seconds('wait_timeout', 0, allow_zero=True) == 0.0
    assert check_seconds('wait_sleep', '2.5') == 2.5
    with pytest.raises(WorkspaceConfigError):
        check_seconds('wait_sleep', 0)


@pytest.mark.parametrize('value, message', [
    (0.05, 'wait_sleep must be at least 0.1 seconds, got 0.05'),
    (3601, 'wait_sleep must be at most 3600 seconds, got 3601'),
])
def test_check_seconds_holds_the_bounds_it_is_given(value, message):
    with pytest.raises(WorkspaceConfigError) as caught:
        check_seconds('wait_sleep', value, minimum=0.1, maximum=3600)
    assert str(caught.value) == message
    assert check_seconds('wait_sleep', 0.1, minimum=0.1, maximum=3600) == 0.1
    assert check_seconds('wait_sleep', 3600, minimum=0.1, maximum=3600) == 3600.0

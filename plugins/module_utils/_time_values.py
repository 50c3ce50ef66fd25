# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Time values given by the user (timeouts, pauses, intervals): checked once, the same way, naming the option.

Each option keeps its own ceiling beside its declaration (the connection's timeout, the waiter's wait options);
this module only says what a valid number of seconds is.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import math

from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceConfigError


def check_seconds(option, value, allow_zero=False, maximum=None, minimum=None):
    """value as a finite float of seconds, more than 0 (or 0 too with allow_zero), at least minimum and at most
    maximum when given; the error names option. The ceilings keep every deadline, socket timeout and
    Condition.wait within what the platform's clocks take (10**10 seconds overflow time_t)."""
    bound = 'at least 0' if allow_zero else 'more than 0'
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = float('nan')
    if not math.isfinite(seconds) or seconds < 0 or (seconds == 0 and not allow_zero):
        raise WorkspaceConfigError('%s must be a finite number of seconds, %s, got %r' % (option, bound, value))
    if maximum is not None and seconds > maximum:
        raise WorkspaceConfigError('%s must be at most %g seconds, got %r' % (option, maximum, value))
    if minimum is not None and seconds < minimum:
        raise WorkspaceConfigError('%s must be at least %g seconds, got %r' % (option, minimum, value))
    return seconds

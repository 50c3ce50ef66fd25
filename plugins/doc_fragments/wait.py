# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):

    # The wait contract of every module that waits; its argument spec is WAIT_ARG_SPEC in
    # plugins/module_utils/_waiter.py (tests/unit/plugins/doc_fragments/test_wait.py keeps the two equal).
    DOCUMENTATION = r'''
options:
  wait_timeout:
    description:
      - Seconds to wait in all, from 0 to 604800 (a week), counted from the start of the module's run (the first look at the
        tasks included).
      - When they pass and tasks are still C(CREATING), the module fails with the tasks and their files, and says
        that the exports go on in the service; the failed result holds the last records seen.
      - It bounds the wait only. The connection option O(timeout) stays the limit of each HTTP request.
      - V(0) looks at the tasks once and does not wait; tasks already done come back, tasks still C(CREATING) are
        the time-out.
    type: float
    default: 600
  wait_sleep:
    description:
      - Seconds between two polls, more than 0 and at most 3600. The last sleep is shortened so that the last poll ends by
        O(wait_timeout).
      - Each poll reads the newest tasks, without a status filter, down to where the followed ones were last seen,
        and asks for any followed task not seen there by its ID. A task counts as finished only when a record shows
        a final status.
      - A poll that fails with an error worth retrying (no answer, HTTP 429 or 5xx) is tried again until
        O(wait_timeout) passes; any other error ends the wait at once.
      - Over a local connection the module prints its progress on standard error while it waits (a line when
        the wait starts, one whenever tasks finish, and at most one every 30 seconds otherwise).
    type: float
    default: 5
'''

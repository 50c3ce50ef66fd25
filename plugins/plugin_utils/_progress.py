# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Progress of a wait, as lines on standard error (standard output may be a machine-read callback's)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

from ansible.utils.display import Display

from ansible_collections.hwcloud.workspace.plugins.module_utils._scrub import escape_controls
from ansible_collections.hwcloud.workspace.plugins.module_utils._waiter import WaitReporter

HEARTBEAT_SECONDS = 30
# IDs named on one line at most; a wait on hundreds of tasks says how many more there are.
SHOWN_IDS = 10


def _some(names):
    shown = ', '.join(names[:SHOWN_IDS])
    return shown if len(names) <= SHOWN_IDS else '%s and %d more' % (shown, len(names) - SHOWN_IDS)


def _seconds(value):
    return '%g s' % value


def write_stderr(line):
    # Display reaches the terminal from a worker process too: it forwards the line to the main process.
    Display().display(line, stderr=True)


class StderrWaitReporter(WaitReporter):
    """One line when the wait starts, one whenever tasks finish, and a heartbeat at most every 30 s."""

    def __init__(self, prefix, write=write_stderr, clock=time.monotonic):
        self._prefix = prefix
        self._write = write
        self._clock = clock
        self._last_line = None

    def _say(self, text):
        # Task IDs and statuses come from the API: escaped, so that none retitles or clears the terminal.
        self._write('%s: %s' % (self._prefix, escape_controls(text)))
        self._last_line = self._clock()

    def started(self, task_ids, timeout):
        self._say('waiting for %d export task(s) to leave CREATING, time-out %s: %s'
                  % (len(task_ids), _seconds(timeout), _some(task_ids)))

    def finished(self, records):
        self._say('%d export task(s) finished: %s'
                  % (len(records), _some(['%s %s' % (record['task_id'], record['status']) for record in records])))

    def polled(self, creating_ids, waited, timeout):
        if creating_ids and self._clock() - self._last_line >= HEARTBEAT_SECONDS:
            self._say('%d export task(s) still CREATING after %s of %s'
                      % (len(creating_ids), _seconds(round(waited)), _seconds(timeout)))

# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark helper: writes when each task started and ended to the JSON file named by BENCH_TIMINGS_FILE."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: bench_timings
type: aggregate
short_description: Record when each task started and ended, for the benchmarks
description:
  - Writes a JSON list with one object per task result - name, start and end (seconds since the epoch, and
    of the monotonic clock, which the emulator's request log uses), outcome, the C(msg) of debug tasks and failures and the number of C(export_tasks) a result holds - but not the
    results themselves, so that recording costs the same whatever a task returns.
options:
  path:
    description: The file to write.
    env:
      - name: BENCH_TIMINGS_FILE
    required: true
'''

import json
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'bench_timings'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.started = {}
        self.timings = []

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.started[task._uuid] = (time.time(), time.monotonic())

    def _record(self, result, outcome):
        ended = (time.time(), time.monotonic())
        started = self.started.get(result._task._uuid, ended)
        data = result._result
        entry = {'name': result._task.get_name(), 'start': started[0], 'end': ended[0],
                 'start_monotonic': started[1], 'end_monotonic': ended[1], 'outcome': outcome,
                 'msg': data.get('msg') if outcome == 'failed' or result._task.action.endswith('debug') else None}
        if isinstance(data.get('export_tasks'), list):
            entry['export_tasks'] = len(data['export_tasks'])
        self.timings.append(entry)

    def v2_runner_on_ok(self, result):
        self._record(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, 'failed')

    def v2_runner_on_skipped(self, result):
        self._record(result, 'skipped')

    def v2_playbook_on_stats(self, stats):
        with open(self.get_option('path'), 'w') as handle:
            json.dump(self.timings, handle, default=str)

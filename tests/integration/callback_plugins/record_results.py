# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test helper: writes every task result to the JSON file named by RECORD_RESULTS_FILE."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: record_results
type: aggregate
short_description: Record task results in a JSON file, for the end-to-end tests
description:
  - Writes a JSON object mapping each task name to the list of its results (one per host and run).
options:
  path:
    description: The file to write.
    env:
      - name: RECORD_RESULTS_FILE
    required: true
'''

import json

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'record_results'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.results = {}

    def _record(self, result, outcome):
        data = dict(result._result)
        data['_outcome'] = outcome
        self.results.setdefault(result._task.get_name(), []).append(data)

    def v2_runner_on_ok(self, result):
        self._record(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, 'failed')

    def v2_runner_on_skipped(self, result):
        self._record(result, 'skipped')

    def v2_playbook_on_stats(self, stats):
        with open(self.get_option('path'), 'w') as handle:
            json.dump(self.results, handle, default=str)

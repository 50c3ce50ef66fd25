# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test helper: a stdout callback that prints the whole run as one JSON document, as ansible.posix.json does."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: json_stdout
type: stdout
short_description: The run as one JSON document on stdout, for the end-to-end tests
description:
  - Prints, when the run ends, a JSON object with the name and the per-host outcome of each task.
'''

import json

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = 'json_stdout'

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.tasks = []

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.tasks.append(dict(name=task.get_name(), hosts={}))

    def _record(self, result, outcome):
        self.tasks[-1]['hosts'][result._host.get_name()] = outcome

    def v2_runner_on_ok(self, result):
        self._record(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, 'failed')

    def v2_playbook_on_stats(self, stats):
        self._display.display(json.dumps(dict(tasks=self.tasks)))

# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""wait_for_exports's options and its run: wait until export tasks are done and insist that each gave a file.

One definition for the module and its action plugin, as for export_task_info. The role of the same name is
this module behind an argument spec.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import check_seconds
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceResultError
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_task_info import find_and_follow
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_tasks import FILTERS
from ansible_collections.hwcloud.workspace.plugins.module_utils._waiter import CREATING

FACT = 'wait_for_exports_tasks'
NO_FILE = ('FAIL', 'EXPIRED')


def argument_spec():
    """The module's own options. The aliases are the role's variable names: the role passes its variables
    under them, so that an error about a value names the variable the user set."""
    return dict(
        task_ids=dict(type='list', elements='str', default=[], aliases=['wait_for_exports_task_ids']),
        timeout=dict(type='float', default=600, aliases=['wait_for_exports_timeout']),
        sleep=dict(type='float', default=5, aliases=['wait_for_exports_sleep']),
    )


def module_kwargs():
    """The AnsibleModule keywords beside the argument spec (the action plugin validates with them too)."""
    return dict(supports_check_mode=True)


def _given_name(params, name):
    """The name an option was given under: validated parameters keep an alias that was used, with the value
    as given (the canonical name has it converted)."""
    return next((alias for alias in argument_spec()[name]['aliases'] if alias in params), name)


def _or_none(value):
    return 'none' if value in (None, '') else value


def problems(outcome, timeout):
    """Every reason the wait did not give a file for each task, one line each; empty when all succeeded."""
    lines = []
    no_file = [task for task in outcome.tasks if task['status'] in NO_FILE]
    if no_file:
        lines.append('%d export task(s) ended without a file:' % len(no_file))
        lines.extend('task_id %s, file_name %s, status %s, error_code %s, fail_reason %s'
                     % (task['task_id'], task['file_name'], task['status'], _or_none(task.get('error_code')),
                        _or_none(task.get('fail_reason'))) for task in no_file)
    if outcome.missing_ids:
        lines.append('Export task(s) disappeared while waiting: %s' % ', '.join(outcome.missing_ids))
    if outcome.timed_out:
        records = dict((task['task_id'], task) for task in outcome.tasks)
        lines.append('Timed out after %g seconds; %d export task(s) still CREATING:' % (timeout, len(outcome.creating_ids)))
        lines.extend('task_id %s, file_name %s' % (task_id, records[task_id]['file_name'])
                     for task_id in outcome.creating_ids)
        if outcome.last_error:
            lines.append('The last poll failed: %s' % outcome.last_error)
    return lines


def run(params, warn, reporter=None, environ=None):
    """Wait for the given tasks (or every CREATING one); the result with the fact, or WorkspaceError.

    Fails, one line per task, when a task ended FAIL or EXPIRED, disappeared, or was still CREATING at
    the time-out; and when task IDs are unknown (then nothing is waited on).
    """
    timeout_name, sleep_name = _given_name(params, 'timeout'), _given_name(params, 'sleep')
    timeout = check_seconds(timeout_name, params[timeout_name], allow_zero=True)
    sleep_seconds = check_seconds(sleep_name, params[sleep_name])
    filters = dict.fromkeys(FILTERS)
    if not params['task_ids']:
        filters['status'] = CREATING
    tasks, _count, missing, outcome = find_and_follow(params, filters, params['task_ids'], warn, timeout=timeout,
                                                      sleep_seconds=sleep_seconds, reporter=reporter,
                                                      environ=environ)
    if missing:
        raise WorkspaceResultError('Unknown export task ID(s): %s' % ', '.join(missing),
                                   export_tasks=tasks, missing_task_ids=missing)
    result = dict(export_tasks=outcome.tasks, missing_task_ids=outcome.missing_ids)
    lines = problems(outcome, timeout)
    if lines:
        raise WorkspaceResultError('\n'.join(lines), creating_task_ids=outcome.creating_ids, **result)
    return dict(result, ansible_facts={FACT: outcome.tasks})

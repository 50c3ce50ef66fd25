# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""wait_for_exports: wait until export tasks are done and insist that each gave a file.

One definition for the shipped module and its action plugin (see _module.py). The role of the same name is
this module behind an argument spec; it maps its variables onto these options.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceResultError
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_tasks import (
    CREATING,
    FILTERS,
    NO_FILE_STATUSES,
    unknown_task_ids_message,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._module import connect, wait_reporter
from ansible_collections.hwcloud.workspace.plugins.module_utils._pages import MAX_TASKS_ARG_SPEC
from ansible_collections.hwcloud.workspace.plugins.module_utils._waiter import (
    WAIT_ARG_SPEC,
    find_and_follow,
    timed_out_message,
)

FACT = 'wait_for_exports_tasks'


def argument_spec():
    return dict(task_ids=dict(type='list', elements='str', default=[]), **dict(WAIT_ARG_SPEC, **MAX_TASKS_ARG_SPEC))


def module_kwargs():
    return dict(supports_check_mode=True)


def _or_none(value):
    return 'none' if value in (None, '') else value


def problems(outcome):
    """Every reason the wait did not give a file for each task, one line each; empty when all succeeded."""
    lines = []
    no_file = [task for task in outcome.tasks if task['status'] in NO_FILE_STATUSES]
    if no_file:
        lines.append('%d export task(s) ended without a file:' % len(no_file))
        lines.extend('task_id %s, file_name %s, status %s, error_code %s, fail_reason %s'
                     % (task['task_id'], task['file_name'], task['status'], _or_none(task.get('error_code')),
                        _or_none(task.get('fail_reason'))) for task in no_file)
    if outcome.missing_ids:
        lines.append('Export task(s) disappeared while waiting: %s' % ', '.join(outcome.missing_ids))
    if outcome.timed_out:
        lines.append(timed_out_message(outcome))
    return lines


def run(module):
    """Wait for the given tasks (or every CREATING one); the result with the fact, or WorkspaceError.

    Fails, one line per task, when a task ended FAIL or EXPIRED, disappeared, or was still CREATING at
    the time-out; and when task IDs are unknown (then nothing is waited on).
    """
    filters = dict.fromkeys(FILTERS)
    if not module.params['task_ids']:
        filters['status'] = CREATING
    tasks, dummy, missing, outcome = find_and_follow(lambda: connect(module), module.params, filters,
                                                     module.params['task_ids'], True, wait_reporter(module))
    if missing:
        raise WorkspaceResultError(unknown_task_ids_message(missing),
                                   export_tasks=tasks, missing_task_ids=missing)
    result = dict(export_tasks=outcome.tasks, missing_task_ids=outcome.missing_ids)
    lines = problems(outcome)
    if lines:
        raise WorkspaceResultError('\n'.join(lines), creating_task_ids=outcome.creating_ids, **result)
    return dict(result, ansible_facts={FACT: outcome.tasks})

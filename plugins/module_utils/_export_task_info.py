# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""export_task_info's options and its run: one definition for the module and for its action plugin.

The module runs it on the target; the action plugin runs it in the controller process over a local
connection. Both validate with the same argument spec and get the same result or the same error.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

from ansible_collections.hwcloud.workspace.plugins.module_utils._client import WorkspaceClient
from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import resolve_connection
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import (
    WorkspaceResultError,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_tasks import (
    FILTERS,
    SORT_FIELDS,
    SORT_TYPES,
    STATUSES,
    ExportTaskApi,
    find_tasks,
    validate_query,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._waiter import check_wait_options, wait_for_tasks

MUTUALLY_EXCLUSIVE = [('task_id', 'task_ids'), ('task_ids', 'offset'), ('task_ids', 'limit')]
REQUIRED_TOGETHER = [('sort_field', 'sort_type')]


def argument_spec():
    """The module's own options; the connection options are added by the module base."""
    return dict(
        file_name=dict(type='str'),
        task_id=dict(type='str'),
        task_ids=dict(type='list', elements='str'),
        status=dict(type='str', choices=list(STATUSES)),
        is_download=dict(type='bool'),
        sort_field=dict(type='str', choices=list(SORT_FIELDS)),
        sort_type=dict(type='str', choices=list(SORT_TYPES)),
        offset=dict(type='int'),
        limit=dict(type='int'),
        wait=dict(type='bool', default=False),
        wait_timeout=dict(type='float', default=600),
        wait_sleep=dict(type='float', default=5),
    )


def module_kwargs():
    """The AnsibleModule keywords beside the argument spec (the action plugin validates with them too)."""
    return dict(mutually_exclusive=MUTUALLY_EXCLUSIVE, required_together=REQUIRED_TOGETHER, supports_check_mode=True)


def run(params, warn, reporter=None, environ=None):
    """List (and with wait, follow) export tasks; the result dict, or WorkspaceError.

    warn(message) records a warning; reporter hears how a wait goes; environ is the environment the
    credentials file path comes from (the process's by default).
    """
    filters = dict((name, params[name]) for name in FILTERS)
    validate_query(filters, params['offset'], params['limit'])
    check_wait_options(params)
    timeout = params['wait_timeout'] if params['wait'] else None
    tasks, count, missing, outcome = find_and_follow(params, filters, params['task_ids'], warn, timeout=timeout,
                                                     sleep_seconds=params['wait_sleep'], offset=params['offset'],
                                                     limit=params['limit'], reporter=reporter, environ=environ)
    if missing:
        raise WorkspaceResultError('Unknown export task ID(s): %s' % ', '.join(missing),
                                   export_tasks=tasks, count=count, missing_task_ids=missing)
    if outcome is None:
        return dict(export_tasks=tasks, count=count, missing_task_ids=[])
    if outcome.missing_ids:
        warn('Export task(s) disappeared while waiting: %s' % ', '.join(outcome.missing_ids))
    result = dict(export_tasks=outcome.tasks, count=count, missing_task_ids=outcome.missing_ids)
    if outcome.timed_out:
        still = dict((task['task_id'], task) for task in outcome.tasks)
        details = ['disappeared while waiting: %s' % ', '.join(outcome.missing_ids)] if outcome.missing_ids else []
        if outcome.last_error:
            details.append('the last poll failed: %s' % outcome.last_error)
        raise WorkspaceResultError(
            'Timed out after %s seconds; export task(s) still CREATING: %s%s' % (
                params['wait_timeout'],
                ', '.join('%s (%s)' % (task_id, still[task_id]['file_name']) for task_id in outcome.creating_ids),
                ''.join('; ' + detail for detail in details)),
            creating_task_ids=outcome.creating_ids, **result)
    return result


def find_and_follow(params, filters, task_ids, warn, timeout=None, sleep_seconds=None, offset=None, limit=None,
                    reporter=None, environ=None):
    """(records, count, unknown task IDs, WaitOutcome or None): find the tasks, then with a timeout follow them.

    The connection comes from params' connection options (its warnings go to warn). The timeout bounds the
    whole run, the first listing and every request in flight included. Nothing is followed when some of
    task_ids are unknown.
    """
    connection = resolve_connection(params, environ=environ)
    for warning in connection.warnings:
        warn(warning)
    deadline = None if timeout is None else time.monotonic() + timeout
    with WorkspaceClient(connection) as client:
        api = ExportTaskApi(client)
        tasks, count, missing = find_tasks(api, filters, task_ids, offset, limit, deadline=deadline)
        if missing or timeout is None:
            return tasks, count, missing, None
        return tasks, count, missing, wait_for_tasks(api, tasks, timeout, sleep_seconds, reporter=reporter,
                                                     deadline=deadline)

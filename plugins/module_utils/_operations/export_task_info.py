# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""export_task_info: list export tasks and, with wait, follow them until none is CREATING.

One definition for the shipped module and its action plugin (see _module.py).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceResultError
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_tasks import (
    FILTERS,
    SORT_FIELDS,
    SORT_TYPES,
    STATUSES,
    unknown_task_ids_message,
    validate_query,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._module import connect, wait_reporter
from ansible_collections.hwcloud.workspace.plugins.module_utils._pages import MAX_TASKS_ARG_SPEC
from ansible_collections.hwcloud.workspace.plugins.module_utils._waiter import (
    WAIT_ARG_SPEC,
    find_and_follow,
    timed_out_message,
)

MUTUALLY_EXCLUSIVE = [('task_id', 'task_ids'), ('task_ids', 'offset'), ('task_ids', 'limit')]
REQUIRED_TOGETHER = [('sort_field', 'sort_type')]


def argument_spec():
    """The module's own options; the connection options are added by _module.full_argument_spec."""
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
        **dict(WAIT_ARG_SPEC, **MAX_TASKS_ARG_SPEC)
    )


def module_kwargs():
    """The AnsibleModule keywords beside the argument spec (the controller's stand-in validates with them too)."""
    return dict(mutually_exclusive=MUTUALLY_EXCLUSIVE, required_together=REQUIRED_TOGETHER, supports_check_mode=True)


def run(module):
    """List (and with wait, follow) export tasks; the result dict, or WorkspaceError."""
    params = module.params
    filters = dict((name, params[name]) for name in FILTERS)
    validate_query(filters, params['offset'], params['limit'])
    tasks, count, missing, outcome = find_and_follow(
        lambda: connect(module), params, filters, params['task_ids'], params['wait'], wait_reporter(module),
        offset=params['offset'], limit=params['limit'])
    if missing:
        raise WorkspaceResultError(unknown_task_ids_message(missing),
                                   export_tasks=tasks, count=count, missing_task_ids=missing)
    if outcome is None:
        return dict(export_tasks=tasks, count=count, missing_task_ids=[])
    if outcome.missing_ids:
        module.warn('Export task(s) disappeared while waiting: %s' % ', '.join(outcome.missing_ids))
    result = dict(export_tasks=outcome.tasks, count=count, missing_task_ids=outcome.missing_ids)
    if outcome.timed_out:
        raise WorkspaceResultError(timed_out_message(outcome), creating_task_ids=outcome.creating_ids, **result)
    return result

# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""export_task: start an export (and wait for it), or delete export tasks.

One definition for the shipped module and its action plugin (see _module.py).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

from ansible_collections.hwcloud.workspace.plugins.module_utils._connection import resolve_connection
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceError, WorkspaceResultError
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_writes import (
    KINDS,
    LANGUAGES,
    delete_tasks,
    start_export,
    validate_parameters,
    validate_task_ids,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_tasks import (
    CREATING,
    NO_FILE_STATUSES,
    TASK_FIELDS,
    ExportTaskApi,
    TaskFollower,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._module import connect, wait_reporter
from ansible_collections.hwcloud.workspace.plugins.module_utils._waiter import (
    WAIT_ARG_SPEC,
    Waiter,
    check_wait_options,
    first_look_deadline,
    timed_out_message,
)


def argument_spec():
    return dict(
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        kind=dict(type='str', choices=list(KINDS)),
        parameters=dict(type='dict', default={}),
        language=dict(type='str', choices=list(LANGUAGES)),
        wait=dict(type='bool', default=False),
        task_ids=dict(type='list', elements='str'),
        **WAIT_ARG_SPEC
    )


def module_kwargs():
    return dict(supports_check_mode=True, required_if=[('state', 'present', ('kind',)), ('state', 'absent', ('task_ids',))])


def describe(task):
    return 'Export task %s (file %s) ended %s: error_code=%s, fail_reason=%s' % (
        task['task_id'], task['file_name'], task['status'], task['error_code'], task['fail_reason'])


def _follow(module, workspace, task_id, timeout, sleep_seconds, deadline):
    """The result once the started task is listed (and, with wait, finished); WorkspaceError otherwise."""
    params = module.params
    api = ExportTaskApi(workspace)
    try:
        found = api.get_by_ids([task_id], deadline=first_look_deadline(timeout, deadline))[0]
    except WorkspaceError:
        if deadline is None or time.monotonic() < deadline:
            raise
        found = []  # the wait's deadline cut the first look: the wait says it timed out
    if not params['wait']:
        return dict(changed=True, task_id=task_id, export_task=found[0] if found else None)
    # The list may not show a task started a moment ago: follow it as CREATING until it does.
    task = found[0] if found else dict(dict.fromkeys(TASK_FIELDS), task_id=task_id, status=CREATING)
    waiter = Waiter(TaskFollower(api).fetch, reporter=wait_reporter(module))
    outcome = waiter.wait([task], timeout, sleep_seconds, deadline=deadline)
    result = dict(changed=True, task_id=task_id, export_task=outcome.tasks[0] if outcome.tasks else None)
    if outcome.missing_ids:
        raise WorkspaceResultError('Export task %s was started but is not in the list of export tasks' % task_id,
                                   **result)
    if outcome.timed_out:
        raise WorkspaceResultError(timed_out_message(outcome), creating_task_ids=[task_id], **result)
    if result['export_task']['status'] in NO_FILE_STATUSES:
        raise WorkspaceResultError(describe(result['export_task']), **result)
    return result


def start(module):
    params = module.params
    validate_parameters(params['kind'], params['parameters'], params['language'])
    timeout, sleep_seconds = check_wait_options(params)
    if module.check_mode:
        resolve_connection(params)  # the connection options are checked; nothing is sent
        return dict(changed=True, task_id=None, export_task=None)
    # The wait ends wait_timeout seconds after the start, however long the first look at the task took.
    deadline = time.monotonic() + timeout if params['wait'] else None
    with connect(module) as workspace:
        try:
            task_id = start_export(workspace, params['kind'], params['parameters'], params['language'])
        except WorkspaceError as exc:
            if not exc.arrived:
                raise
            # Sent once and never again: the service may have started the export, whose ID the answer did not bring.
            raise WorkspaceResultError('%s. The export may have been started: list the export tasks '
                                       '(hwcloud.workspace.export_task_info) before starting it again.' % exc,
                                       changed=True, task_id=None, export_task=None, **exc.as_result()) from None
        try:
            return _follow(module, workspace, task_id, timeout, sleep_seconds, deadline)
        except WorkspaceResultError:
            raise
        except WorkspaceError as exc:
            # The export runs: a re-run must not start it again blindly, so the failure names it.
            raise WorkspaceResultError('Export task %s was started (it goes on in the service), but then: %s'
                                       % (task_id, exc), changed=True, task_id=task_id, export_task=None,
                                       **exc.as_result()) from None


def delete(module):
    task_ids = validate_task_ids(module.params['task_ids'])
    if not task_ids:
        resolve_connection(module.params)
        return dict(changed=False, deleted_task_ids=[], missing_task_ids=[])
    with connect(module) as workspace:
        found, missing = ExportTaskApi(workspace).get_by_ids(task_ids)
        existing = [task['task_id'] for task in found]
        if existing and not module.check_mode:
            delete_tasks(workspace, existing)
    return dict(changed=bool(existing), deleted_task_ids=existing, missing_task_ids=missing)


def run(module):
    return start(module) if module.params['state'] == 'present' else delete(module)

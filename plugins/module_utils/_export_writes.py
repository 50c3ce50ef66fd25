# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Starting an export of a kind (declared in _export_kinds), and DeleteExportTasks."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime

from ansible_collections.hwcloud.workspace.plugins.module_utils._api import check_path_value
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import (
    WorkspaceApiError,
    WorkspaceConfigError,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_kinds import (
    DEFAULT_LANGUAGE,
    KINDS as OPERATIONS,
    LANGUAGES,
    NO_LANGUAGE,
    REQUIRED_LANGUAGE,
    parse_time,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_tasks import ExportTaskApi

DELETE_BATCH_SIZE = 200
TASK_ID_MAX_LENGTH = 64
KINDS = tuple(OPERATIONS)
# The error_code the service answers a batch-delete that names IDs of no task with (400, nothing deleted).
UNKNOWN_TASK_CODE = 'WKS.00010004'


def query_pairs(values):
    """The query pairs of a start, as the SDKs send them: booleans in lower case, a list as one pair per item
    (the name repeated: computer_names=pc1&computer_names=pc2), so a comma is an ordinary character of an item."""
    pairs = []
    for name, value in sorted(values.items()):
        for item in (value if isinstance(value, list) else [value]):
            pairs.append((name, ('true' if item else 'false') if isinstance(item, bool) else str(item)))
    return pairs


def operation_for(kind):
    if kind not in OPERATIONS:
        raise WorkspaceConfigError('kind must be one of %s, got %r' % (', '.join(KINDS), kind))
    return OPERATIONS[kind]


def validate_parameters(kind, parameters, language=None):
    """The parameters to send (None values dropped, language added), or WorkspaceConfigError naming the key."""
    operation = operation_for(kind)
    if not isinstance(parameters, dict):
        raise WorkspaceConfigError('parameters must be a dictionary, got %r' % (parameters,))
    values = dict((name, value) for name, value in parameters.items() if value is not None)
    if 'language' in values:
        raise WorkspaceConfigError('language is an option of its own (language: %s), not a key of parameters'
                                   % ' or '.join(LANGUAGES))
    unknown = sorted(set(values) - set(operation.parameters))
    if unknown:
        raise WorkspaceConfigError('Unknown parameter(s) %s for kind %s; its parameters are %s' % (
            ', '.join(unknown), kind, ', '.join(sorted(operation.parameters))))
    for name, parameter in operation.parameters.items():
        if name in values:
            parameter.check(kind, values[name])
            if parameter.in_path:
                check_path_value('parameters.%s of kind %s' % (name, kind), values[name])
        elif parameter.required:
            raise WorkspaceConfigError('parameters.%s is required for kind %s' % (name, kind))
    for first, second in operation.pairs:
        if (first in values) != (second in values):
            raise WorkspaceConfigError('parameters.%s and parameters.%s of kind %s go together: set both or neither'
                                       % (first, second, kind))
    for low, high in operation.ordered:
        if low in values and high in values and values[high] < values[low]:
            raise WorkspaceConfigError('parameters.%s (%s) of kind %s must not be less than parameters.%s (%s)'
                                       % (high, values[high], kind, low, values[low]))
    _check_range(kind, operation, values)
    language = _language(kind, operation, language)
    if language is not None:
        values['language'] = language
    return values


def _language(kind, operation, language):
    """The language to send: the given one, or DEFAULT_LANGUAGE where the request model requires one."""
    if language is None:
        return DEFAULT_LANGUAGE if operation.language == REQUIRED_LANGUAGE else None
    if operation.language == NO_LANGUAGE:
        raise WorkspaceConfigError('language does not apply to kind %s (the API takes no language for it); '
                                   'the kinds with a language are %s'
                                   % (kind, ', '.join(name for name in KINDS if OPERATIONS[name].language)))
    if language not in LANGUAGES:
        raise WorkspaceConfigError('language must be one of %s, got %r' % (', '.join(LANGUAGES), language))
    return language


def _check_range(kind, operation, values):
    if 'start_time' not in values or 'end_time' not in values:
        return
    start = parse_time(values['start_time'], 'parameters.start_time')
    end = parse_time(values['end_time'], 'parameters.end_time')
    if end < start:
        raise WorkspaceConfigError('parameters.end_time of kind %s must not be before parameters.start_time' % kind)
    if operation.max_range_days and end - start > datetime.timedelta(days=operation.max_range_days):
        raise WorkspaceConfigError('parameters.start_time to parameters.end_time of kind %s spans more than %d days'
                                   % (kind, operation.max_range_days))
    if operation.within_days:
        oldest = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) \
            - datetime.timedelta(days=operation.within_days)
        if start < oldest:
            raise WorkspaceConfigError('parameters.start_time of kind %s must be within the last %d days, got %r'
                                       % (kind, operation.within_days, values['start_time']))


def start_export(workspace, kind, parameters, language=None):
    """Start one export; returns its task_id. Sent once: a start is never repeated after a read time-out."""
    operation = operation_for(kind)
    values = validate_parameters(kind, parameters, language)
    in_path = dict((name, values.pop(name)) for name, parameter in operation.parameters.items() if parameter.in_path)
    params, body = (), None
    if operation.location == 'body':
        body = values
    else:
        params = query_pairs(values)
    answer = workspace.call(operation.name, params, body=body, **in_path)
    task_id = answer.get('task_id')
    if not isinstance(task_id, str) or not task_id:
        error = WorkspaceApiError(operation.method, workspace.url(operation.name, **in_path), 200,
                                  detail='the answer of %s lacks task_id' % operation.name)
        error.arrived = True  # a 200: the export may well run
        raise error
    return task_id


def validate_task_ids(task_ids):
    """Task IDs as DeleteExportTasks takes them: each 1 to 64 characters; duplicates dropped, order kept."""
    for task_id in task_ids:
        if not isinstance(task_id, str) or not 1 <= len(task_id) <= TASK_ID_MAX_LENGTH:
            raise WorkspaceConfigError('task_ids must hold task IDs of 1 to %d characters, got %r'
                                       % (TASK_ID_MAX_LENGTH, task_id))
    return list(dict.fromkeys(task_ids))


def _names_vanished_tasks(error, batch):
    """Whether an error of DeleteExportTasks says that some IDs of the batch name no task: a 404, or the 400
    the service documents (its error_msg names them), in which case it deleted nothing."""
    if error.status == 404:
        return True
    named = any(task_id in (error.error_msg or '') for task_id in batch)
    return error.status == 400 and (error.error_code == UNKNOWN_TASK_CODE or named)


def delete_tasks(workspace, task_ids):
    """DeleteExportTasks for these existing IDs, in batches of 200 (the API's limit).

    The API deletes nothing of a batch that names an unknown ID (a 400 naming it; 404 by older readings). When
    a retry meets tasks that an earlier attempt deleted, or tasks vanish meanwhile, the batch is sent once more
    with what still exists; when nothing vanished, the error stands.
    """
    task_ids = validate_task_ids(task_ids)
    for start in range(0, len(task_ids), DELETE_BATCH_SIZE):
        batch = task_ids[start:start + DELETE_BATCH_SIZE]
        try:
            workspace.call('DeleteExportTasks', body={'task_ids': batch})
        except WorkspaceApiError as exc:
            if not _names_vanished_tasks(exc, batch):
                raise
            remaining = [task['task_id'] for task in ExportTaskApi(workspace).get_by_ids(batch)[0]]
            if len(remaining) == len(batch):
                raise
            if remaining:
                workspace.call('DeleteExportTasks', body={'task_ids': remaining})

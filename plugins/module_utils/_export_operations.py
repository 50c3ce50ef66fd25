# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The operations that start an export (one declaration each), and DeleteExportTasks.

Parameter names, types and limits are those of the official SDK huaweicloudsdkworkspace (3.1.219): its
request models Export*NewRequest / Export*NewReq. Methods and paths are in the API table (_api.OPERATIONS).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import re

from ansible_collections.hwcloud.workspace.plugins.module_utils._api import OPERATIONS as API_OPERATIONS, check_path_value
from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import (
    WorkspaceApiError,
    WorkspaceConfigError,
)
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_tasks import ExportTaskApi

LANGUAGES = ('zh_CN', 'en_US')
SORT_TYPES = ('ASC', 'DESC')
ACTIVE_TYPES = ('USER_ACTIVATE', 'ADMIN_ACTIVATE')
# The longest time range the connection and user-usage exports accept.
MAX_RANGE_DAYS = 30
DELETE_BATCH_SIZE = 200
TASK_ID_MAX_LENGTH = 64
TIME_FORMATS = ('%Y-%m-%dT%H:%M:%SZ', '%Y-%m-%dT%H:%M:%S.%fZ')


class Parameter:
    """One documented parameter: its JSON type ('str', 'int', 'bool' or 'list' of str) and limits."""

    TYPE_NAMES = {'str': 'a string', 'int': 'an integer', 'bool': 'a boolean', 'list': 'a list of strings'}

    def __init__(self, name, kind='str', choices=None, min_length=None, max_length=None, max_items=None,
                 minimum=None, time=False, required=False, in_path=False, pattern=None):
        self.name = name
        self.kind = kind
        self.choices = choices
        self.min_length = min_length
        self.max_length = max_length
        self.max_items = max_items
        self.minimum = minimum
        self.time = time
        self.required = required
        self.in_path = in_path
        self.pattern = pattern  # (compiled regular expression, what it means in words)

    def fail(self, kind, value, expected):
        raise WorkspaceConfigError('parameters.%s of kind %s must be %s, got %r' % (self.name, kind, expected, value))

    def check(self, kind, value):
        """Raise WorkspaceConfigError naming the key when value is not what the API documents."""
        if self.kind == 'bool':
            if not isinstance(value, bool):
                self.fail(kind, value, self.TYPE_NAMES['bool'])
        elif self.kind == 'int':
            if isinstance(value, bool) or not isinstance(value, int):
                self.fail(kind, value, self.TYPE_NAMES['int'])
            if self.minimum is not None and value < self.minimum:
                self.fail(kind, value, 'at least %d' % self.minimum)
        elif self.kind == 'list':
            if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
                self.fail(kind, value, 'a list of non-empty strings')
            if self.max_items is not None and len(value) > self.max_items:
                self.fail(kind, value, 'a list of at most %d items (it has %d)' % (self.max_items, len(value)))
        else:
            self._check_text(kind, value)
            if self.in_path:
                check_path_value('parameters.%s of kind %s' % (self.name, kind), value)

    def _check_text(self, kind, value):
        if not isinstance(value, str):
            self.fail(kind, value, self.TYPE_NAMES['str'])
        if self.choices and value not in self.choices:
            self.fail(kind, value, 'one of %s' % ', '.join(self.choices))
        if self.min_length is not None and len(value) < self.min_length or \
                self.max_length is not None and len(value) > self.max_length:
            self.fail(kind, value, '%d to %d characters long' % (self.min_length or 0, self.max_length))
        if self.pattern and not self.pattern[0].match(value):
            self.fail(kind, value, self.pattern[1])
        if self.time:
            parse_time(value, 'parameters.%s of kind %s' % (self.name, kind))


def query_value(value):
    """The query-string form, as the SDK sends it: booleans in lower case, lists comma-separated (its "csv"
    collection format: an item cannot hold a comma, see Parameter.check)."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, list):
        return ','.join(value)
    return str(value)


def parse_time(value, label):
    for time_format in TIME_FORMATS:
        try:
            return datetime.datetime.strptime(value, time_format)
        except ValueError:
            continue
    raise WorkspaceConfigError('%s must be a UTC time like 2026-11-28T09:30:00Z, got %r' % (label, value))


class ExportOperation:
    """How to start one kind of export: its API operation, where parameters go, what they are, and their rules."""

    def __init__(self, kind, name, location, parameters, language=True, pairs=(), ordered=(), max_range_days=None):
        self.kind = kind  # the module's name for it
        self.name = name  # the operation's name in the SDK and in _api.OPERATIONS
        self.location = location  # 'query' or 'body' (a JSON object)
        self.parameters = dict((parameter.name, parameter) for parameter in parameters)
        self.language = language
        self.pairs = pairs  # (a, b): set both or neither
        self.ordered = ordered  # (low, high): high >= low when both are set
        self.max_range_days = max_range_days  # start_time..end_time at most this long


def _text(name, **limits):
    return Parameter(name, 'str', **limits)


def _count(name):
    return Parameter(name, 'int', minimum=0)


def _flag(name):
    return Parameter(name, 'bool')


def _names(name, **limits):
    return Parameter(name, 'list', **limits)


def _time(name, required=False):
    return Parameter(name, 'str', time=True, required=required)


_SORT_TYPE = _text('sort_type', choices=SORT_TYPES)
_ACTIVE_TYPE = _text('active_type', choices=ACTIVE_TYPES)
_ENTERPRISE_PROJECT = _text('enterprise_project_id')

OPERATIONS = dict((operation.kind, operation) for operation in (
    ExportOperation(
        'desktops', 'ExportDesktopListNew', 'query',
        parameters=(
            _text('computer_name'), _names('computer_names'), _text('desktop_ip'), _text('desktop_id'), _text('tag'),
            _flag('without_any_tag'), _ENTERPRISE_PROJECT, _text('desktop_type', choices=('DEDICATED', 'POOLED')),
            _text('status', choices=('ACTIVE', 'SHUTOFF', 'ERROR', 'HIBERNATED')), _names('user_names', max_items=100),
            _text('sort_field', choices=('created', 'computer_name')), _SORT_TYPE, _flag('user_attached'),
            _text('image_id'), _text('charge_mode', choices=('0', '1')), _flag('in_maintenance_mode'),
            _text('subnet_id'), _text('connection_status_version', choices=('NEW', 'OLD')), _text('pool_id'),
            _flag('include_pool'), _text('pool_name'), _text('pool_type', choices=('DYNAMIC', 'STATIC')),
            _flag('pool_in_maintenance_mode'), _text('pool_enterprise_project_id'),
        ),
        pairs=(('sort_field', 'sort_type'),),
    ),
    ExportOperation(
        'users', 'ExportUsersNew', 'body',
        parameters=(
            _text('user_name', min_length=1, max_length=20,
                  pattern=(re.compile(r'^[A-Za-z_.-][A-Za-z0-9_.-]*$'),
                           'letters, digits, _ . - only, not starting with a digit')),
            _names('user_names'), _text('description'), _ACTIVE_TYPE, _ENTERPRISE_PROJECT,
        ),
    ),
    ExportOperation(
        'user_groups', 'ExportUserGroupsNew', 'body',
        parameters=(_text('name'), _names('group_ids')),
    ),
    ExportOperation(
        'group_users', 'ExportUserGroupUsersNew', 'query',
        parameters=(
            _text('group_id', min_length=1, required=True, in_path=True), _text('user_name'), _names('user_names'),
            _text('description'), _ACTIVE_TYPE, _text('group_name'), _ENTERPRISE_PROJECT,
        ),
    ),
    ExportOperation(
        'user_connections', 'ExportUserConnectionNew', 'query',
        parameters=(
            _time('start_time'), _time('end_time'), _text('user_name'), _text('computer_name'), _text('terminal_type'),
            _count('min_e2e_rtt'), _count('max_e2e_rtt'), _ENTERPRISE_PROJECT, _text('public_ip'), _text('domain'),
        ),
        ordered=(('min_e2e_rtt', 'max_e2e_rtt'),), max_range_days=MAX_RANGE_DAYS,
    ),
    ExportOperation(
        'desktop_usage', 'ExportDesktopUsageMetricNew', 'query',
        parameters=(
            _time('start_time', required=True), _time('end_time', required=True), _text('resource_name'), _text('resource_id'),
            _count('min_idle_days'), _count('max_idle_days'), _count('usage_min_hours'), _count('usage_max_hours'),
            _ENTERPRISE_PROJECT, _text('sort_field', choices=('desktop_usage', 'desktop_idle_duration')), _SORT_TYPE,
        ),
        language=False, pairs=(('sort_field', 'sort_type'),),
        ordered=(('min_idle_days', 'max_idle_days'), ('usage_min_hours', 'usage_max_hours')),
    ),
    ExportOperation(
        'user_usage', 'ExportUserUsageMetricNew', 'query',
        parameters=(
            _time('start_time', required=True), _time('end_time', required=True), _text('username'), _count('usage_min_hours'),
            _count('usage_max_hours'), _ENTERPRISE_PROJECT, _text('sort_field', choices=('user_usage',)), _SORT_TYPE,
        ),
        language=False, pairs=(('sort_field', 'sort_type'),), ordered=(('usage_min_hours', 'usage_max_hours'),),
        max_range_days=MAX_RANGE_DAYS,
    ),
))
KINDS = tuple(OPERATIONS)


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
            if operation.location == 'query' and parameter.kind == 'list' and any(',' in item for item in values[name]):
                # The query takes the list comma-separated, as the SDK sends it: "pc,1" would be two names.
                parameter.fail(kind, values[name], 'a list of names without a comma (the API takes it comma-separated)')
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
    if language is not None:
        if not operation.language:
            raise WorkspaceConfigError('language does not apply to kind %s (the API takes no language for it); '
                                       'the kinds with a language are %s'
                                       % (kind, ', '.join(name for name in KINDS if OPERATIONS[name].language)))
        if language not in LANGUAGES:
            raise WorkspaceConfigError('language must be one of %s, got %r' % (', '.join(LANGUAGES), language))
        values['language'] = language
    return values


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


def start_export(workspace, kind, parameters, language=None):
    """Start one export; returns its task_id. Sent once: a start is never repeated after a read time-out."""
    operation = operation_for(kind)
    values = validate_parameters(kind, parameters, language)
    in_path = dict((name, values.pop(name)) for name, parameter in operation.parameters.items() if parameter.in_path)
    params, body = (), None
    if operation.location == 'body':
        body = values
    else:
        params = [(name, query_value(value)) for name, value in sorted(values.items())]
    answer = workspace.call(operation.name, params, body=body, **in_path)
    task_id = answer.get('task_id')
    if not isinstance(task_id, str) or not task_id:
        error = WorkspaceApiError(API_OPERATIONS[operation.name].method, workspace.url(operation.name, **in_path), 200,
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


def delete_tasks(workspace, task_ids):
    """DeleteExportTasks for these existing IDs, in batches of 200 (the API's limit).

    The API deletes nothing of a batch that names an unknown ID (404). When a retry meets tasks that an
    earlier attempt deleted, or tasks vanish meanwhile, the batch is sent once more with what still exists.
    """
    task_ids = validate_task_ids(task_ids)
    for start in range(0, len(task_ids), DELETE_BATCH_SIZE):
        batch = task_ids[start:start + DELETE_BATCH_SIZE]
        try:
            workspace.call('DeleteExportTasks', body={'task_ids': batch})
        except WorkspaceApiError as exc:
            if exc.status != 404:
                raise
            remaining = ExportTaskApi(workspace).get_by_ids(batch)[0]
            if remaining:
                workspace.call('DeleteExportTasks', body={'task_ids': [task['task_id'] for task in remaining]})

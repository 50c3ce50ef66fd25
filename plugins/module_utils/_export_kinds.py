# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.workspace contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The kinds of export: one declaration each, the single source of the API table's start operations (_api),
the checks before a start (_export_writes) and the documentation (held to it by
tests/unit/plugins/module_utils/test_export_kinds.py).

Each kind is the operation's name in the official SDK huaweicloudsdkworkspace (3.1.219), its method and path,
where its parameters go, every parameter of its request model (Export*Request / Export*RequestBody: wire name,
type, allowed values, whether the model requires it), whether it takes a language and whether the model
requires one, and the rules between parameters.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import re

from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceConfigError

LANGUAGES = ('zh_CN', 'en_US')
# What a kind whose request model requires a language gets when the user gives none.
DEFAULT_LANGUAGE = 'en_US'
SORT_TYPES = ('ASC', 'DESC')
ACTIVE_TYPES = ('USER_ACTIVATE', 'ADMIN_ACTIVATE')
TIME_FORMATS = ('%Y-%m-%dT%H:%M:%SZ', '%Y-%m-%dT%H:%M:%S.%fZ')
# language: whether a kind takes one, and whether its request model requires it.
NO_LANGUAGE, OPTIONAL_LANGUAGE, REQUIRED_LANGUAGE = None, 'optional', 'required'


def parse_time(value, label):
    """A UTC time as the API writes it (2026-11-28T09:30:00Z, milliseconds allowed), naive."""
    for time_format in TIME_FORMATS:
        try:
            return datetime.datetime.strptime(value, time_format)
        except ValueError:
            continue
    raise WorkspaceConfigError('%s must be a UTC time like 2026-11-28T09:30:00Z, got %r' % (label, value))


def parse_iso_8601(value, label):
    """An ISO 8601 time with or without an offset, like 2015-08-27T09:49:58-05:00."""
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        raise WorkspaceConfigError('%s must be an ISO 8601 time like 2015-08-27T09:49:58-05:00, got %r' % (label, value))


class Parameter:
    """One parameter of a request model: its type ('str', 'int', 'bool' or 'list' of str) and limits."""

    TYPE_NAMES = {'str': 'a string', 'int': 'an integer', 'bool': 'a boolean', 'list': 'a list of strings'}

    def __init__(self, name, kind='str', choices=None, min_length=None, max_length=None, max_items=None,
                 minimum=None, time=None, required=False, in_path=False, pattern=None, note=None):
        self.name = name
        self.kind = kind
        self.choices = choices
        self.min_length = min_length
        self.max_length = max_length
        self.max_items = max_items
        self.minimum = minimum
        self.time = time  # None, 'utc' (2026-11-28T09:30:00Z) or 'iso8601' (with an offset)
        self.required = required
        self.in_path = in_path
        self.pattern = pattern  # (compiled regular expression, what it means in words)
        self.note = note  # what the documentation adds about its meaning

    def fail(self, kind, value, expected):
        raise WorkspaceConfigError('parameters.%s of kind %s must be %s, got %r' % (self.name, kind, expected, value))

    def check(self, kind, value):
        """Raise WorkspaceConfigError naming the key when value is not what the request model takes."""
        if self.kind == 'bool':
            if not isinstance(value, bool):
                self.fail(kind, value, self.TYPE_NAMES['bool'])
        elif self.kind == 'int':
            if isinstance(value, bool) or not isinstance(value, int):
                self.fail(kind, value, self.TYPE_NAMES['int'])
            if self.minimum is not None and value < self.minimum:
                self.fail(kind, value, 'at least %d' % self.minimum)
            if self.choices and value not in self.choices:
                self.fail(kind, value, 'one of %s' % ', '.join(str(choice) for choice in self.choices))
        elif self.kind == 'list':
            if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
                self.fail(kind, value, 'a list of non-empty strings')
            if self.max_items is not None and len(value) > self.max_items:
                self.fail(kind, value, 'a list of at most %d items (it has %d)' % (self.max_items, len(value)))
        else:
            self._check_text(kind, value)

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
        label = 'parameters.%s of kind %s' % (self.name, kind)
        if self.time == 'utc':
            parse_time(value, label)
        elif self.time == 'iso8601':
            parse_iso_8601(value, label)


class ExportKind:
    """One kind of export: how to start it (operation, method, path, where parameters go), what its parameters
    are, its language, and the rules between parameters."""

    def __init__(self, kind, name, method, path, location, parameters, language=OPTIONAL_LANGUAGE, pairs=(),
                 ordered=(), max_range_days=None, within_days=None):
        self.kind = kind  # the module's name for it
        self.name = name  # the operation's name in the SDK and in _api.OPERATIONS
        self.method = method
        self.path = path
        self.location = location  # 'query' or 'body' (a JSON object)
        self.parameters = dict((parameter.name, parameter) for parameter in parameters)
        self.language = language
        self.pairs = pairs  # (a, b): set both or neither
        self.ordered = ordered  # (low, high): high >= low when both are set
        self.max_range_days = max_range_days  # start_time..end_time at most this long
        self.within_days = within_days  # start_time and end_time within this many days before now


def _text(name, **limits):
    return Parameter(name, 'str', **limits)


def _count(name, **limits):
    return Parameter(name, 'int', minimum=0, **limits)


def _flag(name):
    return Parameter(name, 'bool')


def _names(name, **limits):
    return Parameter(name, 'list', **limits)


def _time(name, required=False):
    return Parameter(name, 'str', time='utc', required=required)


def _switch(name, note):
    return Parameter(name, 'int', choices=(0, 1), note=note)


_SORT_TYPE = _text('sort_type', choices=SORT_TYPES)
_SORTED = (('sort_field', 'sort_type'),)
_ACTIVE_TYPE = _text('active_type', choices=ACTIVE_TYPES)
_ENTERPRISE_PROJECT = _text('enterprise_project_id')

KINDS = dict((declaration.kind, declaration) for declaration in (
    ExportKind(
        'desktops', 'ExportDesktopListNew', 'GET', '/v3/{project_id}/desktops/export', 'query',
        parameters=(
            _text('computer_name'), _names('computer_names'), _text('desktop_ip'), _text('desktop_id'),
            _text('tag', note='key=value'),
            _flag('without_any_tag'), _ENTERPRISE_PROJECT, _text('desktop_type', choices=('DEDICATED', 'POOLED')),
            _text('status', choices=('ACTIVE', 'SHUTOFF', 'ERROR', 'HIBERNATED')), _names('user_names', max_items=100),
            _text('sort_field', choices=('created', 'computer_name')), _SORT_TYPE, _flag('user_attached'),
            _text('image_id'), _text('charge_mode', choices=('0', '1'), note='0 yearly/monthly, 1 pay-per-use'),
            _flag('in_maintenance_mode'),
            _text('subnet_id'), _text('connection_status_version', choices=('NEW', 'OLD')), _text('pool_id'),
            _flag('include_pool'), _text('pool_name'), _text('pool_type', choices=('DYNAMIC', 'STATIC')),
            _flag('pool_in_maintenance_mode'), _text('pool_enterprise_project_id'),
        ),
        language=REQUIRED_LANGUAGE, pairs=_SORTED,
    ),
    ExportKind(
        'users', 'ExportUsersNew', 'POST', '/v3/{project_id}/users/export', 'body',
        parameters=(
            _text('user_name', min_length=1, max_length=20,
                  pattern=(re.compile(r'^[A-Za-z_.-][A-Za-z0-9_.-]*$'),
                           'letters, digits, _ . - only, not starting with a digit')),
            _names('user_names'), _text('description'), _ACTIVE_TYPE, _ENTERPRISE_PROJECT,
        ),
    ),
    ExportKind(
        'user_groups', 'ExportUserGroupsNew', 'POST', '/v3/{project_id}/groups/export', 'body',
        parameters=(_text('name'), _names('group_ids')),
    ),
    ExportKind(
        'group_users', 'ExportUserGroupUsersNew', 'GET', '/v3/{project_id}/groups/{group_id}/users/export', 'query',
        parameters=(
            _text('group_id', min_length=1, required=True, in_path=True), _text('user_name'), _names('user_names'),
            _text('description'), _ACTIVE_TYPE, _text('group_name'), _ENTERPRISE_PROJECT,
        ),
    ),
    ExportKind(
        'user_connections', 'ExportUserConnectionNew', 'GET', '/v3/{project_id}/desktops/connections/export', 'query',
        parameters=(
            _time('start_time'), _time('end_time'), _text('user_name'), _text('computer_name'), _text('terminal_type'),
            _count('min_e2e_rtt'), _count('max_e2e_rtt'), _ENTERPRISE_PROJECT, _text('public_ip'), _text('domain'),
        ),
        ordered=(('min_e2e_rtt', 'max_e2e_rtt'),), max_range_days=30, within_days=30,
    ),
    ExportKind(
        'desktop_usage', 'ExportDesktopUsageMetricNew', 'GET', '/v3/{project_id}/statistics/metrics/desktops/export',
        'query',
        parameters=(
            _time('start_time', required=True), _time('end_time', required=True), _text('resource_name'),
            _text('resource_id'), _count('min_idle_days'), _count('max_idle_days'), _count('usage_min_hours'),
            _count('usage_max_hours'), _ENTERPRISE_PROJECT,
            _text('sort_field', choices=('desktop_usage', 'desktop_idle_duration')), _SORT_TYPE,
        ),
        language=NO_LANGUAGE, pairs=_SORTED, within_days=180,
        ordered=(('min_idle_days', 'max_idle_days'), ('usage_min_hours', 'usage_max_hours')),
    ),
    ExportKind(
        'user_usage', 'ExportUserUsageMetricNew', 'GET', '/v3/{project_id}/statistics/metrics/users/export', 'query',
        parameters=(
            _time('start_time', required=True), _time('end_time', required=True), _text('username'),
            _count('usage_min_hours'), _count('usage_max_hours'), _ENTERPRISE_PROJECT,
            _text('sort_field', choices=('user_usage',)), _SORT_TYPE,
        ),
        language=NO_LANGUAGE, pairs=_SORTED, ordered=(('usage_min_hours', 'usage_max_hours'),), max_range_days=30,
    ),
    ExportKind(
        'desktop_versions', 'ExportDesktopVersionList', 'GET', '/v2/{project_id}/desktops/list-by-version/export',
        'query',
        parameters=(
            _text('agent_version', required=True, note='exact match'),
            _text('os_type', required=True, note='the operating system type'), _text('desktop_id'),
            _text('desktop_name'), _text('username'),
        ),
        language=REQUIRED_LANGUAGE,
    ),
    ExportKind(
        'hosts', 'ExportHostsDetail', 'GET', '/v2/{project_id}/hosts/export', 'query',
        parameters=(
            _text('name'), _text('availability_zone'), _text('host_id'), _ENTERPRISE_PROJECT, _text('host_type'),
            _text('host_type_name'), _text('state', choices=('available', 'fault', 'released')), _count('limit'),
            _count('offset'), _text('marker'), Parameter('changes_since', time='iso8601'),
            _text('sort_field', choices=('instance_total', 'available_vcpus', 'available_memory')), _SORT_TYPE,
        ),
        language=REQUIRED_LANGUAGE, pairs=_SORTED,
    ),
    ExportKind(
        'app_user_access', 'ExportAppUserAccessData', 'POST',
        '/v2/{project_id}/statistics/metrics/app-user-access/export', 'body',
        parameters=(
            _time('start_time', required=True), _time('end_time', required=True), _text('username'),
            _text('sort_field', choices=('access_failed_count', 'last_access_failed_time')), _SORT_TYPE,
        ),
        language=NO_LANGUAGE, pairs=_SORTED,
    ),
    ExportKind(
        'upgrade_strategies', 'ExportTenantUpgradeStrategies', 'GET', '/v2/{project_id}/upgrade-strategies/export',
        'query',
        parameters=(
            _text('strategy_name'), _switch('strategy_type', '0 server, 1 client'),
            _switch('is_force_upgrade', '0 no, 1 yes'), _switch('status', '0 disabled, 1 enabled'),
            _count('strategy_priority'),
        ),
        language=REQUIRED_LANGUAGE,
    ),
    ExportKind(
        'terminal_bindings', 'ExportTerminalsBindingDesktopsInfoNew', 'GET',
        '/v3/{project_id}/terminals/binding-desktops/template/export', 'query',
        parameters=(_text('computer_name'), _text('mac')),
        language=REQUIRED_LANGUAGE,
    ),
))

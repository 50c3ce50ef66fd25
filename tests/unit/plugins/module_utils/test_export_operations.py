# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Export operations: parameters checked against the SDK's documented ones before any request."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import inspect
import re

import pytest

from ansible_collections.hwcloud.workspace.plugins.module_utils._errors import WorkspaceConfigError
from ansible_collections.hwcloud.workspace.plugins.module_utils._export_operations import (
    KINDS,
    OPERATIONS,
    validate_parameters,
    validate_task_ids,
)

# The official SDK's request models, to prove the declarations name exactly its parameters.
SDK_MODELS = {
    'desktops': ('export_desktop_list_new_request', 'ExportDesktopListNewRequest'),
    'users': ('export_users_new_req', 'ExportUsersNewReq'),
    'user_groups': ('export_user_groups_new_req', 'ExportUserGroupsNewReq'),
    'group_users': ('export_user_group_users_new_request', 'ExportUserGroupUsersNewRequest'),
    'user_connections': ('export_user_connection_new_request', 'ExportUserConnectionNewRequest'),
    'desktop_usage': ('export_desktop_usage_metric_new_request', 'ExportDesktopUsageMetricNewRequest'),
    'user_usage': ('export_user_usage_metric_new_request', 'ExportUserUsageMetricNewRequest'),
}
SDK_TYPES = {'str': 'str', 'int': 'int', 'bool': 'bool', 'list[str]': 'list'}


def sdk_model(kind):
    module_name, class_name = SDK_MODELS[kind]
    module = pytest.importorskip('huaweicloudsdkworkspace.v2.model.' + module_name)
    return getattr(module, class_name)


@pytest.mark.parametrize('kind', KINDS)
def test_declarations_match_the_sdk_models(kind):
    model = sdk_model(kind)
    operation = OPERATIONS[kind]
    expected = dict((name, SDK_TYPES[kind_name]) for name, kind_name in model.openapi_types.items())
    assert expected.pop('language', None) == ('str' if operation.language else None)
    assert dict((name, parameter.kind) for name, parameter in operation.parameters.items()) == expected


@pytest.mark.parametrize('kind', KINDS)
def test_method_and_path_match_the_sdk_client(kind):
    from huaweicloudsdkworkspace.v2 import workspace_client
    source = inspect.getsource(workspace_client.WorkspaceClient)
    operation = OPERATIONS[kind]
    sdk_name = re.sub(r'(?<!^)(?=[A-Z])', '_', operation.name).lower()
    block = source.split('def _%s_http_info' % sdk_name, 1)[1][:600]
    assert '"method": "%s"' % operation.method in block
    assert '"resource_path": "%s"' % operation.path in block


@pytest.mark.parametrize('kind, parameters, language, expected', [
    ('desktops', {'status': 'ACTIVE', 'user_names': ['a', 'b'], 'without_any_tag': True}, 'en_US',
     {'status': 'ACTIVE', 'user_names': ['a', 'b'], 'without_any_tag': True, 'language': 'en_US'}),
    ('desktops', {'sort_field': 'created', 'sort_type': 'DESC', 'computer_name': None}, None,
     {'sort_field': 'created', 'sort_type': 'DESC'}),
    ('users', {'user_name': 'u' * 20, 'active_type': 'ADMIN_ACTIVATE'}, 'zh_CN',
     {'user_name': 'u' * 20, 'active_type': 'ADMIN_ACTIVATE', 'language': 'zh_CN'}),
    ('group_users', {'group_id': 'g1'}, None, {'group_id': 'g1'}),
    ('user_connections', {'start_time': '2026-11-01T00:00:00Z', 'end_time': '2026-12-01T00:00:00Z'}, None,
     {'start_time': '2026-11-01T00:00:00Z', 'end_time': '2026-12-01T00:00:00Z'}),
    ('desktop_usage', {'min_idle_days': 3, 'max_idle_days': 3, 'start_time': '2026-11-01T00:00:00.000Z'}, None,
     {'min_idle_days': 3, 'max_idle_days': 3, 'start_time': '2026-11-01T00:00:00.000Z'}),
    ('user_usage', {}, None, {}),
])
def test_valid_parameters_pass(kind, parameters, language, expected):
    assert validate_parameters(kind, parameters, language) == expected


@pytest.mark.parametrize('kind, parameters, language, words', [
    ('desktops', {'colour': 'red'}, None, ['Unknown parameter(s) colour', 'kind desktops', 'computer_name', 'status']),
    ('desktops', {'status': 'RUNNING'}, None, ['parameters.status', 'ACTIVE, SHUTOFF, ERROR, HIBERNATED', "'RUNNING'"]),
    ('desktops', {'without_any_tag': 'yes'}, None, ['parameters.without_any_tag', 'a boolean']),
    ('desktops', {'user_names': 'alice'}, None, ['parameters.user_names', 'list']),
    ('desktops', {'user_names': ['u%d' % n for n in range(101)]}, None, ['parameters.user_names', 'at most 100']),
    ('desktops', {'sort_field': 'created'}, None, ['parameters.sort_field', 'parameters.sort_type', 'both']),
    ('desktops', {'charge_mode': 0}, None, ['parameters.charge_mode', 'a string']),
    ('desktops', {'language': 'en_US'}, None, ['language is an option of its own']),
    ('users', {'user_name': 'u' * 21}, None, ['parameters.user_name', '1 to 20 characters']),
    ('users', {'user_name': ''}, None, ['parameters.user_name', '1 to 20 characters']),
    ('users', {'user_name': '7up'}, None, ['parameters.user_name', 'not start with a digit']),
    ('users', {'active_type': 'SELF'}, None, ['parameters.active_type', 'USER_ACTIVATE, ADMIN_ACTIVATE']),
    ('group_users', {}, None, ['parameters.group_id is required', 'group_users']),
    ('user_connections', {'min_e2e_rtt': 1.5}, None, ['parameters.min_e2e_rtt', 'an integer']),
    ('user_connections', {'min_e2e_rtt': True}, None, ['parameters.min_e2e_rtt', 'an integer']),
    ('user_connections', {'min_e2e_rtt': -1}, None, ['parameters.min_e2e_rtt', 'at least 0']),
    ('user_connections', {'min_e2e_rtt': 9, 'max_e2e_rtt': 3}, None, ['parameters.max_e2e_rtt', 'parameters.min_e2e_rtt']),
    ('user_connections', {'start_time': 'yesterday'}, None, ['parameters.start_time', '2026-11-28T09:30:00Z']),
    ('user_connections', {'start_time': '2026-10-01T00:00:00Z', 'end_time': '2026-11-28T00:00:00Z'}, None,
     ['start_time', 'end_time', '30 days']),
    ('user_usage', {'start_time': '2026-11-28T00:00:00Z', 'end_time': '2026-11-27T00:00:00Z'}, None,
     ['parameters.end_time', 'before']),
    ('desktop_usage', {}, 'en_US', ['language does not apply to kind desktop_usage', 'desktops']),
    ('users', {}, 'fr_FR', ['language', 'zh_CN, en_US']),
    ('lamps', {}, None, ['kind must be one of', 'desktops, users']),
])
def test_invalid_parameters_fail_naming_the_key(kind, parameters, language, words):
    with pytest.raises(WorkspaceConfigError) as caught:
        validate_parameters(kind, parameters, language)
    for word in words:
        assert word in str(caught.value)


def test_parameters_must_be_a_dict():
    with pytest.raises(WorkspaceConfigError, match='parameters must be a dictionary'):
        validate_parameters('users', ['user_name'])


def test_task_ids_are_checked_and_deduplicated():
    assert validate_task_ids(['b', 'a', 'b']) == ['b', 'a']
    for bad in ('', 'x' * 65):
        with pytest.raises(WorkspaceConfigError, match='1 to 64 characters'):
            validate_task_ids(['ok', bad])
